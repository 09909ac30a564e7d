//! Container instances: RegisterContainerInstance (with the ecsim `instanceType` and
//! `availabilityZone` shortcuts), DeregisterContainerInstance, DescribeContainerInstances,
//! ListContainerInstances (with the cluster query language) and UpdateContainerInstancesState.

use super::failure;
use crate::api::ecs::{self as api, ContainerInstanceStatus, TaskStopCode};
use crate::cluster::{catalog, ContainerInstance, Resources, RESERVED_PORTS};
use crate::error::EcsimError;
use crate::query;
use crate::sim::{quotas, World};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The agent version ecsim reports when the request gives none (a convention).
const DEFAULT_AGENT_VERSION: &str = "1.89.0";

/// What the instance identity document (a JSON string) says, if it is given.
fn identity(document: Option<&str>) -> Result<Map<String, Value>, EcsimError> {
    let Some(text) = document else {
        return Ok(Map::new());
    };
    match serde_json::from_str(text) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(api::Error::InvalidParameterException
            .with("instanceIdentityDocument is not a JSON object.")),
    }
}

fn text(map: &Map<String, Value>, key: &str) -> Option<String> {
    map.get(key).and_then(Value::as_str).map(str::to_string)
}

fn resource_integer(resources: &[api::Resource], name: &str) -> Option<i64> {
    let resource = resources.iter().find(|r| r.name.as_deref() == Some(name))?;
    resource
        .integer_value
        .map(i64::from)
        .or(resource.long_value)
}

fn resource_set(resources: &[api::Resource], name: &str) -> Option<Vec<String>> {
    resources
        .iter()
        .find(|r| r.name.as_deref() == Some(name))
        .and_then(|r| r.string_set_value.clone())
}

