//! Cloud Map services: a name in a namespace, its DNS records (MULTIVALUE or WEIGHTED routing;
//! A, AAAA, A and AAAA, SRV or CNAME) and its health checking (Route 53 checks or custom health,
//! never both).

use super::operations::record;
use super::{random_id, tags, Service};
use crate::api::servicediscovery as api;
use crate::error::EcsimError;
use crate::sim::World;
use api::{OperationTargetType as Target, RecordType};
use std::collections::BTreeMap;

fn invalid(message: impl Into<String>) -> EcsimError {
    api::Error::InvalidInput.with(message)
}

/// Whether `value` passes a List filter (EQ, IN, BEGINS_WITH; EQ when no condition is given).
pub fn filter_matches(
    value: &str,
    values: Option<&[String]>,
    condition: Option<api::FilterCondition>,
) -> bool {
    let values = values.unwrap_or_default();
    match condition.unwrap_or(api::FilterCondition::Eq) {
        api::FilterCondition::BeginsWith => values.iter().any(|v| value.starts_with(v.as_str())),
        api::FilterCondition::Eq | api::FilterCondition::In | api::FilterCondition::Between => {
            values.iter().any(|v| v == value)
        }
    }
}

/// The service name pattern: dot-separated labels of letters, digits, `_` and inner `-`, up to
/// 63 characters each and 127 in all.
fn check_service_name(name: &str) -> Result<(), EcsimError> {
    let label_ok = |label: &str| {
        let bytes = label.as_bytes();
        let inner = |b: &u8| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_';
        let end = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
        (1..=63).contains(&bytes.len())
            && bytes.iter().all(inner)
            && bytes.first().is_some_and(end)
            && bytes.last().is_some_and(end)
    };
    if (1..=127).contains(&name.len()) && name.split('.').all(label_ok) {
        return Ok(());
    }
    Err(invalid(format!(
        "Service name '{name}' is not valid: dot-separated labels of letters, digits, '_' and inner '-', at most 127 characters."
    )))
}

/// The record sets Cloud Map accepts: A, AAAA, A and AAAA, SRV, or CNAME (with WEIGHTED routing
/// and no Route 53 health check).
fn check_dns_config(
    config: &api::DnsConfig,
    health_check: Option<&api::HealthCheckConfig>,
) -> Result<(), EcsimError> {
    let records = config.dns_records.as_deref().unwrap_or_default();
    let mut types: Vec<&str> = records
        .iter()
        .filter_map(|r| r.r#type.map(|t| t.as_str()))
        .collect();
    types.sort_unstable();
    let allowed: [&[&str]; 5] = [&["A"], &["AAAA"], &["A", "AAAA"], &["SRV"], &["CNAME"]];
    if !allowed.contains(&types.as_slice()) {
        return Err(invalid(format!(
            "DnsRecords must be A, AAAA, A and AAAA, SRV or CNAME, got [{}].",
            types.join(", ")
        )));
    }
    if types == ["CNAME"] {
        if config.routing_policy != Some(api::RoutingPolicy::Weighted) {
            return Err(invalid("A CNAME record needs the WEIGHTED routing policy."));
        }
        if health_check.is_some() {
            return Err(invalid(
                "A service with a CNAME record cannot have a HealthCheckConfig.",
            ));
        }
    }
    Ok(())
}

fn check_health(
    namespace_type: Option<api::NamespaceType>,
    health_check: Option<&api::HealthCheckConfig>,
    custom: bool,
) -> Result<(), EcsimError> {
    let Some(check) = health_check else {
        return Ok(());
    };
    if custom {
        return Err(invalid(
            "HealthCheckConfig and HealthCheckCustomConfig cannot both be given.",
        ));
    }
    if namespace_type == Some(api::NamespaceType::DnsPrivate) {
        return Err(invalid(
            "HealthCheckConfig is not supported for services in a private DNS namespace.",
        ));
    }
    if check.r#type == Some(api::HealthCheckType::Tcp) && check.resource_path.is_some() {
        return Err(invalid(
            "ResourcePath is not allowed for TCP health checks.",
        ));
    }
    Ok(())
}

