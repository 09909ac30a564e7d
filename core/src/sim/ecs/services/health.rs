//! What the service scheduler does with health: a task that failed its container or load
//! balancer health checks after the grace period is stopped and replaced, and counts as a
//! failed task for the deployment circuit breaker (its second stage).
//!
//! The stopped reasons are ECS's ("Task failed container health checks", "Task failed ELB
//! health checks in (target-group …)"); the stop code is ServiceSchedulerInitiated (ecsim's
//! choice: AWS does not say which code these stops carry).

use super::scheduler::{event, live_tasks};
use super::Service;
use crate::api::ecs::TaskStopCode;
use crate::cluster::health::ServiceHealth;
use crate::cluster::Cluster;
use crate::cluster::TaskPosition;
use rand_chacha::ChaCha8Rng;

/// Stops the service's tasks that failed their health checks, with ECS's events.
pub fn replace_failed(
    cluster: &mut Cluster,
    service: &mut Service,
    now: f64,
    rng: &mut ChaCha8Rng,
) {
    let failed: Vec<(TaskPosition, bool)> = service
        .deployments
        .iter()
        .flat_map(|d| live_tasks(cluster, d))
        .filter_map(
            |position| match cluster.tasks[position].service_health(now) {
                ServiceHealth::Failed { target } => Some((position, target)),
                _ => None,
            },
        )
        .collect();
    for (position, target) in failed {
        let task_id = cluster.tasks[position].id().to_string();
        let (reason, message) = match (target, service.load_balancers.first()) {
            (true, Some(balancer)) => {
                let group = balancer.target_group_arn.clone().unwrap_or_default();
                let port = balancer.container_port.unwrap_or_default();
                (
                    format!("Task failed ELB health checks in (target-group {group})"),
                    format!(
                        "(service {}) (port {port}) is unhealthy in (target-group {group}) due to (reason Health checks failed).",
                        service.name
                    ),
                )
            }
            _ => (
                "Task failed container health checks".to_string(),
                format!(
                    "(service {}) (task {task_id}) failed container health checks.",
                    service.name
                ),
            ),
        };
        cluster.stop_task(
            position,
            now,
            TaskStopCode::ServiceSchedulerInitiated,
            reason,
        );
        cluster.tasks[position].failed_health_checks = true;
        event(service, now, rng, message);
    }
}
