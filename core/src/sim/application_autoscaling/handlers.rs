//! One function per Application Auto Scaling action, as the registry calls them.

use super::scheduled::{self, schedule_next};
use super::{check_dimension, clamp, clamp_cause, ecs_service, not_registered, validation, Target};
use crate::api::application_autoscaling as api;
use crate::error::EcsimError;
use crate::sim::World;
use std::collections::BTreeMap;

pub use super::policies::{delete_scaling_policy, describe_scaling_policies, put_scaling_policy};

pub(super) fn page<T>(
    items: Vec<T>,
    max_results: Option<i32>,
    next_token: Option<&str>,
) -> Result<(Vec<T>, Option<String>), EcsimError> {
    crate::sim::paging::APPLICATION_AUTOSCALING.page(items, max_results, next_token, |m| {
        api::Error::InvalidNextTokenException.with(m)
    })
}

pub fn register_scalable_target(
    world: &mut World,
    request: api::RegisterScalableTargetRequest,
) -> Result<api::RegisterScalableTargetResponse, EcsimError> {
    check_dimension(request.service_namespace, request.scalable_dimension)?;
    let resource_id = request.resource_id.clone().unwrap_or_default();
    let (cluster, service) = ecs_service(&resource_id).ok_or_else(|| {
        validation(format!(
            "Unsupported resource ID {resource_id}: an ECS service is service/<cluster>/<service>."
        ))
    })?;
    let active = world
        .ecs
        .services
        .get(&(cluster.to_string(), service.to_string()))
        .is_some_and(|s| s.status == crate::sim::ecs::services::ServiceStatus::Active);
    if !active {
        return Err(validation(format!(
            "ECS service doesn't exist: {resource_id}"
        )));
    }
    let existing = world.application_autoscaling.targets.get(&resource_id);
    let min = request
        .min_capacity
        .or_else(|| existing.and_then(|t| t.described.min_capacity));
    let max = request
        .max_capacity
        .or_else(|| existing.and_then(|t| t.described.max_capacity));
    let (Some(min), Some(max)) = (min, max) else {
        return Err(validation(
            "MinCapacity and MaxCapacity are required to register a new scalable target.",
        ));
    };
    if min > max {
        return Err(validation(format!(
            "Minimum capacity ({min}) cannot be greater than maximum capacity ({max})."
        )));
    }
    let arn = match existing.and_then(|t| t.described.scalable_target_arn.clone()) {
        Some(arn) => arn,
        None => {
            let id = world.random_hex(36);
            world.arn("application-autoscaling", &format!("scalable-target/{id}"))
        }
    };
    let now = world.now;
    let target = world
        .application_autoscaling
        .targets
        .entry(resource_id.clone())
        .or_insert_with(|| Target {
            described: api::ScalableTarget {
                service_namespace: Some(api::ServiceNamespace::Ecs),
                resource_id: Some(resource_id.clone()),
                scalable_dimension: Some(api::ScalableDimension::EcsServiceDesiredCount),
                creation_time: Some(now),
                role_arn: Some(format!(
                    "arn:aws:iam::{}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService",
                    world.config.account_id
                )),
                ..Default::default()
            },
            scheduled: BTreeMap::new(),
            policies: BTreeMap::new(),
        });
    let described = &mut target.described;
    described.min_capacity = Some(min);
    described.max_capacity = Some(max);
    described.scalable_target_arn = Some(arn.clone());
    if let Some(state) = request.suspended_state {
        described.suspended_state = Some(state);
    }
    let current = world
        .ecs
        .services
        .get(&(cluster.to_string(), service.to_string()))
        .map_or(0, |s| s.desired_count as i32);
    if let Some(cause) = clamp_cause(current, min, max) {
        clamp(world, &resource_id, &cause);
    }
    Ok(api::RegisterScalableTargetResponse {
        scalable_target_arn: Some(arn),
    })
}

pub fn deregister_scalable_target(
    world: &mut World,
    request: api::DeregisterScalableTargetRequest,
) -> Result<api::DeregisterScalableTargetResponse, EcsimError> {
    check_dimension(request.service_namespace, request.scalable_dimension)?;
    let resource_id = request.resource_id.unwrap_or_default();
    // Its scheduled actions and policies go with it; their firings on the clock find nothing,
    // and the alarms of its target tracking policies are deleted.
    let target = world
        .application_autoscaling
        .targets
        .remove(&resource_id)
        .ok_or_else(|| not_registered(&resource_id))?;
    for policy in target.policies.values() {
        super::policies::delete_alarms(world, policy);
    }
    Ok(api::DeregisterScalableTargetResponse {})
}

