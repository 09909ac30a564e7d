//! CreateCluster, DeleteCluster, DescribeClusters, ListClusters.

use super::{capacity, cluster_mut, cluster_name, failure};
use crate::api::ecs::{self as api, shapes};
use crate::cluster::Cluster;
use crate::error::{EcsimError, ErrorCode};
use crate::sim::request::parse_request;
use crate::sim::Simulation;
use serde_json::{json, Value};

pub fn create_cluster(sim: &mut Simulation, input: Value) -> Result<Value, EcsimError> {
    let (request, _): (api::CreateClusterRequest, _) =
        parse_request(input, &shapes::CREATE_CLUSTER_REQUEST, &[])?;
    let name = request.cluster_name.unwrap_or_else(|| "default".into());
    let valid = (1..=255).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !valid {
        return Err(EcsimError::invalid_parameter("Cluster name can have up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens.",
        ));
    }
    let providers = request.capacity_providers.clone().unwrap_or_default();
    let default_strategy = request
        .default_capacity_provider_strategy
        .clone()
        .unwrap_or_default();
    capacity::check_providers(&providers)?;
    capacity::parse(&default_strategy, &providers)?;
    let limit = sim.config.quotas.clusters;
    let active = sim.ecs.clusters.values().filter(|c| c.active).count();
    if active >= limit && !sim.ecs.clusters.get(&name).is_some_and(|c| c.active) {
        return Err(crate::sim::quotas::exceeded("clusters", "clusters", limit));
    }
    let arn = format!(
        "arn:aws:ecs:{}:{}:cluster/{name}",
        sim.config.region, sim.config.account_id
    );
    let services = sim.ecs.active_services(&name);
    // Creating a cluster that exists returns it, as ECS does; an INACTIVE one comes back to life.
    let cluster = sim
        .ecs
        .clusters
        .entry(name.clone())
        .or_insert_with(|| Cluster {
            name,
            arn,
            active: true,
            tags: request.tags.clone().unwrap_or_default(),
            settings: request.settings.clone().unwrap_or_default(),
            capacity_providers: providers.clone(),
            default_capacity_provider_strategy: default_strategy.clone(),
            instances: Vec::new(),
            tasks: Vec::new(),
            task_positions: Default::default(),
            due: Vec::new(),
        });
    if !cluster.active {
        cluster.active = true;
        cluster.tags = request.tags.unwrap_or_default();
        cluster.settings = request.settings.unwrap_or_default();
        cluster.capacity_providers = providers;
        cluster.default_capacity_provider_strategy = default_strategy;
    }
    Ok(json!({ "cluster": cluster.to_api(services) }))
}

pub fn delete_cluster(sim: &mut Simulation, input: Value) -> Result<Value, EcsimError> {
    let (request, _): (api::DeleteClusterRequest, _) =
        parse_request(input, &shapes::DELETE_CLUSTER_REQUEST, &[])?;
    let name = cluster_mut(sim, request.cluster.as_deref())?.name.clone();
    if sim.ecs.active_services(&name) > 0 {
        return Err(EcsimError::new(
            ErrorCode::ClusterContainsServicesException,
            "The Cluster cannot be deleted while Services are active.",
        ));
    }
    let cluster = cluster_mut(sim, Some(&name))?;
    if !cluster.instances.is_empty() {
        return Err(EcsimError::new(
            ErrorCode::ClusterContainsContainerInstancesException,
            "The Cluster cannot be deleted while Container Instances are active or draining.",
        ));
    }
    // FARGATE tasks run on no instance.
    if cluster.tasks.iter().any(|t| t.last_status != "STOPPED") {
        return Err(EcsimError::new(
            ErrorCode::ClusterContainsTasksException,
            "The Cluster cannot be deleted while Tasks are active.",
        ));
    }
    cluster.active = false;
    Ok(json!({ "cluster": cluster.to_api(0) }))
}

pub fn describe_clusters(sim: &mut Simulation, input: Value) -> Result<Value, EcsimError> {
    let (request, _): (api::DescribeClustersRequest, _) =
        parse_request(input, &shapes::DESCRIBE_CLUSTERS_REQUEST, &[])?;
    let references = request.clusters.unwrap_or_else(|| vec!["default".into()]);
    let mut clusters = Vec::new();
    let mut failures = Vec::new();
    for reference in &references {
        match sim.ecs.clusters.get(cluster_name(Some(reference))) {
            Some(cluster) => clusters.push(cluster.to_api(sim.ecs.active_services(&cluster.name))),
            None => {
                let (region, account) = (&sim.config.region, &sim.config.account_id);
                let arn = format!(
                    "arn:aws:ecs:{region}:{account}:cluster/{}",
                    cluster_name(Some(reference))
                );
                failures.push(failure(&arn, "MISSING"));
            }
        }
    }
    Ok(json!({ "clusters": clusters, "failures": failures }))
}

pub fn list_clusters(sim: &mut Simulation, input: Value) -> Result<Value, EcsimError> {
    let (_request, _): (api::ListClustersRequest, _) =
        parse_request(input, &shapes::LIST_CLUSTERS_REQUEST, &[])?;
    let arns: Vec<&str> = sim
        .ecs
        .clusters
        .values()
        .filter(|c| c.active)
        .map(|c| c.arn.as_str())
        .collect();
    Ok(json!({ "clusterArns": arns }))
}

/// PutClusterCapacityProviders: the cluster's providers and default strategy, replaced whole. A
/// provider a service's strategy uses cannot be removed.
pub fn put_cluster_capacity_providers(
    sim: &mut Simulation,
    input: Value,
) -> Result<Value, EcsimError> {
    let (request, _): (api::PutClusterCapacityProvidersRequest, _) =
        parse_request(input, &shapes::PUT_CLUSTER_CAPACITY_PROVIDERS_REQUEST, &[])?;
    let providers = request.capacity_providers.unwrap_or_default();
    let default_strategy = request
        .default_capacity_provider_strategy
        .unwrap_or_default();
    capacity::check_providers(&providers)?;
    capacity::parse(&default_strategy, &providers)?;
    let name = cluster_mut(sim, request.cluster.as_deref())?.name.clone();
    let in_use = sim
        .ecs
        .services
        .iter()
        .filter(|((cluster, _), service)| *cluster == name && service.status != "INACTIVE")
        .flat_map(|(_, service)| &service.deployments)
        .flat_map(|deployment| &deployment.capacity_provider_strategy)
        .find(|share| !providers.iter().any(|p| p == share.provider.name()));
    if let Some(share) = in_use {
        return Err(EcsimError::new(
            ErrorCode::ResourceInUseException,
            format!(
                "The specified capacity provider {} is in use and cannot be removed.",
                share.provider.name()
            ),
        ));
    }
    let services = sim.ecs.active_services(&name);
    let cluster = cluster_mut(sim, Some(&name))?;
    cluster.capacity_providers = providers;
    cluster.default_capacity_provider_strategy = default_strategy;
    Ok(json!({ "cluster": cluster.to_api(services) }))
}