pub fn create_service(
    world: &mut World,
    request: api::CreateServiceRequest,
) -> Result<api::CreateServiceResponse, EcsimError> {
    let name = request.name.unwrap_or_default();
    check_service_name(&name)?;
    let tags = request.tags.unwrap_or_default();
    tags::check(&tags)?;
    let namespace_id = request
        .namespace_id
        .or_else(|| {
            request
                .dns_config
                .as_ref()
                .and_then(|c| c.namespace_id.clone())
        })
        .ok_or_else(|| invalid("NamespaceId is required."))?;
    let namespace = world.servicediscovery.namespace(&namespace_id)?;
    let http_only = !namespace.is_dns() || request.r#type == Some(api::ServiceTypeOption::Http);
    let mut dns_config = request.dns_config;
    match (&mut dns_config, http_only) {
        (Some(_), true) => {
            return Err(invalid(
                "DnsConfig is not allowed for a service that DNS does not resolve (an HTTP namespace, or Type HTTP).",
            ))
        }
        (None, false) => {
            return Err(invalid("DnsConfig is required for a service in a DNS namespace."))
        }
        (Some(config), false) => {
            check_dns_config(config, request.health_check_config.as_ref())?;
            config.namespace_id = None;
            config.routing_policy = Some(
                config
                    .routing_policy
                    .unwrap_or(api::RoutingPolicy::Multivalue),
            );
        }
        (None, true) => {}
    }
    let custom = request.health_check_custom_config.is_some();
    check_health(
        namespace.described.r#type,
        request.health_check_config.as_ref(),
        custom,
    )?;
    if let Some(existing) = world
        .servicediscovery
        .services
        .values()
        .find(|s| s.namespace_id() == namespace_id && s.name() == name)
    {
        return Err(api::Error::ServiceAlreadyExists.with(format!(
            "Service {name} already exists in namespace {namespace_id}: {}.",
            existing.id()
        )));
    }
    let id = format!("srv-{}", random_id(&mut world.rng, 16));
    let health_check_config = request.health_check_config.map(|mut check| {
        check.failure_threshold = Some(check.failure_threshold.unwrap_or(1));
        check
    });
    let described = api::Service {
        id: Some(id.clone()),
        arn: Some(world.arn("servicediscovery", &format!("service/{id}"))),
        resource_owner: Some(world.config.account_id.clone()),
        name: Some(name),
        namespace_id: Some(namespace_id),
        description: request.description,
        instance_count: None,
        dns_config,
        r#type: Some(if http_only {
            api::ServiceType::Http
        } else {
            api::ServiceType::DnsHttp
        }),
        health_check_config,
        // FailureThreshold is deprecated: Cloud Map always uses 1.
        health_check_custom_config: custom.then_some(api::HealthCheckCustomConfig {
            failure_threshold: Some(1),
        }),
        create_date: Some(world.now),
        creator_request_id: request.creator_request_id,
        created_by_account: Some(world.config.account_id.clone()),
    };
    let service = Service {
        described,
        tags,
        instances: BTreeMap::new(),
        revision: 0,
    };
    let shown = shown(&service);
    world.servicediscovery.services.insert(id, service);
    Ok(api::CreateServiceResponse {
        service: Some(shown),
    })
}

/// A service as GetService shows it, with its instance count.
pub fn shown(service: &Service) -> api::Service {
    api::Service {
        instance_count: Some(service.instances.len() as i32),
        ..service.described.clone()
    }
}

pub fn get_service(
    world: &mut World,
    request: api::GetServiceRequest,
) -> Result<api::GetServiceResponse, EcsimError> {
    let service = world
        .servicediscovery
        .service(request.id.as_deref().unwrap_or_default())?;
    Ok(api::GetServiceResponse {
        service: Some(shown(service)),
    })
}

