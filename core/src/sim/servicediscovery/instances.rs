//! Registered instances: upserted by id with their attributes, checked against what the
//! service's DNS records need, and their custom health, which changes `customHealthDelay`
//! seconds (30, Cloud Map's documented delay) after it is reported.

use super::operations::record;
use super::{HealthKind, Instance, Service, MAX_INSTANCES_PER_SERVICE};
use crate::api::servicediscovery as api;
use crate::error::EcsimError;
use crate::sim::World;
use api::{OperationTargetType as Target, RecordType};
use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr};

pub const IPV4: &str = "AWS_INSTANCE_IPV4";
pub const IPV6: &str = "AWS_INSTANCE_IPV6";
pub const PORT: &str = "AWS_INSTANCE_PORT";
pub const CNAME: &str = "AWS_INSTANCE_CNAME";
const ALIAS: &str = "AWS_ALIAS_DNS_NAME";
const INIT_HEALTH: &str = "AWS_INIT_HEALTH_STATUS";
const EC2_INSTANCE_ID: &str = "AWS_EC2_INSTANCE_ID";
const RESERVED: [&str; 7] = [IPV4, IPV6, PORT, CNAME, ALIAS, INIT_HEALTH, EC2_INSTANCE_ID];
/// Custom attributes per instance, and characters in all its attributes (Cloud Map's limits).
const MAX_CUSTOM_ATTRIBUTES: usize = 30;
const MAX_ATTRIBUTE_CHARACTERS: usize = 5000;

fn invalid(message: impl Into<String>) -> EcsimError {
    api::Error::InvalidInput.with(message)
}

fn not_found(service: &str, instance: &str) -> EcsimError {
    api::Error::InstanceNotFound.with(format!(
        "Instance {instance} not found in service {service}."
    ))
}

/// The attributes' characters, counts and the values the service's records need.
fn check_attributes(
    service: &Service,
    is_http_namespace: bool,
    attributes: &BTreeMap<String, String>,
) -> Result<(), EcsimError> {
    let printable = |text: &str| text.bytes().all(|b| (b' '..=b'~').contains(&b));
    for (key, value) in attributes {
        if key.is_empty() || key.contains(' ') || !printable(key) {
            return Err(invalid(format!(
                "Attribute key '{key}' must be printable ASCII without spaces."
            )));
        }
        if !printable(value) || value.starts_with([' ', '\t']) || value.ends_with([' ', '\t']) {
            return Err(invalid(format!(
                "Attribute {key}'s value must be printable ASCII, without leading or trailing spaces."
            )));
        }
    }
    let custom = attributes
        .keys()
        .filter(|k| !RESERVED.contains(&k.as_str()))
        .count();
    if custom > MAX_CUSTOM_ATTRIBUTES {
        return Err(invalid(format!(
            "An instance can have at most {MAX_CUSTOM_ATTRIBUTES} custom attributes; {custom} were given."
        )));
    }
    let characters: usize = attributes.iter().map(|(k, v)| k.len() + v.len()).sum();
    if characters > MAX_ATTRIBUTE_CHARACTERS {
        return Err(invalid(format!(
            "An instance's attributes can have at most {MAX_ATTRIBUTE_CHARACTERS} characters in all; these have {characters}."
        )));
    }
    let get = |key: &str| attributes.get(key).map(String::as_str);
    if let Some(ip) = get(IPV4) {
        ip.parse::<Ipv4Addr>()
            .map_err(|_| invalid(format!("{IPV4} '{ip}' is not an IPv4 address.")))?;
    }
    if let Some(ip) = get(IPV6) {
        ip.parse::<Ipv6Addr>()
            .map_err(|_| invalid(format!("{IPV6} '{ip}' is not an IPv6 address.")))?;
    }
    if let Some(port) = get(PORT) {
        if !port.parse::<u16>().is_ok_and(|p| p >= 1) {
            return Err(invalid(format!(
                "{PORT} '{port}' is not a port between 1 and 65535."
            )));
        }
    }
    if let Some(status) = get(INIT_HEALTH) {
        if service.health_kind() != HealthKind::Custom {
            return Err(invalid(format!(
                "{INIT_HEALTH} applies only to services with a HealthCheckCustomConfig."
            )));
        }
        if status != "HEALTHY" && status != "UNHEALTHY" {
            return Err(invalid(format!(
                "{INIT_HEALTH} must be HEALTHY or UNHEALTHY, got '{status}'."
            )));
        }
    }
    if get(EC2_INSTANCE_ID).is_some() && !is_http_namespace {
        return Err(invalid(format!(
            "{EC2_INSTANCE_ID} can be used only in HTTP namespaces."
        )));
    }
    let types = service.record_types();
    let has = |t: RecordType| types.contains(&t);
    let address = get(IPV4).is_some() || get(IPV6).is_some();
    let needs = if has(RecordType::Cname) {
        get(CNAME).is_none().then_some(CNAME)
    } else if has(RecordType::Srv) {
        if get(PORT).is_none() {
            Some(PORT)
        } else if !address {
            Some("AWS_INSTANCE_IPV4 or AWS_INSTANCE_IPV6")
        } else {
            None
        }
    } else if has(RecordType::A) && has(RecordType::Aaaa) {
        (!address && get(ALIAS).is_none()).then_some("AWS_INSTANCE_IPV4 or AWS_INSTANCE_IPV6")
    } else if has(RecordType::A) {
        (get(IPV4).is_none() && get(ALIAS).is_none()).then_some(IPV4)
    } else if has(RecordType::Aaaa) {
        get(IPV6).is_none().then_some(IPV6)
    } else {
        None
    };
    match needs {
        Some(attribute) => Err(invalid(format!(
            "The service's DNS records need the attribute {attribute}."
        ))),
        None => Ok(()),
    }
}

