//! PutAttributes, DeleteAttributes, ListAttributes (target type `container-instance`).

use crate::api::ecs as api;
use crate::cluster::{Cluster, MAX_CUSTOM_ATTRIBUTES};
use crate::error::EcsimError;
use crate::query::valid_attribute_name;
use crate::sim::World;
use std::sync::Arc;

/// Values: 1 to 128 letters, digits, `-_./@:` and inner spaces.
fn valid_value(value: &str) -> bool {
    (1..=128).contains(&value.len())
        && value.trim() == value
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./@: ".contains(c))
}

/// A custom attribute as ECS allows it: its name, not one of ECS's own (`ecs.`), and its value.
pub(crate) fn check_attribute(name: &str, value: Option<&str>) -> Result<(), EcsimError> {
    if !valid_attribute_name(name) {
        return Err(api::Error::InvalidParameterException.with(format!(
            "Attribute name '{name}' must be 1 to 128 letters, digits, '-', '_', '/' or '.'."
        )));
    }
    if name.starts_with("ecs.") {
        return Err(api::Error::InvalidParameterException.with(format!(
            "Attribute '{name}' is an Amazon ECS attribute and cannot be changed."
        )));
    }
    if let Some(value) = value.filter(|v| !valid_value(v)) {
        return Err(api::Error::InvalidParameterException.with(format!("Attribute value '{value}' must be 1 to 128 letters, digits, spaces or -_./@: characters.")));
    }
    Ok(())
}

/// Checks every attribute of a request before any is applied, and finds its target's index.
fn targets(
    cluster: &Cluster,
    attributes: &[api::Attribute],
    with_values: bool,
) -> Result<Vec<usize>, EcsimError> {
    attributes
        .iter()
        .map(|attribute| {
            let name = attribute.name.as_deref().unwrap_or_default();
            check_attribute(name, attribute.value.as_deref().filter(|_| with_values))?;
            if attribute
                .target_type
                .as_ref()
                .is_some_and(|t| t.as_str() != "container-instance")
            {
                return Err(api::Error::InvalidParameterException
                    .with("The only target type is container-instance."));
            }
            let target = attribute.target_id.as_deref().ok_or_else(|| {
                api::Error::InvalidParameterException
                    .with("targetId is required for container-instance attributes.")
            })?;
            cluster
                .instances
                .iter()
                .position(|i| i.is(target))
                .ok_or_else(|| {
                    api::Error::TargetNotFoundException
                        .with(format!("Could not find container instance '{target}'."))
                })
        })
        .collect()
}

pub fn put_attributes(
    world: &mut World,
    request: api::PutAttributesRequest,
) -> Result<api::PutAttributesResponse, EcsimError> {
    let attributes = request.attributes.unwrap_or_default();
    let cluster = world.ecs.cluster_mut(request.cluster.as_deref())?;
    let indexes = targets(cluster, &attributes, true)?;
    // The limit counts what the instance would have after the call: check first, then apply all.
    for &index in &indexes {
        let instance = &cluster.instances[index];
        let mut names: Vec<&str> = instance
            .attributes
            .keys()
            .filter(|n| !n.starts_with("ecs."))
            .map(String::as_str)
            .collect();
        names.extend(
            attributes
                .iter()
                .zip(&indexes)
                .filter(|(_, &i)| i == index)
                .filter_map(|(a, _)| a.name.as_deref()),
        );
        names.sort_unstable();
        names.dedup();
        if names.len() > MAX_CUSTOM_ATTRIBUTES {
            return Err(api::Error::AttributeLimitExceededException.with(format!(
                "A container instance can have at most {MAX_CUSTOM_ATTRIBUTES} custom attributes."
            )));
        }
    }
    for (attribute, index) in attributes.iter().zip(indexes) {
        let name = attribute.name.clone().unwrap_or_default();
        if let Some(instance) = cluster.instances.get_mut(index) {
            Arc::make_mut(&mut instance.attributes).insert(name, attribute.value.clone());
        }
    }
    Ok(api::PutAttributesResponse {
        attributes: Some(attributes),
    })
}

pub fn delete_attributes(
    world: &mut World,
    request: api::DeleteAttributesRequest,
) -> Result<api::DeleteAttributesResponse, EcsimError> {
    let attributes = request.attributes.unwrap_or_default();
    let cluster = world.ecs.cluster_mut(request.cluster.as_deref())?;
    let indexes = targets(cluster, &attributes, false)?;
    for (attribute, index) in attributes.iter().zip(indexes) {
        if let Some(instance) = cluster.instances.get_mut(index) {
            Arc::make_mut(&mut instance.attributes)
                .remove(attribute.name.as_deref().unwrap_or_default());
        }
    }
    Ok(api::DeleteAttributesResponse {
        attributes: Some(attributes),
    })
}

pub fn list_attributes(
    world: &mut World,
    request: api::ListAttributesRequest,
) -> Result<api::ListAttributesResponse, EcsimError> {
    let cluster = world.ecs.cluster_mut(request.cluster.as_deref())?;
    let mut found = Vec::new();
    for instance in cluster.instances.iter() {
        for (name, value) in instance.attributes.iter() {
            let name_matches = request
                .attribute_name
                .as_ref()
                .is_none_or(|wanted| wanted == name);
            let value_matches = request
                .attribute_value
                .as_ref()
                .is_none_or(|wanted| value.as_ref() == Some(wanted));
            if name_matches && value_matches {
                found.push(api::Attribute {
                    name: Some(name.clone()),
                    value: value.clone(),
                    target_type: Some(api::TargetType::ContainerInstance),
                    target_id: Some(instance.arn.to_string()),
                });
            }
        }
    }
    let (page, next_token) = super::page(
        &crate::sim::paging::ECS,
        found,
        request.max_results,
        request.next_token.as_deref(),
    )?;
    Ok(api::ListAttributesResponse {
        attributes: Some(page),
        next_token,
    })
}
