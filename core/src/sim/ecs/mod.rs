//! The ECS actions of the simulation.

pub(crate) mod account_settings;
mod attributes;
pub(crate) mod capacity;
pub(crate) mod capacity_providers;
mod cluster_settings;
mod clusters;
pub(crate) mod daemons;
mod explain;
mod express;
pub(crate) mod fargate;
pub(crate) mod gateways;
mod instances;
pub(crate) mod launch;
pub(crate) mod managed_scaling;
pub(crate) mod names;
mod protection;
pub(crate) mod provisioning;
pub mod quotas;
pub(crate) mod services;
mod tags;
mod task_definition_lifecycle;
mod task_definitions;
mod task_queries;
mod task_tags;
pub(crate) mod tasks;

use super::World;
use crate::cluster::Cluster;
use crate::cluster::TaskPosition;
use crate::error::EcsimError;
pub(crate) use capacity_providers::drains_before_termination;
pub(crate) use explain::Explanation;
pub(crate) use instances::{
    drain_host, host_is_empty, host_terminated, lose_host, register_agent_instance,
};
use services::ServiceStatus;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The handlers the generated operation table (`sim/registry.rs`) calls, named after their
/// actions in snake_case.
pub(crate) mod handlers {
    pub(crate) use super::account_settings::{
        delete_account_setting, list_account_settings, put_account_setting,
        put_account_setting_default,
    };
    pub(crate) use super::attributes::{delete_attributes, list_attributes, put_attributes};
    pub(crate) use super::capacity_providers::{
        create_capacity_provider, delete_capacity_provider, describe_capacity_providers,
        update_capacity_provider,
    };
    pub(crate) use super::cluster_settings::{update_cluster, update_cluster_settings};
    pub(crate) use super::clusters::{
        create_cluster, delete_cluster, describe_clusters, list_clusters,
        put_cluster_capacity_providers,
    };
    pub(crate) use super::daemons::actions::{
        create_daemon, delete_daemon, describe_daemon, describe_daemon_deployments,
        describe_daemon_revisions, list_daemon_deployments, list_daemons, update_daemon,
    };
    pub(crate) use super::daemons::definitions::{
        delete_daemon_task_definition, describe_daemon_task_definition,
        list_daemon_task_definitions, register_daemon_task_definition,
    };
    pub(crate) use super::express::{
        create_express_gateway_service, delete_express_gateway_service,
        describe_express_gateway_service, update_express_gateway_service,
    };
    pub(crate) use super::gateways::{
        associate_gateway_with_cluster, create_gateway, delete_gateway, describe_gateway,
        describe_gateway_resources, describe_gateway_route, disassociate_gateway_from_cluster,
        list_gateway_cluster_associations, list_gateway_routes, list_gateways, update_gateway,
    };
    pub(crate) use super::instances::{
        deregister_container_instance, describe_container_instances, list_container_instances,
        register_container_instance, update_container_instances_state,
    };
    pub(crate) use super::protection::{get_task_protection, update_task_protection};
    pub(crate) use super::services::actions::{
        create_service, delete_service, describe_services, list_services, update_service,
    };
    pub(crate) use super::services::deployments_api::{
        describe_service_deployments, describe_service_revisions, list_service_deployments,
        stop_service_deployment,
    };
    pub(crate) use super::services::registries::list_services_by_namespace;
    pub(crate) use super::services::shift::hooks::continue_service_deployment;
    pub(crate) use super::services::task_sets::{
        create_task_set, delete_task_set, describe_task_sets, update_service_primary_task_set,
        update_task_set,
    };
    pub(crate) use super::tags::{list_tags_for_resource, tag_resource, untag_resource};
    pub(crate) use super::task_definition_lifecycle::{
        delete_task_definitions, deregister_task_definition, list_task_definition_families,
        list_task_definitions,
    };
    pub(crate) use super::task_definitions::{describe_task_definition, register_task_definition};
    pub(crate) use super::task_queries::{describe_tasks, list_tasks, stop_task};
    pub(crate) use super::tasks::{run_task, start_task};
}

#[derive(Clone, Default)]
pub struct EcsState {
    task_definitions: task_definitions::TaskDefinitions,
    clusters: BTreeMap<String, Cluster>,
    account_settings: account_settings::AccountSettings,
    /// The Auto Scaling group capacity providers, by name (FARGATE and FARGATE_SPOT are every
    /// cluster's without being here).
    pub(crate) capacity_providers: BTreeMap<String, capacity_providers::GroupProvider>,
    /// Whether managed scaling's next look is on the clock.
    managed_scaling_ticks: bool,
    /// By (cluster name, service name).
    pub(crate) services: BTreeMap<(String, String), services::Service>,
    /// Managed daemons, by (cluster name, daemon name), and their task definitions.
    pub(crate) daemons: daemons::Daemons,
    pub(crate) daemon_task_definitions: daemons::definitions::DaemonTaskDefinitions,
    /// Gateways, by name.
    pub(crate) gateways: gateways::Gateways,
    /// Express services, by their ECS service's ARN.
    pub(crate) express: express::ExpressServices,
    /// What the Lambda functions named as deployment lifecycle hooks answer (PutHookFunction).
    pub(crate) hook_functions: services::shift::hooks::HookFunctions,
}

impl EcsState {
    pub fn cluster(&self, reference: &str) -> Option<&Cluster> {
        self.clusters.get(cluster_name(Some(reference)))
    }

