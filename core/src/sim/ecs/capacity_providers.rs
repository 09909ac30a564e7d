//! CreateCapacityProvider, UpdateCapacityProvider, DeleteCapacityProvider and
//! DescribeCapacityProviders: providers backed by an Auto Scaling group. A container instance
//! whose agent registers it in a cluster that has its group's provider belongs to that provider
//! (`capacityProviderName`); a strategy naming the provider places tasks on its instances only.

use crate::api::ecs::{
    self as api, ManagedDraining, ManagedScalingStatus, ManagedTerminationProtection,
};
use crate::error::EcsimError;
use crate::sim::World;

/// A capacity provider backed by an Auto Scaling group.
#[derive(Clone, Debug)]
pub struct GroupProvider {
    pub name: String,
    pub arn: String,
    pub group_name: String,
    pub group_arn: String,
    /// With every member filled in (ECS's defaults for those not given).
    pub managed_scaling: api::ManagedScaling,
    pub termination_protection: bool,
    pub draining: bool,
    pub tags: Vec<api::Tag>,
    /// The one cluster it is associated with, if any.
    pub cluster: Option<String>,
    /// What the target tracking policy ECS puts on the group has seen (`managed_scaling.rs`).
    pub tracking: super::managed_scaling::Tracking,
}

impl GroupProvider {
    pub fn managed_scaling_enabled(&self) -> bool {
        self.managed_scaling.status == Some(ManagedScalingStatus::Enabled)
    }
}

/// Whether ECS drains the instance `ec2_instance_id` of group `group_name` before the group
/// terminates it: its provider has managed draining and its container instance is registered.
pub(crate) fn drains_before_termination(
    world: &World,
    group_name: &str,
    ec2_instance_id: &str,
) -> bool {
    world
        .ecs
        .capacity_providers
        .values()
        .filter(|p| p.group_name == group_name && p.draining)
        .filter_map(|p| world.ecs.cluster(p.cluster.as_deref()?))
        .any(|cluster| {
            cluster
                .instances
                .iter()
                .any(|i| &*i.ec2_instance_id == ec2_instance_id)
        })
}

fn invalid(message: impl Into<String>) -> EcsimError {
    api::Error::InvalidParameterException.with(message)
}

/// ManagedScaling with ECS's defaults (API_ManagedScaling: target 100, steps 1 to 10,000, a
/// warm-up of 300 s; the shape check holds each member within its bounds). A provider created without it has managed scaling
/// DISABLED; given without a status, it is ENABLED (docs/conventions.md).
fn managed_scaling(given: Option<api::ManagedScaling>) -> Result<api::ManagedScaling, EcsimError> {
    let status = match &given {
        None => ManagedScalingStatus::Disabled,
        Some(scaling) => scaling.status.unwrap_or(ManagedScalingStatus::Enabled),
    };
    let given = given.unwrap_or_default();
    let scaling = api::ManagedScaling {
        status: Some(status),
        target_capacity: Some(given.target_capacity.unwrap_or(100)),
        minimum_scaling_step_size: Some(given.minimum_scaling_step_size.unwrap_or(1)),
        maximum_scaling_step_size: Some(given.maximum_scaling_step_size.unwrap_or(10_000)),
        instance_warmup_period: Some(given.instance_warmup_period.unwrap_or(300)),
    };
    if scaling.minimum_scaling_step_size > scaling.maximum_scaling_step_size {
        return Err(invalid(
            "managedScaling.minimumScalingStepSize cannot be greater than maximumScalingStepSize.",
        ));
    }
    Ok(scaling)
}

/// Managed termination protection needs managed scaling and a group that protects its new
/// instances from scale-in (documented).
fn check_termination_protection(world: &World, provider: &GroupProvider) -> Result<(), EcsimError> {
    if !provider.termination_protection {
        return Ok(());
    }
    if provider.managed_scaling.status != Some(ManagedScalingStatus::Enabled) {
        return Err(invalid("The managed termination protection setting for the capacity provider is invalid. To enable managed termination protection for a capacity provider, managed scaling must be enabled."));
    }
    let protects = world
        .autoscaling
        .groups
        .get(&provider.group_name)
        .is_some_and(|g| g.protect_new);
    if !protects {
        return Err(invalid("The managed termination protection setting for the capacity provider is invalid. To enable managed termination protection for a capacity provider, the Auto Scaling group must have instance protection from scale in enabled."));
    }
    Ok(())
}

