//! StopTask, DescribeTasks, ListTasks.

use super::{cluster_mut, failure};
use crate::api::ecs::{self as api, shapes};
use crate::error::EcsimError;
use crate::sim::request::parse_request;
use crate::sim::Simulation;
use serde_json::{json, Value};

pub fn stop_task(sim: &mut Simulation, input: Value) -> Result<Value, EcsimError> {
    let (request, _): (api::StopTaskRequest, _) =
        parse_request(input, &shapes::STOP_TASK_REQUEST, &[])?;
    let now = sim.now;
    let cluster = cluster_mut(sim, request.cluster.as_deref())?;
    let reference = request.task.unwrap_or_default();
    let task = cluster
        .task_mut(&reference)
        .ok_or_else(|| EcsimError::invalid_parameter("The referenced task was not found."))?;
    if task.api.last_status.as_deref() != Some("STOPPED") {
        task.api.last_status = Some("STOPPED".into());
        task.api.desired_status = Some("STOPPED".into());
        task.api.stop_code = Some(api::TaskStopCode::UserInitiated);
        task.api.stopped_reason = Some(
            request
                .reason
                .unwrap_or_else(|| "Task stopped by user".into()),
        );
        task.api.stopping_at = Some(now);
        task.api.stopped_at = Some(now);
        task.api.execution_stopped_at = Some(now);
        for container in task.api.containers.iter_mut().flatten() {
            container.last_status = Some("STOPPED".into());
        }
        let (requirement, group, gpu_ids, instance_arn) = (
            task.requirement.clone(),
            task.api.group.clone().unwrap_or_default(),
            task.gpu_ids.clone(),
            task.instance_arn.clone(),
        );
        let stopped = task.api.clone();
        if let Some(instance) = cluster.instance_mut(&instance_arn) {
            instance.release(&requirement, &group, &gpu_ids);
        }
        return Ok(json!({ "task": stopped }));
    }
    Ok(json!({ "task": task.api }))
}

pub fn describe_tasks(sim: &mut Simulation, input: Value) -> Result<Value, EcsimError> {
    let (request, _): (api::DescribeTasksRequest, _) =
        parse_request(input, &shapes::DESCRIBE_TASKS_REQUEST, &[])?;
    let cluster = cluster_mut(sim, request.cluster.as_deref())?;
    let mut found = Vec::new();
    let mut failures = Vec::new();
    for reference in request.tasks.iter().flatten() {
        match cluster.task_mut(reference) {
            Some(task) => found.push(task.api.clone()),
            None => failures.push(failure(reference, "MISSING")),
        }
    }
    Ok(json!({ "tasks": found, "failures": failures }))
}

pub fn list_tasks(sim: &mut Simulation, input: Value) -> Result<Value, EcsimError> {
    let (request, _): (api::ListTasksRequest, _) =
        parse_request(input, &shapes::LIST_TASKS_REQUEST, &[])?;
    let cluster = cluster_mut(sim, request.cluster.as_deref())?;
    let desired = request.desired_status.map_or("RUNNING", |s| s.as_str());
    let instance_arn = request.container_instance.as_deref().map(|r| {
        cluster
            .instance(r)
            .map(|i| i.arn.clone())
            .unwrap_or_default()
    });
    let arns: Vec<&str> = cluster
        .tasks
        .iter()
        .filter(|t| t.api.desired_status.as_deref() == Some(desired))
        .filter(|t| {
            instance_arn
                .as_ref()
                .is_none_or(|arn| t.instance_arn == *arn)
        })
        .filter(|t| {
            request.family.as_ref().is_none_or(|f| {
                t.api.group.as_deref() == Some(&format!("family:{f}"))
                    || t.api
                        .task_definition_arn
                        .as_deref()
                        .is_some_and(|arn| arn.contains(&format!("task-definition/{f}:")))
            })
        })
        .filter(|t| request.started_by.is_none() || t.api.started_by == request.started_by)
        .filter_map(|t| t.api.task_arn.as_deref())
        .collect();
    Ok(json!({ "taskArns": arns }))
}