    pub fn clusters_mut(&mut self) -> impl Iterator<Item = &mut Cluster> {
        self.clusters.values_mut()
    }

    /// Every service, to change, each with its cluster, to read; in (cluster, service) order.
    pub(crate) fn services_with_clusters(
        &mut self,
    ) -> impl Iterator<Item = (&(String, String), &mut services::Service, &Cluster)> {
        let clusters = &self.clusters;
        self.services.iter_mut().filter_map(|(key, service)| {
            let cluster = clusters.get(&key.0)?;
            Some((key, service, cluster))
        })
    }

    /// The ACTIVE cluster a request names (`default` when it names none).
    /// The group capacity providers `names` (of those) are now `cluster`'s; the others it had
    /// are no longer associated with any cluster.
    pub fn associate_providers(&mut self, cluster: &str, names: &[String]) {
        for provider in self.capacity_providers.values_mut() {
            if names.contains(&provider.name) {
                provider.cluster = Some(cluster.to_string());
            } else if provider.cluster.as_deref() == Some(cluster) {
                provider.cluster = None;
            }
        }
        self.note_waiting_providers();
    }

    /// Tells each cluster which of its providers keep tasks waiting for capacity: the group
    /// providers with managed scaling ENABLED.
    pub fn note_waiting_providers(&mut self) {
        for cluster in self.clusters.values_mut() {
            cluster.waiting_providers = self
                .capacity_providers
                .values()
                .filter(|p| {
                    p.cluster.as_deref() == Some(&cluster.name) && p.managed_scaling_enabled()
                })
                .map(|p| std::sync::Arc::from(p.name.as_str()))
                .collect();
        }
    }

    pub fn cluster_mut(&mut self, reference: Option<&str>) -> Result<&mut Cluster, EcsimError> {
        self.clusters
            .get_mut(cluster_name(reference))
            .filter(|cluster| cluster.active)
            .ok_or_else(|| {
                crate::api::ecs::Error::ClusterNotFoundException.with("Cluster not found.")
            })
    }

    /// The services of a cluster that are not INACTIVE.
    pub fn active_services(&self, cluster: &str) -> usize {
        self.services
            .iter()
            .filter(|((c, _), s)| c == cluster && s.status != ServiceStatus::Inactive)
            .count()
    }

    /// How many service events were ever recorded: the scheduler looks again while it grows.
    pub fn service_activity(&self) -> u64 {
        self.services.values().map(|s| s.events_added).sum()
    }

    /// Hands each lifecycle step noted since the last look to `each`: (cluster, when, task
    /// position). The cluster's name is made once per look, not once per step.
    pub fn take_due(&mut self, mut each: impl FnMut(&Arc<str>, f64, TaskPosition)) {
        for (name, cluster) in &mut self.clusters {
            let mut due = cluster.take_due().peekable();
            if due.peek().is_none() {
                continue;
            }
            let name: Arc<str> = name.as_str().into();
            for (at, position) in due {
                each(&name, at, position);
            }
        }
    }

    /// Forgets the tasks that reached STOPPED at or before `until`, in every cluster and in the
    /// deployments that still list them.
    pub fn forget_stopped(&mut self, until: f64) {
        for (name, cluster) in &mut self.clusters {
            let forgotten = cluster.forget_stopped(until);
            if forgotten.is_empty() {
                continue;
            }
            for ((service_cluster, _), service) in &mut self.services {
                if service_cluster == name {
                    for deployment in &mut service.deployments {
                        deployment.tasks.retain(|p| !forgotten.contains(p));
                    }
                }
            }
        }
    }

    /// Task `position`'s step due `at`, unless the task has moved on since it was scheduled.
    pub fn task_step(&mut self, cluster: &str, position: TaskPosition, at: f64) {
        let Some(cluster) = self.clusters.get_mut(cluster) else {
            return;
        };
        if cluster.tasks.get(position).and_then(|t| t.next_at) == Some(at) {
            cluster.settle_task(position, at);
        }
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

/// Another service's error, as the ECS action that called it reports it (`what`: the resource
/// it was making).
pub(crate) fn relayed(what: &str) -> impl Fn(EcsimError) -> EcsimError + '_ {
    move |error| {
        crate::api::ecs::Error::InvalidParameterException.with(format!("{what}: {}", error.message))
    }
}

/// The name a cluster reference (a name or an ARN; none means `default`) stands for.
/// One page of an ECS List action's answer (`maxResults` 1 to 100, `paging.default` unless
/// given; `nextToken`), refused with InvalidParameterException.
pub(crate) fn page<T>(
    paging: &crate::sim::paging::Paging,
    items: Vec<T>,
    max_results: Option<i32>,
    next_token: Option<&str>,
) -> Result<(Vec<T>, Option<String>), EcsimError> {
    paging.page(items, max_results, next_token, |m| {
        crate::api::ecs::Error::InvalidParameterException.with(m)
    })
}

pub(crate) fn cluster_name(reference: Option<&str>) -> &str {
    let reference = reference.unwrap_or("default");
    // A name holds no ':' (a character search, where the ARN's is a substring searcher's).
    if !reference.contains(':') {
        return reference;
    }
    reference
        .rsplit_once(":cluster/")
        .map_or(reference, |(_, name)| name)
}

/// The service scheduler's look at every service.
pub fn reconcile_services(world: &mut World) {
    let World { ecs, rng, now, .. } = world;
    for cluster in ecs.clusters.values_mut() {
        provisioning::place_waiting(cluster, *now, rng);
    }
    services::scheduler::reconcile_all(world);
}