pub fn create_capacity_provider(
    world: &mut World,
    request: api::CreateCapacityProviderRequest,
) -> Result<api::CreateCapacityProviderResponse, EcsimError> {
    let name = request.name.unwrap_or_default();
    let lower = name.to_ascii_lowercase();
    if ["aws", "ecs", "fargate"]
        .iter()
        .any(|p| lower.starts_with(p))
    {
        return Err(invalid(
            "The capacity provider name cannot be prefixed with \"aws\", \"ecs\", or \"fargate\".",
        ));
    }
    super::names::check_tags(request.tags.as_deref())?;
    if request.managed_instances_provider.is_some() {
        return Err(api::Error::UnsupportedFeatureException
            .with("ecsim simulates Auto Scaling group capacity providers; ECS Managed Instances are not simulated."));
    }
    if world.ecs.capacity_providers.contains_key(&name) {
        return Err(api::Error::ClientException.with("The specified capacity provider already exists. To change the configuration of an existing capacity provider, update the capacity provider."));
    }
    let given = request
        .auto_scaling_group_provider
        .ok_or_else(|| invalid("autoScalingGroupProvider is required."))?;
    let reference = given.auto_scaling_group_arn.clone().unwrap_or_default();
    let group = world
        .autoscaling
        .groups
        .values()
        .find(|g| g.arn == reference || g.name == reference)
        .ok_or_else(|| {
            invalid(format!(
                "The specified Auto Scaling group {reference} does not exist."
            ))
        })?;
    if let Some(other) = world
        .ecs
        .capacity_providers
        .values()
        .find(|p| p.group_name == group.name)
    {
        return Err(invalid(format!(
            "The specified Auto Scaling group is already in use by capacity provider {}.",
            other.name
        )));
    }
    let provider = GroupProvider {
        arn: world.arn("ecs", &format!("capacity-provider/{name}")),
        name: name.clone(),
        group_name: group.name.clone(),
        group_arn: group.arn.clone(),
        managed_scaling: managed_scaling(given.managed_scaling)?,
        termination_protection: given.managed_termination_protection
            == Some(ManagedTerminationProtection::Enabled),
        draining: given.managed_draining != Some(ManagedDraining::Disabled),
        tags: request.tags.unwrap_or_default(),
        cluster: None,
        tracking: Default::default(),
    };
    check_termination_protection(world, &provider)?;
    let answer = to_api(
        &provider,
        true,
        api::CapacityProviderUpdateStatus::CreateComplete,
    );
    world.ecs.capacity_providers.insert(name, provider);
    super::managed_scaling::sync(world);
    Ok(api::CreateCapacityProviderResponse {
        capacity_provider: Some(answer),
    })
}

fn find_mut<'a>(
    world: &'a mut World,
    reference: &str,
) -> Result<&'a mut GroupProvider, EcsimError> {
    let name = reference
        .rsplit('/')
        .next()
        .unwrap_or(reference)
        .to_string();
    world.ecs.capacity_providers.get_mut(&name).ok_or_else(|| {
        invalid(format!(
            "The specified capacity provider {reference} does not exist."
        ))
    })
}

pub fn update_capacity_provider(
    world: &mut World,
    request: api::UpdateCapacityProviderRequest,
) -> Result<api::UpdateCapacityProviderResponse, EcsimError> {
    let reference = request.name.unwrap_or_default();
    let given = request.auto_scaling_group_provider.unwrap_or_default();
    let mut provider = find_mut(world, &reference)?.clone();
    if let Some(scaling) = given.managed_scaling {
        provider.managed_scaling = managed_scaling(Some(scaling))?;
    }
    if let Some(protection) = given.managed_termination_protection {
        provider.termination_protection = protection == ManagedTerminationProtection::Enabled;
    }
    if let Some(draining) = given.managed_draining {
        provider.draining = draining == ManagedDraining::Enabled;
    }
    check_termination_protection(world, &provider)?;
    let answer = to_api(
        &provider,
        true,
        api::CapacityProviderUpdateStatus::UpdateComplete,
    );
    *find_mut(world, &reference)? = provider;
    world.ecs.note_waiting_providers();
    super::managed_scaling::sync(world);
    Ok(api::UpdateCapacityProviderResponse {
        capacity_provider: Some(answer),
    })
}

