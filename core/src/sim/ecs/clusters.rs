//! CreateCluster, DeleteCluster, DescribeClusters, ListClusters.

use super::services::ServiceStatus;
use super::{capacity, cluster_name, cluster_settings, failure};
use crate::api::ecs as api;
use crate::cluster::Cluster;
use crate::error::EcsimError;
use crate::sim::World;

pub fn create_cluster(
    world: &mut World,
    request: api::CreateClusterRequest,
) -> Result<api::CreateClusterResponse, EcsimError> {
    let name = request.cluster_name.unwrap_or_else(|| "default".into());
    let valid = (1..=255).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !valid {
        return Err(api::Error::InvalidParameterException.with("Cluster name can have up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens.",
        ));
    }
    super::names::check_tags(request.tags.as_deref())?;
    let providers = request.capacity_providers.clone().unwrap_or_default();
    let default_strategy = request
        .default_capacity_provider_strategy
        .clone()
        .unwrap_or_default();
    capacity::check_providers(&providers, &world.ecs.capacity_providers, &name)?;
    capacity::parse(&default_strategy, &providers)?;
    let settings = cluster_settings::new_cluster_settings(world, request.settings)?;
    let configuration = cluster_settings::checked_configuration(request.configuration)?;
    let limit = world.config.quotas.clusters;
    let active = world.ecs.clusters.values().filter(|c| c.active).count();
    if active >= limit && !world.ecs.clusters.get(&name).is_some_and(|c| c.active) {
        return Err(crate::sim::quotas::exceeded("clusters", "clusters", limit));
    }
    // An ACTIVE cluster is returned as it is: nothing of the request applies, no namespace is made.
    let exists = world.ecs.clusters.get(&name).is_some_and(|c| c.active);
    let service_connect_defaults = match request.service_connect_defaults {
        Some(given) if !exists => cluster_settings::service_connect_defaults(world, given)?,
        _ => None,
    };
    let arn = world.arn("ecs", &format!("cluster/{name}"));
    let services = world.ecs.active_services(&name);
    let listening = world.events.listening(&world.config);
    // Creating a cluster that exists returns it, as ECS does; an INACTIVE one comes back to life.
    let cluster = world
        .ecs
        .clusters
        .entry(name.clone())
        .or_insert_with(|| Cluster {
            name,
            arn,
            active: true,
            tags: request.tags.clone().unwrap_or_default(),
            settings: settings.clone(),
            configuration: configuration.clone(),
            service_connect_defaults: service_connect_defaults.clone(),
            capacity_providers: providers.clone(),
            default_capacity_provider_strategy: default_strategy.clone(),
            instances: Default::default(),
            tasks: Default::default(),
            task_positions: Default::default(),
            due: Vec::new(),
            stopped: Default::default(),
            journal: listening.then(Vec::new),
            placement_index: None,
            waiting: Vec::new(),
            waiting_providers: Default::default(),
        });
    if !cluster.active {
        cluster.active = true;
        cluster.tags = request.tags.unwrap_or_default();
        cluster.settings = settings;
        cluster.configuration = configuration;
        cluster.service_connect_defaults = service_connect_defaults;
        cluster.capacity_providers = providers;
        cluster.default_capacity_provider_strategy = default_strategy;
    }
    let answer = cluster.to_api(services);
    if !exists {
        let (name, providers) = (cluster.name.clone(), cluster.capacity_providers.clone());
        world.ecs.associate_providers(&name, &providers);
        super::managed_scaling::sync(world);
    }
    Ok(api::CreateClusterResponse {
        cluster: Some(answer),
    })
}

