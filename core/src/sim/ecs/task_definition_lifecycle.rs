//! A task definition after registration: DeregisterTaskDefinition (INACTIVE: the tasks and
//! services that run it keep it, nothing new may start from it, as ECS documents),
//! DeleteTaskDefinitions (an INACTIVE revision becomes DELETE_IN_PROGRESS, which ecsim keeps:
//! what runs it goes on), and the listings, ListTaskDefinitions and ListTaskDefinitionFamilies.

use super::task_definitions::{resolve, Registered};
use crate::api::ecs::{self as api, SortOrder, TaskDefinitionFamilyStatus, TaskDefinitionStatus};
use crate::error::EcsimError;
use crate::sim::World;

pub fn deregister_task_definition(
    world: &mut World,
    request: api::DeregisterTaskDefinitionRequest,
) -> Result<api::DeregisterTaskDefinitionResponse, EcsimError> {
    let reference = request.task_definition.unwrap_or_default();
    let name = reference
        .rsplit_once(":task-definition/")
        .map_or(reference.as_str(), |(_, name)| name);
    if !name.contains(':') {
        return Err(api::Error::InvalidParameterException.with(
            "Specify the task definition with its revision: family:revision or its full ARN.",
        ));
    }
    let arn = resolve(world, &reference)
        .and_then(|r| r.task_definition.task_definition_arn.clone())
        .ok_or_else(|| {
            api::Error::ClientException.with("The specified task definition does not exist.")
        })?;
    let now = world.now;
    let registered = world
        .ecs
        .task_definitions
        .values_mut()
        .flatten()
        .find(|r| r.task_definition.task_definition_arn.as_deref() == Some(arn.as_str()))
        .ok_or_else(|| {
            api::Error::ClientException.with("The specified task definition does not exist.")
        })?;
    let definition = std::sync::Arc::make_mut(&mut registered.task_definition);
    if definition.status == Some(TaskDefinitionStatus::Active) {
        definition.status = Some(TaskDefinitionStatus::Inactive);
        definition.deregistered_at = Some(now);
    }
    Ok(api::DeregisterTaskDefinitionResponse {
        task_definition: Some(definition.clone()),
    })
}

pub fn delete_task_definitions(
    world: &mut World,
    request: api::DeleteTaskDefinitionsRequest,
) -> Result<api::DeleteTaskDefinitionsResponse, EcsimError> {
    let references = request.task_definitions.unwrap_or_default();
    if references.len() > 10 {
        return Err(api::Error::InvalidParameterException.with(format!(
            "taskDefinitions can name up to 10 revisions, got {}.",
            references.len()
        )));
    }
    let mut deleted = Vec::new();
    let mut failures = Vec::new();
    for reference in references {
        let arn = resolve(world, &reference)
            .filter(|_| reference.contains(':'))
            .and_then(|r| r.task_definition.task_definition_arn.clone());
        let registered = arn.as_deref().and_then(|arn| {
            world
                .ecs
                .task_definitions
                .values_mut()
                .flatten()
                .find(|r| r.task_definition.task_definition_arn.as_deref() == Some(arn))
        });
        let Some(registered) = registered else {
            failures.push(api::Failure {
                arn: Some(reference),
                reason: Some("The specified task definition does not exist.".into()),
                detail: None,
            });
            continue;
        };
        let definition = std::sync::Arc::make_mut(&mut registered.task_definition);
        if definition.status == Some(TaskDefinitionStatus::Active) {
            failures.push(api::Failure {
                arn: definition.task_definition_arn.clone(),
                reason: Some("The specified task definition is still in ACTIVE status. Please deregister the target and try again.".into()),
                detail: None,
            });
            continue;
        }
        definition.status = Some(TaskDefinitionStatus::DeleteInProgress);
        deleted.push(definition.clone());
    }
    Ok(api::DeleteTaskDefinitionsResponse {
        task_definitions: Some(deleted),
        failures: Some(failures),
    })
}

/// Refuses to start anything new from an INACTIVE task definition (RunTask, StartTask,
/// CreateService, a new deployment); the service scheduler keeps running what it runs.
pub fn check_active(world: &World, reference: &str) -> Result<(), EcsimError> {
    match resolve(world, reference) {
        Some(registered) if is_inactive(registered) => Err(api::Error::ClientException.with(
            "TaskDefinition is inactive: deregistered task definitions cannot start new tasks or services.",
        )),
        _ => Ok(()),
    }
}

fn is_inactive(registered: &Registered) -> bool {
    registered.task_definition.status != Some(TaskDefinitionStatus::Active)
}

pub fn list_task_definitions(
    world: &mut World,
    request: api::ListTaskDefinitionsRequest,
) -> Result<api::ListTaskDefinitionsResponse, EcsimError> {
    let status = request.status.unwrap_or(TaskDefinitionStatus::Active);
    let prefix = request.family_prefix.unwrap_or_default();
    let mut arns: Vec<String> = world
        .ecs
        .task_definitions
        .iter()
        .filter(|(family, _)| family.starts_with(&prefix))
        .flat_map(|(_, revisions)| revisions)
        .filter(|r| r.task_definition.status == Some(status))
        .filter_map(|r| r.task_definition.task_definition_arn.clone())
        .collect();
    if request.sort == Some(SortOrder::Desc) {
        arns.reverse();
    }
    let (task_definition_arns, next_token) = super::page(
        &crate::sim::paging::ECS,
        arns,
        request.max_results,
        request.next_token.as_deref(),
    )?;
    Ok(api::ListTaskDefinitionsResponse {
        task_definition_arns: Some(task_definition_arns),
        next_token,
    })
}

pub fn list_task_definition_families(
    world: &mut World,
    request: api::ListTaskDefinitionFamiliesRequest,
) -> Result<api::ListTaskDefinitionFamiliesResponse, EcsimError> {
    let prefix = request.family_prefix.unwrap_or_default();
    let wanted = request.status.unwrap_or(TaskDefinitionFamilyStatus::Active);
    let families: Vec<String> = world
        .ecs
        .task_definitions
        .iter()
        .filter(|(family, _)| family.starts_with(&prefix))
        .filter(|(_, revisions)| {
            let active = revisions.iter().any(|r| !is_inactive(r));
            match wanted {
                TaskDefinitionFamilyStatus::Active => active,
                TaskDefinitionFamilyStatus::Inactive => !active,
                TaskDefinitionFamilyStatus::All => true,
            }
        })
        .map(|(family, _)| family.clone())
        .collect();
    let (families, next_token) = super::page(
        &crate::sim::paging::ECS,
        families,
        request.max_results,
        request.next_token.as_deref(),
    )?;
    Ok(api::ListTaskDefinitionFamiliesResponse {
        families: Some(families),
        next_token,
    })
}
