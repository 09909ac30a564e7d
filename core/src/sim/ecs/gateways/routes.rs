//! Gateway routes: what a service's `gatewayConnectors` make on the gateways of its cluster
//! (CreateService, UpdateService), and remove again (UpdateService, DeleteService);
//! ListGatewayRoutes and DescribeGatewayRoute.

use super::{filter_name, Gateway, Route, SharedAlb};
use crate::api::ecs::{self as api, GatewayClusterAssociationStatus as Association};
use crate::api::elbv2 as elb;
use crate::error::EcsimError;
use crate::sim::fnv::hex_id;
use crate::sim::World;

fn invalid(message: impl Into<String>) -> EcsimError {
    api::Error::InvalidParameterException.with(message)
}

/// Another service's error while making or removing a route.
fn relayed(what: &str) -> impl Fn(EcsimError) -> EcsimError + '_ {
    crate::sim::ecs::relayed(what)
}

/// The container and port a port name names in the task definition.
fn port_of(task_definition: &api::TaskDefinition, name: &str) -> Option<(String, i32)> {
    task_definition
        .container_definitions
        .iter()
        .flatten()
        .find_map(|c| {
            let mapping = c
                .port_mappings
                .iter()
                .flatten()
                .find(|m| m.name.as_deref() == Some(name))?;
            Some((c.name.clone()?, mapping.container_port?))
        })
}

/// The gateway's shared load balancer and HTTPS listener, made on first use.
fn shared_alb(world: &mut World, gateway: &str) -> Result<SharedAlb, EcsimError> {
    if let Some(existing) = world
        .ecs
        .gateways
        .get(gateway)
        .and_then(|g| g.balancer.clone())
    {
        return Ok(existing);
    }
    let alb = world.ecs.gateways[gateway].alb();
    let region = world.config.region.clone();
    let given = (alb.network_configuration.as_ref()).and_then(|n| n.subnets.clone());
    let subnets = world.ecsim.subnets.or_defaults(given, &region);
    let scheme = match alb.scheme {
        Some(api::GatewayElbScheme::Internal) => elb::LoadBalancerSchemeEnum::Internal,
        _ => elb::LoadBalancerSchemeEnum::InternetFacing,
    };
    let name = format!("ecs-gw-{}", &hex_id(&[gateway])[..12]);
    let load_balancer_arn = crate::sim::elbv2::new_load_balancer(
        world,
        elb::CreateLoadBalancerInput {
            name: Some(name),
            subnets: Some(subnets),
            scheme: Some(scheme),
            ..Default::default()
        },
    )
    .map_err(relayed("gatewayConnectors: the gateway's load balancer"))?;
    let certificate_arn = world.arn("acm", &format!("certificate/{}", hex_id(&[gateway, "acm"])));
    let listener_arn =
        crate::sim::elbv2::https_listener(world, &load_balancer_arn, &certificate_arn)
            .map_err(relayed("gatewayConnectors: the gateway's listener"))?;
    let shared = SharedAlb {
        load_balancer_arn,
        listener_arn,
        certificate_arn,
    };
    if let Some(g) = world.ecs.gateways.get_mut(gateway) {
        g.balancer = Some(shared.clone());
    }
    Ok(shared)
}

/// Makes the routes of `connectors` for the service `key` (to run `task_definition`) on every
/// ACTIVE gateway of its cluster whose access type the connector's filters take; returns the
/// load balancers the service's tasks register with.
pub fn connect(
    world: &mut World,
    key: &(String, String),
    task_definition: &api::TaskDefinition,
    connectors: &[api::GatewayConnector],
) -> Result<Vec<api::LoadBalancer>, EcsimError> {
    let mut balancers = Vec::new();
    for connector in connectors {
        let port_name = connector.port_name.clone().unwrap_or_default();
        let (container, port) = port_of(task_definition, &port_name).ok_or_else(|| {
            invalid(format!(
                "gatewayConnectors: no container port of the task definition is named {port_name}."
            ))
        })?;
        let wanted = connector
            .filters
            .as_ref()
            .and_then(|f| f.access_types.clone());
        let gateways: Vec<String> = (world.ecs.gateways.values())
            .filter(|g| g.clusters.get(&key.0) == Some(&Association::Active))
            .filter(|g| wanted.as_ref().is_none_or(|w| w.contains(&g.access_type())))
            .map(|g| g.name().to_string())
            .collect();
        for gateway in gateways {
            let route = make_route(world, &gateway, key, connector, port)?;
            let role = world.ecs.gateways[&gateway]
                .described
                .infrastructure_role_arn
                .clone();
            balancers.push(api::LoadBalancer {
                target_group_arn: Some(route.target_groups[0].clone()),
                container_name: Some(container.clone()),
                container_port: Some(port),
                advanced_configuration: Some(api::AdvancedConfiguration {
                    alternate_target_group_arn: Some(route.target_groups[1].clone()),
                    production_listener_rule: Some(route.rule_arn.clone()),
                    test_listener_rule: route.test_rule_arn.clone(),
                    role_arn: role,
                }),
                ..Default::default()
            });
            if let Some(g) = world.ecs.gateways.get_mut(&gateway) {
                g.routes.insert(route.arn.clone(), route);
            }
        }
    }
    Ok(balancers)
}

