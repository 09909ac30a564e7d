//! Namespaces: HTTP (found through DiscoverInstances only), private DNS (a VPC's hosted zone)
//! and public DNS. Every namespace also has an HTTP name, its own name, by which
//! DiscoverInstances finds it; names are unique in the account and Region.

use super::operations::record;
use super::{random_id, tags, Namespace, MAX_NAMESPACES};
use crate::api::servicediscovery as api;
use crate::error::EcsimError;
use crate::sim::World;
use api::{OperationTargetType as Target, OperationType};

/// The SOA TTL (seconds; also how long resolvers cache a negative answer) when none is given.
pub const DEFAULT_SOA_TTL: i64 = 15;

/// The SOA TTL in a request's `Properties.DnsProperties.SOA.TTL` (private and public namespaces
/// have types of their own for the same path).
macro_rules! soa_ttl {
    ($properties:expr) => {
        $properties
            .and_then(|p| p.dns_properties)
            .and_then(|d| d.soa)
            .and_then(|s| s.ttl)
    };
}

struct NewNamespace {
    name: String,
    kind: api::NamespaceType,
    description: Option<String>,
    creator_request_id: Option<String>,
    tags: Vec<api::Tag>,
    vpc: Option<String>,
    soa_ttl: Option<i64>,
}

impl NewNamespace {
    fn named(kind: api::NamespaceType, name: Option<String>, description: Option<String>) -> Self {
        NewNamespace {
            name: name.unwrap_or_default(),
            kind,
            description,
            creator_request_id: None,
            tags: Vec::new(),
            vpc: None,
            soa_ttl: None,
        }
    }

    fn with(self, creator_request_id: Option<String>, tags: Option<Vec<api::Tag>>) -> Self {
        NewNamespace {
            creator_request_id,
            tags: tags.unwrap_or_default(),
            ..self
        }
    }
}

fn invalid(message: impl Into<String>) -> EcsimError {
    api::Error::InvalidInput.with(message)
}

/// Checks the name against the namespace type's pattern in the model.
fn check_name(name: &str, kind: api::NamespaceType) -> Result<(), EcsimError> {
    let printable = !name.is_empty() && name.bytes().all(|b| (b'!'..=b'~').contains(&b));
    let valid = match kind {
        api::NamespaceType::Http | api::NamespaceType::DnsPrivate => {
            printable && !name.starts_with("arn:")
        }
        api::NamespaceType::DnsPublic => is_domain_name(name),
    };
    if valid {
        return Ok(());
    }
    Err(invalid(format!(
        "Namespace name '{name}' is not valid for the namespace type {}.",
        kind.as_str()
    )))
}

