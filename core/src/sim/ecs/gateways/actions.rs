//! CreateGateway, DescribeGateway, UpdateGateway, DeleteGateway, ListGateways,
//! AssociateGatewayWithCluster, DisassociateGatewayFromCluster, ListGatewayClusterAssociations
//! and DescribeGatewayResources.

use super::{filter_name, gateway_name, not_found, Gateway};
use crate::api::ecs::{
    self as api, GatewayClusterAssociationStatus as Association, GatewayStatus as Status,
};
use crate::error::EcsimError;
use crate::sim::World;

/// A cluster can be associated with up to 5 gateways (documented).
const GATEWAYS_PER_CLUSTER: usize = 5;

fn invalid(message: impl Into<String>) -> EcsimError {
    api::Error::InvalidParameterException.with(message)
}

pub fn create_gateway(
    world: &mut World,
    request: api::CreateGatewayRequest,
) -> Result<api::CreateGatewayResponse, EcsimError> {
    let name = request.name.clone().unwrap_or_default();
    crate::sim::ecs::names::check_name("name", &name)?;
    if world.ecs.gateways.contains_key(&name) {
        return Err(invalid(format!("A gateway named {name} already exists.")));
    }
    crate::sim::ecs::names::check_tags(request.tags.as_deref())?;
    let given = (request.configuration.as_ref())
        .and_then(|c| c.host_shared_alb.clone())
        .ok_or_else(|| {
            invalid(
                "configuration.hostSharedAlb: the gateway's load balancer settings are required.",
            )
        })?;
    if given
        .protocol
        .is_some_and(|p| p != api::GatewayAlbProtocol::Https)
        || given.port.is_some_and(|p| p != 443)
    {
        return Err(invalid(
            "configuration.hostSharedAlb: the gateway's listener is HTTPS on port 443; no other is supported.",
        ));
    }
    let mut network = given.network_configuration.clone().unwrap_or_default();
    network
        .ip_address_type
        .get_or_insert(api::GatewayElbIpAddressType::Dualstack);
    let alb = api::DescribeGatewayAlbConfiguration {
        network_configuration: Some(network),
        scheme: Some(
            given
                .scheme
                .unwrap_or(api::GatewayElbScheme::InternetFacing),
        ),
        access_logs: given.access_logs,
        web_acl_arn: given.web_acl_arn,
        port: Some(443),
        protocol: Some(api::GatewayAlbProtocol::Https),
        max_alb_count: Some(given.max_alb_count.unwrap_or(1)),
        current_alb_count: Some(0),
        http_desync: given.http_desync,
        test_traffic_rules: given.test_traffic_rules,
    };
    let now = world.now;
    let arn = world.arn("ecs", &format!("gateway/{name}"));
    let gateway = Gateway {
        described: api::Gateway {
            gateway_arn: Some(arn.clone()),
            name: Some(name.clone()),
            status: Some(Status::Active),
            infrastructure_role_arn: request.infrastructure_role_arn,
            deletion_protection: Some(request.deletion_protection.unwrap_or(false)),
            configuration: Some(api::DescribeGatewayConfiguration {
                host_shared_alb: Some(alb),
            }),
            propagate_tags: Some(
                request
                    .propagate_tags
                    .unwrap_or(api::PropagateGatewayTags::None),
            ),
            tags: Some(request.tags.unwrap_or_default()),
            created_at: Some(now),
            updated_at: Some(now),
            ..api::Gateway::default()
        },
        clusters: Default::default(),
        balancer: None,
        routes: Default::default(),
    };
    world.ecs.gateways.insert(name.clone(), gateway);
    Ok(api::CreateGatewayResponse {
        gateway_arn: Some(arn),
        name: Some(name),
        status: Some(Status::Active),
    })
}

/// The gateway as DescribeGateway shows it now.
fn shown(gateway: &Gateway) -> api::Gateway {
    let mut described = gateway.described.clone();
    described.access_type = Some(gateway.access_type());
    if let Some(alb) = described
        .configuration
        .as_mut()
        .and_then(|c| c.host_shared_alb.as_mut())
    {
        alb.current_alb_count = Some(i32::from(gateway.balancer.is_some()));
    }
    described
}

pub fn describe_gateway(
    world: &mut World,
    request: api::DescribeGatewayRequest,
) -> Result<api::DescribeGatewayResponse, EcsimError> {
    let name = gateway_name(
        &world.ecs.gateways,
        request.gateway.as_deref().unwrap_or(""),
    )?;
    Ok(api::DescribeGatewayResponse {
        gateway: Some(shown(&world.ecs.gateways[&name])),
    })
}

