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
                    assign_public_ip: same_enum(
                        vpc.assign_public_ip.map(|v| v.as_str()),
                        ecs::AssignPublicIp::from_name,
                    )?,
                }),
            })
        })
        .transpose()?;
    Ok(ecs::RunTaskRequest {
        cluster: target.arn.clone(),
        task_definition: parameters.task_definition_arn,
        count: Some(parameters.task_count.unwrap_or(1)),
        started_by: Some(format!("events-rule/{rule}")),
        launch_type: same_enum(
            parameters.launch_type.map(|t| t.as_str()),
            ecs::LaunchType::from_name,
        )?,
        capacity_provider_strategy: each(parameters.capacity_provider_strategy, |item| {
            Ok(ecs::CapacityProviderStrategyItem {
                capacity_provider: item.capacity_provider,
                weight: item.weight,
                base: item.base,
            })
        })?,
        platform_version: parameters.platform_version,
        group: parameters.group,
        placement_constraints: each(parameters.placement_constraints, |c| {
            Ok(ecs::PlacementConstraint {
                r#type: same_enum(
                    c.r#type.map(|t| t.as_str()),
                    ecs::PlacementConstraintType::from_name,
                )?,
                expression: c.expression,
            })
        })?,
        placement_strategy: each(parameters.placement_strategy, |s| {
            Ok(ecs::PlacementStrategy {
                r#type: same_enum(
                    s.r#type.map(|t| t.as_str()),
                    ecs::PlacementStrategyType::from_name,
                )?,
                field: s.field,
            })
        })?,
        network_configuration,
        propagate_tags: same_enum(
            parameters.propagate_tags.map(|t| t.as_str()),
            ecs::PropagateTags::from_name,
        )?,
        reference_id: parameters.reference_id,
        enable_ecs_managed_tags: parameters.enable_ecs_managed_tags,
        enable_execute_command: parameters.enable_execute_command,
        tags: each(parameters.tags, |tag| {
            Ok(ecs::Tag {
                key: tag.key,
                value: tag.value,
            })
        })?,
        ..ecs::RunTaskRequest::default()
    })
}

/// Each item of an optional list, converted.
fn each<T, U>(
    items: Option<Vec<T>>,
    convert: impl Fn(T) -> Result<U, EcsimError>,
) -> Result<Option<Vec<U>>, EcsimError> {
    items
        .map(|items| items.into_iter().map(convert).collect())
        .transpose()
}

/// An EventBridge enum value as ECS's enum of the same values.
fn same_enum<T>(
    value: Option<&str>,
    from_name: fn(&str) -> Option<T>,
) -> Result<Option<T>, EcsimError> {
    value
        .map(|value| {
            from_name(value).ok_or_else(|| {
                ecs::Error::InvalidParameterException
                    .with(format!("EcsParameters: ECS has no value '{value}'."))
            })
        })
        .transpose()
}
