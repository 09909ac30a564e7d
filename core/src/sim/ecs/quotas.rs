//! ECS's documented quotas, each adjustable per simulation (`SimulationConfig::quotas`), as
//! they are adjustable in AWS through Service Quotas.

use crate::error::EcsimError;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Quotas {
    /// Clusters per account and region (10,000).
    pub clusters: usize,
    /// Container instances per cluster (5,000).
    pub container_instances_per_cluster: usize,
    /// Services per cluster (5,000).
    pub services_per_cluster: usize,
    /// Tasks per service, the largest desired count (5,000).
    pub tasks_per_service: usize,
    /// Tasks per service that uses service discovery (1,000).
    pub tasks_per_service_with_service_discovery: usize,
}

impl Default for Quotas {
    fn default() -> Self {
        Quotas {
            clusters: 10_000,
            container_instances_per_cluster: 5_000,
            services_per_cluster: 5_000,
            tasks_per_service: 5_000,
            tasks_per_service_with_service_discovery: 1_000,
        }
    }
}

/// LimitExceededException, naming the quota and how to raise it in the simulation.
pub fn exceeded(what: &str, quota: &str, limit: usize) -> EcsimError {
    crate::api::ecs::Error::LimitExceededException.with(format!("The limit of {limit} {what} was reached (quotas.{quota} in the simulation's configuration)."),
    )
}
