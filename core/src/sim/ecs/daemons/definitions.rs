//! Daemon task definitions: RegisterDaemonTaskDefinition (checked by the task definition rules,
//! as a task definition of the same containers), DescribeDaemonTaskDefinition,
//! ListDaemonTaskDefinitions and DeleteDaemonTaskDefinition (DELETE_IN_PROGRESS: kept, never used
//! by a new daemon or update).

use crate::api::ecs::{
    self as api, DaemonTaskDefinitionStatus as Status, DaemonTaskDefinitionStatusFilter as Filter,
};
use crate::diagnostics::Severity;
use crate::error::EcsimError;
use crate::sim::World;
use std::collections::BTreeMap;

/// A registered revision: as described, and as the task definition its tasks run.
#[derive(Clone, Debug)]
pub struct Registered {
    pub described: api::DaemonTaskDefinition,
    pub runs: api::TaskDefinition,
    pub tags: Vec<api::Tag>,
}

/// Revisions of each family; revision n is at index n - 1.
pub type DaemonTaskDefinitions = BTreeMap<String, Vec<Registered>>;

fn invalid(message: impl Into<String>) -> EcsimError {
    api::Error::InvalidParameterException.with(message)
}

/// The revision `reference` names: an ARN, `family:revision`, or a family (its newest ACTIVE one).
pub fn resolve<'a>(world: &'a World, reference: &str) -> Option<&'a Registered> {
    let name = reference
        .rsplit_once(":daemon-task-definition/")
        .map_or(reference, |(_, name)| name);
    let revisions = |family: &str| world.ecs.daemon_task_definitions.get(family);
    match name.split_once(':') {
        Some((family, revision)) => {
            let index = revision.parse::<usize>().ok()?.checked_sub(1)?;
            revisions(family)?.get(index)
        }
        None => revisions(name)?
            .iter()
            .rev()
            .find(|r| r.described.status == Some(Status::Active)),
    }
}

/// The revision `reference` names, ACTIVE, or the error a daemon or an update gets.
pub fn active<'a>(world: &'a World, reference: &str) -> Result<&'a Registered, EcsimError> {
    match resolve(world, reference) {
        Some(found) if found.described.status == Some(Status::Active) => Ok(found),
        Some(_) => Err(api::Error::ClientException.with(format!(
            "The daemon task definition {reference} is not ACTIVE: it is being deleted."
        ))),
        None => Err(api::Error::ClientException.with(format!(
            "The daemon task definition {reference} does not exist."
        ))),
    }
}

pub fn register_daemon_task_definition(
    world: &mut World,
    request: api::RegisterDaemonTaskDefinitionRequest,
) -> Result<api::RegisterDaemonTaskDefinitionResponse, EcsimError> {
    // The same rules as a task definition's, without the daemon-only pidMode and ipcMode.
    let mut input = serde_json::to_value(&request)
        .map_err(|e| invalid(format!("The daemon task definition cannot be read: {e}")))?;
    if let Some(members) = input.as_object_mut() {
        members.remove("pidMode");
        members.remove("ipcMode");
        members.remove("tags");
    }
    let (as_task, mut diagnostics) = crate::taskdef::check(input);
    crate::taskdef::ValidationOptions::default().filter(&mut diagnostics);
    if let Some(first) = diagnostics.iter().find(|d| d.severity == Severity::Error) {
        let message = first.message.clone();
        return Err(api::Error::ClientException
            .with(message)
            .with_diagnostics(diagnostics));
    }
    crate::sim::ecs::names::check_tags(request.tags.as_deref())?;
    let family = request.family.clone().unwrap_or_default();
    let revision = world
        .ecs
        .daemon_task_definitions
        .get(&family)
        .map_or(1, |r| r.len() + 1);
    let arn = world.arn(
        "ecs",
        &format!("daemon-task-definition/{family}:{revision}"),
    );
    let runs =
        crate::sim::ecs::task_definitions::described(as_task, arn.clone(), revision, world.now);
    let described = api::DaemonTaskDefinition {
        daemon_task_definition_arn: Some(arn.clone()),
        family: Some(family.clone()),
        revision: i32::try_from(revision).ok(),
        task_role_arn: request.task_role_arn,
        execution_role_arn: request.execution_role_arn,
        container_definitions: request.container_definitions,
        volumes: request.volumes,
        cpu: request.cpu,
        memory: request.memory,
        status: Some(Status::Active),
        registered_at: Some(world.now),
        delete_requested_at: None,
        registered_by: Some(format!(
            "arn:{}:iam::{}:root",
            crate::sim::arn::partition(&world.config.region),
            world.config.account_id
        )),
        pid_mode: request.pid_mode,
        ipc_mode: request.ipc_mode,
    };
    world
        .ecs
        .daemon_task_definitions
        .entry(family)
        .or_default()
        .push(Registered {
            described,
            runs,
            tags: request.tags.unwrap_or_default(),
        });
    Ok(api::RegisterDaemonTaskDefinitionResponse {
        daemon_task_definition_arn: Some(arn),
    })
}

