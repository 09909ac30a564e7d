//! Application Auto Scaling for ECS services (`ecs:service:DesiredCount`): scalable targets with
//! their min and max, scheduled actions on the virtual clock (`scheduled.rs`), and the scaling
//! activities that say what changed the desired count and why; scaling policies (`policies.rs`)
//! run by CloudWatch alarms (`execute.rs`).

mod execute;
pub mod handlers;
mod policies;
mod scheduled;

use crate::api::application_autoscaling as api;
use crate::error::EcsimError;
use crate::schedule::Schedule;
use crate::sim::World;
use jiff::tz::TimeZone;
use std::collections::BTreeMap;

pub(crate) use execute::{run_policy, Invocation};
pub(crate) use scheduled::fire;

/// The one scalable dimension ecsim simulates.
pub const DESIRED_COUNT: &str = "ecs:service:DesiredCount";

#[derive(Clone)]
pub struct Target {
    pub described: api::ScalableTarget,
    /// Its scheduled actions, by name.
    pub scheduled: BTreeMap<String, ScheduledAction>,
    /// Its scaling policies, by name.
    pub policies: BTreeMap<String, Policy>,
}

#[derive(Clone)]
pub struct Policy {
    pub described: api::ScalingPolicy,
    /// The scale-out cooldown under way: when it started (or was last restarted) and the
    /// capacity before it, the base of the proposals made during it.
    pub scale_out: Option<ScaleOut>,
    /// When this policy last scaled in.
    pub last_scale_in: Option<f64>,
}

#[derive(Clone, Copy)]
pub struct ScaleOut {
    pub at: f64,
    pub base: i32,
}

#[derive(Clone)]
pub struct ScheduledAction {
    pub described: api::ScheduledAction,
    pub schedule: Schedule,
    pub zone: TimeZone,
    /// Bumped when the action changes or goes: older firings on the clock are stale.
    pub generation: u64,
}

/// How long scaling activities are kept: the six weeks DescribeScalingActivities covers.
pub const ACTIVITY_RETENTION: f64 = 6.0 * 7.0 * 86_400.0;

/// The scalable targets by resource id (`service/<cluster>/<service>`), and the activities of the
/// last six weeks, newest last.
#[derive(Clone, Default)]
pub struct ApplicationAutoScalingState {
    pub targets: BTreeMap<String, Target>,
    pub activities: Vec<api::ScalingActivity>,
    /// Scheduled action generations are unique across the state.
    pub generations: u64,
}

pub(crate) fn validation(message: impl Into<String>) -> EcsimError {
    api::Error::ValidationException.with(message)
}

/// Checks that a request names an ECS service's desired count.
pub(crate) fn check_dimension(
    namespace: Option<api::ServiceNamespace>,
    dimension: Option<api::ScalableDimension>,
) -> Result<(), EcsimError> {
    if namespace != Some(api::ServiceNamespace::Ecs) {
        return Err(validation(
            "ecsim simulates Application Auto Scaling for ECS services: ServiceNamespace must be ecs.",
        ));
    }
    match dimension {
        None | Some(api::ScalableDimension::EcsServiceDesiredCount) => Ok(()),
        Some(other) => Err(validation(format!(
            "Unsupported scalable dimension {} for service namespace ecs.",
            other.as_str()
        ))),
    }
}

/// The cluster and service a resource id names (`service/<cluster>/<service>`).
pub(crate) fn ecs_service(resource_id: &str) -> Option<(&str, &str)> {
    let rest = resource_id.strip_prefix("service/")?;
    let (cluster, service) = rest.split_once('/')?;
    (!cluster.is_empty() && !service.is_empty() && !service.contains('/'))
        .then_some((cluster, service))
}

pub(crate) fn not_registered(resource_id: &str) -> EcsimError {
    api::Error::ObjectNotFoundException.with(format!(
        "No scalable target registered for service namespace: ecs, resource ID: {resource_id}, scalable dimension: {DESIRED_COUNT}"
    ))
}

/// Sets the ECS service's desired count within the target's bounds, recording an activity
/// with `cause` when it changes.
pub(crate) fn clamp(world: &mut World, resource_id: &str, cause: &str) {
    let Some(target) = world.application_autoscaling.targets.get(resource_id) else {
        return;
    };
    let (min, max) = (
        target.described.min_capacity.unwrap_or(0),
        target.described.max_capacity.unwrap_or(0),
    );
    let Some((cluster, service)) = ecs_service(resource_id) else {
        return;
    };
    let Some(current) = world
        .ecs
        .services
        .get(&(cluster.to_string(), service.to_string()))
        .map(|s| s.desired_count as i32)
    else {
        return;
    };
    let wanted = current.clamp(min, max.max(min));
    if wanted != current {
        set_desired(world, resource_id, wanted, cause, None);
    }
}

/// Sets the ECS service's desired count through ECS's UpdateService and records the activity
/// with its cause.
pub(crate) fn set_desired(
    world: &mut World,
    resource_id: &str,
    wanted: i32,
    cause: &str,
    details: Option<String>,
) {
    let Some((cluster, service)) = ecs_service(resource_id) else {
        return;
    };
    let request = crate::api::ecs::UpdateServiceRequest {
        cluster: Some(cluster.to_string()),
        service: Some(service.to_string()),
        desired_count: Some(wanted),
        ..Default::default()
    };
    let outcome = crate::sim::ecs::services::actions::apply_update(world, request);
    world.services_changed = true;
    let (status, message) = match outcome {
        Ok(_) => (
            api::ScalingActivityStatusCode::Successful,
            "Successfully set desired count to".to_string(),
        ),
        Err(error) => (api::ScalingActivityStatusCode::Failed, error.message),
    };
    let activity_id = crate::sim::world::random_uuid(&mut world.rng);
    let now = world.now;
    let activities = &mut world.application_autoscaling.activities;
    let expired =
        activities.partition_point(|a| a.start_time.unwrap_or_default() < now - ACTIVITY_RETENTION);
    activities.drain(..expired);
    activities.push(api::ScalingActivity {
        activity_id: Some(activity_id),
        service_namespace: Some(api::ServiceNamespace::Ecs),
        resource_id: Some(resource_id.to_string()),
        scalable_dimension: Some(api::ScalableDimension::EcsServiceDesiredCount),
        description: Some(format!("Setting desired count to {wanted}.")),
        cause: Some(cause.to_string()),
        start_time: Some(now),
        end_time: Some(now),
        status_code: Some(status),
        status_message: Some(if status == api::ScalingActivityStatusCode::Successful {
            format!("{message} {wanted}. Change successfully fulfilled by ecs.")
        } else {
            message
        }),
        details,
        not_scaled_reasons: None,
    });
}

/// Why a clamp to `[min, max]` moves `current`, in AWS's words.
pub(crate) fn clamp_cause(current: i32, min: i32, max: i32) -> Option<String> {
    if current < min {
        Some(format!("minimum capacity was set to {min}"))
    } else if current > max {
        Some(format!("maximum capacity was set to {max}"))
    } else {
        None
    }
}
