//! StopTask, DescribeTasks, ListTasks.

use super::failure;
use crate::api::ecs as api;
use crate::cluster::{TaskAnswer, TasksAnswer};
use crate::error::EcsimError;
use crate::sim::World;

pub fn stop_task(
    world: &mut World,
    request: api::StopTaskRequest,
) -> Result<TaskAnswer, EcsimError> {
    let now = world.now;
    super::names::check_reason(request.reason.as_deref())?;
    let cluster = world.ecs.cluster_mut(request.cluster.as_deref())?;
    let reference = request.task.unwrap_or_default();
    let position = cluster.task_position(&reference).ok_or_else(|| {
        api::Error::InvalidParameterException.with("The referenced task was not found.")
    })?;
    let reason = request
        .reason
        .unwrap_or_else(|| "Task stopped by user".into());
    cluster.stop_task(position, now, api::TaskStopCode::UserInitiated, reason);
    Ok(TaskAnswer {
        task: cluster.document(position, now),
    })
}

pub fn describe_tasks(
    world: &mut World,
    request: api::DescribeTasksRequest,
) -> Result<TasksAnswer, EcsimError> {
    let now = world.now;
    let cluster = world.ecs.cluster_mut(request.cluster.as_deref())?;
    let mut found = Vec::new();
    let mut failures = Vec::new();
    for reference in request.tasks.iter().flatten() {
        match cluster.task_position(reference) {
            Some(position) => found.push(position),
            None => failures.push(failure(reference, "MISSING")),
        }
    }
    Ok(TasksAnswer {
        tasks: cluster.documents(&found, now),
        failures,
    })
}

pub fn list_tasks(
    world: &mut World,
    request: api::ListTasksRequest,
) -> Result<api::ListTasksResponse, EcsimError> {
    let cluster = world.ecs.cluster_mut(request.cluster.as_deref())?;
    let desired = request.desired_status.map_or("RUNNING", |s| s.as_str());
    let instance_arn = request.container_instance.as_deref().map(|r| {
        cluster
            .instance(r)
            .map(|i| i.arn.to_string())
            .unwrap_or_default()
    });
    let arns: Vec<String> = cluster
        .tasks
        .iter()
        // The family first: when given, it rules out most tasks with one comparison.
        .filter(|t| {
            request
                .family
                .as_ref()
                .is_none_or(|f| t.spec.task_definition.family.as_ref() == Some(f))
        })
        .filter(|t| t.desired_status == desired)
        .filter(|t| {
            instance_arn
                .as_ref()
                .is_none_or(|arn| t.instance_arn.as_deref() == Some(arn.as_str()))
        })
        .filter(|t| request.started_by.is_none() || t.spec.started_by == request.started_by)
        .filter(|t| {
            request.service_name.as_deref().is_none_or(|name| {
                let name = name.rsplit('/').next().unwrap_or_default();
                t.spec.group.strip_prefix("service:") == Some(name)
            })
        })
        .map(|t| t.arn.to_string())
        .collect();
    let (page, next_token) = super::page(
        &crate::sim::paging::ECS,
        arns,
        request.max_results,
        request.next_token.as_deref(),
    )?;
    Ok(api::ListTasksResponse {
        task_arns: Some(page),
        next_token,
    })
}
