//! A service's `serviceRegistries` (or, for an EXTERNAL service, each task set's): the checks
//! CreateService, UpdateService and CreateTaskSet make, and how the tasks are kept registered in
//! Cloud Map. A task is an instance (its id the task's) from RUNNING
//! until it is asked to stop, with the attributes ECS sets; when the Cloud Map service has a
//! custom health config, the task's health is reported to it as it changes.

use super::Service;
use crate::api::ecs::{self as api, NetworkMode};
use crate::api::servicediscovery as cloud_map;
use crate::cluster::{Cluster, Task};
use crate::error::EcsimError;
use crate::sim::servicediscovery::{self as discovery, HealthKind};
use crate::sim::World;
use std::collections::BTreeMap;

fn invalid(message: String) -> EcsimError {
    api::Error::InvalidParameterException.with(message)
}

/// The Cloud Map service id an ECS `registryArn` names.
fn service_id(arn: &str) -> &str {
    arn.rsplit_once(":service/").map_or("", |(_, id)| id)
}

/// ECS's checks: one registry, a Cloud Map service that exists, SRV records for `bridge` and
/// `host` tasks (with the container and port they point at), a port for SRV records in `awsvpc`.
pub fn check(
    world: &World,
    registries: &[api::ServiceRegistry],
    task_definition: &api::TaskDefinition,
) -> Result<(), EcsimError> {
    if registries.len() > 1 {
        return Err(invalid(
            "A service can have only one service registry (serviceRegistries).".into(),
        ));
    }
    let awsvpc = task_definition.network_mode == Some(NetworkMode::Awsvpc);
    for registry in registries {
        let arn = registry.registry_arn.as_deref().unwrap_or_default();
        let service = world
            .servicediscovery
            .services
            .get(service_id(arn))
            .filter(|s| s.described.arn.as_deref() == Some(arn))
            .ok_or_else(|| {
                invalid(format!(
                    "serviceRegistries: the Cloud Map service {arn} does not exist."
                ))
            })?;
        let types = service.record_types();
        let srv = types.contains(&cloud_map::RecordType::Srv);
        if !awsvpc && !types.is_empty() && !srv {
            return Err(invalid(format!(
                "serviceRegistries: tasks in the {} network mode can only be registered with SRV records; {arn} has none.",
                task_definition.network_mode.map_or("bridge", |m| m.as_str())
            )));
        }
        if srv {
            let by_container =
                registry.container_name.is_some() && registry.container_port.is_some();
            if !by_container && (!awsvpc || registry.port.is_none()) {
                return Err(invalid(
                    "serviceRegistries: an SRV record needs containerName and containerPort (or port, in the awsvpc network mode).".into(),
                ));
            }
        }
        if let Some(name) = registry.container_name.as_deref() {
            let declared = task_definition
                .container_definitions
                .iter()
                .flatten()
                .any(|c| c.name.as_deref() == Some(name));
            if !declared {
                return Err(invalid(format!(
                    "serviceRegistries: the task definition has no container named {name}."
                )));
            }
        }
    }
    Ok(())
}

/// The attributes ECS registers for `task`.
fn attributes(
    world: &World,
    cluster: &Cluster,
    service: &Service,
    registration: &Registration,
    task: &Task,
) -> BTreeMap<String, String> {
    let registry = registration.registry;
    let awsvpc = task.spec.task_definition.network_mode == Some(NetworkMode::Awsvpc);
    let instance = task
        .instance_arn
        .as_deref()
        .and_then(|arn| cluster.instances.iter().find(|i| &*i.arn == arn));
    let address = match (awsvpc, instance) {
        (false, Some(instance)) => instance_ipv4(&instance.ec2_instance_id),
        _ => task.private_ipv4(),
    };
    let port = match (&registry.container_name, registry.container_port) {
        (Some(name), Some(port)) => task.host_port(name, port),
        _ => registry.port,
    };
    let mut attributes = BTreeMap::from([
        ("AWS_INSTANCE_IPV4".to_string(), address),
        ("REGION".to_string(), world.config.region.clone()),
        ("ECS_SERVICE_NAME".to_string(), service.name.clone()),
        ("ECS_CLUSTER_NAME".to_string(), cluster.name.clone()),
        (
            "ECS_TASK_DEFINITION_FAMILY".to_string(),
            task.spec.task_definition.family.clone().unwrap_or_default(),
        ),
    ]);
    if let Some(port) = port {
        attributes.insert("AWS_INSTANCE_PORT".into(), port.to_string());
    }
    if let Some(zone) = task.availability_zone.as_deref() {
        attributes.insert("AVAILABILITY_ZONE".into(), zone.to_string());
    }
    if let Some(instance) = instance {
        attributes.insert(
            "EC2_INSTANCE_ID".into(),
            instance.ec2_instance_id.to_string(),
        );
    }
    // Documented for task sets: their externalId, so a controller can tell them apart.
    if let Some(external_id) = registration.external_id {
        attributes.insert("ECS_TASK_SET_EXTERNAL_ID".into(), external_id.to_string());
    }
    attributes
}

