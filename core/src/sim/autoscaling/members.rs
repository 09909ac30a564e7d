//! SetDesiredCapacity, SetInstanceProtection and TerminateInstanceInAutoScalingGroup: what a
//! person (or ECS's managed scaling) does to a group's size and its instances.

use super::activities::{at, Opened};
use super::{api, capacity, group_not_found, validation, Lifecycle};
use crate::error::EcsimError;
use crate::sim::request::Empty;
use crate::sim::World;
use std::sync::Arc;

pub fn set_desired_capacity(
    world: &mut World,
    request: api::SetDesiredCapacityType,
) -> Result<Empty, EcsimError> {
    let name = request.auto_scaling_group_name.unwrap_or_default();
    let desired = request.desired_capacity.unwrap_or_default();
    let now = world.now;
    let group = world
        .autoscaling
        .groups
        .get_mut(&name)
        .filter(|g| !g.deleting)
        .ok_or_else(|| group_not_found(&name))?;
    if desired > group.max {
        return Err(validation(format!(
            "New SetDesiredCapacity value {desired} is above max value {} for the AutoScalingGroup.",
            group.max
        )));
    }
    if desired < group.min {
        return Err(validation(format!(
            "New SetDesiredCapacity value {desired} is below min value {} for the AutoScalingGroup.",
            group.min
        )));
    }
    if desired != group.desired {
        group.cause = Some(format!(
            "At {} a user request explicitly set group desired capacity changing the desired capacity from {} to {desired}.",
            at(now),
            group.desired
        ));
        group.desired = desired;
    }
    capacity::reconcile(world, &name);
    Ok(Empty {})
}

/// A scaling policy's change of the desired capacity (within the group's bounds), with the
/// activity cause that names the alarm and the policy.
pub(crate) fn set_desired_by_policy(world: &mut World, name: &str, desired: i32, cause: &str) {
    let Some(group) = world
        .autoscaling
        .groups
        .get_mut(name)
        .filter(|g| !g.deleting)
    else {
        return;
    };
    let desired = desired.clamp(group.min, group.max);
    if desired == group.desired {
        return;
    }
    group.cause = Some(format!(
        "{cause} changing the desired capacity from {} to {desired}.",
        group.desired
    ));
    group.desired = desired;
    capacity::reconcile(world, name);
}

pub fn set_instance_protection(
    world: &mut World,
    request: api::SetInstanceProtectionQuery,
) -> Result<Empty, EcsimError> {
    let name = request.auto_scaling_group_name.unwrap_or_default();
    let ids = request.instance_ids.unwrap_or_default();
    let protect = request.protected_from_scale_in.unwrap_or(false);
    let group = world
        .autoscaling
        .groups
        .get_mut(&name)
        .ok_or_else(|| group_not_found(&name))?;
    if let Some(missing) = ids
        .iter()
        .find(|id| !group.members.iter().any(|m| &*m.id == id.as_str()))
    {
        return Err(validation(format!(
            "The instance {missing} is not part of Auto Scaling group {name}."
        )));
    }
    for member in group
        .members
        .iter_mut()
        .filter(|m| ids.iter().any(|id| id == &*m.id))
    {
        member.protected = protect;
    }
    Ok(Empty {})
}

pub fn terminate_instance_in_auto_scaling_group(
    world: &mut World,
    request: api::TerminateInstanceInAutoScalingGroupType,
) -> Result<api::ActivityType, EcsimError> {
    let id = request.instance_id.unwrap_or_default();
    let decrement = request.should_decrement_desired_capacity.unwrap_or(false);
    let not_found = || {
        validation(format!(
            "Instance Id not found - No managed instance found for instance ID: {id}"
        ))
    };
    let name = super::group_of(world, &id).ok_or_else(not_found)?;
    let now = world.now;
    let group = world
        .autoscaling
        .groups
        .get_mut(&name)
        .ok_or_else(not_found)?;
    let member = group
        .members
        .iter()
        .find(|m| &*m.id == id.as_str())
        .ok_or_else(not_found)?;
    let weight = member.weight;
    let zone = Arc::clone(&member.zone);
    let instance: Arc<str> = Arc::clone(&member.id);
    if member.lifecycle == Lifecycle::Terminating {
        return Err(validation(format!(
            "The instance {id} is already terminating."
        )));
    }
    let capacity = group.capacity();
    let cause = if decrement {
        if group.desired - weight < group.min {
            return Err(validation(format!(
                "Currently, desiredSize equals minSize ({}). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.",
                group.min
            )));
        }
        group.desired -= weight;
        format!(
            "At {} instance {id} was taken out of service in response to a user request, shrinking the capacity from {capacity} to {}.",
            at(now),
            group.desired
        )
    } else {
        format!(
            "At {} instance {id} was taken out of service in response to a user request.",
            at(now)
        )
    };
    if let Some(member) = group.member_mut(&id) {
        member.lifecycle = Lifecycle::Terminating;
    }
    let arn = group.arn.clone();
    let subnet_id = world
        .ec2
        .instances
        .get(&id)
        .map(|i| i.subnet.subnet_id.clone())
        .unwrap_or_default();
    let activity = world.autoscaling.activities.record(
        &mut world.rng,
        Opened {
            group: (&name, &arn),
            description: format!("Terminating EC2 instance: {id}"),
            cause,
            instance: Some(Arc::clone(&instance)),
            details: Some(capacity::details(&subnet_id, &zone)),
        },
        now,
    );
    super::draining::terminate_member(world, &name, instance);
    // Without the decrement, the group launches a replacement.
    capacity::reconcile(world, &name);
    Ok(api::ActivityType {
        activity: Some(activity),
        activities: None,
    })
}