/// Dot-separated labels of letters, digits and inner hyphens, each up to 63 characters, two
/// labels at least (the public DNS namespace pattern).
pub fn is_domain_name(name: &str) -> bool {
    let labels: Vec<&str> = name.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            (1..=63).contains(&label.len())
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

fn create(world: &mut World, new: NewNamespace) -> Result<String, EcsimError> {
    check_name(&new.name, new.kind)?;
    tags::check(&new.tags)?;
    let state = &world.servicediscovery;
    if let Some(existing) = state
        .namespaces
        .values()
        .find(|n| n.http_name().eq_ignore_ascii_case(&new.name))
    {
        return Err(api::Error::NamespaceAlreadyExists.with(format!(
            "Namespace with name {} already exists: {}.",
            new.name,
            existing.id()
        )));
    }
    if state.namespaces.len() >= MAX_NAMESPACES {
        return Err(api::Error::ResourceLimitExceeded.with(format!(
            "The account has reached the limit of {MAX_NAMESPACES} namespaces."
        )));
    }
    if new.kind == api::NamespaceType::DnsPrivate && new.vpc.as_deref().unwrap_or("").is_empty() {
        return Err(invalid("Vpc is required for a private DNS namespace."));
    }
    let id = format!("ns-{}", random_id(&mut world.rng, 16));
    let dns_properties = (new.kind != api::NamespaceType::Http).then(|| api::DnsProperties {
        hosted_zone_id: Some(format!(
            "Z{}",
            random_id(&mut world.rng, 13).to_ascii_uppercase()
        )),
        soa: Some(api::SOA {
            ttl: Some(new.soa_ttl.unwrap_or(DEFAULT_SOA_TTL)),
        }),
    });
    let described = api::Namespace {
        id: Some(id.clone()),
        arn: Some(world.arn("servicediscovery", &format!("namespace/{id}"))),
        resource_owner: Some(world.config.account_id.clone()),
        name: Some(new.name.clone()),
        r#type: Some(new.kind),
        description: new.description,
        service_count: None,
        properties: Some(api::NamespaceProperties {
            dns_properties,
            http_properties: Some(api::HttpProperties {
                http_name: Some(new.name),
            }),
        }),
        create_date: Some(world.now),
        creator_request_id: new.creator_request_id,
    };
    world.servicediscovery.namespaces.insert(
        id.clone(),
        Namespace {
            described,
            tags: new.tags,
        },
    );
    Ok(record(
        world,
        OperationType::CreateNamespace,
        &[(Target::Namespace, &id)],
    ))
}

pub fn create_http_namespace(
    world: &mut World,
    request: api::CreateHttpNamespaceRequest,
) -> Result<api::CreateHttpNamespaceResponse, EcsimError> {
    let new = NewNamespace::named(api::NamespaceType::Http, request.name, request.description);
    let operation_id = create(world, new.with(request.creator_request_id, request.tags))?;
    Ok(api::CreateHttpNamespaceResponse {
        operation_id: Some(operation_id),
    })
}

pub fn create_private_dns_namespace(
    world: &mut World,
    request: api::CreatePrivateDnsNamespaceRequest,
) -> Result<api::CreatePrivateDnsNamespaceResponse, EcsimError> {
    let new = NewNamespace {
        vpc: request.vpc,
        soa_ttl: soa_ttl!(request.properties),
        ..NewNamespace::named(
            api::NamespaceType::DnsPrivate,
            request.name,
            request.description,
        )
    };
    let operation_id = create(world, new.with(request.creator_request_id, request.tags))?;
    Ok(api::CreatePrivateDnsNamespaceResponse {
        operation_id: Some(operation_id),
    })
}

pub fn create_public_dns_namespace(
    world: &mut World,
    request: api::CreatePublicDnsNamespaceRequest,
) -> Result<api::CreatePublicDnsNamespaceResponse, EcsimError> {
    let new = NewNamespace {
        soa_ttl: soa_ttl!(request.properties),
        ..NewNamespace::named(
            api::NamespaceType::DnsPublic,
            request.name,
            request.description,
        )
    };
    let operation_id = create(world, new.with(request.creator_request_id, request.tags))?;
    Ok(api::CreatePublicDnsNamespaceResponse {
        operation_id: Some(operation_id),
    })
}

/// A namespace as GetNamespace shows it, with its service count.
fn described(world: &World, namespace: &Namespace) -> api::Namespace {
    let count = world
        .servicediscovery
        .services
        .values()
        .filter(|s| s.namespace_id() == namespace.id())
        .count();
    api::Namespace {
        service_count: Some(count as i32),
        ..namespace.described.clone()
    }
}

pub fn get_namespace(
    world: &mut World,
    request: api::GetNamespaceRequest,
) -> Result<api::GetNamespaceResponse, EcsimError> {
    let namespace = world
        .servicediscovery
        .namespace(request.id.as_deref().unwrap_or_default())?;
    Ok(api::GetNamespaceResponse {
        namespace: Some(described(world, namespace)),
    })
}

pub fn list_namespaces(
    world: &mut World,
    request: api::ListNamespacesRequest,
) -> Result<api::ListNamespacesResponse, EcsimError> {
    let filters = request.filters.unwrap_or_default();
    let matching: Vec<api::NamespaceSummary> = world
        .servicediscovery
        .namespaces
        .values()
        .filter(|n| filters.iter().all(|f| matches(world, n, f)))
        .map(|n| {
            let full = described(world, n);
            api::NamespaceSummary {
                id: full.id,
                arn: full.arn,
                resource_owner: full.resource_owner,
                name: full.name,
                r#type: full.r#type,
                description: full.description,
                service_count: full.service_count,
                properties: full.properties,
                create_date: full.create_date,
            }
        })
        .collect();
    let (namespaces, next_token) =
        super::page(matching, request.max_results, request.next_token.as_deref())?;
    Ok(api::ListNamespacesResponse {
        namespaces: Some(namespaces),
        next_token,
    })
}

fn matches(world: &World, namespace: &Namespace, filter: &api::NamespaceFilter) -> bool {
    let value = match filter.name {
        Some(api::NamespaceFilterName::Type) => namespace
            .described
            .r#type
            .map_or("", |t| t.as_str())
            .to_string(),
        Some(api::NamespaceFilterName::Name) => namespace.name().to_string(),
        Some(api::NamespaceFilterName::HttpName) => namespace.http_name().to_string(),
        Some(api::NamespaceFilterName::ResourceOwner) => world.config.account_id.clone(),
        None => return true,
    };
    super::services::filter_matches(&value, filter.values.as_deref(), filter.condition)
}

pub fn delete_namespace(
    world: &mut World,
    request: api::DeleteNamespaceRequest,
) -> Result<api::DeleteNamespaceResponse, EcsimError> {
    let id = request.id.unwrap_or_default();
    world.servicediscovery.namespace(&id)?;
    if world
        .servicediscovery
        .services
        .values()
        .any(|s| s.namespace_id() == id)
    {
        return Err(api::Error::ResourceInUse
            .with(format!("Namespace {id} has services; delete them first.")));
    }
    world.servicediscovery.namespaces.remove(&id);
    let operation_id = record(
        world,
        OperationType::DeleteNamespace,
        &[(Target::Namespace, &id)],
    );
    Ok(api::DeleteNamespaceResponse {
        operation_id: Some(operation_id),
    })
}

/// Applies an update's description and SOA TTL to namespace `id` of type `kind`.
fn update(
    world: &mut World,
    id: &str,
    kind: api::NamespaceType,
    description: Option<String>,
    soa_ttl: Option<i64>,
) -> Result<String, EcsimError> {
    let namespace = world.servicediscovery.namespace(id)?;
    if namespace.described.r#type != Some(kind) {
        return Err(invalid(format!(
            "Namespace {id} is of type {}, not {}.",
            namespace.described.r#type.map_or("", |t| t.as_str()),
            kind.as_str()
        )));
    }
    let namespace = world
        .servicediscovery
        .namespaces
        .get_mut(id)
        .ok_or_else(|| api::Error::NamespaceNotFound.with(format!("Namespace {id} not found.")))?;
    if description.is_some() {
        namespace.described.description = description;
    }
    if let Some(ttl) = soa_ttl {
        if let Some(dns) = namespace
            .described
            .properties
            .as_mut()
            .and_then(|p| p.dns_properties.as_mut())
        {
            dns.soa = Some(api::SOA { ttl: Some(ttl) });
        }
    }
    Ok(record(
        world,
        OperationType::UpdateNamespace,
        &[(Target::Namespace, id)],
    ))
}