pub fn describe_daemon_task_definition(
    world: &mut World,
    request: api::DescribeDaemonTaskDefinitionRequest,
) -> Result<api::DescribeDaemonTaskDefinitionResponse, EcsimError> {
    let reference = request.daemon_task_definition.unwrap_or_default();
    let found = resolve(world, &reference).ok_or_else(|| {
        api::Error::ClientException.with(format!(
            "Unable to describe daemon task definition {reference}: it does not exist."
        ))
    })?;
    Ok(api::DescribeDaemonTaskDefinitionResponse {
        daemon_task_definition: Some(found.described.clone()),
    })
}

pub fn list_daemon_task_definitions(
    world: &mut World,
    request: api::ListDaemonTaskDefinitionsRequest,
) -> Result<api::ListDaemonTaskDefinitionsResponse, EcsimError> {
    let status = request.status.unwrap_or(Filter::Active);
    let wanted = |registered: &Registered| {
        let shown = registered.described.status;
        match status {
            Filter::All => true,
            Filter::Active => shown == Some(Status::Active),
            Filter::DeleteInProgress => shown == Some(Status::DeleteInProgress),
        }
    };
    let latest = request.revision.is_some();
    let mut found: Vec<&Registered> = Vec::new();
    for (family, revisions) in &world.ecs.daemon_task_definitions {
        let named = request.family.as_ref().is_none_or(|f| f == family)
            && (request.family_prefix.as_ref()).is_none_or(|p| family.starts_with(p.as_str()));
        if !named {
            continue;
        }
        let kept: Vec<&Registered> = revisions.iter().filter(|r| wanted(r)).collect();
        match (latest, kept.last()) {
            (true, Some(newest)) => found.push(newest),
            (true, None) => {}
            (false, _) => found.extend(kept),
        }
    }
    if request.sort == Some(api::SortOrder::Desc) {
        found.reverse();
    }
    let summaries = found
        .into_iter()
        .map(|r| api::DaemonTaskDefinitionSummary {
            arn: r.described.daemon_task_definition_arn.clone(),
            registered_at: r.described.registered_at,
            registered_by: r.described.registered_by.clone(),
            delete_requested_at: r.described.delete_requested_at,
            status: r.described.status,
        })
        .collect();
    let (page, next_token) = crate::sim::ecs::page(
        &crate::sim::paging::ECS,
        summaries,
        request.max_results,
        request.next_token.as_deref(),
    )?;
    Ok(api::ListDaemonTaskDefinitionsResponse {
        daemon_task_definitions: Some(page),
        next_token,
    })
}

pub fn delete_daemon_task_definition(
    world: &mut World,
    request: api::DeleteDaemonTaskDefinitionRequest,
) -> Result<api::DeleteDaemonTaskDefinitionResponse, EcsimError> {
    let reference = request.daemon_task_definition.unwrap_or_default();
    let arn = resolve(world, &reference)
        .filter(|_| reference.contains(':'))
        .and_then(|r| r.described.daemon_task_definition_arn.clone())
        .ok_or_else(|| {
            api::Error::ClientException.with(format!(
                "The daemon task definition {reference} does not exist: name a revision (family:revision or its ARN)."
            ))
        })?;
    let in_use = world.ecs.daemons.values().any(|d| {
        d.status == super::DaemonState::Active && d.current_definition() == Some(arn.as_str())
    });
    if in_use {
        return Err(api::Error::ClientException.with(format!(
            "The daemon task definition {arn} is used by an active daemon."
        )));
    }
    let now = world.now;
    let (family, _) = arn
        .rsplit_once(":daemon-task-definition/")
        .and_then(|(_, name)| name.split_once(':'))
        .unwrap_or_default();
    if let Some(registered) =
        world
            .ecs
            .daemon_task_definitions
            .get_mut(family)
            .and_then(|revisions| {
                revisions
                    .iter_mut()
                    .find(|r| r.described.daemon_task_definition_arn.as_deref() == Some(&arn))
            })
    {
        registered.described.status = Some(Status::DeleteInProgress);
        registered.described.delete_requested_at.get_or_insert(now);
    }
    Ok(api::DeleteDaemonTaskDefinitionResponse {
        daemon_task_definition_arn: Some(arn),
    })
}