pub fn update_gateway(
    world: &mut World,
    request: api::UpdateGatewayRequest,
) -> Result<api::UpdateGatewayResponse, EcsimError> {
    let name = gateway_name(
        &world.ecs.gateways,
        request.gateway.as_deref().unwrap_or(""),
    )?;
    let now = world.now;
    let gateway = world
        .ecs
        .gateways
        .get_mut(&name)
        .ok_or_else(|| not_found(&name))?;
    let mut alb = gateway.alb();
    if let Some(given) = request.configuration.and_then(|c| c.host_shared_alb) {
        if let Some(network) = given.network_configuration {
            let current = alb
                .network_configuration
                .get_or_insert_with(Default::default);
            current.inbound_security_group = network.inbound_security_group;
        }
        alb.max_alb_count = given.max_alb_count.or(alb.max_alb_count);
        alb.web_acl_arn = given.web_acl_arn.or(alb.web_acl_arn);
        alb.access_logs = given.access_logs.or(alb.access_logs);
        alb.http_desync = given.http_desync.or(alb.http_desync);
        alb.test_traffic_rules = given.test_traffic_rules.or(alb.test_traffic_rules);
    }
    let described = &mut gateway.described;
    described.configuration = Some(api::DescribeGatewayConfiguration {
        host_shared_alb: Some(alb),
    });
    if let Some(role) = request.infrastructure_role_arn {
        described.infrastructure_role_arn = Some(role);
    }
    if let Some(protection) = request.deletion_protection {
        described.deletion_protection = Some(protection);
    }
    if let Some(propagate) = request.propagate_tags {
        described.propagate_tags = Some(propagate);
    }
    // Applied at once here: the next describe shows it complete.
    described.status = Some(Status::UpdateComplete);
    described.updated_at = Some(now);
    Ok(api::UpdateGatewayResponse {
        gateway_arn: described.gateway_arn.clone(),
        name: Some(name),
        status: Some(Status::UpdateInProgress),
    })
}

pub fn delete_gateway(
    world: &mut World,
    request: api::DeleteGatewayRequest,
) -> Result<api::DeleteGatewayResponse, EcsimError> {
    let name = gateway_name(
        &world.ecs.gateways,
        request.gateway.as_deref().unwrap_or(""),
    )?;
    let gateway = &world.ecs.gateways[&name];
    if gateway.described.deletion_protection == Some(true) {
        return Err(invalid(format!(
            "The gateway {name} has deletion protection: disable it first."
        )));
    }
    if !gateway.clusters.is_empty() {
        return Err(invalid(format!(
            "The gateway {name} is still associated with clusters: disassociate them first."
        )));
    }
    let arn = gateway.arn().to_string();
    if let Some(balancer) = &gateway.balancer {
        let request = crate::api::elbv2::DeleteLoadBalancerInput {
            load_balancer_arn: Some(balancer.load_balancer_arn.clone()),
        };
        crate::sim::elbv2::handlers::delete_load_balancer(world, request)
            .map_err(|e| invalid(e.message))?;
    }
    world.ecs.gateways.remove(&name);
    Ok(api::DeleteGatewayResponse {
        gateway_arn: Some(arn),
        name: Some(name),
        status: Some(Status::Deleted),
    })
}

pub fn list_gateways(
    world: &mut World,
    request: api::ListGatewaysRequest,
) -> Result<api::ListGatewaysResponse, EcsimError> {
    let names = request.names.unwrap_or_default();
    let statuses = request.status.unwrap_or_default();
    let summaries = (world.ecs.gateways.values())
        .filter(|g| names.is_empty() || names.iter().any(|n| n == g.name()))
        .filter(|g| {
            statuses.is_empty() || g.described.status.is_some_and(|s| statuses.contains(&s))
        })
        .map(|g| api::GatewaySummary {
            gateway_arn: Some(g.arn().to_string()),
            name: Some(g.name().to_string()),
            status: g.described.status,
            created_at: g.described.created_at,
        })
        .collect();
    let (page, next_token) = crate::sim::ecs::page(
        &crate::sim::paging::ECS,
        summaries,
        request.max_results,
        request.next_token.as_deref(),
    )?;
    Ok(api::ListGatewaysResponse {
        gateways: Some(page),
        next_token,
    })
}

/// The gateway's and the cluster's names, both checked.
fn pair(world: &World, gateway: &str, cluster: &str) -> Result<(String, String), EcsimError> {
    let name = gateway_name(&world.ecs.gateways, gateway)?;
    let cluster = crate::sim::ecs::cluster_name(Some(cluster)).to_string();
    if !world.ecs.clusters.contains_key(&cluster) {
        return Err(api::Error::ClusterNotFoundException.with("Cluster not found."));
    }
    Ok((name, cluster))
}

fn association(
    world: &World,
    gateway: &str,
    cluster: &str,
    status: Association,
) -> (Option<String>, Option<String>, Option<Association>) {
    (
        Some(world.ecs.gateways[gateway].arn().to_string()),
        world.ecs.clusters.get(cluster).map(|c| c.arn.clone()),
        Some(status),
    )
}

