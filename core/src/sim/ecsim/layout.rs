//! DescribeClusterLayout: a cluster as a board draws it, in one call. Tasks come as columns
//! because a board of ten thousand tasks is redrawn at every step of the clock, and ten thousand
//! task documents would cost far more than the drawing.

use super::super::ecs::cluster_name;
use super::super::World;
use crate::api::ecsim as api;
use crate::cluster::ContainerInstance;
use crate::error::EcsimError;
use crate::placement::Resources;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A host's TCP ports; `ports` counts those the reserved ports (registered) and the tasks
/// (remaining) leave free.
const HOST_PORTS: i64 = 65_535;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterLayout {
    cluster_arn: String,
    time: f64,
    instances: Vec<LayoutInstance>,
    tasks: LayoutTasks,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct LayoutInstance {
    container_instance_arn: Arc<str>,
    ec2_instance_id: Arc<str>,
    instance_type: Option<String>,
    availability_zone: Option<Arc<str>>,
    status: &'static str,
    agent_connected: bool,
    registered: LayoutResources,
    remaining: LayoutResources,
    running_tasks_count: u32,
    pending_tasks_count: u32,
    attributes: BTreeMap<String, String>,
}

#[derive(Debug, Serialize)]
struct LayoutResources {
    cpu: i64,
    memory: i64,
    gpus: i64,
    enis: i64,
    ports: i64,
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
struct LayoutTasks {
    task_arn: Vec<Arc<str>>,
    instance: Vec<i64>,
    availability_zone: Vec<Option<Arc<str>>>,
    group: Vec<String>,
    last_status: Vec<&'static str>,
    desired_status: Vec<&'static str>,
    health_status: Vec<&'static str>,
    cpu: Vec<i64>,
    memory: Vec<i64>,
    capacity_provider_name: Vec<Option<Arc<str>>>,
    created_at: Vec<f64>,
}

fn resources(resources: &Resources, enis: i64) -> LayoutResources {
    LayoutResources {
        cpu: resources.cpu,
        memory: resources.memory,
        gpus: resources.gpus.len() as i64,
        enis,
        ports: HOST_PORTS - resources.ports.len() as i64,
    }
}

fn layout_instance(instance: &ContainerInstance) -> LayoutInstance {
    let eni_room = i64::from(instance.max_enis.saturating_sub(1));
    let remaining = resources(
        &instance.remaining,
        eni_room - i64::from(instance.attached_enis),
    );
    let attribute = |name: &str| instance.attributes.get(name).cloned().flatten();
    LayoutInstance {
        container_instance_arn: instance.arn.clone(),
        ec2_instance_id: instance.ec2_instance_id.clone(),
        instance_type: attribute("ecs.instance-type"),
        availability_zone: instance.availability_zone.clone(),
        status: instance.status.as_str(),
        agent_connected: instance.agent_connected,
        registered: resources(&instance.registered, eni_room),
        remaining,
        running_tasks_count: instance.running_tasks_count,
        pending_tasks_count: instance.pending_tasks_count,
        attributes: instance
            .attributes
            .iter()
            .map(|(name, value)| (name.clone(), value.clone().unwrap_or_default()))
            .collect(),
    }
}

/// DescribeClusterLayout: every container instance and every task that is not STOPPED.
pub fn describe_cluster_layout(
    world: &mut World,
    request: api::DescribeClusterLayoutRequest,
) -> Result<ClusterLayout, EcsimError> {
    let name = cluster_name(request.cluster.as_deref());
    let cluster = world
        .ecs
        .cluster(name)
        .filter(|cluster| cluster.active)
        .ok_or_else(|| api::Error::ClusterNotFoundException.with("Cluster not found."))?;
    let instance_index: BTreeMap<&str, i64> = cluster
        .instances
        .iter()
        .enumerate()
        .map(|(index, instance)| (&*instance.arn, index as i64))
        .collect();
    let mut tasks = LayoutTasks::default();
    for task in cluster.tasks.iter().filter(|t| t.last_status != "STOPPED") {
        let instance = task.instance_arn.as_deref();
        tasks.task_arn.push(task.arn.clone());
        tasks.instance.push(
            instance
                .and_then(|arn| instance_index.get(arn).copied())
                .unwrap_or(-1),
        );
        tasks.availability_zone.push(task.availability_zone.clone());
        tasks.group.push(task.spec.group.clone());
        tasks.last_status.push(task.last_status);
        tasks.desired_status.push(task.desired_status);
        tasks
            .health_status
            .push(task.task_health(world.now).as_str());
        tasks.cpu.push(task.spec.requirement.cpu);
        tasks.memory.push(task.spec.requirement.memory);
        tasks
            .capacity_provider_name
            .push(task.capacity_provider.clone());
        tasks.created_at.push(task.created_at);
    }
    Ok(ClusterLayout {
        cluster_arn: cluster.arn.clone(),
        time: world.now,
        instances: cluster.instances.iter().map(layout_instance).collect(),
        tasks,
    })
}