pub fn update_http_namespace(
    world: &mut World,
    request: api::UpdateHttpNamespaceRequest,
) -> Result<api::UpdateHttpNamespaceResponse, EcsimError> {
    let description = request.namespace.and_then(|n| n.description);
    let id = request.id.unwrap_or_default();
    let operation_id = update(world, &id, api::NamespaceType::Http, description, None)?;
    Ok(api::UpdateHttpNamespaceResponse {
        operation_id: Some(operation_id),
    })
}

pub fn update_private_dns_namespace(
    world: &mut World,
    request: api::UpdatePrivateDnsNamespaceRequest,
) -> Result<api::UpdatePrivateDnsNamespaceResponse, EcsimError> {
    let change = request.namespace.unwrap_or_default();
    let id = request.id.unwrap_or_default();
    let kind = api::NamespaceType::DnsPrivate;
    let operation_id = update(
        world,
        &id,
        kind,
        change.description,
        soa_ttl!(change.properties),
    )?;
    Ok(api::UpdatePrivateDnsNamespaceResponse {
        operation_id: Some(operation_id),
    })
}

pub fn update_public_dns_namespace(
    world: &mut World,
    request: api::UpdatePublicDnsNamespaceRequest,
) -> Result<api::UpdatePublicDnsNamespaceResponse, EcsimError> {
    let change = request.namespace.unwrap_or_default();
    let id = request.id.unwrap_or_default();
    let kind = api::NamespaceType::DnsPublic;
    let operation_id = update(
        world,
        &id,
        kind,
        change.description,
        soa_ttl!(change.properties),
    )?;
    Ok(api::UpdatePublicDnsNamespaceResponse {
        operation_id: Some(operation_id),
    })
}
