//! The ECS actions of the simulation.

mod attributes;
pub(crate) mod capacity;
mod clusters;
pub(crate) mod fargate;
mod faults;
mod instances;
pub(crate) mod launch;
mod services;
mod task_definitions;
mod task_queries;
pub(crate) mod tasks;

use super::Simulation;
use crate::cluster::Cluster;
use crate::error::{EcsimError, ErrorCode};
use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Default)]
pub struct EcsState {
    task_definitions: task_definitions::TaskDefinitions,
    clusters: BTreeMap<String, Cluster>,
    /// By (cluster name, service name).
    services: BTreeMap<(String, String), services::Service>,
}

impl EcsState {
    pub fn cluster(&self, reference: &str) -> Option<&Cluster> {
        self.clusters.get(cluster_name(Some(reference)))
    }

    /// The services of a cluster that are not INACTIVE.
    pub fn active_services(&self, cluster: &str) -> usize {
        self.services
            .iter()
            .filter(|((c, _), s)| c == cluster && s.status != "INACTIVE")
            .count()
    }

    /// How many service events were ever recorded: the scheduler looks again while it grows.
    pub fn service_activity(&self) -> u64 {
        self.services.values().map(|s| s.events_added).sum()
    }

    /// Lifecycle steps noted since the last look: (cluster, when, task position).
    pub fn take_due(&mut self) -> Vec<(String, f64, usize)> {
        let mut due = Vec::new();
        for (name, cluster) in &mut self.clusters {
            due.extend(
                cluster
                    .take_due()
                    .into_iter()
                    .map(|(at, position)| (name.clone(), at, position)),
            );
        }
        due
    }

    /// Task `position`'s step due `at`, unless the task has moved on since it was scheduled.
    pub fn task_step(&mut self, cluster: &str, position: usize, at: f64) {
        let Some(cluster) = self.clusters.get_mut(cluster) else {
            return;
        };
        if cluster.tasks.get(position).and_then(|t| t.next_at) == Some(at) {
            cluster.settle_task(position, at);
        }
    }
}

pub fn dispatch(sim: &mut Simulation, action: &str, input: Value) -> Result<Value, EcsimError> {
    match action {
        "RegisterTaskDefinition" => task_definitions::register_task_definition(sim, input),
        "DescribeTaskDefinition" => task_definitions::describe_task_definition(sim, input),
        "CreateCluster" => clusters::create_cluster(sim, input),
        "DeleteCluster" => clusters::delete_cluster(sim, input),
        "DescribeClusters" => clusters::describe_clusters(sim, input),
        "ListClusters" => clusters::list_clusters(sim, input),
        "RegisterContainerInstance" => instances::register_container_instance(sim, input),
        "DeregisterContainerInstance" => instances::deregister_container_instance(sim, input),
        "DescribeContainerInstances" => instances::describe_container_instances(sim, input),
        "ListContainerInstances" => instances::list_container_instances(sim, input),
        "UpdateContainerInstancesState" => instances::update_container_instances_state(sim, input),
        "PutAttributes" => attributes::put_attributes(sim, input),
        "DeleteAttributes" => attributes::delete_attributes(sim, input),
        "ListAttributes" => attributes::list_attributes(sim, input),
        "RunTask" => tasks::run_task(sim, input),
        "StartTask" => tasks::start_task(sim, input),
        "StopTask" => task_queries::stop_task(sim, input),
        "DescribeTasks" => task_queries::describe_tasks(sim, input),
        "ListTasks" => task_queries::list_tasks(sim, input),
        "CreateService" => services::actions::create_service(sim, input),
        "UpdateService" => services::actions::update_service(sim, input),
        "DeleteService" => services::actions::delete_service(sim, input),
        "DescribeServices" => services::actions::describe_services(sim, input),
        "ListServices" => services::actions::list_services(sim, input),
        "PutClusterCapacityProviders" => clusters::put_cluster_capacity_providers(sim, input),
        _ => Err(EcsimError::new(
            ErrorCode::UnknownOperationException,
            format!("ecs has no action '{action}'."),
        )),
    }
}