pub fn associate_gateway_with_cluster(
    world: &mut World,
    request: api::AssociateGatewayWithClusterRequest,
) -> Result<api::AssociateGatewayWithClusterResponse, EcsimError> {
    let (name, cluster) = pair(
        world,
        request.gateway.as_deref().unwrap_or_default(),
        request.cluster.as_deref().unwrap_or_default(),
    )?;
    let associated = (world.ecs.gateways.values())
        .filter(|g| g.clusters.contains_key(&cluster) && g.name() != name)
        .count();
    if associated >= GATEWAYS_PER_CLUSTER {
        return Err(invalid(format!(
            "The cluster {cluster} is already associated with {GATEWAYS_PER_CLUSTER} gateways."
        )));
    }
    if let Some(gateway) = world.ecs.gateways.get_mut(&name) {
        gateway
            .clusters
            .insert(cluster.clone(), Association::Active);
    }
    let (gateway_arn, cluster_arn, status) =
        association(world, &name, &cluster, Association::Active);
    Ok(api::AssociateGatewayWithClusterResponse {
        gateway_arn,
        cluster_arn,
        status,
    })
}

pub fn disassociate_gateway_from_cluster(
    world: &mut World,
    request: api::DisassociateGatewayFromClusterRequest,
) -> Result<api::DisassociateGatewayFromClusterResponse, EcsimError> {
    let (name, cluster) = pair(
        world,
        request.gateway.as_deref().unwrap_or_default(),
        request.cluster.as_deref().unwrap_or_default(),
    )?;
    let gateway = world
        .ecs
        .gateways
        .get_mut(&name)
        .ok_or_else(|| not_found(&name))?;
    if !gateway.clusters.contains_key(&cluster) {
        return Err(api::Error::ResourceNotFoundException.with(format!(
            "The gateway {name} is not associated with the cluster {cluster}."
        )));
    }
    // It stays DISASSOCIATING while routes of the cluster's services remain (`routes::settle`).
    let routed = gateway.routes.values().any(|r| r.service.0 == cluster);
    let status = if routed {
        gateway
            .clusters
            .insert(cluster.clone(), Association::Disassociating);
        Association::Disassociating
    } else {
        gateway.clusters.remove(&cluster);
        Association::Inactive
    };
    let (gateway_arn, cluster_arn, status) = association(world, &name, &cluster, status);
    Ok(api::DisassociateGatewayFromClusterResponse {
        gateway_arn,
        cluster_arn,
        status,
    })
}

pub fn list_gateway_cluster_associations(
    world: &mut World,
    request: api::ListGatewayClusterAssociationsRequest,
) -> Result<api::ListGatewayClusterAssociationsResponse, EcsimError> {
    let gateway = filter_name(&world.ecs.gateways, request.gateway.as_deref())?;
    let cluster = (request.cluster.as_deref()).map(|c| crate::sim::ecs::cluster_name(Some(c)));
    let statuses = request.status.unwrap_or_default();
    let mut summaries = Vec::new();
    for g in world.ecs.gateways.values() {
        if gateway.as_deref().is_some_and(|name| name != g.name()) {
            continue;
        }
        for (name, status) in &g.clusters {
            let wanted = cluster.is_none_or(|c| c == name)
                && (statuses.is_empty() || statuses.contains(status));
            if wanted {
                summaries.push(api::GatewayClusterAssociationSummary {
                    gateway_arn: Some(g.arn().to_string()),
                    cluster_arn: world.ecs.clusters.get(name).map(|c| c.arn.clone()),
                    status: Some(*status),
                });
            }
        }
    }
    let (page, next_token) = crate::sim::ecs::page(
        &crate::sim::paging::ECS,
        summaries,
        request.max_results,
        request.next_token.as_deref(),
    )?;
    Ok(api::ListGatewayClusterAssociationsResponse {
        gateway_cluster_associations: Some(page),
        next_token,
    })
}

pub fn describe_gateway_resources(
    world: &mut World,
    request: api::DescribeGatewayResourcesRequest,
) -> Result<api::DescribeGatewayResourcesResponse, EcsimError> {
    let name = gateway_name(
        &world.ecs.gateways,
        request.gateway.as_deref().unwrap_or(""),
    )?;
    let gateway = &world.ecs.gateways[&name];
    let balancers: Vec<api::ElbGatewayResources> = (gateway.balancer.iter())
        .map(|b| api::ElbGatewayResources {
            load_balancer_arn: Some(b.load_balancer_arn.clone()),
            listener_arn: Some(b.listener_arn.clone()),
            security_group: None,
            gateway_route_arns: Some(gateway.routes.keys().cloned().collect()),
        })
        .collect();
    let (page, next_token) = crate::sim::ecs::page(
        &crate::sim::paging::ECS,
        balancers,
        request.max_results,
        request.next_token.as_deref(),
    )?;
    Ok(api::DescribeGatewayResourcesResponse {
        gateway_resources: Some(api::GatewayResources {
            gateway_arn: Some(gateway.arn().to_string()),
            resources: Some(api::GatewayInfrastructureResources {
                host_shared_alb: Some(page),
            }),
        }),
        next_token,
    })
}
