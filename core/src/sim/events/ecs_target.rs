//! What an EventBridge target with `EcsParameters` asks of ECS: EventBridge's members, converted
//! to ECS's RunTask request type by type (the two models spell the same members alike), with no
//! JSON in between.

use crate::api::ecs;
use crate::api::events as api;
use crate::error::EcsimError;

/// The RunTask request an ECS target makes: EventBridge's members, converted to ECS's types.
pub(super) fn run_task_request(
    rule: &str,
    target: &api::Target,
) -> Result<ecs::RunTaskRequest, EcsimError> {
    let parameters = target.ecs_parameters.clone().unwrap_or_default();
    let network_configuration = parameters
        .network_configuration
        .and_then(|n| n.awsvpc_configuration)
        .map(|vpc| {
            Ok::<_, EcsimError>(ecs::NetworkConfiguration {
                awsvpc_configuration: Some(ecs::AwsVpcConfiguration {
                    subnets: vpc.subnets,
                    security_groups: vpc.security_groups,
                    assign_public_ip: vpc
                        .assign_public_ip
                        .map(|v| same_enum(v.as_str(), ecs::AssignPublicIp::from_name))
                        .transpose()?,
                }),
            })
        })
        .transpose()?;
    let tags = parameters.tags.map(|tags| {
        tags.into_iter()
            .map(|tag| ecs::Tag {
                key: tag.key,
                value: tag.value,
            })
            .collect()
    });
    let capacity_provider_strategy = parameters.capacity_provider_strategy.map(|items| {
        items
            .into_iter()
            .map(|item| ecs::CapacityProviderStrategyItem {
                capacity_provider: item.capacity_provider,
                weight: item.weight,
                base: item.base,
            })
            .collect()
    });
    let placement_constraints = parameters
        .placement_constraints
        .map(|constraints| {
            constraints
                .into_iter()
                .map(|c| {
                    Ok(ecs::PlacementConstraint {
                        r#type: c
                            .r#type
                            .map(|t| same_enum(t.as_str(), ecs::PlacementConstraintType::from_name))
                            .transpose()?,
                        expression: c.expression,
                    })
                })
                .collect::<Result<Vec<_>, EcsimError>>()
        })
        .transpose()?;
    let placement_strategy = parameters
        .placement_strategy
        .map(|strategies| {
            strategies
                .into_iter()
                .map(|s| {
                    Ok(ecs::PlacementStrategy {
                        r#type: s
                            .r#type
                            .map(|t| same_enum(t.as_str(), ecs::PlacementStrategyType::from_name))
                            .transpose()?,
                        field: s.field,
                    })
                })
                .collect::<Result<Vec<_>, EcsimError>>()
        })
        .transpose()?;
    Ok(ecs::RunTaskRequest {
        cluster: target.arn.clone(),
        task_definition: parameters.task_definition_arn,
        count: Some(parameters.task_count.unwrap_or(1)),
        started_by: Some(format!("events-rule/{rule}")),
        launch_type: parameters
            .launch_type
            .map(|t| same_enum(t.as_str(), ecs::LaunchType::from_name))
            .transpose()?,
        capacity_provider_strategy,
        platform_version: parameters.platform_version,
        group: parameters.group,
        placement_constraints,
        placement_strategy,
        network_configuration,
        propagate_tags: parameters
            .propagate_tags
            .map(|t| same_enum(t.as_str(), ecs::PropagateTags::from_name))
            .transpose()?,
        reference_id: parameters.reference_id,
        enable_ecs_managed_tags: parameters.enable_ecs_managed_tags,
        enable_execute_command: parameters.enable_execute_command,
        tags,
        ..ecs::RunTaskRequest::default()
    })
}

/// An EventBridge enum value as ECS's enum of the same values.
fn same_enum<T>(value: &str, from_name: fn(&str) -> Option<T>) -> Result<T, EcsimError> {
    from_name(value).ok_or_else(|| {
        ecs::Error::InvalidParameterException
            .with(format!("EcsParameters: ECS has no value '{value}'."))
    })
}