/// A registry and the deployments whose tasks it takes: the service's own for all its
/// deployments, or a task set's for that task set's.
struct Registration<'a> {
    registry: &'a api::ServiceRegistry,
    external_id: Option<&'a str>,
    deployments: &'a [super::Deployment],
}

fn registrations(service: &Service) -> Vec<Registration<'_>> {
    if !service.external {
        return service
            .service_registries
            .first()
            .map(|registry| Registration {
                registry,
                external_id: None,
                deployments: &service.deployments,
            })
            .into_iter()
            .collect();
    }
    let mut found = Vec::new();
    for deployment in &service.deployments {
        let Some(set) = deployment.task_set.as_deref() else {
            continue;
        };
        if let Some(registry) = set.service_registries.first() {
            found.push(Registration {
                registry,
                external_id: set.external_id.as_deref(),
                deployments: std::slice::from_ref(deployment),
            });
        }
    }
    found
}

/// An EC2 instance's private IPv4 address: 10.x.y.z from its id's last hex digits (ecsim's
/// convention, as for awsvpc tasks).
fn instance_ipv4(ec2_instance_id: &str) -> String {
    let digits = ec2_instance_id.get(ec2_instance_id.len().saturating_sub(6)..);
    crate::cluster::ipv4_from_hex(digits.unwrap_or("0"))
}

/// What `sync` does to one Cloud Map service.
struct Changes {
    service_id: String,
    gone: Vec<String>,
    new: Vec<(String, BTreeMap<String, String>)>,
    /// Each task's health, for a service with a custom health config.
    health: Vec<(String, cloud_map::CustomHealthStatus)>,
}

/// Brings the Cloud Map instances of service `key`'s tasks in line with the tasks: registers the
/// RUNNING ones, deregisters those asked to stop or gone, reports their health.
pub fn sync(world: &mut World, key: &(String, String)) {
    for changes in changes(world, key) {
        apply(world, changes);
    }
}

fn apply(world: &mut World, changes: Changes) {
    let service_id = changes.service_id;
    for instance_id in changes.gone {
        let request = cloud_map::DeregisterInstanceRequest {
            service_id: Some(service_id.clone()),
            instance_id: Some(instance_id),
        };
        let _ = discovery::handlers::deregister_instance(world, request);
    }
    for (instance_id, attributes) in changes.new {
        let request = cloud_map::RegisterInstanceRequest {
            service_id: Some(service_id.clone()),
            instance_id: Some(instance_id),
            creator_request_id: None,
            attributes: Some(attributes),
        };
        // A Cloud Map service whose records need what a task does not have (an IPv6 address)
        // takes no registration, as in ECS.
        let _ = discovery::handlers::register_instance(world, request);
    }
    let (now, delay) = (world.now, world.config.custom_health_delay);
    if let Some(service) = world.servicediscovery.services.get_mut(&service_id) {
        for (instance_id, status) in changes.health {
            if let Some(instance) = service.instances.get_mut(&instance_id) {
                discovery::report_health(instance, status, now, delay);
            }
        }
    }
}

