//! RunTask (EC2 launch type), StopTask, DescribeTasks, ListTasks. Tasks start at once: the task
//! lifecycle on the virtual clock (PROVISIONING … STOPPED) arrives with the service scheduler.

use super::{cluster_mut, task_definitions};
use crate::api::ecs::{self as api, shapes, LaunchType, NetworkMode};
use crate::cluster::Task;
use crate::error::{EcsimError, ErrorCode};
use crate::placement::{place, Constraint, Request, Requirement, Strategy};
use crate::query;
use crate::sim::request::parse_request;
use crate::sim::Simulation;
use serde_json::{json, Value};

/// RunTask places at most 10 tasks per call (not adjustable).
pub const MAX_RUN_TASK_COUNT: i32 = 10;

/// ecsim extension of RunTask: `"explain": true` adds `explanations`, one per task attempted, with
/// every instance's verdict and the candidates each strategy kept (ECS itself reports only failures).
const EXPLAIN: &str = "explain";

fn invalid(message: impl Into<String>) -> EcsimError {
    EcsimError::new(ErrorCode::InvalidParameterException, message)
}

fn strategies(given: &[api::PlacementStrategy]) -> Result<Vec<Strategy>, EcsimError> {
    if given.len() > 5 {
        return Err(invalid(
            "You can specify a maximum of 5 placement strategies.",
        ));
    }
    given
        .iter()
        .map(|strategy| {
            let field = strategy.field.as_deref();
            match (strategy.r#type.map(|t| t.as_str()), field) {
                (Some("random"), None) => Ok(Strategy::Random),
                (Some("binpack"), Some(f)) if f.eq_ignore_ascii_case("cpu") => Ok(Strategy::BinpackCpu),
                (Some("binpack"), Some(f)) if f.eq_ignore_ascii_case("memory") => Ok(Strategy::BinpackMemory),
                (Some("spread"), Some("instanceId" | "host")) => Ok(Strategy::SpreadInstance),
                (Some("spread"), Some(f)) if f.starts_with("attribute:") => Ok(Strategy::SpreadAttribute(f["attribute:".len()..].to_string())),
                (kind, field) => Err(invalid(format!(
                    "Invalid placement strategy {} with field {}: binpack takes cpu or memory, spread takes instanceId, host or attribute:<name>, random takes none.",
                    kind.unwrap_or("(none)"),
                    field.unwrap_or("(none)")
                ))),
            }
        })
        .collect()
}