/// One route: its target groups (the connector's health check and deregistration delay), its
/// host rule and, with the gateway's test traffic rules, its test rule.
fn make_route(
    world: &mut World,
    gateway: &str,
    key: &(String, String),
    connector: &api::GatewayConnector,
    port: i32,
) -> Result<Route, EcsimError> {
    let shared = shared_alb(world, gateway)?;
    let port_name = connector.port_name.clone().unwrap_or_default();
    let id = hex_id(&[gateway, &key.0, &key.1, &port_name]);
    let check = connector.health_check.clone().unwrap_or_default();
    let mut groups = Vec::new();
    for suffix in ["1", "2"] {
        let arn = crate::sim::elbv2::new_target_group(
            world,
            elb::CreateTargetGroupInput {
                name: Some(format!("ecs-gw-{}-{suffix}", &id[..12])),
                protocol: Some(elb::ProtocolEnum::Http),
                port: Some(port),
                vpc_id: Some("vpc-default".into()),
                target_type: Some(elb::TargetTypeEnum::Ip),
                health_check_path: check.health_check_path.clone(),
                health_check_port: check.health_check_port.map(|p| p.to_string()),
                health_check_interval_seconds: check.health_check_interval_seconds,
                health_check_timeout_seconds: check.health_check_timeout_seconds,
                healthy_threshold_count: check.healthy_threshold_count,
                unhealthy_threshold_count: check.unhealthy_threshold_count,
                ..Default::default()
            },
        )
        .map_err(relayed("gatewayConnectors: the route's target group"))?;
        let delay = (connector.deregistration_delay.as_ref()).and_then(|d| d.timeout_seconds);
        if let (Some(delay), Some(group)) = (delay, world.elbv2.target_groups.get_mut(&arn)) {
            group.attributes.insert(
                "deregistration_delay.timeout_seconds".into(),
                delay.to_string(),
            );
        }
        groups.push(arn);
    }
    let region = &world.config.region;
    let host = format!(
        "{}-{port_name}-{}.{gateway}.ecs.{region}.on.aws",
        key.1,
        &id[..8]
    );
    let groups: Vec<&str> = groups.iter().map(String::as_str).collect();
    let host_rule = || crate::sim::elbv2::condition("host-header", vec![host.clone()]);
    let rule_arn =
        crate::sim::elbv2::forwarding_rule(world, &shared.listener_arn, vec![host_rule()], &groups)
            .map_err(relayed("gatewayConnectors: the route's rule"))?;
    let header = world.ecs.gateways[gateway]
        .alb()
        .test_traffic_rules
        .and_then(|t| t.header);
    let test_rule_arn = match header {
        Some(header) => {
            let matches = elb::RuleCondition {
                field: Some("http-header".into()),
                http_header_config: Some(elb::HttpHeaderConditionConfig {
                    http_header_name: header.name,
                    values: header.values,
                    regex_values: None,
                }),
                ..Default::default()
            };
            let conditions = vec![host_rule(), matches];
            let listener = &shared.listener_arn;
            let rule = crate::sim::elbv2::forwarding_rule(world, listener, conditions, &groups)
                .map_err(relayed("gatewayConnectors: the route's test rule"))?;
            Some(rule)
        }
        None => None,
    };
    Ok(Route {
        arn: world.arn("ecs", &format!("gateway-route/{gateway}/{id}")),
        service: key.clone(),
        port_name,
        url: format!("https://{host}"),
        rule_arn,
        test_rule_arn,
        target_groups: [groups[0].to_string(), groups[1].to_string()],
    })
}

/// Whether the service `key` has a route on any gateway.
pub fn has_routes(world: &World, key: &(String, String)) -> bool {
    (world.ecs.gateways.values()).any(|g| g.routes.values().any(|r| &r.service == key))
}

