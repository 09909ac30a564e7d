//! Elastic Load Balancing v2, as far as ECS services need it: target groups with their health
//! check settings and deregistration delay. ECS registers a service's tasks as targets when they
//! are RUNNING and deregisters them when they are asked to stop (they drain for the delay);
//! DescribeTargetHealth shows them. Targets are only the ECS services' tasks (RegisterTargets is
//! not offered). Load balancers, listeners and rules (`balancers.rs`) forward to weighted target
//! groups, which blue/green, linear and canary deployments shift; a target group needs none.

mod balancers;
mod provisioned;

pub(crate) use provisioned::{
    condition, forwarding_rule, https_listener, new_load_balancer, new_target_group,
};

use crate::api::elbv2 as api;
use crate::cluster::health::Periodic;
use crate::error::EcsimError;
use crate::sim::World;
use std::collections::BTreeMap;

const DEREGISTRATION_DELAY: &str = "deregistration_delay.timeout_seconds";

#[derive(Clone)]
pub struct TargetGroup {
    /// As DescribeTargetGroups shows it, the defaults filled in.
    pub described: api::TargetGroup,
    /// Its attributes (ModifyTargetGroupAttributes), with ELB's defaults.
    pub attributes: BTreeMap<String, String>,
}

impl TargetGroup {
    /// Seconds a deregistered target drains before it is gone.
    pub fn deregistration_delay(&self) -> f64 {
        self.attributes
            .get(DEREGISTRATION_DELAY)
            .and_then(|v| v.parse().ok())
            .unwrap_or(300.0)
    }

    /// Its health checks as a periodic check of a registered target.
    pub fn checks(&self) -> Periodic {
        let group = &self.described;
        Periodic {
            interval: f64::from(group.health_check_interval_seconds.unwrap_or(30)),
            to_healthy: group.healthy_threshold_count.unwrap_or(5) as u32,
            to_unhealthy: group.unhealthy_threshold_count.unwrap_or(2) as u32,
            ignored_until: 0.0,
        }
    }

    pub fn ip_targets(&self) -> bool {
        self.described.target_type == Some(api::TargetTypeEnum::Ip)
    }
}

/// The target groups, load balancers, listeners and rules, by ARN.
#[derive(Clone, Default)]
pub struct Elbv2State {
    pub target_groups: BTreeMap<String, TargetGroup>,
    pub load_balancers: BTreeMap<String, api::LoadBalancer>,
    pub listeners: BTreeMap<String, api::Listener>,
    /// Every listener's rules, its default one included.
    pub rules: BTreeMap<String, balancers::Rule>,
}

fn group_not_found(arn: &str) -> EcsimError {
    api::Error::TargetGroupNotFoundException.with(format!("Target groups '{arn}' not found"))
}

impl Elbv2State {
    pub fn group(&self, arn: &str) -> Result<&TargetGroup, EcsimError> {
        self.target_groups
            .get(arn)
            .ok_or_else(|| group_not_found(arn))
    }

    fn group_mut(&mut self, arn: &str) -> Result<&mut TargetGroup, EcsimError> {
        self.target_groups
            .get_mut(arn)
            .ok_or_else(|| group_not_found(arn))
    }
}

/// The handlers the generated operation table (`sim/registry.rs`) calls.
pub(crate) mod handlers {
    pub(crate) use super::balancers::{
        create_listener, create_load_balancer, create_rule, delete_listener, delete_load_balancer,
        delete_rule, describe_listeners, describe_load_balancers, describe_rules, modify_listener,
        modify_rule,
    };
    pub(crate) use super::{
        create_target_group, delete_target_group, describe_target_group_attributes,
        describe_target_groups, describe_target_health, modify_target_group_attributes,
    };
}

pub fn describe_target_group_attributes(
    world: &mut World,
    request: api::DescribeTargetGroupAttributesInput,
) -> Result<api::DescribeTargetGroupAttributesOutput, EcsimError> {
    let group = world
        .elbv2
        .group(request.target_group_arn.as_deref().unwrap_or_default())?;
    Ok(api::DescribeTargetGroupAttributesOutput {
        attributes: Some(attributes(group)),
    })
}