pub fn register_instance(
    world: &mut World,
    request: api::RegisterInstanceRequest,
) -> Result<api::RegisterInstanceResponse, EcsimError> {
    let service_id = request.service_id.unwrap_or_default();
    let instance_id = request.instance_id.unwrap_or_default();
    let attributes = request.attributes.unwrap_or_default();
    let state = &world.servicediscovery;
    let service = state.service(&service_id)?;
    let valid_id = !instance_id.is_empty()
        && instance_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_/:.@-".contains(&b));
    if !valid_id {
        return Err(invalid(format!(
            "InstanceId '{instance_id}' must be letters, digits and _/:.@- only."
        )));
    }
    let is_http = state
        .namespace(service.namespace_id())
        .is_ok_and(|n| !n.is_dns());
    check_attributes(service, is_http, &attributes)?;
    if !service.instances.contains_key(&instance_id)
        && service.instances.len() >= MAX_INSTANCES_PER_SERVICE
    {
        return Err(api::Error::ResourceLimitExceeded.with(format!(
            "Service {service_id} has reached the limit of {MAX_INSTANCES_PER_SERVICE} instances."
        )));
    }
    let initial = match attributes.get(INIT_HEALTH).map(String::as_str) {
        Some("UNHEALTHY") => api::CustomHealthStatus::Unhealthy,
        _ => api::CustomHealthStatus::Healthy,
    };
    let service = world.servicediscovery.service_mut(&service_id)?;
    service.revision += 1;
    match service.instances.get_mut(&instance_id) {
        // Registering an id again replaces its attributes; its health goes on.
        Some(existing) => {
            existing.attributes = attributes;
            existing.creator_request_id = request.creator_request_id;
        }
        None => {
            service.instances.insert(
                instance_id.clone(),
                Instance {
                    attributes,
                    creator_request_id: request.creator_request_id,
                    custom_health: initial,
                    pending_health: None,
                },
            );
        }
    }
    let operation_id = record(
        world,
        api::OperationType::RegisterInstance,
        &[
            (Target::Instance, &instance_id),
            (Target::Service, &service_id),
        ],
    );
    Ok(api::RegisterInstanceResponse {
        operation_id: Some(operation_id),
    })
}

pub fn deregister_instance(
    world: &mut World,
    request: api::DeregisterInstanceRequest,
) -> Result<api::DeregisterInstanceResponse, EcsimError> {
    let service_id = request.service_id.unwrap_or_default();
    let instance_id = request.instance_id.unwrap_or_default();
    let service = world.servicediscovery.service_mut(&service_id)?;
    if service.instances.remove(&instance_id).is_none() {
        return Err(not_found(&service_id, &instance_id));
    }
    service.revision += 1;
    let operation_id = record(
        world,
        api::OperationType::DeregisterInstance,
        &[
            (Target::Instance, &instance_id),
            (Target::Service, &service_id),
        ],
    );
    Ok(api::DeregisterInstanceResponse {
        operation_id: Some(operation_id),
    })
}