pub fn list_services(
    world: &mut World,
    request: api::ListServicesRequest,
) -> Result<api::ListServicesResponse, EcsimError> {
    let filters = request.filters.unwrap_or_default();
    let account = world.config.account_id.clone();
    let matching: Vec<api::ServiceSummary> = world
        .servicediscovery
        .services
        .values()
        .filter(|service| {
            filters.iter().all(|filter| {
                let value = match filter.name {
                    Some(api::ServiceFilterName::NamespaceId) => service.namespace_id(),
                    Some(api::ServiceFilterName::ResourceOwner) => account.as_str(),
                    None => return true,
                };
                filter_matches(value, filter.values.as_deref(), filter.condition)
            })
        })
        .map(|service| {
            let full = shown(service);
            api::ServiceSummary {
                id: full.id,
                arn: full.arn,
                resource_owner: full.resource_owner,
                name: full.name,
                r#type: full.r#type,
                description: full.description,
                instance_count: full.instance_count,
                dns_config: full.dns_config,
                health_check_config: full.health_check_config,
                health_check_custom_config: full.health_check_custom_config,
                create_date: full.create_date,
                created_by_account: full.created_by_account,
            }
        })
        .collect();
    let (services, next_token) =
        super::page(matching, request.max_results, request.next_token.as_deref())?;
    Ok(api::ListServicesResponse {
        services: Some(services),
        next_token,
    })
}

/// UpdateService: the description, the TTLs of the existing record types (the types cannot
/// change), and the Route 53 health check of a service that has one.
pub fn update_service(
    world: &mut World,
    request: api::UpdateServiceRequest,
) -> Result<api::UpdateServiceResponse, EcsimError> {
    let id = request.id.unwrap_or_default();
    let change = request.service.unwrap_or_default();
    let service = world.servicediscovery.service(&id)?;
    if let Some(records) = change
        .dns_config
        .as_ref()
        .and_then(|c| c.dns_records.as_ref())
    {
        let mut new: Vec<RecordType> = records.iter().filter_map(|r| r.r#type).collect();
        let mut old = service.record_types();
        new.sort_by_key(|t| t.as_str());
        old.sort_by_key(|t| t.as_str());
        if new != old {
            return Err(invalid(
                "The record types of a service cannot change; create a new service.",
            ));
        }
    }
    if change.health_check_config.is_some() && service.described.health_check_config.is_none() {
        return Err(invalid(
            "HealthCheckConfig can only be updated on a service created with one.",
        ));
    }
    let service = world.servicediscovery.service_mut(&id)?;
    if change.description.is_some() {
        service.described.description = change.description;
    }
    if let (Some(records), Some(config)) = (
        change.dns_config.and_then(|c| c.dns_records),
        service.described.dns_config.as_mut(),
    ) {
        config.dns_records = Some(records);
    }
    if let Some(mut check) = change.health_check_config {
        check.failure_threshold = Some(check.failure_threshold.unwrap_or(1));
        service.described.health_check_config = Some(check);
    }
    let operation_id = record(
        world,
        api::OperationType::UpdateService,
        &[(Target::Service, &id)],
    );
    Ok(api::UpdateServiceResponse {
        operation_id: Some(operation_id),
    })
}

pub fn delete_service(
    world: &mut World,
    request: api::DeleteServiceRequest,
) -> Result<api::DeleteServiceResponse, EcsimError> {
    let id = request.id.unwrap_or_default();
    let service = world.servicediscovery.service(&id)?;
    if !service.instances.is_empty() {
        return Err(api::Error::ResourceInUse.with(format!(
            "Service {id} has {} registered instances; deregister them first.",
            service.instances.len()
        )));
    }
    world.servicediscovery.services.remove(&id);
    Ok(api::DeleteServiceResponse {})
}