pub fn delete_capacity_provider(
    world: &mut World,
    request: api::DeleteCapacityProviderRequest,
) -> Result<api::DeleteCapacityProviderResponse, EcsimError> {
    let reference = request.capacity_provider.unwrap_or_default();
    let provider = find_mut(world, &reference)?.clone();
    if let Some(cluster) = &provider.cluster {
        return Err(api::Error::ResourceInUseException.with(format!(
            "The capacity provider {} is associated with cluster {cluster}: remove it with PutClusterCapacityProviders first.",
            provider.name
        )));
    }
    world.ecs.capacity_providers.remove(&provider.name);
    let mut answer = to_api(
        &provider,
        true,
        api::CapacityProviderUpdateStatus::DeleteComplete,
    );
    answer.status = Some(api::CapacityProviderStatus::Inactive);
    Ok(api::DeleteCapacityProviderResponse {
        capacity_provider: Some(answer),
    })
}

pub fn describe_capacity_providers(
    world: &mut World,
    request: api::DescribeCapacityProvidersRequest,
) -> Result<api::DescribeCapacityProvidersResponse, EcsimError> {
    let with_tags = request
        .include
        .iter()
        .flatten()
        .any(|i| *i == api::CapacityProviderField::Tags);
    let fargate = |name: &str| api::CapacityProvider {
        capacity_provider_arn: Some(world.arn("ecs", &format!("capacity-provider/{name}"))),
        name: Some(name.to_string()),
        status: Some(api::CapacityProviderStatus::Active),
        r#type: api::CapacityProviderType::from_name(name),
        tags: with_tags.then(Vec::new),
        ..Default::default()
    };
    let mut all: Vec<(String, api::CapacityProvider)> = super::capacity::FARGATE_PROVIDERS
        .iter()
        .map(|name| (name.to_string(), fargate(name)))
        .collect();
    all.extend(world.ecs.capacity_providers.values().map(|p| {
        let shown = to_api(
            p,
            with_tags,
            api::CapacityProviderUpdateStatus::UpdateComplete,
        );
        (p.name.clone(), shown)
    }));
    let (found, failures) = match request.capacity_providers {
        None => (all.into_iter().map(|(_, p)| p).collect(), Vec::new()),
        Some(wanted) => {
            let mut found = Vec::new();
            let mut failures = Vec::new();
            for reference in wanted {
                let name = reference.rsplit('/').next().unwrap_or(&reference);
                match all.iter().find(|(n, _)| n == name) {
                    Some((_, provider)) => found.push(provider.clone()),
                    None => failures.push(super::failure(&reference, "MISSING")),
                }
            }
            (found, failures)
        }
    };
    let (page, next_token) = super::page(
        &crate::sim::paging::ECS,
        found,
        request.max_results,
        request.next_token.as_deref(),
    )?;
    Ok(api::DescribeCapacityProvidersResponse {
        capacity_providers: Some(page),
        failures: Some(failures),
        next_token,
    })
}

fn to_api(
    provider: &GroupProvider,
    with_tags: bool,
    update_status: api::CapacityProviderUpdateStatus,
) -> api::CapacityProvider {
    api::CapacityProvider {
        capacity_provider_arn: Some(provider.arn.clone()),
        name: Some(provider.name.clone()),
        status: Some(api::CapacityProviderStatus::Active),
        auto_scaling_group_provider: Some(api::AutoScalingGroupProvider {
            auto_scaling_group_arn: Some(provider.group_arn.clone()),
            managed_scaling: Some(provider.managed_scaling.clone()),
            managed_termination_protection: Some(if provider.termination_protection {
                ManagedTerminationProtection::Enabled
            } else {
                ManagedTerminationProtection::Disabled
            }),
            managed_draining: Some(if provider.draining {
                ManagedDraining::Enabled
            } else {
                ManagedDraining::Disabled
            }),
        }),
        update_status: Some(update_status),
        tags: with_tags.then(|| provider.tags.clone()),
        r#type: Some(api::CapacityProviderType::Ec2Autoscaling),
        ..Default::default()
    }
}
