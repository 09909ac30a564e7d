//! CreateAutoScalingGroup, UpdateAutoScalingGroup, DeleteAutoScalingGroup and
//! DescribeAutoScalingGroups.

use super::activities::at;
use super::{api, capacity, group_not_found, validation, Group, Launches, Lifecycle, Override};
use crate::cluster::catalog;
use crate::error::EcsimError;
use crate::sim::ec2::launch_templates::Reference;
use crate::sim::ecsim::subnets::Subnet;
use crate::sim::paging::Paging;
use crate::sim::request::Empty;
use crate::sim::World;

/// EC2 Auto Scaling's quota of groups a region (500), which also bounds what a loop of calls
/// can make the simulation keep.
const MAX_GROUPS: usize = 500;

const PAGING: Paging = Paging {
    size_member: "MaxRecords",
    token_member: "NextToken",
    default: 50,
    max: 100,
};

/// What a group launches, read from a request and checked against the launch templates and
/// the catalog.
fn launches(
    world: &World,
    template: Option<&api::LaunchTemplateSpecification>,
    mixed: Option<&api::MixedInstancesPolicy>,
) -> Result<Launches, EcsimError> {
    let either = "Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter.";
    let (spec, overrides, distribution) = match (template, mixed) {
        (Some(spec), None) => (spec.clone(), Vec::new(), None),
        (None, Some(policy)) => {
            let inner = policy.launch_template.clone().unwrap_or_default();
            let spec = inner.launch_template_specification.unwrap_or_default();
            (
                spec,
                inner.overrides.unwrap_or_default(),
                policy.instances_distribution.clone(),
            )
        }
        _ => return Err(validation(either)),
    };
    let resolved = world
        .ec2
        .launch_templates
        .resolve(&Reference {
            id: spec.launch_template_id.as_deref(),
            name: spec.launch_template_name.as_deref(),
            version: spec.version.as_deref(),
        })
        .map_err(|e| {
            validation(format!(
                "You must use a valid fully-formed launch template. {}",
                e.message
            ))
        })?;
    let known = |name: &str| {
        catalog::instance_type(name).ok_or_else(|| {
            validation(format!(
                "The instance type '{name}' is not one ecsim's catalog has (nearest: {}).",
                catalog::nearest(name, 3).join(", ")
            ))
        })
    };
    let overrides: Vec<Override> = overrides
        .iter()
        .map(|o| {
            let name = o.instance_type.as_deref().ok_or_else(|| {
                validation("ecsim reads overrides by InstanceType; InstanceRequirements are not simulated.")
            })?;
            let weight = match o.weighted_capacity.as_deref() {
                None => 1,
                Some(text) => text
                    .parse::<i32>()
                    .ok()
                    .filter(|w| (1..=999).contains(w))
                    .ok_or_else(|| validation(format!("WeightedCapacity must be a whole number from 1 to 999, got '{text}'.")))?,
            };
            Ok(Override { instance_type: known(name)?, weight })
        })
        .collect::<Result<_, EcsimError>>()?;
    if overrides.is_empty() {
        let name = resolved.instance_type().ok_or_else(|| {
            validation("You must use a valid fully-formed launch template. The launch template gives no instance type and the group no overrides.")
        })?;
        known(&name)?;
    }
    let distribution = distribution.unwrap_or_default();
    Ok(Launches {
        template: spec,
        overrides,
        on_demand_base: distribution.on_demand_base_capacity.unwrap_or(0).max(0),
        on_demand_percentage: distribution
            .on_demand_percentage_above_base_capacity
            .unwrap_or(100)
            .clamp(0, 100),
        mixed: mixed.cloned(),
    })
}

/// The group's subnets: those VPCZoneIdentifier lists, else a default subnet in each zone
/// AvailabilityZones names.
fn subnets(
    world: &mut World,
    vpc_zone_identifier: Option<&str>,
    zones: Option<&[String]>,
) -> Result<Vec<Subnet>, EcsimError> {
    let region = world.config.region.clone();
    if let Some(list) = vpc_zone_identifier.filter(|l| !l.trim().is_empty()) {
        let ids: Vec<String> = list.split(',').map(|s| s.trim().to_string()).collect();
        if ids.iter().any(String::is_empty) {
            return Err(validation(format!(
                "VPCZoneIdentifier '{list}' has an empty subnet id: list subnet ids separated by commas."
            )));
        }
        let policy = world.config.undeclared_subnets;
        return world
            .ecsim
            .subnets
            .resolve(&ids, &region, policy)
            .map_err(|e| validation(e.message));
    }
    let zones = zones.unwrap_or_default();
    if zones.is_empty() {
        return Err(validation(
            "At least one Availability Zone or VPC Subnet is required.",
        ));
    }
    if let Some(zone) = zones
        .iter()
        .find(|z| !z.starts_with(&region) || z.len() != region.len() + 1)
    {
        return Err(validation(format!(
            "The availability zone {zone} is not legal"
        )));
    }
    Ok(zones
        .iter()
        .map(|zone| world.ecsim.subnets.default_in(zone))
        .collect())
}

