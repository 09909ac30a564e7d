//! Scheduled actions: at each firing the target's min and/or max become the action's, and the
//! desired count is brought within them. They ignore cooldowns, stop after their EndTime and do
//! not revert anything then (documented).

use super::{clamp, clamp_cause, ScheduledAction};
use crate::api::application_autoscaling as api;
use crate::schedule::timestamp;
use crate::sim::clock::Event;
use crate::sim::World;

/// Puts the action's next firing on the clock: the first fire time after now (and not before
/// its StartTime; none after its EndTime).
pub(crate) fn schedule_next(world: &mut World, resource_id: &str, name: &str) {
    let now = world.now;
    world.application_autoscaling.generations += 1;
    let generation = world.application_autoscaling.generations;
    let Some(action) = world
        .application_autoscaling
        .targets
        .get_mut(resource_id)
        .and_then(|t| t.scheduled.get_mut(name))
    else {
        return;
    };
    action.generation = generation;
    let start = action
        .described
        .start_time
        .unwrap_or(action.described.creation_time.unwrap_or(now));
    // The firing may be at the start time itself.
    let after = timestamp(now.max(start - 1.0));
    let Some(next) = action
        .schedule
        .next_after(after, timestamp(start), &action.zone)
    else {
        return;
    };
    let at = next.as_second() as f64;
    if action.described.end_time.is_some_and(|end| at > end) {
        return;
    }
    world.clock.schedule(
        at,
        Event::ScheduledActionFires {
            resource_id: resource_id.to_string(),
            name: name.to_string(),
            generation,
        },
    );
}

/// The action fires (unless it changed since): new bounds, the desired count within them, the
/// next firing.
pub(crate) fn fire(world: &mut World, resource_id: &str, name: &str, generation: u64) {
    let Some(target) = world.application_autoscaling.targets.get_mut(resource_id) else {
        return;
    };
    let Some(action) = target
        .scheduled
        .get(name)
        .filter(|a| a.generation == generation)
    else {
        return;
    };
    let suspended = target
        .described
        .suspended_state
        .as_ref()
        .and_then(|s| s.scheduled_scaling_suspended)
        == Some(true);
    if !suspended {
        let bounds = action
            .described
            .scalable_target_action
            .clone()
            .unwrap_or_default();
        let described = &mut target.described;
        if let Some(min) = bounds.min_capacity {
            described.min_capacity = Some(min);
        }
        if let Some(max) = bounds.max_capacity {
            described.max_capacity = Some(max);
        }
        let (min, max) = (
            described.min_capacity.unwrap_or(0),
            described.max_capacity.unwrap_or(0),
        );
        let current = super::ecs_service(resource_id)
            .and_then(|(c, s)| world.ecs.services.get(&(c.to_string(), s.to_string())))
            .map_or(0, |s| s.desired_count as i32);
        if let Some(cause) = clamp_cause(current, min, max) {
            clamp(world, resource_id, &cause);
        }
    }
    schedule_next(world, resource_id, name);
}

/// A new or replaced scheduled action, checked (its ARN is the caller's to give).
pub(crate) fn build(
    world: &World,
    request: &api::PutScheduledActionRequest,
) -> Result<ScheduledAction, crate::error::EcsimError> {
    let expression = request.schedule.as_deref().unwrap_or_default();
    let schedule = crate::schedule::Schedule::parse(expression).map_err(super::validation)?;
    let name = request.timezone.as_deref().unwrap_or("UTC");
    let zone = crate::schedule::zones::time_zone(name)
        .ok_or_else(|| super::validation(format!("Invalid timezone: {name}")))?;
    if let (Some(start), Some(end)) = (request.start_time, request.end_time) {
        if end < start {
            return Err(super::validation(
                "The end time must be after the start time.",
            ));
        }
    }
    let resource_id = request.resource_id.clone().unwrap_or_default();
    let action_name = request.scheduled_action_name.clone().unwrap_or_default();
    Ok(ScheduledAction {
        described: api::ScheduledAction {
            scheduled_action_name: Some(action_name),
            scheduled_action_arn: None,
            service_namespace: Some(api::ServiceNamespace::Ecs),
            schedule: Some(expression.to_string()),
            timezone: request.timezone.clone(),
            resource_id: Some(resource_id),
            scalable_dimension: Some(api::ScalableDimension::EcsServiceDesiredCount),
            start_time: request.start_time,
            end_time: request.end_time,
            scalable_target_action: request.scalable_target_action.clone(),
            creation_time: Some(world.now),
        },
        schedule,
        zone,
        generation: 0,
    })
}

/// A scheduled action's ARN (an id of its own, then its resource and name, as AWS writes it).
pub(crate) fn arn(world: &mut World, resource_id: &str, name: &str) -> String {
    let id = crate::sim::world::random_uuid(&mut world.rng);
    world.arn(
        "autoscaling",
        &format!("scheduledAction:{id}:resource/ecs/{resource_id}:scheduledActionName/{name}"),
    )
}