fn constraints(
    task_definition: &api::TaskDefinition,
    given: &[api::PlacementConstraint],
) -> Result<Vec<Constraint>, EcsimError> {
    let from_definition = task_definition
        .placement_constraints
        .iter()
        .flatten()
        .map(|c| (Some("memberOf"), c.expression.as_deref()));
    let from_request = given
        .iter()
        .map(|c| (c.r#type.map(|t| t.as_str()), c.expression.as_deref()));
    let all: Vec<_> = from_definition.chain(from_request).collect();
    if all.len() > 10 {
        return Err(invalid("You can specify a maximum of 10 placement constraints, counting the task definition's."));
    }
    all.into_iter()
        .map(|(kind, expression)| match (kind, expression) {
            (Some("distinctInstance"), None) => Ok(Constraint::DistinctInstance),
            (Some("distinctInstance"), Some(_)) => Err(invalid(
                "You cannot specify an expression if the constraint type is distinctInstance.",
            )),
            (Some("memberOf"), Some(text)) => query::parse(text)
                .map(Constraint::MemberOf)
                .map_err(|e| invalid(format!("memberOf expression: {e}"))),
            _ => Err(invalid(
                "A memberOf placement constraint needs an expression.",
            )),
        })
        .collect()
}

pub fn run_task(sim: &mut Simulation, input: Value) -> Result<Value, EcsimError> {
    let (request, extensions): (api::RunTaskRequest, _) =
        parse_request(input, &shapes::RUN_TASK_REQUEST, &[EXPLAIN])?;
    let explain = extensions
        .get(EXPLAIN)
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let count = request.count.unwrap_or(1);
    if !(1..=MAX_RUN_TASK_COUNT).contains(&count) {
        return Err(invalid(format!(
            "count must be between 1 and {MAX_RUN_TASK_COUNT}."
        )));
    }
    if let Some(launch) = request.launch_type.filter(|l| *l != LaunchType::Ec2) {
        return Err(invalid(format!(
            "ecsim does not simulate the {} launch type yet.",
            launch.as_str()
        )));
    }
    let reference = request.task_definition.clone().unwrap_or_default();
    let task_definition = task_definitions::resolve(sim, &reference)
        .map(|registered| registered.task_definition.clone())
        .ok_or_else(|| invalid("TaskDefinition not found."))?;
    let strategies = strategies(request.placement_strategy.as_deref().unwrap_or_default())?;
    let constraints = constraints(
        &task_definition,
        request.placement_constraints.as_deref().unwrap_or_default(),
    )?;
    let family = task_definition.family.clone().unwrap_or_default();
    let group = request
        .group
        .clone()
        .unwrap_or_else(|| format!("family:{family}"));
    let requirement = Requirement::of(&task_definition);
    let (region, account, now) = (
        sim.config.region.clone(),
        sim.config.account_id.clone(),
        sim.now,
    );
    // Draw from the simulation's RNG without holding the cluster borrow.
    let mut rng = std::mem::replace(&mut sim.rng, rand_core::SeedableRng::seed_from_u64(0));
    let outcome = (|| {
        let cluster = cluster_mut(sim, request.cluster.as_deref())?;
        if cluster.instances.is_empty() {
            return Err(invalid(
                "No Container Instances were found in your cluster.",
            ));
        }
        let mut tasks = Vec::new();
        let mut failures = Vec::new();
        let mut explanations = Vec::new();
        for _ in 0..count {
            let decision = place(
                &cluster.instances,
                &Request {
                    requirement: &requirement,
                    group: &group,
                    constraints: &constraints,
                    strategies: &strategies,
                },
                &mut rng,
            );
            if explain {
                explanations.push(explanation(&decision, &cluster.instances, &strategies));
            }
            let Some(index) = decision.chosen else {
                // Draining instances are not candidates at all: ECS lists no failure for them.
                failures = decision
                    .rejections
                    .iter()
                    .filter(|(_, rejection)| *rejection != crate::placement::Rejection::Draining)
                    .map(|&(i, rejection)| api::Failure {
                        arn: Some(cluster.instances[i].arn.clone()),
                        reason: Some(rejection.reason().into()),
                        detail: None,
                    })
                    .collect();
                break;
            };
            let id = format!(
                "{:016x}{:016x}",
                rand_core::Rng::next_u64(&mut rng),
                rand_core::Rng::next_u64(&mut rng)
            );
            let instance = &mut cluster.instances[index];
            let gpu_ids = instance.hold(&requirement, &group);
            let task = described(
                &task_definition,
                &requirement,
                &group,
                &request,
                instance,
                &gpu_ids,
                &id,
                &cluster.arn,
                (&region, &account),
                now,
            );
            tasks.push(task.clone());
            cluster.tasks.push(Task {
                id,
                api: task,
                instance_arn: instance.arn.clone(),
                requirement: requirement.clone(),
                gpu_ids,
            });
        }
        let mut output = json!({ "tasks": tasks, "failures": failures });
        if explain {
            output["explanations"] = Value::Array(explanations);
        }
        Ok(output)
    })();
    sim.rng = rng;
    outcome
}

/// One placement decision as data: chosen instance, rejected instances with their reasons, and
/// what each strategy kept.
fn explanation(
    decision: &crate::placement::Placement,
    instances: &[crate::cluster::ContainerInstance],
    strategies: &[Strategy],
) -> Value {
    let arn = |i: usize| instances[i].arn.clone();
    json!({
        "containerInstanceArn": decision.chosen.map(arn),
        "rejected": decision.rejections.iter().map(|&(i, r)| json!({"containerInstanceArn": arn(i), "reason": r.reason()})).collect::<Vec<_>>(),
        "strategies": strategies.iter().zip(&decision.kept).map(|(strategy, kept)| json!({
            "type": strategy.type_and_field().0,
            "field": strategy.type_and_field().1,
            "kept": kept.iter().map(|&i| arn(i)).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

#[allow(clippy::too_many_arguments)]
fn described(
    task_definition: &api::TaskDefinition,
    requirement: &Requirement,
    group: &str,
    request: &api::RunTaskRequest,
    instance: &crate::cluster::ContainerInstance,
    gpu_ids: &[String],
    id: &str,
    cluster_arn: &str,
    (region, account): (&str, &str),
    now: f64,
) -> api::Task {
    let cluster_name = cluster_arn.rsplit('/').next().unwrap_or_default();
    let task_arn = format!("arn:aws:ecs:{region}:{account}:task/{cluster_name}/{id}");
    let host_ports = task_definition.network_mode != Some(NetworkMode::Awsvpc);
    let containers = task_definition
        .container_definitions
        .iter()
        .flatten()
        .enumerate()
        .map(|(index, container)| api::Container {
            container_arn: Some(format!(
                "arn:aws:ecs:{region}:{account}:container/{cluster_name}/{id}/{index}"
            )),
            task_arn: Some(task_arn.clone()),
            name: container.name.clone(),
            image: container.image.clone(),
            last_status: Some("RUNNING".into()),
            network_bindings: host_ports.then(|| {
                container
                    .port_mappings
                    .iter()
                    .flatten()
                    .filter_map(|m| {
                        let host_port = m.host_port.filter(|&p| p > 0)?;
                        Some(api::NetworkBinding {
                            bind_ip: Some("0.0.0.0".into()),
                            container_port: m.container_port,
                            host_port: Some(host_port),
                            protocol: m.protocol,
                            ..api::NetworkBinding::default()
                        })
                    })
                    .collect()
            }),
            cpu: Some(container.cpu.unwrap_or(0).to_string()),
            memory: container.memory.map(|m| m.to_string()),
            memory_reservation: container.memory_reservation.map(|m| m.to_string()),
            gpu_ids: (!gpu_ids.is_empty()).then(|| gpu_ids.to_vec()),
            ..api::Container::default()
        })
        .collect();
    api::Task {
        task_arn: Some(task_arn),
        cluster_arn: Some(cluster_arn.to_string()),
        task_definition_arn: task_definition.task_definition_arn.clone(),
        container_instance_arn: Some(instance.arn.clone()),
        availability_zone: instance
            .attributes
            .get("ecs.availability-zone")
            .cloned()
            .flatten(),
        containers: Some(containers),
        cpu: Some(requirement.cpu.to_string()),
        memory: Some(requirement.memory.to_string()),
        group: Some(group.to_string()),
        launch_type: Some(LaunchType::Ec2),
        last_status: Some("RUNNING".into()),
        desired_status: Some("RUNNING".into()),
        created_at: Some(now),
        started_at: Some(now),
        started_by: request.started_by.clone(),
        tags: request.tags.clone(),
        version: Some(1),
        ..api::Task::default()
    }
}

pub fn stop_task(sim: &mut Simulation, input: Value) -> Result<Value, EcsimError> {
    let (request, _): (api::StopTaskRequest, _) =
        parse_request(input, &shapes::STOP_TASK_REQUEST, &[])?;
    let now = sim.now;
    let cluster = cluster_mut(sim, request.cluster.as_deref())?;
    let reference = request.task.unwrap_or_default();
    let task = cluster
        .task_mut(&reference)
        .ok_or_else(|| invalid("The referenced task was not found."))?;
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
            None => failures.push(api::Failure {
                arn: Some(reference.clone()),
                reason: Some("MISSING".into()),
                detail: None,
            }),
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