pub fn describe_target_health(
    world: &mut World,
    request: api::DescribeTargetHealthInput,
) -> Result<api::DescribeTargetHealthOutput, EcsimError> {
    let arn = request.target_group_arn.unwrap_or_default();
    world.elbv2.group(&arn)?;
    Ok(api::DescribeTargetHealthOutput {
        target_health_descriptions: Some(world.ecs.target_health(&arn, world.now)),
    })
}

/// ELB's rule for load balancer and target group names.
fn valid_name(name: &str) -> bool {
    (1..=32).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.starts_with("internal-")
}

fn validation(message: impl Into<String>) -> EcsimError {
    api::Error::ValidationError.with(message)
}

fn attributes(group: &TargetGroup) -> Vec<api::TargetGroupAttribute> {
    group
        .attributes
        .iter()
        .map(|(key, value)| api::TargetGroupAttribute {
            key: Some(key.clone()),
            value: Some(value.clone()),
        })
        .collect()
}

pub fn create_target_group(
    world: &mut World,
    request: api::CreateTargetGroupInput,
) -> Result<api::CreateTargetGroupOutput, EcsimError> {
    let name = request.name.clone().unwrap_or_default();
    if !valid_name(&name) {
        return Err(validation(format!(
            "Target group name '{name}' can have a maximum of 32 characters, contain only alphanumeric characters or hyphens, and must not begin or end with a hyphen or begin with 'internal-'."
        )));
    }
    let target_type = request.target_type.unwrap_or(api::TargetTypeEnum::Instance);
    if request.protocol.is_none() || request.port.is_none() || request.vpc_id.is_none() {
        return Err(validation(
            "A protocol, port and VPC ID are required for target groups of type instance or ip.",
        ));
    }
    let interval = request.health_check_interval_seconds.unwrap_or(30);
    let timeout = request.health_check_timeout_seconds.unwrap_or(5);
    if timeout >= interval {
        return Err(validation(
            "Health check interval must be greater than the timeout.",
        ));
    }
    let healthy = request.healthy_threshold_count.unwrap_or(5);
    let unhealthy = request.unhealthy_threshold_count.unwrap_or(2);
    if let Some(existing) = world
        .elbv2
        .target_groups
        .values()
        .find(|g| g.described.target_group_name.as_deref() == Some(name.as_str()))
    {
        let same = existing.described.port == request.port
            && existing.described.protocol == request.protocol
            && existing.described.vpc_id == request.vpc_id
            && existing.described.target_type == Some(target_type);
        if same {
            return Ok(api::CreateTargetGroupOutput {
                target_groups: Some(vec![existing.described.clone()]),
            });
        }
        return Err(api::Error::DuplicateTargetGroupNameException.with(format!(
            "A target group with the same name '{name}' exists, but with different settings"
        )));
    }
    let id = world.random_hex(16);
    let arn = world.arn("elasticloadbalancing", &format!("targetgroup/{name}/{id}"));
    let described = api::TargetGroup {
        target_group_arn: Some(arn.clone()),
        target_group_name: Some(name),
        protocol: request.protocol,
        port: request.port,
        vpc_id: request.vpc_id,
        health_check_protocol: request.health_check_protocol.or(request.protocol),
        health_check_port: request.health_check_port.or(Some("traffic-port".into())),
        health_check_enabled: Some(request.health_check_enabled.unwrap_or(true)),
        health_check_interval_seconds: Some(interval),
        health_check_timeout_seconds: Some(timeout),
        healthy_threshold_count: Some(healthy),
        unhealthy_threshold_count: Some(unhealthy),
        health_check_path: request.health_check_path.or(Some("/".into())),
        matcher: request.matcher.or(Some(api::Matcher {
            http_code: Some("200".into()),
            grpc_code: None,
        })),
        load_balancer_arns: Some(Vec::new()),
        target_type: Some(target_type),
        protocol_version: request.protocol_version.or(Some("HTTP1".into())),
        ip_address_type: Some(
            request
                .ip_address_type
                .unwrap_or(api::TargetGroupIpAddressTypeEnum::Ipv4),
        ),
        ..api::TargetGroup::default()
    };
    let attributes = [
        (DEREGISTRATION_DELAY, "300"),
        ("stickiness.enabled", "false"),
        ("stickiness.type", "lb_cookie"),
        ("load_balancing.algorithm.type", "round_robin"),
        ("slow_start.duration_seconds", "0"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let output = api::CreateTargetGroupOutput {
        target_groups: Some(vec![described.clone()]),
    };
    world.elbv2.target_groups.insert(
        arn,
        TargetGroup {
            described,
            attributes,
        },
    );
    Ok(output)
}

pub fn describe_target_groups(
    world: &mut World,
    request: api::DescribeTargetGroupsInput,
) -> Result<api::DescribeTargetGroupsOutput, EcsimError> {
    let groups = &world.elbv2.target_groups;
    let found: Vec<&api::TargetGroup> = match (&request.target_group_arns, &request.names) {
        (Some(arns), _) => arns
            .iter()
            .map(|arn| world.elbv2.group(arn).map(|g| &g.described))
            .collect::<Result<_, _>>()?,
        (None, Some(names)) => names
            .iter()
            .map(|name| {
                groups
                    .values()
                    .find(|g| g.described.target_group_name.as_deref() == Some(name.as_str()))
                    .map(|g| &g.described)
                    .ok_or_else(|| {
                        api::Error::TargetGroupNotFoundException
                            .with(format!("One or more target groups not found: '{name}'"))
                    })
            })
            .collect::<Result<_, _>>()?,
        (None, None) => groups.values().map(|g| &g.described).collect(),
    };
    let shown = found
        .into_iter()
        .map(|group| {
            let arn = group.target_group_arn.as_deref().unwrap_or_default();
            api::TargetGroup {
                load_balancer_arns: Some(world.elbv2.balancers_of(arn)),
                ..group.clone()
            }
        })
        .collect();
    let (page, next_marker) = crate::sim::paging::ELBV2.page(
        shown,
        request.page_size,
        request.marker.as_deref(),
        validation,
    )?;
    Ok(api::DescribeTargetGroupsOutput {
        target_groups: Some(page),
        next_marker,
    })
}

pub fn delete_target_group(
    world: &mut World,
    request: api::DeleteTargetGroupInput,
) -> Result<api::DeleteTargetGroupOutput, EcsimError> {
    // Deleting one that does not exist succeeds, as in ELB; one a listener forwards to is in use.
    let arn = request.target_group_arn.unwrap_or_default();
    if !world.elbv2.balancers_of(&arn).is_empty() {
        return Err(api::Error::ResourceInUseException.with(format!(
            "Target group '{arn}' is currently in use by a listener or a rule"
        )));
    }
    world.elbv2.target_groups.remove(&arn);
    Ok(api::DeleteTargetGroupOutput {})
}

pub fn modify_target_group_attributes(
    world: &mut World,
    request: api::ModifyTargetGroupAttributesInput,
) -> Result<api::ModifyTargetGroupAttributesOutput, EcsimError> {
    let arn = request.target_group_arn.unwrap_or_default();
    world.elbv2.group(&arn)?;
    let changes: Vec<(String, String)> = request
        .attributes
        .unwrap_or_default()
        .into_iter()
        .map(|a| (a.key.unwrap_or_default(), a.value.unwrap_or_default()))
        .collect();
    // Checked before any is applied: a refused call changes nothing.
    for (key, value) in &changes {
        let known = world.elbv2.target_groups[&arn].attributes.contains_key(key);
        if !known {
            return Err(validation(format!(
                "Target group attribute key '{key}' is not recognized"
            )));
        }
        if key == DEREGISTRATION_DELAY && !value.parse::<u32>().is_ok_and(|s| s <= 3600) {
            return Err(validation(format!(
                "'{value}' is not a valid value for {DEREGISTRATION_DELAY}: it must be between 0 and 3600."
            )));
        }
    }
    let group = world.elbv2.group_mut(&arn)?;
    group.attributes.extend(changes);
    Ok(api::ModifyTargetGroupAttributesOutput {
        attributes: Some(attributes(group)),
    })
}
