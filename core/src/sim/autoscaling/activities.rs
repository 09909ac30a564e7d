//! Scaling activities: one per launch and termination, open until the instance runs or has
//! terminated, each with a cause that tells the whole chain (the request that changed the
//! desired capacity, the difference it made, the instance chosen), in EC2 Auto Scaling's words.

use super::api;
use crate::error::EcsimError;
use crate::sim::paging::Paging;
use crate::sim::World;
use rand_chacha::ChaCha8Rng;
use std::sync::Arc;

/// EC2 Auto Scaling keeps activities for six weeks (DescribeScalingActivities).
const RETENTION_SECONDS: f64 = 6.0 * 7.0 * 86_400.0;

const PAGING: Paging = Paging {
    size_member: "MaxRecords",
    token_member: "NextToken",
    default: 100,
    max: 100,
};

#[derive(Clone, Default)]
pub(super) struct Activities {
    /// Oldest first.
    list: Vec<Record>,
}

#[derive(Clone)]
struct Record {
    instance: Option<Arc<str>>,
    activity: api::Activity,
}

/// An activity as it opens.
pub(super) struct Opened<'a> {
    /// The group's name and ARN.
    pub group: (&'a str, &'a str),
    pub description: String,
    pub cause: String,
    pub instance: Option<Arc<str>>,
    /// EC2 Auto Scaling's Details: a JSON object as text.
    pub details: Option<String>,
}

/// A moment as the causes write it (`2025-01-01T00:00:00Z`).
pub(super) fn at(now: f64) -> String {
    crate::schedule::timestamp(now).to_string()
}

impl Activities {
    /// Opens an activity (InProgress while it has an instance to wait for).
    pub fn record(&mut self, rng: &mut ChaCha8Rng, opened: Opened, now: f64) -> api::Activity {
        let expired = self.list.partition_point(|r| {
            r.activity.start_time.unwrap_or_default() < now - RETENTION_SECONDS
        });
        self.list.drain(..expired);
        let waits = opened.instance.is_some();
        let activity = api::Activity {
            activity_id: Some(crate::sim::world::random_uuid(rng)),
            auto_scaling_group_name: Some(opened.group.0.to_string()),
            auto_scaling_group_arn: Some(opened.group.1.to_string()),
            description: Some(opened.description),
            cause: Some(opened.cause),
            start_time: Some(now),
            end_time: (!waits).then_some(now),
            status_code: Some(if waits {
                api::ScalingActivityStatusCode::InProgress
            } else {
                api::ScalingActivityStatusCode::Successful
            }),
            progress: Some(if waits { 0 } else { 100 }),
            details: Some(opened.details.unwrap_or_else(|| "{}".into())),
            ..Default::default()
        };
        self.list.push(Record {
            instance: opened.instance,
            activity: activity.clone(),
        });
        activity
    }

    /// The instance's open activity is done: it runs (a launch) or has terminated.
    pub fn finish(&mut self, instance_id: &str, now: f64, terminated: bool) {
        let wanted = if terminated {
            "Terminating"
        } else {
            "Launching"
        };
        if let Some(record) = self.list.iter_mut().rev().find(|r| {
            r.instance.as_deref() == Some(instance_id)
                && r.activity.status_code == Some(api::ScalingActivityStatusCode::InProgress)
                && r.activity
                    .description
                    .as_deref()
                    .is_some_and(|d| d.starts_with(wanted))
        }) {
            record.activity.status_code = Some(api::ScalingActivityStatusCode::Successful);
            record.activity.end_time = Some(now);
            record.activity.progress = Some(100);
        }
    }
}

pub fn describe_scaling_activities(
    world: &mut World,
    request: api::DescribeScalingActivitiesType,
) -> Result<api::ActivitiesType, EcsimError> {
    let ids = request.activity_ids.unwrap_or_default();
    let group = request.auto_scaling_group_name.as_deref();
    let include_deleted = request.include_deleted_groups == Some(true);
    let groups = &world.autoscaling.groups;
    let listed: Vec<api::Activity> = world
        .autoscaling
        .activities
        .list
        .iter()
        .rev()
        .map(|r| &r.activity)
        .filter(|a| group.is_none_or(|g| a.auto_scaling_group_name.as_deref() == Some(g)))
        .filter(|a| {
            let name = a.auto_scaling_group_name.as_deref().unwrap_or_default();
            include_deleted || groups.contains_key(name)
        })
        .filter(|a| ids.is_empty() || a.activity_id.as_ref().is_some_and(|id| ids.contains(id)))
        .cloned()
        .collect();
    let (activities, next_token) = PAGING.page(
        listed,
        request.max_records,
        request.next_token.as_deref(),
        super::validation,
    )?;
    Ok(api::ActivitiesType {
        activities: Some(activities),
        next_token,
    })
}
