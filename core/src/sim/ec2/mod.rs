//! EC2, the part ECS needs: instance types (the catalog), subnets, launch templates and the
//! instances they launch. An instance boots on the clock and its ECS agent registers it in the
//! cluster its user data names (`instances.rs`); Auto Scaling groups launch and terminate
//! instances through `instances::launch` and `instances::terminate`.

mod filters;
mod instance_types;
pub(crate) mod instances;
pub(crate) mod launch_templates;
mod subnets;

pub(crate) use subnets::zone_id;

pub(crate) use filters::Filters;

/// The handlers the generated operation table (`sim/registry.rs`) calls.
pub(crate) mod handlers {
    pub(crate) use super::instance_types::describe_instance_types;
    pub(crate) use super::instances::{describe_instances, terminate_instances};
    pub(crate) use super::launch_templates::{
        create_launch_template, create_launch_template_version, delete_launch_template,
        describe_launch_template_versions, describe_launch_templates,
    };
    pub(crate) use super::subnets::{create_subnet, describe_subnets};
}

#[derive(Clone, Default)]
pub struct Ec2State {
    pub launch_templates: launch_templates::LaunchTemplates,
    pub instances: instances::Instances,
    /// The tags CreateSubnet gave, by subnet id.
    subnet_tags: std::collections::BTreeMap<String, Vec<api::Tag>>,
}

use crate::api::ec2 as api;
use crate::error::EcsimError;

fn invalid(message: impl Into<String>) -> EcsimError {
    api::Error::InvalidParameterValue.with(message)
}

/// EC2's paging: `MaxResults` 5 to 1000 where the action takes it.
const PAGING: crate::sim::paging::Paging = crate::sim::paging::Paging {
    size_member: "MaxResults",
    token_member: "NextToken",
    default: 1000,
    max: 1000,
};

/// A page of `items` as EC2 answers a Describe action.
fn page<T>(
    items: Vec<T>,
    size: Option<i32>,
    token: Option<&str>,
) -> Result<(Vec<T>, Option<String>), EcsimError> {
    PAGING.page(items, size, token, invalid)
}

/// An EC2 request's filters, each name checked against those the action knows.
fn read_filters(given: Option<Vec<api::Filter>>, known: &[&str]) -> Result<Filters, EcsimError> {
    Filters::read(
        given
            .unwrap_or_default()
            .into_iter()
            .map(|f| (f.name, f.values)),
        known,
        invalid,
    )
}

/// Tags of the resource types a request's TagSpecifications name.
fn tags_for(specifications: Option<&[api::TagSpecification]>, resource: &str) -> Vec<api::Tag> {
    specifications
        .unwrap_or_default()
        .iter()
        .filter(|s| s.resource_type.is_some_and(|t| t.as_str() == resource))
        .flat_map(|s| s.tags.clone().unwrap_or_default())
        .collect()
}
