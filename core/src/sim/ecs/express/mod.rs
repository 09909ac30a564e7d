//! ECS Express Mode services: one call provisions a FARGATE service behind its own Application
//! Load Balancer (an HTTPS listener whose host rule forwards to a pair of target groups), deployed
//! by canary, scaled by a target tracking policy, with an endpoint. Everything it makes is an
//! ordinary resource of the simulation: DescribeServices, DescribeRules, DescribeScalingPolicies
//! show it, and it behaves as any service would (`provision.rs`).

mod provision;

pub(crate) use provision::{
    create_express_gateway_service, delete_express_gateway_service,
    describe_express_gateway_service, update_express_gateway_service,
};

use crate::api::ecs as api;
use std::collections::BTreeMap;

/// What an Express service made besides its ECS service, and each configuration it has had.
#[derive(Clone, Debug)]
pub struct ExpressService {
    /// (cluster name, service name).
    pub key: (String, String),
    pub infrastructure_role_arn: String,
    /// Oldest first, each with the service revision it deployed.
    pub configurations: Vec<api::ExpressGatewayServiceConfiguration>,
    pub load_balancer_arn: String,
    pub target_groups: [String; 2],
    /// `https://…`, what its ingress path answers on.
    pub endpoint: String,
    pub tags: Vec<api::Tag>,
    pub created_at: f64,
    pub updated_at: f64,
}

/// Express services, by their ECS service's ARN.
pub type ExpressServices = BTreeMap<String, ExpressService>;
