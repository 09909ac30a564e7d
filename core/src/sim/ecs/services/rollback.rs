//! How a deployment fails and rolls back: the deployment circuit breaker, and
//! StopServiceDeployment, both ending the primary deployment as FAILED and going back to the
//! newest deployment that completed.

use super::scheduler::event;
use super::signals::Outcome;
use super::{Deployment, Service};
use crate::api::ecs::DeploymentRolloutState;
use crate::sim::ecs::capacity;
use rand_chacha::ChaCha8Rng;
use rand_core::Rng;

pub(super) fn circuit_breaker(service: &mut Service, now: f64, rng: &mut ChaCha8Rng) {
    let Some(breaker) = service
        .circuit_breaker
        .clone()
        .filter(|b| b.enable == Some(true))
    else {
        return;
    };
    let Some(primary) = service.deployments.first() else {
        return;
    };
    if primary.rollout_state != DeploymentRolloutState::InProgress
        || u64::from(primary.failed_tasks)
            < crate::scaling::math::circuit_breaker_threshold(u64::from(service.desired_count))
    {
        return;
    }
    let rollback = breaker.rollback == Some(true);
    fail_primary(service, now, rng, Failure::CircuitBreaker, rollback);
}

/// Why a primary deployment fails.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    CircuitBreaker,
    /// StopServiceDeployment with ROLLBACK.
    Stopped,
}

/// The deployment a rollback of the primary one goes back to: the newest that completed.
pub(crate) fn rollback_target(service: &Service) -> Option<&Deployment> {
    service.deployments[1..]
        .iter()
        .find(|d| d.rollout_state == DeploymentRolloutState::Completed)
}

/// Ends the primary deployment as FAILED and, with `roll_back`, starts a deployment of the
/// newest one that completed before it, as ECS words both.
pub(crate) fn fail_primary(
    service: &mut Service,
    now: f64,
    rng: &mut ChaCha8Rng,
    failure: Failure,
    roll_back: bool,
) {
    let (reason, said) = match failure {
        Failure::CircuitBreaker => (
            "ECS deployment circuit breaker: tasks failed to start.",
            "deployment failed: tasks failed to start.",
        ),
        Failure::Stopped => (
            "ECS deployment stopped: StopServiceDeployment asked for a rollback.",
            "deployment stopped: rolling back.",
        ),
    };
    let Some(primary) = service.deployments.first_mut() else {
        return;
    };
    // A shifting deployment rolls back at the scheduler's next look, which moves the traffic.
    if let Some(progress) = primary.shift.as_deref_mut() {
        progress
            .abort
            .get_or_insert_with(|| reason.trim_end_matches('.').to_string());
        return;
    }
    let message = primary.conclude(
        &service.name,
        DeploymentRolloutState::Failed,
        reason,
        said,
        now,
    );
    service.signal_deployment_end(now, Outcome::Failed, reason);
    event(service, now, rng, message);
    let previous = rollback_target(service).map(|d| {
        (
            d.task_definition_arn.clone(),
            d.capacity_provider_strategy.clone(),
            d.balancers.clone(),
        )
    });
    if let (true, Some((task_definition_arn, strategy, balancers))) = (roll_back, previous) {
        let mut deployment = new_deployment(task_definition_arn, strategy, now, rng);
        // Its tasks go where the revision's it goes back to were.
        deployment.balancers = balancers;
        let message = format!(
            "(service {}) rolling back to deployment {}.",
            service.name, deployment.id
        );
        let cause = match failure {
            Failure::CircuitBreaker => "ECS deployment circuit breaker",
            Failure::Stopped => "ECS deployment stopped",
        };
        let reason = format!("{cause}: rolling back to deploymentId {}.", deployment.id);
        service.begin_deployment(deployment, now, Some(reason));
        // Another task definition: a throttled service is back to normal, as after an update.
        service.throttle.end();
        event(service, now, rng, message);
    }
}

pub fn new_deployment(
    task_definition_arn: String,
    capacity_provider_strategy: Vec<capacity::Share>,
    now: f64,
    rng: &mut ChaCha8Rng,
) -> Deployment {
    Deployment {
        id: format!(
            "ecs-svc/{:019}",
            rng.next_u64() % 10_000_000_000_000_000_000
        ),
        task_definition_arn,
        capacity_provider_strategy,
        created_at: now,
        updated_at: now,
        rollout_state: DeploymentRolloutState::InProgress,
        rollout_state_reason: "ECS deployment in progress.".into(),
        failed_tasks: 0,
        tasks: Vec::new(),
        task_set: None,
        balancers: None,
        shift: None,
    }
}
