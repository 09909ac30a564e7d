//! Task scale-in protection: UpdateTaskProtection and GetTaskProtection. A protected task of a
//! service is not stopped by the service's scale-in or by a deployment until its protection
//! expires (2 hours unless given, 1 minute to 48 hours); the scheduler looks again then.

use super::failure;
use crate::api::ecs as api;
use crate::error::EcsimError;
use crate::sim::clock::Event;
use crate::sim::World;

const DEFAULT_MINUTES: i32 = 120;
const MAX_TASKS: usize = 10;

pub fn update_task_protection(
    world: &mut World,
    request: api::UpdateTaskProtectionRequest,
) -> Result<api::UpdateTaskProtectionResponse, EcsimError> {
    let minutes = request.expires_in_minutes.unwrap_or(DEFAULT_MINUTES);
    if !(1..=2880).contains(&minutes) {
        return Err(api::Error::InvalidParameterException.with(format!(
            "expiresInMinutes must be from 1 to 2880 (48 hours), got {minutes}."
        )));
    }
    let references = request.tasks.unwrap_or_default();
    if references.len() > MAX_TASKS {
        return Err(api::Error::InvalidParameterException.with(format!(
            "tasks can name up to {MAX_TASKS} tasks, got {}.",
            references.len()
        )));
    }
    let enabled = request.protection_enabled.unwrap_or(false);
    let now = world.now;
    let until = f64::from(minutes).mul_add(60.0, now);
    let cluster = world.ecs.cluster_mut(request.cluster.as_deref())?;
    let mut protected = Vec::new();
    let mut failures = Vec::new();
    for reference in &references {
        let Some(position) = cluster.task_position(reference) else {
            failures.push(failure(reference, "MISSING"));
            continue;
        };
        let task = &mut cluster.tasks[position];
        // Only a service's tasks can be protected, as ECS answers.
        if !task.spec.group.starts_with("service:") || task.desired_status != "RUNNING" {
            failures.push(failure(&task.arn, "TASK_NOT_VALID"));
            continue;
        }
        task.protected_until = enabled.then_some(until);
        protected.push(described(&task.arn, task.protected_until, now));
    }
    if enabled && !protected.is_empty() {
        world.clock.schedule(until, Event::SchedulerLooks);
    }
    Ok(api::UpdateTaskProtectionResponse {
        protected_tasks: Some(protected),
        failures: Some(failures),
    })
}

pub fn get_task_protection(
    world: &mut World,
    request: api::GetTaskProtectionRequest,
) -> Result<api::GetTaskProtectionResponse, EcsimError> {
    let now = world.now;
    let cluster = world.ecs.cluster_mut(request.cluster.as_deref())?;
    let mut protected = Vec::new();
    let mut failures = Vec::new();
    for reference in request.tasks.iter().flatten() {
        match cluster.task_position(reference) {
            Some(position) => {
                let task = &cluster.tasks[position];
                protected.push(described(&task.arn, task.protected_until, now));
            }
            None => failures.push(failure(reference, "MISSING")),
        }
    }
    Ok(api::GetTaskProtectionResponse {
        protected_tasks: Some(protected),
        failures: Some(failures),
    })
}

fn described(arn: &str, until: Option<f64>, now: f64) -> api::ProtectedTask {
    let active = until.filter(|&until| until > now);
    api::ProtectedTask {
        task_arn: Some(arn.to_string()),
        protection_enabled: Some(active.is_some()),
        expiration_date: active,
    }
}