pub fn delete_cluster(
    world: &mut World,
    request: api::DeleteClusterRequest,
) -> Result<api::DeleteClusterResponse, EcsimError> {
    let name = world
        .ecs
        .cluster_mut(request.cluster.as_deref())?
        .name
        .clone();
    if world.ecs.active_services(&name) > 0 {
        return Err(api::Error::ClusterContainsServicesException
            .with("The Cluster cannot be deleted while Services are active."));
    }
    let cluster = world.ecs.cluster_mut(Some(&name))?;
    if !cluster.instances.is_empty() {
        return Err(api::Error::ClusterContainsContainerInstancesException.with(
            "The Cluster cannot be deleted while Container Instances are active or draining.",
        ));
    }
    // FARGATE tasks run on no instance.
    if cluster.tasks.iter().any(|t| t.last_status != "STOPPED") {
        return Err(api::Error::ClusterContainsTasksException
            .with("The Cluster cannot be deleted while Tasks are active."));
    }
    if let Some(provider) = cluster
        .capacity_providers
        .iter()
        .find(|p| !capacity::FARGATE_PROVIDERS.contains(&p.as_str()))
    {
        return Err(api::Error::ClusterContainsCapacityProviderException.with(format!(
            "The Cluster cannot be deleted while it has the Auto Scaling group capacity provider {provider}: remove it with PutClusterCapacityProviders first."
        )));
    }
    cluster.active = false;
    Ok(api::DeleteClusterResponse {
        cluster: Some(cluster.to_api(0)),
    })
}

pub fn describe_clusters(
    world: &mut World,
    request: api::DescribeClustersRequest,
) -> Result<api::DescribeClustersResponse, EcsimError> {
    let references = request.clusters.unwrap_or_else(|| vec!["default".into()]);
    let mut clusters = Vec::new();
    let mut failures = Vec::new();
    for reference in &references {
        match world.ecs.clusters.get(cluster_name(Some(reference))) {
            Some(cluster) => {
                clusters.push(cluster.to_api(world.ecs.active_services(&cluster.name)))
            }
            None => {
                let name = cluster_name(Some(reference));
                let arn = world.arn("ecs", &format!("cluster/{name}"));
                failures.push(failure(&arn, "MISSING"));
            }
        }
    }
    Ok(api::DescribeClustersResponse {
        clusters: Some(clusters),
        failures: Some(failures),
    })
}

pub fn list_clusters(
    world: &mut World,
    request: api::ListClustersRequest,
) -> Result<api::ListClustersResponse, EcsimError> {
    let arns: Vec<String> = world
        .ecs
        .clusters
        .values()
        .filter(|c| c.active)
        .map(|c| c.arn.clone())
        .collect();
    let (page, next_token) = super::page(
        &crate::sim::paging::ECS,
        arns,
        request.max_results,
        request.next_token.as_deref(),
    )?;
    Ok(api::ListClustersResponse {
        cluster_arns: Some(page),
        next_token,
    })
}

/// PutClusterCapacityProviders: the cluster's providers and default strategy, replaced whole. A
/// provider a service's strategy uses cannot be removed.
pub fn put_cluster_capacity_providers(
    world: &mut World,
    request: api::PutClusterCapacityProvidersRequest,
) -> Result<api::PutClusterCapacityProvidersResponse, EcsimError> {
    let providers = request.capacity_providers.unwrap_or_default();
    let default_strategy = request
        .default_capacity_provider_strategy
        .unwrap_or_default();
    let name = world
        .ecs
        .cluster_mut(request.cluster.as_deref())?
        .name
        .clone();
    capacity::check_providers(&providers, &world.ecs.capacity_providers, &name)?;
    capacity::parse(&default_strategy, &providers)?;
    let in_use = world
        .ecs
        .services
        .iter()
        .filter(|((cluster, _), service)| {
            *cluster == name && service.status != ServiceStatus::Inactive
        })
        .flat_map(|(_, service)| &service.deployments)
        .flat_map(|deployment| &deployment.capacity_provider_strategy)
        .find(|share| !providers.iter().any(|p| *p == *share.provider));
    if let Some(share) = in_use {
        return Err(api::Error::ResourceInUseException.with(format!(
            "The specified capacity provider {} is in use and cannot be removed.",
            share.provider
        )));
    }
    world.ecs.associate_providers(&name, &providers);
    super::managed_scaling::sync(world);
    let services = world.ecs.active_services(&name);
    let cluster = world.ecs.cluster_mut(Some(&name))?;
    cluster.capacity_providers = providers;
    cluster.default_capacity_provider_strategy = default_strategy;
    Ok(api::PutClusterCapacityProvidersResponse {
        cluster: Some(cluster.to_api(services)),
    })
}