/// Removes the routes of the service `key` from every gateway (their rules and target groups),
/// the DISASSOCIATING associations they held, and the service's load balancers that were theirs.
pub fn disconnect(world: &mut World, key: &(String, String)) -> Result<(), EcsimError> {
    let mut removed: Vec<Route> = Vec::new();
    for gateway in world.ecs.gateways.values_mut() {
        let (gone, kept): (Vec<Route>, Vec<Route>) = std::mem::take(&mut gateway.routes)
            .into_values()
            .partition(|r| &r.service == key);
        gateway.routes = kept.into_iter().map(|r| (r.arn.clone(), r)).collect();
        removed.extend(gone);
        let routes = &gateway.routes;
        gateway.clusters.retain(|cluster, status| {
            *status == Association::Active || routes.values().any(|r| &r.service.0 == cluster)
        });
    }
    let mut groups = Vec::new();
    for route in removed {
        for rule in std::iter::once(route.rule_arn).chain(route.test_rule_arn) {
            crate::sim::elbv2::handlers::delete_rule(
                world,
                elb::DeleteRuleInput {
                    rule_arn: Some(rule),
                },
            )
            .map_err(relayed("gatewayConnectors: the route's rule"))?;
        }
        for group in route.target_groups {
            crate::sim::elbv2::handlers::delete_target_group(
                world,
                elb::DeleteTargetGroupInput {
                    target_group_arn: Some(group.clone()),
                },
            )
            .map_err(relayed("gatewayConnectors: the route's target group"))?;
            groups.push(group);
        }
    }
    if let Some(service) = world.ecs.services.get_mut(key) {
        service
            .load_balancers
            .retain(|b| !groups.contains(b.target_group_arn.as_ref().unwrap_or(&String::new())));
    }
    Ok(())
}

fn summary(world: &World, gateway: &Gateway, route: &Route) -> api::GatewayRouteSummary {
    let (service_arn, cluster_arn) = route.arns(world);
    api::GatewayRouteSummary {
        gateway_route_arn: Some(route.arn.clone()),
        gateway_arn: Some(gateway.arn().to_string()),
        cluster_arn: Some(cluster_arn),
        service_arn: Some(service_arn),
        service_container_port_name: Some(route.port_name.clone()),
        status: Some(api::GatewayRouteStatus::Active),
    }
}

pub fn list_gateway_routes(
    world: &mut World,
    request: api::ListGatewayRoutesRequest,
) -> Result<api::ListGatewayRoutesResponse, EcsimError> {
    let gateway = filter_name(&world.ecs.gateways, request.gateway.as_deref())?;
    let cluster = (request.cluster.as_deref()).map(|c| crate::sim::ecs::cluster_name(Some(c)));
    let service = request.service.as_deref();
    let statuses = request.status.unwrap_or_default();
    let mut summaries = Vec::new();
    for g in world.ecs.gateways.values() {
        if gateway.as_deref().is_some_and(|name| name != g.name()) {
            continue;
        }
        for route in g.routes.values() {
            let wanted = cluster.is_none_or(|c| c == route.service.0)
                && service.is_none_or(|s| s == route.service.1 || *s == route.arns(world).0)
                && (request.service_container_port_name.as_ref())
                    .is_none_or(|p| *p == route.port_name)
                && (statuses.is_empty() || statuses.contains(&api::GatewayRouteStatus::Active));
            if wanted {
                summaries.push(summary(world, g, route));
            }
        }
    }
    let (page, next_token) = crate::sim::ecs::page(
        &crate::sim::paging::ECS,
        summaries,
        request.max_results,
        request.next_token.as_deref(),
    )?;
    Ok(api::ListGatewayRoutesResponse {
        gateway_routes: Some(page),
        next_token,
    })
}

pub fn describe_gateway_route(
    world: &mut World,
    request: api::DescribeGatewayRouteRequest,
) -> Result<api::DescribeGatewayRouteResponse, EcsimError> {
    let arn = request.gateway_route_arn.unwrap_or_default();
    let (gateway, route) = (world.ecs.gateways.values())
        .find_map(|g| Some((g, g.routes.get(&arn)?)))
        .ok_or_else(|| {
            api::Error::ResourceNotFoundException
                .with(format!("The gateway route {arn} was not found."))
        })?;
    let shared = gateway.balancer.as_ref();
    Ok(api::DescribeGatewayRouteResponse {
        gateway_route: Some(api::GatewayRoute {
            gateway_route_arn: Some(route.arn.clone()),
            service_arn: Some(route.arns(world).0),
            service_container_port_name: Some(route.port_name.clone()),
            status: Some(api::GatewayRouteStatus::Active),
            service_url: Some(route.url.clone()),
            resources: Some(api::GatewayRouteResources {
                host_shared_alb: Some(vec![api::GatewayRouteAlbResources {
                    acm_certificate_arn: shared.map(|s| s.certificate_arn.clone()),
                    load_balancer_arn: shared.map(|s| s.load_balancer_arn.clone()),
                    listener_arn: shared.map(|s| s.listener_arn.clone()),
                    listener_rule_arn: Some(route.rule_arn.clone()),
                    test_listener_rule_arns: Some(route.test_rule_arn.iter().cloned().collect()),
                    load_balancer_security_groups: None,
                    service_security_group_arn: None,
                }]),
            }),
        }),
    })
}