pub fn register_container_instance(
    world: &mut World,
    request: api::RegisterContainerInstanceRequest,
) -> Result<api::RegisterContainerInstanceResponse, EcsimError> {
    super::names::check_tags(request.tags.as_deref())?;
    let document = identity(request.instance_identity_document.as_deref())?;
    // The ecsim shortcut `instanceType` sizes the instance from the catalog; the type an
    // identity document names is only what the instance is (its resources come from
    // `totalResources`, as the agent reports them), and any type is accepted then.
    let shortcut = request.instance_type.is_some();
    let type_name = request
        .instance_type
        .clone()
        .or_else(|| text(&document, "instanceType"));
    let instance_type = type_name.as_deref().and_then(catalog::instance_type);
    let total = request.total_resources.clone().unwrap_or_default();
    let cpu =
        resource_integer(&total, "CPU").or(instance_type.map(|t| i64::from(t.registered_cpu())));
    let memory = resource_integer(&total, "MEMORY")
        .or(instance_type.map(|t| i64::from(t.registered_memory())));
    if let (Some(name), None) = (&type_name, instance_type) {
        let nearest = catalog::nearest(name, 3).join(", ");
        if shortcut {
            return Err(api::Error::InvalidParameterException.with(format!(
                "The ecsim instanceType shortcut sizes instances from the catalog, which has no '{name}' (nearest: {nearest})."
            )));
        }
        if cpu.is_none() || memory.is_none() {
            return Err(api::Error::InvalidParameterException.with(format!(
                "ecsim's catalog has no instance type '{name}' (nearest: {nearest}); give totalResources with CPU and MEMORY to register it all the same."
            )));
        }
    }
    let (Some(cpu), Some(memory)) = (cpu, memory) else {
        return Err(api::Error::InvalidParameterException.with(
            "Give totalResources with CPU and MEMORY, an instanceIdentityDocument with an instanceType, or the ecsim shortcut instanceType.",
        ));
    };
    if cpu < 0 || memory < 0 {
        return Err(api::Error::InvalidParameterException
            .with("totalResources CPU and MEMORY cannot be negative."));
    }
    let region = world.config.region.clone();
    let zone = request
        .availability_zone
        .clone()
        .or_else(|| text(&document, "availabilityZone"))
        .unwrap_or_else(|| format!("{region}a"));
    let limit = world.config.quotas.container_instances_per_cluster;
    if world
        .ecs
        .cluster_mut(request.cluster.as_deref())?
        .instances
        .len()
        >= limit
    {
        return Err(quotas::exceeded(
            "container instances in a cluster",
            "containerInstancesPerCluster",
            limit,
        ));
    }
    let custom = request.attributes.as_deref().unwrap_or_default();
    for attribute in custom {
        super::attributes::check_attribute(
            attribute.name.as_deref().unwrap_or_default(),
            attribute.value.as_deref(),
        )?;
    }
    if custom.len() > crate::cluster::MAX_CUSTOM_ATTRIBUTES {
        return Err(api::Error::InvalidParameterException.with(format!(
            "A container instance can have up to {} custom attributes; {} were given.",
            crate::cluster::MAX_CUSTOM_ATTRIBUTES,
            custom.len()
        )));
    }
    // Ids are drawn once every check has passed: a refused call leaves the RNG as it was.
    let ec2_instance_id =
        text(&document, "instanceId").unwrap_or_else(|| format!("i-{}", world.random_hex(17)));
    let id = world.random_hex(32);
    let now = world.now;
    let arn_prefix = world.arn("ecs", "container-instance/");
    let cluster = world.ecs.cluster_mut(request.cluster.as_deref())?;
    let reserved: Vec<String> = RESERVED_PORTS.iter().map(u16::to_string).collect();
    let gpus: Vec<String> = match instance_type {
        Some(t) => (0..t.gpus)
            .map(|n| format!("GPU-{ec2_instance_id}-{n}"))
            .collect(),
        None => resource_set(&total, "GPU").unwrap_or_default(),
    };
    let registered = Resources {
        cpu,
        memory,
        gpus,
        ports: Arc::new(resource_set(&total, "PORTS").unwrap_or(reserved)),
        udp_ports: Arc::new(resource_set(&total, "PORTS_UDP").unwrap_or_default()),
    };
    let mut attributes: BTreeMap<String, Option<String>> = BTreeMap::new();
    let architecture = match (instance_type, &type_name) {
        (Some(known), _) => known.architecture,
        (None, Some(name)) => catalog::architecture_of(name),
        (None, None) => catalog::Architecture::X86_64,
    }
    .as_str();
    for (name, value) in [
        ("ecs.availability-zone", zone.clone()),
        ("ecs.os-type", "linux".to_string()),
        ("ecs.os-family", "LINUX".to_string()),
        ("ecs.cpu-architecture", architecture.to_string()),
        (
            "ecs.ami-id",
            text(&document, "imageId").unwrap_or_else(|| "ami-0ecsim0000000000".to_string()),
        ),
    ] {
        attributes.insert(name.to_string(), Some(value));
    }
    if let Some(name) = &type_name {
        attributes.insert("ecs.instance-type".to_string(), Some(name.clone()));
    }
    for attribute in request.attributes.iter().flatten() {
        if let Some(name) = &attribute.name {
            attributes.insert(name.clone(), attribute.value.clone());
        }
    }
    let mut version_info = request.version_info.clone().unwrap_or_default();
    version_info
        .agent_version
        .get_or_insert_with(|| DEFAULT_AGENT_VERSION.to_string());
    let instance = ContainerInstance {
        arn: format!("{arn_prefix}{}/{id}", cluster.name).into(),
        id: id.into(),
        ec2_instance_id: ec2_instance_id.into(),
        availability_zone: Some(zone.as_str().into()),
        status: ContainerInstanceStatus::Active,
        agent_connected: true,
        version_info: version_info.into(),
        registered_at: now,
        remaining: registered.clone(),
        registered: registered.into(),
        max_enis: instance_type.map_or(3, |t| t.max_enis),
        attached_enis: 0,
        attributes: attributes.into(),
        running_tasks_count: 0,
        pending_tasks_count: 0,
        task_groups: BTreeMap::new(),
        tags: request.tags.unwrap_or_default(),
        capacity_provider: None,
    };
    let output = api::RegisterContainerInstanceResponse {
        container_instance: Some(instance.to_api(true)),
    };
    let arn = std::sync::Arc::clone(&instance.arn);
    cluster.instances.push(instance);
    cluster.note_instance(&arn, now);
    Ok(output)
}