/// What to change in each Cloud Map service the ECS service's tasks are registered with.
fn changes(world: &World, key: &(String, String)) -> Vec<Changes> {
    let (Some(service), Some(cluster)) =
        (world.ecs.services.get(key), world.ecs.clusters.get(&key.0))
    else {
        return Vec::new();
    };
    // Per Cloud Map service: the tasks it should have, and through which registration.
    let mut wanted: BTreeMap<&str, BTreeMap<String, (&Task, &Registration)>> = BTreeMap::new();
    let registrations = registrations(service);
    for registration in &registrations {
        let id = service_id(
            registration
                .registry
                .registry_arn
                .as_deref()
                .unwrap_or_default(),
        );
        let tasks = wanted.entry(id).or_default();
        for deployment in registration.deployments {
            for &position in &deployment.tasks {
                let Some(task) = cluster.tasks.get(position) else {
                    continue;
                };
                if task.last_status == "RUNNING" && task.desired_status == "RUNNING" {
                    tasks.insert(task.id().to_string(), (task, registration));
                }
            }
        }
    }
    let ours = |attributes: &BTreeMap<String, String>| {
        attributes.get("ECS_SERVICE_NAME") == Some(&service.name)
            && attributes.get("ECS_CLUSTER_NAME") == Some(&cluster.name)
    };
    let mut all = Vec::new();
    for (service_id, tasks) in wanted {
        let Some(registered) = world.servicediscovery.services.get(service_id) else {
            continue;
        };
        let gone = registered
            .instances
            .iter()
            .filter(|(id, instance)| ours(&instance.attributes) && !tasks.contains_key(*id))
            .map(|(id, _)| id.clone())
            .collect();
        let new = tasks
            .iter()
            .filter(|(id, _)| !registered.instances.contains_key(*id))
            .map(|(id, (task, registration))| {
                let attributes = attributes(world, cluster, service, registration, task);
                (id.clone(), attributes)
            })
            .collect();
        let health = if registered.health_kind() == HealthKind::Custom {
            tasks
                .iter()
                .map(|(id, (task, _))| {
                    let status = match task.task_health(world.now) {
                        api::HealthStatus::Unhealthy => cloud_map::CustomHealthStatus::Unhealthy,
                        _ => cloud_map::CustomHealthStatus::Healthy,
                    };
                    (id.clone(), status)
                })
                .collect()
        } else {
            Vec::new()
        };
        all.push(Changes {
            service_id: service_id.to_string(),
            gone,
            new,
            health,
        });
    }
    all
}

/// ListServicesByNamespace: the ACTIVE services, in every cluster, whose tasks are registered
/// with a Cloud Map service of the namespace (named by its ARN, id or name).
pub fn list_services_by_namespace(
    world: &mut World,
    request: api::ListServicesByNamespaceRequest,
) -> Result<api::ListServicesByNamespaceResponse, EcsimError> {
    let reference = request.namespace.unwrap_or_default();
    let namespace = world
        .servicediscovery
        .namespaces
        .values()
        .find(|n| {
            n.described.arn.as_deref() == Some(reference.as_str())
                || n.id() == reference
                || n.name() == reference
        })
        .ok_or_else(|| {
            api::Error::NamespaceNotFoundException
                .with(format!("The namespace {reference} was not found."))
        })?;
    let in_namespace = |registry: &api::ServiceRegistry| {
        let arn = registry.registry_arn.as_deref().unwrap_or_default();
        (world.servicediscovery.services.get(service_id(arn)))
            .is_some_and(|s| s.namespace_id() == namespace.id())
    };
    let arns: Vec<String> = world
        .ecs
        .services
        .values()
        .filter(|s| s.status == super::ServiceStatus::Active)
        .filter(|s| s.service_registries.iter().any(in_namespace))
        .map(|s| s.arn.clone())
        .collect();
    let (page, next_token) = crate::sim::ecs::page(
        &crate::sim::paging::ECS,
        arns,
        request.max_results,
        request.next_token.as_deref(),
    )?;
    Ok(api::ListServicesByNamespaceResponse {
        service_arns: Some(page),
        next_token,
    })
}