pub fn get_instance(
    world: &mut World,
    request: api::GetInstanceRequest,
) -> Result<api::GetInstanceResponse, EcsimError> {
    let service_id = request.service_id.unwrap_or_default();
    let instance_id = request.instance_id.unwrap_or_default();
    let service = world.servicediscovery.service(&service_id)?;
    let instance = service
        .instances
        .get(&instance_id)
        .ok_or_else(|| not_found(&service_id, &instance_id))?;
    Ok(api::GetInstanceResponse {
        resource_owner: Some(world.config.account_id.clone()),
        instance: Some(api::Instance {
            id: Some(instance_id),
            creator_request_id: instance.creator_request_id.clone(),
            attributes: Some(instance.attributes.clone()),
            created_by_account: Some(world.config.account_id.clone()),
        }),
    })
}

pub fn list_instances(
    world: &mut World,
    request: api::ListInstancesRequest,
) -> Result<api::ListInstancesResponse, EcsimError> {
    let service = world
        .servicediscovery
        .service(request.service_id.as_deref().unwrap_or_default())?;
    let account = world.config.account_id.clone();
    let all: Vec<api::InstanceSummary> = service
        .instances
        .iter()
        .map(|(id, instance)| api::InstanceSummary {
            id: Some(id.clone()),
            attributes: Some(instance.attributes.clone()),
            created_by_account: Some(account.clone()),
        })
        .collect();
    let (instances, next_token) =
        super::page(all, request.max_results, request.next_token.as_deref())?;
    Ok(api::ListInstancesResponse {
        resource_owner: Some(account),
        instances: Some(instances),
        next_token,
    })
}

pub fn get_instances_health_status(
    world: &mut World,
    request: api::GetInstancesHealthStatusRequest,
) -> Result<api::GetInstancesHealthStatusResponse, EcsimError> {
    let service_id = request.service_id.unwrap_or_default();
    let service = world.servicediscovery.service(&service_id)?;
    let ids: Vec<String> = match request.instances {
        Some(ids) => ids,
        None => service.instances.keys().cloned().collect(),
    };
    let kind = service.health_kind();
    let mut statuses = Vec::with_capacity(ids.len());
    for id in ids {
        let instance = service
            .instances
            .get(&id)
            .ok_or_else(|| not_found(&service_id, &id))?;
        statuses.push((id, instance.health(kind, world.now)));
    }
    let (page, next_token) =
        super::page(statuses, request.max_results, request.next_token.as_deref())?;
    Ok(api::GetInstancesHealthStatusResponse {
        status: Some(page.into_iter().collect()),
        next_token,
    })
}

pub fn update_instance_custom_health_status(
    world: &mut World,
    request: api::UpdateInstanceCustomHealthStatusRequest,
) -> Result<serde_json::Map<String, serde_json::Value>, EcsimError> {
    let service_id = request.service_id.unwrap_or_default();
    let instance_id = request.instance_id.unwrap_or_default();
    let status = request.status.unwrap_or(api::CustomHealthStatus::Healthy);
    let (now, delay) = (world.now, world.config.custom_health_delay);
    let service = world.servicediscovery.service_mut(&service_id)?;
    if service.health_kind() != HealthKind::Custom {
        return Err(api::Error::CustomHealthNotFound.with(format!(
            "Service {service_id} has no HealthCheckCustomConfig."
        )));
    }
    let instance = service
        .instances
        .get_mut(&instance_id)
        .ok_or_else(|| not_found(&service_id, &instance_id))?;
    report_health(instance, status, now, delay);
    Ok(serde_json::Map::new())
}

/// A custom health report: it takes effect `delay` seconds later; reporting the status in effect
/// cancels a change still waiting, and repeating a waiting change does not bring it forward.
pub fn report_health(
    instance: &mut Instance,
    status: api::CustomHealthStatus,
    now: f64,
    delay: f64,
) {
    if let Some((pending, at)) = instance.pending_health {
        if at <= now {
            instance.custom_health = pending;
            instance.pending_health = None;
        }
    }
    if status == instance.custom_health {
        instance.pending_health = None;
    } else if instance.pending_health.map(|(pending, _)| pending) != Some(status) {
        instance.pending_health = Some((status, now + delay));
    }
}
