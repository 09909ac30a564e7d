//! DiscoverInstances: the instances of a service found by namespace and service name, filtered
//! by attributes (every QueryParameter must match; OptionalParameters narrow the answer only when
//! some instance matches them too) and by health, in a shuffled order, at most `MaxResults`
//! (100 unless given).

use super::{answer_rng, shuffle, HealthKind};
use crate::api::servicediscovery as api;
use crate::error::EcsimError;
use crate::sim::World;
use api::{HealthStatus, HealthStatusFilter};
use std::collections::BTreeMap;

const DEFAULT_MAX_RESULTS: usize = 100;

fn matches(attributes: &BTreeMap<String, String>, wanted: &BTreeMap<String, String>) -> bool {
    wanted
        .iter()
        .all(|(key, value)| attributes.get(key) == Some(value))
}

pub fn discover_instances(
    world: &mut World,
    request: api::DiscoverInstancesRequest,
) -> Result<api::DiscoverInstancesResponse, EcsimError> {
    let namespace_name = request.namespace_name.unwrap_or_default();
    let service_name = request.service_name.unwrap_or_default();
    let service = world
        .servicediscovery
        .service_by_names(&namespace_name, &service_name)?;
    let kind = service.health_kind();
    let query = request.query_parameters.unwrap_or_default();
    let optional = request.optional_parameters.unwrap_or_default();
    let mut found: Vec<(&String, &super::Instance, HealthStatus)> = service
        .instances
        .iter()
        .filter(|(_, instance)| matches(&instance.attributes, &query))
        .map(|(id, instance)| (id, instance, instance.health(kind, world.now)))
        .collect();
    // Without a health check every instance is returned, whatever the filter.
    if kind != HealthKind::None {
        let healthy = |s: &HealthStatus| *s == HealthStatus::Healthy;
        match request.health_status.unwrap_or(HealthStatusFilter::Healthy) {
            HealthStatusFilter::Healthy => found.retain(|(_, _, s)| healthy(s)),
            HealthStatusFilter::Unhealthy => found.retain(|(_, _, s)| !healthy(s)),
            HealthStatusFilter::All => {}
            HealthStatusFilter::HealthyOrElseAll => {
                if found.iter().any(|(_, _, s)| healthy(s)) {
                    found.retain(|(_, _, s)| healthy(s));
                }
            }
        }
    }
    if found
        .iter()
        .any(|(_, i, _)| matches(&i.attributes, &optional))
    {
        found.retain(|(_, i, _)| matches(&i.attributes, &optional));
    }
    let mut rng = answer_rng(
        world.config.seed,
        &format!("discover {}", service.id()),
        service.revision,
        world.now,
    );
    shuffle(&mut found, &mut rng);
    let limit = request
        .max_results
        .map_or(DEFAULT_MAX_RESULTS, |n| n.max(1) as usize);
    let instances = found
        .into_iter()
        .take(limit)
        .map(|(id, instance, health)| api::HttpInstanceSummary {
            instance_id: Some(id.clone()),
            namespace_name: Some(namespace_name.clone()),
            service_name: Some(service_name.clone()),
            health_status: Some(health),
            attributes: Some(instance.attributes.clone()),
        })
        .collect();
    Ok(api::DiscoverInstancesResponse {
        instances: Some(instances),
        instances_revision: Some(service.revision),
    })
}

pub fn discover_instances_revision(
    world: &mut World,
    request: api::DiscoverInstancesRevisionRequest,
) -> Result<api::DiscoverInstancesRevisionResponse, EcsimError> {
    let service = world.servicediscovery.service_by_names(
        request.namespace_name.as_deref().unwrap_or_default(),
        request.service_name.as_deref().unwrap_or_default(),
    )?;
    Ok(api::DiscoverInstancesRevisionResponse {
        instances_revision: Some(service.revision),
    })
}
