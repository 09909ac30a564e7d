//! The two alarms a target tracking policy creates, for Application Auto Scaling and EC2 Auto
//! Scaling alike: `TargetTracking-<resource>-AlarmHigh-<uuid>` above the target and
//! `…-AlarmLow-<uuid>` below its low threshold, each invoking the policy.

use crate::api::cloudwatch as api;
use crate::sim::World;

/// How a policy's alarms judge its metric.
pub(crate) struct TrackingAlarms {
    /// The metric members of the alarms' PutMetricAlarm (a metric, or metric math).
    pub watched: api::PutMetricAlarmInput,
    pub target: f64,
    pub high_datapoints: i32,
    /// None when the policy does not scale in.
    pub low: Option<(i32, f64)>,
    /// What the alarms' description names the policy by.
    pub policy_named: String,
}

/// An alarm the policy created: (name, ARN).
pub(crate) type Created = (String, String);

/// Puts the policy's alarms (checked by the caller: CloudWatch accepts them), named after
/// `resource` and invoking `policy_arn`.
pub(crate) fn put_tracking_alarms(
    world: &mut World,
    resource: &str,
    policy_arn: &str,
    alarms: &TrackingAlarms,
) -> Vec<Created> {
    let alarm = |datapoints: i32, threshold: f64, operator: api::ComparisonOperator| {
        api::PutMetricAlarmInput {
            evaluation_periods: Some(datapoints),
            datapoints_to_alarm: Some(datapoints),
            threshold: Some(threshold),
            comparison_operator: Some(operator),
            alarm_description: Some(format!(
                "DO NOT EDIT OR DELETE. For TargetTrackingScaling policy {}.",
                alarms.policy_named
            )),
            alarm_actions: Some(vec![policy_arn.to_string()]),
            ..alarms.watched.clone()
        }
    };
    let mut wanted = vec![(
        "AlarmHigh",
        alarm(
            alarms.high_datapoints,
            alarms.target,
            api::ComparisonOperator::GreaterThanThreshold,
        ),
    )];
    if let Some((datapoints, threshold)) = alarms.low {
        wanted.push((
            "AlarmLow",
            alarm(
                datapoints,
                threshold,
                api::ComparisonOperator::LessThanThreshold,
            ),
        ));
    }
    let mut created = Vec::new();
    for (suffix, mut request) in wanted {
        let name = format!(
            "TargetTracking-{resource}-{suffix}-{}",
            crate::sim::world::random_uuid(&mut world.rng)
        );
        request.alarm_name = Some(name.clone());
        let _ = super::handlers::put_metric_alarm(world, request);
        created.push((
            name.clone(),
            world.arn("cloudwatch", &format!("alarm:{name}")),
        ));
    }
    created
}
