//! TagResource, UntagResource and ListTagsForResource on every ECS resource ecsim keeps that
//! takes tags: clusters, container instances, services (Express ones too), task sets, task
//! definitions, tasks, daemons, daemon task definitions and gateways, named by ARN. A resource keeps at most 50 tags; tagging a key it has replaces the value; the `aws:`
//! prefix is AWS's (`names::check_tags`).

use super::names::check_tags;
use super::EcsState;
use crate::api::ecs::{self as api, Tag};
use crate::error::EcsimError;
use crate::sim::request::Empty;
use crate::sim::World;

fn not_found() -> EcsimError {
    api::Error::ResourceNotFoundException.with("The specified resource could not be found.")
}

/// The tags of the resource `arn` names, to read or change.
fn tags_of<'a>(ecs: &'a mut EcsState, arn: &str) -> Result<&'a mut Vec<Tag>, EcsimError> {
    let kind = arn
        .split(':')
        .nth(5)
        .and_then(|resource| resource.split('/').next())
        .unwrap_or_default();
    let found = match kind {
        "cluster" => ecs
            .clusters
            .values_mut()
            .find(|c| c.arn == arn)
            .map(|c| &mut c.tags),
        "service" => ecs
            .services
            .values_mut()
            .find(|s| s.arn == arn)
            .map(|s| &mut s.tags),
        "task-set" => ecs.services.values_mut().find_map(|s| {
            s.deployments
                .iter_mut()
                .filter_map(|d| d.task_set.as_mut())
                .find(|set| set.arn == arn)
                .map(|set| &mut set.tags)
        }),
        "container-instance" => ecs
            .clusters
            .values_mut()
            .find_map(|c| c.instances.find_mut(arn).map(|instance| &mut instance.tags)),
        "task" => ecs.clusters.values_mut().find_map(|c| {
            let position = c.task_position(arn)?;
            Some(c.tasks[position].own_tags())
        }),
        "task-definition" => ecs.task_definitions.values_mut().find_map(|revisions| {
            revisions
                .iter_mut()
                .find(|r| r.task_definition.task_definition_arn.as_deref() == Some(arn))
                .map(|r| &mut r.tags)
        }),
        "daemon" => (ecs.daemons.values_mut())
            .find(|d| d.arn == arn)
            .map(|d| &mut d.tags),
        "daemon-task-definition" => {
            ecs.daemon_task_definitions
                .values_mut()
                .find_map(|revisions| {
                    revisions
                        .iter_mut()
                        .find(|r| r.described.daemon_task_definition_arn.as_deref() == Some(arn))
                        .map(|r| &mut r.tags)
                })
        }
        "gateway" => (ecs.gateways.values_mut())
            .find(|g| g.arn() == arn)
            .map(|g| g.described.tags.get_or_insert_with(Vec::new)),
        _ => None,
    };
    found.ok_or_else(not_found)
}

pub fn tag_resource(
    world: &mut World,
    request: api::TagResourceRequest,
) -> Result<Empty, EcsimError> {
    let arn = request.resource_arn.unwrap_or_default();
    let given = request.tags.unwrap_or_default();
    check_tags(Some(&given))?;
    let tags = tags_of(&mut world.ecs, &arn)?;
    let mut merged = tags.clone();
    for tag in given {
        match merged.iter_mut().find(|t| t.key == tag.key) {
            Some(kept) => kept.value = tag.value,
            None => merged.push(tag),
        }
    }
    // The limit counts the tags the resource would have; nothing changes when it is passed.
    check_tags(Some(&merged))?;
    *tags = merged;
    Ok(Empty {})
}

pub fn untag_resource(
    world: &mut World,
    request: api::UntagResourceRequest,
) -> Result<Empty, EcsimError> {
    let arn = request.resource_arn.unwrap_or_default();
    let keys = request.tag_keys.unwrap_or_default();
    let tags = tags_of(&mut world.ecs, &arn)?;
    tags.retain(|t| !keys.iter().any(|k| Some(k) == t.key.as_ref()));
    Ok(Empty {})
}

pub fn list_tags_for_resource(
    world: &mut World,
    request: api::ListTagsForResourceRequest,
) -> Result<api::ListTagsForResourceResponse, EcsimError> {
    let arn = request.resource_arn.unwrap_or_default();
    let tags = tags_of(&mut world.ecs, &arn)?.clone();
    Ok(api::ListTagsForResourceResponse { tags: Some(tags) })
}
