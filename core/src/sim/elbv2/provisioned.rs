//! What ECS makes in ELB for Express services and gateways, through ELB's own actions: each
//! helper makes one resource and answers its ARN.

use super::balancers::{create_listener, create_load_balancer, create_rule, tuples};
use crate::api::elbv2 as api;
use crate::error::EcsimError;
use crate::sim::World;

/// A target group; its ARN.
pub(crate) fn new_target_group(
    world: &mut World,
    input: api::CreateTargetGroupInput,
) -> Result<String, EcsimError> {
    let created = super::create_target_group(world, input)?;
    Ok((created.target_groups.into_iter().flatten().next())
        .and_then(|g| g.target_group_arn)
        .unwrap_or_default())
}

/// A load balancer; its ARN.
pub(crate) fn new_load_balancer(
    world: &mut World,
    input: api::CreateLoadBalancerInput,
) -> Result<String, EcsimError> {
    let created = create_load_balancer(world, input)?;
    Ok((created.load_balancers.into_iter().flatten().next())
        .and_then(|b| b.load_balancer_arn)
        .unwrap_or_default())
}

/// An HTTPS listener on 443 with `certificate_arn`, answering 404 to what no rule takes; its ARN.
pub(crate) fn https_listener(
    world: &mut World,
    load_balancer_arn: &str,
    certificate_arn: &str,
) -> Result<String, EcsimError> {
    let created = create_listener(
        world,
        api::CreateListenerInput {
            load_balancer_arn: Some(load_balancer_arn.to_string()),
            protocol: Some(api::ProtocolEnum::Https),
            port: Some(443),
            certificates: Some(vec![api::Certificate {
                certificate_arn: Some(certificate_arn.to_string()),
                is_default: None,
            }]),
            default_actions: Some(vec![api::Action {
                r#type: Some(api::ActionTypeEnum::FixedResponse),
                fixed_response_config: Some(api::FixedResponseActionConfig {
                    status_code: Some("404".into()),
                    ..Default::default()
                }),
                ..Default::default()
            }]),
            ..Default::default()
        },
    )?;
    Ok((created.listeners.into_iter().flatten().next())
        .and_then(|l| l.listener_arn)
        .unwrap_or_default())
}

/// A condition on `field` (`host-header`, `path-pattern`, …) with these values.
pub(crate) fn condition(field: &str, values: Vec<String>) -> api::RuleCondition {
    api::RuleCondition {
        field: Some(field.into()),
        values: Some(values),
        ..Default::default()
    }
}

/// A rule at the listener's lowest free priority forwarding, under `conditions`, all traffic to
/// the first of `groups` (the others at weight 0, for a shift to move); its ARN.
pub(crate) fn forwarding_rule(
    world: &mut World,
    listener: &str,
    conditions: Vec<api::RuleCondition>,
    groups: &[&str],
) -> Result<String, EcsimError> {
    let taken: Vec<String> = (world.elbv2.rules.values())
        .filter(|r| r.listener_arn == listener)
        .filter_map(|r| r.described.priority.clone())
        .collect();
    let priority = (1..)
        .find(|p: &i32| !taken.contains(&p.to_string()))
        .unwrap_or(1);
    let weights: Vec<(&str, i32)> = (groups.iter().enumerate())
        .map(|(i, arn)| (*arn, if i == 0 { 100 } else { 0 }))
        .collect();
    let created = create_rule(
        world,
        api::CreateRuleInput {
            listener_arn: Some(listener.to_string()),
            priority: Some(priority),
            conditions: Some(conditions),
            actions: Some(vec![api::Action {
                r#type: Some(api::ActionTypeEnum::Forward),
                forward_config: Some(api::ForwardActionConfig {
                    target_groups: Some(tuples(&weights)),
                    target_group_stickiness_config: None,
                }),
                ..Default::default()
            }]),
            ..Default::default()
        },
    )?;
    Ok((created.rules.into_iter().flatten().next())
        .and_then(|r| r.rule_arn)
        .unwrap_or_default())
}