pub fn describe_scalable_targets(
    world: &mut World,
    request: api::DescribeScalableTargetsRequest,
) -> Result<api::DescribeScalableTargetsResponse, EcsimError> {
    check_dimension(request.service_namespace, request.scalable_dimension)?;
    let wanted = request.resource_ids.unwrap_or_default();
    let targets: Vec<api::ScalableTarget> = world
        .application_autoscaling
        .targets
        .iter()
        .filter(|(id, _)| wanted.is_empty() || wanted.contains(id))
        .map(|(_, t)| t.described.clone())
        .collect();
    let (scalable_targets, next_token) =
        page(targets, request.max_results, request.next_token.as_deref())?;
    Ok(api::DescribeScalableTargetsResponse {
        scalable_targets: Some(scalable_targets),
        next_token,
    })
}

pub fn put_scheduled_action(
    world: &mut World,
    request: api::PutScheduledActionRequest,
) -> Result<api::PutScheduledActionResponse, EcsimError> {
    check_dimension(request.service_namespace, request.scalable_dimension)?;
    let resource_id = request.resource_id.clone().unwrap_or_default();
    let name = request.scheduled_action_name.clone().unwrap_or_default();
    let target = world
        .application_autoscaling
        .targets
        .get(&resource_id)
        .ok_or_else(|| not_registered(&resource_id))?;
    let bounds = request.scalable_target_action.clone().unwrap_or_default();
    if let (Some(min), Some(max)) = (bounds.min_capacity, bounds.max_capacity) {
        if min > max {
            return Err(validation(format!(
                "Minimum capacity ({min}) cannot be greater than maximum capacity ({max})."
            )));
        }
    }
    let replaced_arn = target
        .scheduled
        .get(&name)
        .and_then(|a| a.described.scheduled_action_arn.clone());
    let mut action = scheduled::build(world, &request)?;
    action.described.scheduled_action_arn = Some(match replaced_arn {
        Some(arn) => arn,
        None => scheduled::arn(world, &resource_id, &name),
    });
    if let Some(target) = world.application_autoscaling.targets.get_mut(&resource_id) {
        target.scheduled.insert(name.clone(), action);
    }
    schedule_next(world, &resource_id, &name);
    Ok(api::PutScheduledActionResponse {})
}

pub fn describe_scheduled_actions(
    world: &mut World,
    request: api::DescribeScheduledActionsRequest,
) -> Result<api::DescribeScheduledActionsResponse, EcsimError> {
    check_dimension(request.service_namespace, request.scalable_dimension)?;
    let names = request.scheduled_action_names.unwrap_or_default();
    let actions: Vec<api::ScheduledAction> = world
        .application_autoscaling
        .targets
        .iter()
        .filter(|(id, _)| {
            request
                .resource_id
                .as_ref()
                .is_none_or(|wanted| wanted == *id)
        })
        .flat_map(|(_, t)| t.scheduled.values())
        .filter(|a| {
            names.is_empty()
                || a.described
                    .scheduled_action_name
                    .as_ref()
                    .is_some_and(|n| names.contains(n))
        })
        .map(|a| a.described.clone())
        .collect();
    let (scheduled_actions, next_token) =
        page(actions, request.max_results, request.next_token.as_deref())?;
    Ok(api::DescribeScheduledActionsResponse {
        scheduled_actions: Some(scheduled_actions),
        next_token,
    })
}

pub fn delete_scheduled_action(
    world: &mut World,
    request: api::DeleteScheduledActionRequest,
) -> Result<api::DeleteScheduledActionResponse, EcsimError> {
    check_dimension(request.service_namespace, request.scalable_dimension)?;
    let resource_id = request.resource_id.unwrap_or_default();
    let name = request.scheduled_action_name.unwrap_or_default();
    let removed = world
        .application_autoscaling
        .targets
        .get_mut(&resource_id)
        .and_then(|t| t.scheduled.remove(&name));
    if removed.is_none() {
        return Err(api::Error::ObjectNotFoundException.with(format!(
            "No scheduled action found for service namespace: ecs, resource ID: {resource_id}, scalable dimension: {}, scheduled action name: {name}",
            super::DESIRED_COUNT
        )));
    }
    Ok(api::DeleteScheduledActionResponse {})
}

pub fn describe_scaling_activities(
    world: &mut World,
    request: api::DescribeScalingActivitiesRequest,
) -> Result<api::DescribeScalingActivitiesResponse, EcsimError> {
    check_dimension(request.service_namespace, request.scalable_dimension)?;
    let activities: Vec<api::ScalingActivity> = world
        .application_autoscaling
        .activities
        .iter()
        .rev()
        .filter(|a| a.start_time.unwrap_or_default() >= world.now - super::ACTIVITY_RETENTION)
        .filter(|a| request.resource_id.is_none() || a.resource_id == request.resource_id)
        .cloned()
        .collect();
    let (scaling_activities, next_token) = page(
        activities,
        request.max_results,
        request.next_token.as_deref(),
    )?;
    Ok(api::DescribeScalingActivitiesResponse {
        scaling_activities: Some(scaling_activities),
        next_token,
    })
}