/// What an EC2 instance's agent does once it runs: registers it (`sim::ec2::instances`).
///
/// An instance of an Auto Scaling group whose capacity provider the cluster has belongs to that
/// provider (instances registered before the provider was associated do not).
pub(crate) fn register_agent_instance(
    world: &mut World,
    request: api::RegisterContainerInstanceRequest,
    group: Option<&str>,
) -> Result<(), EcsimError> {
    let answer = register_container_instance(world, request)?;
    let cluster_arn = answer
        .container_instance
        .as_ref()
        .and_then(|i| i.container_instance_arn.clone())
        .unwrap_or_default();
    let cluster_name = cluster_arn
        .rsplit('/')
        .nth(1)
        .unwrap_or_default()
        .to_string();
    let provider = world
        .ecs
        .capacity_providers
        .values()
        .find(|p| {
            Some(p.group_name.as_str()) == group && p.cluster.as_deref() == Some(&cluster_name)
        })
        .map(|p| Arc::from(p.name.as_str()));
    if let (Some(provider), Ok(cluster)) = (provider, world.ecs.cluster_mut(Some(&cluster_name))) {
        if let Some(instance) = cluster.instances.find_mut(&cluster_arn) {
            instance.capacity_provider = Some(provider);
        }
        cluster.note_instance(&Arc::from(cluster_arn.as_str()), world.now);
    }
    Ok(())
}

/// The EC2 instance `ec2_instance_id` is shutting down: its container instance leaves its
/// cluster and its tasks stop ("Host EC2 (instance …) terminated.").
pub(crate) fn host_terminated(world: &mut World, ec2_instance_id: &str) {
    let now = world.now;
    for cluster in world.ecs.clusters_mut() {
        if let Some(index) = cluster
            .instances
            .iter()
            .position(|i| &*i.ec2_instance_id == ec2_instance_id)
        {
            lose_host(cluster, index, now);
            return;
        }
    }
}

/// The EC2 instance `ec2_instance_id` got a Spot interruption notice: with Spot instance
/// draining, its agent sets its container instance DRAINING.
pub(crate) fn drain_host(world: &mut World, ec2_instance_id: &str) {
    let found = world.ecs.clusters.values().find_map(|cluster| {
        let instance = cluster
            .instances
            .iter()
            .find(|i| &*i.ec2_instance_id == ec2_instance_id)?;
        Some((cluster.name.clone(), instance.arn.to_string()))
    });
    if let Some((cluster, arn)) = found {
        let request = api::UpdateContainerInstancesStateRequest {
            cluster: Some(cluster),
            container_instances: Some(vec![arn]),
            status: Some(ContainerInstanceStatus::Draining),
        };
        // Its cluster and instance were just found: the change cannot be refused.
        let _ = update_container_instances_state(world, request);
    }
}

/// Whether no task runs or starts on the EC2 instance `ec2_instance_id` (true when no
/// container instance is registered for it).
pub(crate) fn host_is_empty(world: &World, ec2_instance_id: &str) -> bool {
    world
        .ecs
        .clusters
        .values()
        .flat_map(|cluster| cluster.instances.iter())
        .find(|i| &*i.ec2_instance_id == ec2_instance_id)
        .is_none_or(|i| i.running_tasks_count + i.pending_tasks_count == 0)
}

/// The container instance at `index` lost its host.
pub(crate) fn lose_host(cluster: &mut crate::cluster::Cluster, index: usize, now: f64) {
    cluster.lose_instance(index, now, TaskStopCode::TerminationNotice, |instance| {
        format!(
            "Host EC2 (instance {}) terminated.",
            instance.ec2_instance_id
        )
    });
}