/// The largest group ecsim keeps (its own bound: AWS caps groups only through the account's
/// instance quotas), so that a desired capacity cannot make the simulation grow without bound.
const MAX_GROUP_SIZE: i32 = 10_000;

fn check_sizes(min: i32, max: i32, desired: i32) -> Result<(), EcsimError> {
    if max > MAX_GROUP_SIZE {
        return Err(validation(format!(
            "Max bound, {max}, is above the {MAX_GROUP_SIZE} instances a simulated group can hold."
        )));
    }
    if min > max {
        return Err(validation(format!(
            "Max bound, {max}, must be greater than or equal to min bound, {min}"
        )));
    }
    if desired < min || desired > max {
        return Err(validation(format!(
            "Desired capacity:{desired} must be between the specified min size:{min} and max size:{max}"
        )));
    }
    Ok(())
}

fn refuse_other_sources(
    configuration: Option<&String>,
    instance: Option<&String>,
) -> Result<(), EcsimError> {
    if configuration.is_some() || instance.is_some() {
        return Err(validation("ecsim launches instances from launch templates (LaunchTemplate or MixedInstancesPolicy); launch configurations and InstanceId are not simulated."));
    }
    Ok(())
}

pub fn create_auto_scaling_group(
    world: &mut World,
    request: api::CreateAutoScalingGroupType,
) -> Result<Empty, EcsimError> {
    let name = request.auto_scaling_group_name.clone().unwrap_or_default();
    if world.autoscaling.groups.contains_key(&name) {
        return Err(api::Error::AlreadyExistsFault.with(format!(
            "AutoScalingGroup by this name already exists - A group with the name {name} already exists"
        )));
    }
    if world.autoscaling.groups.len() >= MAX_GROUPS {
        return Err(api::Error::LimitExceededFault.with(format!(
            "You have reached your quota of {MAX_GROUPS} Auto Scaling groups in this region."
        )));
    }
    refuse_other_sources(
        request.launch_configuration_name.as_ref(),
        request.instance_id.as_ref(),
    )?;
    let launches = launches(
        world,
        request.launch_template.as_ref(),
        request.mixed_instances_policy.as_ref(),
    )?;
    let (min, max) = (request.min_size.unwrap_or(0), request.max_size.unwrap_or(0));
    let desired = request.desired_capacity.unwrap_or(min);
    check_sizes(min, max, desired)?;
    // Subnets last: resolving may declare the ones the group names.
    let subnets = subnets(
        world,
        request.vpc_zone_identifier.as_deref(),
        request.availability_zones.as_deref(),
    )?;
    let now = world.now;
    let group_id = crate::sim::world::random_uuid(&mut world.rng);
    let arn = world.arn(
        "autoscaling",
        &format!("autoScalingGroup:{group_id}:autoScalingGroupName/{name}"),
    );
    let tags = request
        .tags
        .unwrap_or_default()
        .into_iter()
        .map(|t| api::TagDescription {
            resource_id: Some(name.clone()),
            resource_type: Some("auto-scaling-group".into()),
            key: t.key,
            value: Some(t.value.unwrap_or_default()),
            propagate_at_launch: Some(t.propagate_at_launch.unwrap_or(false)),
        })
        .collect();
    let group = Group {
        name: name.clone(),
        arn,
        launches,
        min,
        max,
        desired,
        subnets,
        vpc_zone_identifier: request.vpc_zone_identifier,
        protect_new: request.new_instances_protected_from_scale_in.unwrap_or(false),
        default_cooldown: request.default_cooldown.unwrap_or(300),
        health_check_type: request.health_check_type.unwrap_or_else(|| "EC2".into()),
        health_check_grace_period: request.health_check_grace_period.unwrap_or(300),
        termination_policies: request.termination_policies.unwrap_or_else(|| vec!["Default".into()]),
        capacity_rebalance: request.capacity_rebalance.unwrap_or(false),
        tags,
        created: now,
        members: Vec::new(),
        deleting: false,
        policies: Default::default(),
        cause: Some(format!(
            "At {} a user request created an AutoScalingGroup changing the desired capacity from 0 to {desired}.",
            at(now)
        )),
    };
    world.autoscaling.groups.insert(name.clone(), group);
    capacity::reconcile(world, &name);
    Ok(Empty {})
}

