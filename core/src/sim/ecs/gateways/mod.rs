//! ECS gateways: a gateway manages a host-based, shared Application Load Balancer for the
//! services of the clusters associated with it. A service whose `gatewayConnectors` name one of
//! its container ports gets a gateway route on each associated gateway the connector's filters
//! let through: a pair of target groups, a host rule (and a test rule) on the shared listener,
//! and the service's load balancer entry with its `advancedConfiguration`, so that its
//! blue/green, linear and canary deployments shift the route's traffic (`routes.rs`). The load
//! balancer is made when the first route needs it. `actions.rs` has the gateway API.

mod actions;
pub(crate) mod routes;

pub(crate) use actions::{
    associate_gateway_with_cluster, create_gateway, delete_gateway, describe_gateway,
    describe_gateway_resources, disassociate_gateway_from_cluster,
    list_gateway_cluster_associations, list_gateways, update_gateway,
};
pub(crate) use routes::{describe_gateway_route, list_gateway_routes};

use crate::api::ecs::{self as api, GatewayClusterAssociationStatus as Association};
use crate::error::EcsimError;
use std::collections::BTreeMap;

/// The load balancer a gateway shares between its routes.
#[derive(Clone, Debug)]
pub struct SharedAlb {
    pub load_balancer_arn: String,
    pub listener_arn: String,
    pub certificate_arn: String,
}

/// One service port reached through a gateway.
#[derive(Clone, Debug)]
pub struct Route {
    pub arn: String,
    /// The service's (cluster name, service name).
    pub service: (String, String),
    pub port_name: String,
    pub url: String,
    pub rule_arn: String,
    pub test_rule_arn: Option<String>,
    pub target_groups: [String; 2],
}

#[derive(Clone, Debug)]
pub struct Gateway {
    /// As DescribeGateway shows it, but for what is counted when it is shown.
    pub described: api::Gateway,
    /// The clusters associated with it, by name, with their association's status.
    pub clusters: BTreeMap<String, Association>,
    pub balancer: Option<SharedAlb>,
    /// By ARN.
    pub routes: BTreeMap<String, Route>,
}

impl Gateway {
    pub fn arn(&self) -> &str {
        self.described.gateway_arn.as_deref().unwrap_or_default()
    }

    pub fn name(&self) -> &str {
        self.described.name.as_deref().unwrap_or_default()
    }

    pub fn alb(&self) -> api::DescribeGatewayAlbConfiguration {
        (self.described.configuration.as_ref())
            .and_then(|c| c.host_shared_alb.clone())
            .unwrap_or_default()
    }

    /// PUBLIC for an internet-facing load balancer, PRIVATE for an internal one.
    pub fn access_type(&self) -> api::AccessType {
        match self.alb().scheme {
            Some(api::GatewayElbScheme::Internal) => api::AccessType::Private,
            _ => api::AccessType::Public,
        }
    }
}

impl Route {
    /// Its service's ARN and its cluster's.
    fn arns(&self, world: &crate::sim::World) -> (String, String) {
        let (cluster, service) = &self.service;
        (
            world.arn("ecs", &format!("service/{cluster}/{service}")),
            world.arn("ecs", &format!("cluster/{cluster}")),
        )
    }
}

/// ECS's gateways, by name.
pub type Gateways = BTreeMap<String, Gateway>;

fn not_found(reference: &str) -> EcsimError {
    api::Error::GatewayNotFoundException.with(format!("The gateway {reference} was not found."))
}

/// The name of the gateway `reference` (its ARN or name) names.
fn gateway_name(gateways: &Gateways, reference: &str) -> Result<String, EcsimError> {
    let name = reference
        .rsplit_once(":gateway/")
        .map_or(reference, |(_, name)| name);
    if gateways.contains_key(name) {
        Ok(name.to_string())
    } else {
        Err(not_found(reference))
    }
}

/// The name of the gateway a list filter names, if it names one.
fn filter_name(gateways: &Gateways, reference: Option<&str>) -> Result<Option<String>, EcsimError> {
    reference.map(|r| gateway_name(gateways, r)).transpose()
}
