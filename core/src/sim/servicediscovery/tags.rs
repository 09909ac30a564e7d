//! Tags on namespaces and services: at most 200 per resource, unique keys, none starting with
//! `aws:` (Cloud Map's limits; the model bounds the lengths).

use crate::api::servicediscovery as api;
use crate::error::EcsimError;
use crate::sim::World;

/// Tags per resource.
pub const MAX_TAGS: usize = 200;

pub fn check(tags: &[api::Tag]) -> Result<(), EcsimError> {
    for (index, tag) in tags.iter().enumerate() {
        let key = tag.key.as_deref().unwrap_or_default();
        if key.to_ascii_lowercase().starts_with("aws:") {
            return Err(api::Error::InvalidInput.with(format!(
                "Tags[{index}].Key '{key}' starts with aws:, which is reserved for AWS use."
            )));
        }
        if tags[..index].iter().any(|t| t.key.as_deref() == Some(key)) {
            return Err(
                api::Error::InvalidInput.with(format!("Tags[{index}].Key '{key}' is given twice."))
            );
        }
    }
    Ok(())
}

/// The tags of the namespace or service `arn` names.
fn tags_of<'w>(world: &'w mut World, arn: &str) -> Result<&'w mut Vec<api::Tag>, EcsimError> {
    let id = arn.rsplit('/').next().unwrap_or_default();
    let state = &mut world.servicediscovery;
    let found = if arn.contains(":namespace/") {
        state
            .namespaces
            .get_mut(id)
            .filter(|n| n.described.arn.as_deref() == Some(arn))
            .map(|n| &mut n.tags)
    } else {
        state
            .services
            .get_mut(id)
            .filter(|s| s.described.arn.as_deref() == Some(arn))
            .map(|s| &mut s.tags)
    };
    found.ok_or_else(|| {
        api::Error::ResourceNotFoundException.with(format!("Resource {arn} not found."))
    })
}

pub fn tag_resource(
    world: &mut World,
    request: api::TagResourceRequest,
) -> Result<api::TagResourceResponse, EcsimError> {
    let new = request.tags.unwrap_or_default();
    check(&new)?;
    let tags = tags_of(world, request.resource_arn.as_deref().unwrap_or_default())?;
    let mut merged = tags.clone();
    for tag in new {
        match merged.iter_mut().find(|t| t.key == tag.key) {
            Some(existing) => existing.value = tag.value,
            None => merged.push(tag),
        }
    }
    if merged.len() > MAX_TAGS {
        return Err(api::Error::TooManyTagsException.with(format!(
            "A resource can have at most {MAX_TAGS} tags; this would give it {}.",
            merged.len()
        )));
    }
    *tags = merged;
    Ok(api::TagResourceResponse {})
}

pub fn untag_resource(
    world: &mut World,
    request: api::UntagResourceRequest,
) -> Result<api::UntagResourceResponse, EcsimError> {
    let keys = request.tag_keys.unwrap_or_default();
    let tags = tags_of(world, request.resource_arn.as_deref().unwrap_or_default())?;
    tags.retain(|t| !keys.iter().any(|k| t.key.as_deref() == Some(k)));
    Ok(api::UntagResourceResponse {})
}

pub fn list_tags_for_resource(
    world: &mut World,
    request: api::ListTagsForResourceRequest,
) -> Result<api::ListTagsForResourceResponse, EcsimError> {
    let tags = tags_of(world, request.resource_arn.as_deref().unwrap_or_default())?;
    Ok(api::ListTagsForResourceResponse {
        tags: Some(tags.clone()),
    })
}