pub fn deregister_container_instance(
    world: &mut World,
    request: api::DeregisterContainerInstanceRequest,
) -> Result<api::DeregisterContainerInstanceResponse, EcsimError> {
    let world_now = world.now;
    let cluster = world.ecs.cluster_mut(request.cluster.as_deref())?;
    let reference = request.container_instance.unwrap_or_default();
    let index = cluster
        .instances
        .iter()
        .position(|i| i.is(&reference))
        .ok_or_else(|| {
            api::Error::InvalidParameterException.with(format!(
                "Container instance '{reference}' is not registered in this cluster."
            ))
        })?;
    if cluster.instances[index].running_tasks_count > 0 && request.force != Some(true) {
        return Err(api::Error::ClientException.with("The container instance has running tasks; deregister it with force=true or stop them first.",
        ));
    }
    let mut instance = cluster.instances[index].to_api(false);
    instance.status = Some("INACTIVE".into());
    // AWS orphans the tasks of a force-deregistered instance: ECS stops accounting for them and
    // a service replaces them. ecsim records them STOPPED (docs/conventions.md).
    cluster.lose_instance(index, world_now, TaskStopCode::UserInitiated, |instance| {
        format!(
            "Container instance {} was deregistered with force: ECS no longer tracks this task.",
            instance.ec2_instance_id
        )
    });
    Ok(api::DeregisterContainerInstanceResponse {
        container_instance: Some(instance),
    })
}

pub fn describe_container_instances(
    world: &mut World,
    request: api::DescribeContainerInstancesRequest,
) -> Result<api::DescribeContainerInstancesResponse, EcsimError> {
    let include_tags = request
        .include
        .iter()
        .flatten()
        .any(|field| field.as_str() == "TAGS");
    let cluster = world.ecs.cluster_mut(request.cluster.as_deref())?;
    let mut found = Vec::new();
    let mut failures = Vec::new();
    for reference in request.container_instances.iter().flatten() {
        match cluster.instance(reference) {
            Some(instance) => found.push(instance.to_api(include_tags)),
            None => failures.push(failure(reference, "MISSING")),
        }
    }
    Ok(api::DescribeContainerInstancesResponse {
        container_instances: Some(found),
        failures: Some(failures),
    })
}

pub fn list_container_instances(
    world: &mut World,
    request: api::ListContainerInstancesRequest,
) -> Result<api::ListContainerInstancesResponse, EcsimError> {
    let filter = match request.filter.as_deref() {
        Some(expression) => Some(
            query::parse(expression)
                .map_err(|e| api::Error::InvalidParameterException.with(format!("filter: {e}")))?,
        ),
        None => None,
    };
    let cluster = world.ecs.cluster_mut(request.cluster.as_deref())?;
    let arns: Vec<String> = cluster
        .instances
        .iter()
        .filter(|i| request.status.is_none_or(|status| i.status == status))
        .filter(|i| filter.as_ref().is_none_or(|f| f.matches(*i)))
        .map(|i| i.arn.to_string())
        .collect();
    let (page, next_token) = super::page(
        &crate::sim::paging::ECS,
        arns,
        request.max_results,
        request.next_token.as_deref(),
    )?;
    Ok(api::ListContainerInstancesResponse {
        container_instance_arns: Some(page),
        next_token,
    })
}

pub fn update_container_instances_state(
    world: &mut World,
    request: api::UpdateContainerInstancesStateRequest,
) -> Result<api::UpdateContainerInstancesStateResponse, EcsimError> {
    let status = request.status.unwrap_or(ContainerInstanceStatus::Active);
    if !matches!(
        status,
        ContainerInstanceStatus::Active | ContainerInstanceStatus::Draining
    ) {
        return Err(api::Error::InvalidParameterException
            .with("Container instances can only be set to ACTIVE or DRAINING."));
    }
    let now = world.now;
    let cluster = world.ecs.cluster_mut(request.cluster.as_deref())?;
    let mut updated = Vec::new();
    let mut failures = Vec::new();
    for reference in request.container_instances.iter().flatten() {
        match cluster.instance_position(reference) {
            Some(position) => {
                let changed = cluster.instances.set_status(position, status);
                let instance = &cluster.instances[position];
                updated.push(instance.to_api(false));
                if changed {
                    let arn = std::sync::Arc::clone(&instance.arn);
                    cluster.note_instance(&arn, now);
                }
            }
            None => failures.push(failure(reference, "MISSING")),
        }
    }
    Ok(api::UpdateContainerInstancesStateResponse {
        container_instances: Some(updated),
        failures: Some(failures),
    })
}
