//! ListServiceDeployments, DescribeServiceDeployments, DescribeServiceRevisions and
//! StopServiceDeployment over the history every service keeps (`history.rs`).

use super::history::ServiceDeployment;
use super::rollback::{fail_primary, rollback_target, Failure};
use super::Service;
use crate::api::ecs::{self as api, DeploymentRolloutState, StopServiceDeploymentStopType};
use crate::error::EcsimError;
use crate::sim::ecs::failure;
use crate::sim::World;

/// DescribeServiceDeployments and DescribeServiceRevisions take at most 20 ARNs.
const MAX_DESCRIBED: usize = 20;

fn invalid(message: impl Into<String>) -> EcsimError {
    api::Error::InvalidParameterException.with(message)
}

fn check_count(arns: &[String], member: &str) -> Result<(), EcsimError> {
    if (1..=MAX_DESCRIBED).contains(&arns.len()) {
        Ok(())
    } else {
        Err(invalid(format!(
            "{member} takes 1 to {MAX_DESCRIBED} ARNs, got {}.",
            arns.len()
        )))
    }
}

fn records(world: &World) -> impl Iterator<Item = &ServiceDeployment> {
    world
        .ecs
        .services
        .values()
        .flat_map(|s| &s.history.deployments)
}

pub fn list_service_deployments(
    world: &mut World,
    request: api::ListServiceDeploymentsRequest,
) -> Result<api::ListServiceDeploymentsResponse, EcsimError> {
    let key = super::actions::service_key(
        world,
        request.cluster.as_deref(),
        request.service.as_deref().unwrap_or_default(),
    )?;
    let service = &world.ecs.services[&key];
    let statuses = request.status.unwrap_or_default();
    let window = request.created_at.unwrap_or_default();
    // Newest first.
    let briefs = service
        .history
        .deployments
        .iter()
        .rev()
        .filter(|r| statuses.is_empty() || statuses.contains(&r.status()))
        .filter(|r| {
            let created = r.described.created_at.unwrap_or_default();
            window.before.is_none_or(|t| created < t) && window.after.is_none_or(|t| created > t)
        })
        .map(ServiceDeployment::brief)
        .collect();
    let (page, next_token) = crate::sim::ecs::page(
        &crate::sim::paging::ECS,
        briefs,
        request.max_results,
        request.next_token.as_deref(),
    )?;
    Ok(api::ListServiceDeploymentsResponse {
        service_deployments: Some(page),
        next_token,
    })
}

pub fn describe_service_deployments(
    world: &mut World,
    request: api::DescribeServiceDeploymentsRequest,
) -> Result<api::DescribeServiceDeploymentsResponse, EcsimError> {
    let arns = request.service_deployment_arns.unwrap_or_default();
    check_count(&arns, "serviceDeploymentArns")?;
    let (mut found, mut failures) = (Vec::new(), Vec::new());
    for arn in &arns {
        match records(world).find(|r| r.arn() == arn) {
            Some(record) => found.push(record.described.clone()),
            None => failures.push(failure(arn, "MISSING")),
        }
    }
    Ok(api::DescribeServiceDeploymentsResponse {
        service_deployments: Some(found),
        failures: Some(failures),
    })
}

pub fn describe_service_revisions(
    world: &mut World,
    request: api::DescribeServiceRevisionsRequest,
) -> Result<api::DescribeServiceRevisionsResponse, EcsimError> {
    let arns = request.service_revision_arns.unwrap_or_default();
    check_count(&arns, "serviceRevisionArns")?;
    let revisions: Vec<&api::ServiceRevision> = world
        .ecs
        .services
        .values()
        .flat_map(|s| &s.history.revisions)
        .collect();
    let (mut found, mut failures) = (Vec::new(), Vec::new());
    for arn in &arns {
        match revisions
            .iter()
            .find(|r| r.service_revision_arn.as_deref() == Some(arn))
        {
            Some(revision) => found.push((*revision).clone()),
            None => failures.push(failure(arn, "MISSING")),
        }
    }
    Ok(api::DescribeServiceRevisionsResponse {
        service_revisions: Some(found),
        failures: Some(failures),
    })
}

/// StopServiceDeployment with ROLLBACK (the type ECS documents; ABORT is refused): the service
/// deployment in progress rolls back to the newest deployment that completed before it.
pub fn stop_service_deployment(
    world: &mut World,
    request: api::StopServiceDeploymentRequest,
) -> Result<api::StopServiceDeploymentResponse, EcsimError> {
    let arn = request.service_deployment_arn.unwrap_or_default();
    if request.stop_type == Some(StopServiceDeploymentStopType::Abort) {
        return Err(invalid(
            "stopType ABORT is not taken: ECS documents ROLLBACK as the way to stop a service deployment.",
        ));
    }
    let World { ecs, rng, now, .. } = world;
    let service = service_of(ecs, &arn)?;
    let in_progress = service.deployments.first().is_some_and(|primary| {
        primary.rollout_state == DeploymentRolloutState::InProgress
            && service
                .history
                .deployments
                .last()
                .is_some_and(|r| r.arn() == arn && r.deployment_ids.len() == 1)
    });
    if !in_progress {
        return Err(api::Error::ConflictException.with(format!(
            "The service deployment {arn} is not in progress: only one in progress can be stopped."
        )));
    }
    if rollback_target(service).is_none() {
        return Err(api::Error::ConflictException.with(format!(
            "The service deployment {arn} has no earlier service revision that completed to roll back to."
        )));
    }
    fail_primary(service, *now, rng, Failure::Stopped, true);
    Ok(api::StopServiceDeploymentResponse {
        service_deployment_arn: Some(arn),
    })
}

/// The service whose service deployment `arn` is.
pub(crate) fn service_of<'a>(
    ecs: &'a mut crate::sim::ecs::EcsState,
    arn: &str,
) -> Result<&'a mut Service, EcsimError> {
    ecs.services
        .values_mut()
        .find(|s| s.history.deployments.iter().any(|r| r.arn() == arn))
        .ok_or_else(|| {
            api::Error::ServiceDeploymentNotFoundException
                .with(format!("The service deployment {arn} was not found."))
        })
}