/// The `ecsim` service: simulation-only actions over the ECS state.
pub fn dispatch_extension(
    sim: &mut Simulation,
    action: &str,
    input: Value,
) -> Result<Value, EcsimError> {
    match action {
        "PlaceTasks" => tasks::place_tasks(sim, input),
        "PutImage" => put_image(sim, input),
        "ListEvents" => services::actions::list_events(sim, input),
        "NextFireTimes" => crate::schedule::next_fire_times(input, sim.now),
        "ListInvocations" => super::events::list_invocations(sim, input),
        "KillInstance" => faults::kill_instance(sim, input),
        "InterruptSpotTask" => faults::interrupt_spot_task(sim, input),
        "DisconnectAgent" => faults::set_agent_connected(sim, action, input, false),
        "ReconnectAgent" => faults::set_agent_connected(sim, action, input, true),
        "CreateSubnet" => {
            let generated = input.get("subnetId").is_none().then(|| sim.random_hex(17));
            let region = sim.config.region.clone();
            sim.subnets.create(input, &region, generated)
        }
        _ => Err(EcsimError::new(
            ErrorCode::UnknownOperationException,
            format!("ecsim has no action '{action}'."),
        )),
    }
}

/// A `failures[]` entry: what could not be found or placed, and why (`MISSING`, `RESOURCE:CPU`, …).
pub(crate) fn failure(arn: &str, reason: &str) -> crate::api::ecs::Failure {
    crate::api::ecs::Failure {
        arn: Some(arn.to_string()),
        reason: Some(reason.to_string()),
        detail: None,
    }
}

/// The name a cluster reference (a name or an ARN; none means `default`) stands for.
pub(crate) fn cluster_name(reference: Option<&str>) -> &str {
    let reference = reference.unwrap_or("default");
    reference
        .rsplit_once(":cluster/")
        .map_or(reference, |(_, name)| name)
}

/// The ACTIVE cluster a request names.
pub(crate) fn cluster_mut<'a>(
    sim: &'a mut Simulation,
    reference: Option<&str>,
) -> Result<&'a mut Cluster, EcsimError> {
    sim.ecs
        .clusters
        .get_mut(cluster_name(reference))
        .filter(|cluster| cluster.active)
        .ok_or_else(|| EcsimError::new(ErrorCode::ClusterNotFoundException, "Cluster not found."))
}

/// PutImage (service `ecsim`): what running an image does in this simulation, for tasks started
/// from now on: `{"image": "...", "pullSeconds": 30, "pullFails": false, "exitAfter": 60,
/// "exitCode": 1, "unhealthyAfter": 120}`.
fn put_image(sim: &mut Simulation, mut input: Value) -> Result<Value, EcsimError> {
    let image = input
        .as_object_mut()
        .and_then(|o| o.remove("image"))
        .and_then(|v| v.as_str().map(str::to_string))
        .filter(|image| !image.is_empty())
        .ok_or_else(|| EcsimError::invalid_parameter("PutImage needs an image name."))?;
    let behavior: crate::cluster::lifecycle::ImageBehavior = super::parse_input("PutImage", input)?;
    let valid = |seconds: Option<f64>| seconds.is_none_or(|s| s.is_finite() && s >= 0.0);
    if !valid(behavior.pull_seconds)
        || !valid(behavior.exit_after)
        || !valid(behavior.unhealthy_after)
    {
        return Err(EcsimError::invalid_parameter(
            "pullSeconds, exitAfter and unhealthyAfter must be finite numbers of seconds >= 0.",
        ));
    }
    let output = serde_json::json!({ "image": image, "behavior": behavior });
    sim.images.insert(image, behavior);
    Ok(output)
}

/// The service scheduler's look at every service.
pub fn reconcile_services(sim: &mut Simulation) {
    services::scheduler::reconcile_all(sim);
}