pub fn update_auto_scaling_group(
    world: &mut World,
    request: api::UpdateAutoScalingGroupType,
) -> Result<Empty, EcsimError> {
    let name = request.auto_scaling_group_name.clone().unwrap_or_default();
    let group = world
        .autoscaling
        .groups
        .get(&name)
        .filter(|g| !g.deleting)
        .ok_or_else(|| group_not_found(&name))?;
    refuse_other_sources(request.launch_configuration_name.as_ref(), None)?;
    let launches = match (&request.launch_template, &request.mixed_instances_policy) {
        (None, None) => group.launches.clone(),
        (template, mixed) => launches(world, template.as_ref(), mixed.as_ref())?,
    };
    let min = request.min_size.unwrap_or(group.min);
    let max = request.max_size.unwrap_or(group.max);
    let before = group.desired;
    // As EC2 Auto Scaling does: new bounds carry the desired capacity along unless it is given.
    let desired = request
        .desired_capacity
        .unwrap_or_else(|| before.clamp(min, max.max(min)));
    check_sizes(min, max, desired)?;
    let changes_zones =
        request.vpc_zone_identifier.is_some() || request.availability_zones.is_some();
    let subnets = if changes_zones {
        Some(subnets(
            world,
            request.vpc_zone_identifier.as_deref(),
            request.availability_zones.as_deref(),
        )?)
    } else {
        None
    };
    let now = world.now;
    let Some(group) = world.autoscaling.groups.get_mut(&name) else {
        return Err(group_not_found(&name));
    };
    group.launches = launches;
    group.min = min;
    group.max = max;
    group.desired = desired;
    if let Some(subnets) = subnets {
        group.subnets = subnets;
        group.vpc_zone_identifier = request.vpc_zone_identifier;
    }
    if let Some(protect) = request.new_instances_protected_from_scale_in {
        group.protect_new = protect;
    }
    if let Some(cooldown) = request.default_cooldown {
        group.default_cooldown = cooldown;
    }
    if let Some(kind) = request.health_check_type {
        group.health_check_type = kind;
    }
    if let Some(grace) = request.health_check_grace_period {
        group.health_check_grace_period = grace;
    }
    if let Some(policies) = request.termination_policies {
        group.termination_policies = policies;
    }
    if let Some(rebalance) = request.capacity_rebalance {
        group.capacity_rebalance = rebalance;
    }
    if desired != before {
        group.cause = Some(format!(
            "At {} a user request update of AutoScalingGroup constraints to min: {min}, max: {max}, desired: {desired} changing the desired capacity from {before} to {desired}.",
            at(now)
        ));
    }
    capacity::reconcile(world, &name);
    Ok(Empty {})
}

pub fn delete_auto_scaling_group(
    world: &mut World,
    request: api::DeleteAutoScalingGroupType,
) -> Result<Empty, EcsimError> {
    let name = request.auto_scaling_group_name.unwrap_or_default();
    let group = world
        .autoscaling
        .groups
        .get(&name)
        .ok_or_else(|| group_not_found(&name))?;
    let force = request.force_delete == Some(true);
    if !group.members.is_empty() && !force {
        if group
            .members
            .iter()
            .any(|m| m.lifecycle != Lifecycle::InService)
        {
            return Err(api::Error::ScalingActivityInProgressFault.with(
                "You cannot delete an AutoScalingGroup while there are scaling activities in progress for that group.",
            ));
        }
        return Err(api::Error::ResourceInUseFault.with(
            "You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group.",
        ));
    }
    if group.members.is_empty() {
        super::policies::forget_group(world, &name);
        return Ok(Empty {});
    }
    if let Some(group) = world.autoscaling.groups.get_mut(&name) {
        group.deleting = true;
        group.min = 0;
        group.max = 0;
        group.desired = 0;
    }
    capacity::reconcile(world, &name);
    Ok(Empty {})
}

pub fn describe_auto_scaling_groups(
    world: &mut World,
    request: api::AutoScalingGroupNamesType,
) -> Result<api::AutoScalingGroupsType, EcsimError> {
    let filters = crate::sim::ec2::Filters::read(
        request
            .filters
            .unwrap_or_default()
            .into_iter()
            .map(|f| (f.name, f.values)),
        &["tag-key", "tag-value", "tag:"],
        validation,
    )?;
    let names = request.auto_scaling_group_names.unwrap_or_default();
    let listed: Vec<api::AutoScalingGroup> = world
        .autoscaling
        .groups
        .values()
        .filter(|g| names.is_empty() || names.contains(&g.name))
        .filter(|g| filters.pass(|filter| tag_values(g, filter)))
        .map(|g| to_api(world, g, request.include_instances != Some(false)))
        .collect();
    let (groups, next_token) = PAGING.page(
        listed,
        request.max_records,
        request.next_token.as_deref(),
        validation,
    )?;
    Ok(api::AutoScalingGroupsType {
        auto_scaling_groups: Some(groups),
        next_token,
    })
}

fn tag_values(group: &Group, filter: &str) -> Vec<String> {
    let tags = group.tags.iter();
    match filter {
        "tag-key" => tags.filter_map(|t| t.key.clone()).collect(),
        "tag-value" => tags.filter_map(|t| t.value.clone()).collect(),
        tag => {
            let key = tag.strip_prefix("tag:").unwrap_or_default();
            tags.filter(|t| t.key.as_deref() == Some(key))
                .filter_map(|t| t.value.clone())
                .collect()
        }
    }
}

fn to_api(world: &World, group: &Group, with_instances: bool) -> api::AutoScalingGroup {
    let weighted = group.launches.overrides.iter().any(|o| o.weight != 1);
    let instances = group
        .members
        .iter()
        .map(|m| api::Instance {
            instance_id: Some(m.id.to_string()),
            instance_type: Some(m.instance_type.to_string()),
            availability_zone: Some(m.zone.to_string()),
            availability_zone_id: Some(crate::sim::ec2::zone_id(&world.config.region, &m.zone)),
            lifecycle_state: Some(match m.lifecycle {
                Lifecycle::Pending => api::LifecycleState::Pending,
                Lifecycle::InService => api::LifecycleState::InService,
                Lifecycle::Terminating if m.draining_until.is_some() => {
                    api::LifecycleState::TerminatingWait
                }
                Lifecycle::Terminating => api::LifecycleState::Terminating,
            }),
            health_status: Some("Healthy".into()),
            launch_template: m.template.as_ref().map(|(id, name, version)| {
                api::LaunchTemplateSpecification {
                    launch_template_id: Some(id.clone()),
                    launch_template_name: Some(name.clone()),
                    version: Some(version.to_string()),
                }
            }),
            protected_from_scale_in: Some(m.protected),
            weighted_capacity: weighted.then(|| m.weight.to_string()),
            ..Default::default()
        })
        .collect();
    let zones: Vec<String> = {
        let mut zones: Vec<String> = group
            .subnets
            .iter()
            .map(|s| s.availability_zone.to_string())
            .collect();
        zones.sort();
        zones.dedup();
        zones
    };
    api::AutoScalingGroup {
        auto_scaling_group_name: Some(group.name.clone()),
        auto_scaling_group_arn: Some(group.arn.clone()),
        launch_template: group.launches.mixed.is_none().then(|| group.launches.template.clone()),
        mixed_instances_policy: group.launches.mixed.clone(),
        min_size: Some(group.min),
        max_size: Some(group.max),
        desired_capacity: Some(group.desired),
        default_cooldown: Some(group.default_cooldown),
        availability_zones: Some(zones),
        load_balancer_names: Some(Vec::new()),
        target_group_ar_ns: Some(Vec::new()),
        health_check_type: Some(group.health_check_type.clone()),
        health_check_grace_period: Some(group.health_check_grace_period),
        instances: with_instances.then_some(instances),
        created_time: Some(group.created),
        suspended_processes: Some(Vec::new()),
        vpc_zone_identifier: group.vpc_zone_identifier.clone(),
        enabled_metrics: Some(Vec::new()),
        status: group.deleting.then(|| "Delete in progress".to_string()),
        tags: Some(group.tags.clone()),
        termination_policies: Some(group.termination_policies.clone()),
        new_instances_protected_from_scale_in: Some(group.protect_new),
        service_linked_role_arn: Some(format!(
            "arn:aws:iam::{}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
            world.config.account_id
        )),
        capacity_rebalance: Some(group.capacity_rebalance),
        traffic_sources: Some(Vec::new()),
        ..Default::default()
    }
}
