//! RunTask (EC2 launch type), StopTask, DescribeTasks, ListTasks. Tasks start at once: the task
//! lifecycle on the virtual clock (PROVISIONING … STOPPED) arrives with the service scheduler.

use super::{cluster_mut, failure, task_definitions};
use crate::api::ecs::{self as api, shapes, LaunchType};
use crate::cluster::{Cluster, Task, TaskSpec};
use crate::error::EcsimError;
use crate::placement::engine::fits;
use crate::placement::{
    place, Constraint, Placement, Placer, Rejection, Request, Requirement, Strategy,
};
use crate::query;
use crate::sim::request::parse_request;
use crate::sim::Simulation;
use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};
use serde_json::{json, Value};
use std::sync::Arc;

/// RunTask places at most 10 tasks per call (not adjustable).
pub const MAX_RUN_TASK_COUNT: i32 = 10;

/// ecsim extension of RunTask: `"explain": true` adds `explanations`, one per task attempted, with
/// every instance's verdict and the candidates each strategy kept (ECS itself reports only failures).
const EXPLAIN: &str = "explain";

fn strategies(given: &[api::PlacementStrategy]) -> Result<Vec<Strategy>, EcsimError> {
    if given.len() > 5 {
        return Err(EcsimError::invalid_parameter(
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
                (kind, field) => Err(EcsimError::invalid_parameter(format!(
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
        return Err(EcsimError::invalid_parameter("You can specify a maximum of 10 placement constraints, counting the task definition's."));
    }
    all.into_iter()
        .map(|(kind, expression)| match (kind, expression) {
            (Some("distinctInstance"), None) => Ok(Constraint::DistinctInstance),
            (Some("distinctInstance"), Some(_)) => Err(EcsimError::invalid_parameter(
                "You cannot specify an expression if the constraint type is distinctInstance.",
            )),
            (Some("memberOf"), Some(text)) => query::parse(text)
                .map(Constraint::MemberOf)
                .map_err(|e| EcsimError::invalid_parameter(format!("memberOf expression: {e}"))),
            _ => Err(EcsimError::invalid_parameter(
                "A memberOf placement constraint needs an expression.",
            )),
        })
        .collect()
}

/// What every task of one RunTask, PlaceTasks or StartTask call shares.
struct Launch {
    spec: Arc<TaskSpec>,
    /// `arn:aws:ecs:<region>:<account>:task/`, to which the cluster name and id are added.
    arn_prefix: String,
    now: f64,
}

impl Launch {
    fn new(
        sim: &Simulation,
        reference: Option<&str>,
        group: Option<&str>,
        started_by: Option<String>,
        tags: Option<Vec<api::Tag>>,
    ) -> Result<Launch, EcsimError> {
        let task_definition = task_definitions::resolve(sim, reference.unwrap_or_default())
            .map(|registered| registered.task_definition.clone())
            .ok_or_else(|| EcsimError::invalid_parameter("TaskDefinition not found."))?;
        let family = task_definition.family.clone().unwrap_or_default();
        let spec = TaskSpec {
            requirement: Requirement::of(&task_definition),
            group: group.map_or_else(|| format!("family:{family}"), str::to_string),
            task_definition,
            started_by,
            tags,
            launch_type: LaunchType::Ec2,
        };
        Ok(Launch {
            spec: Arc::new(spec),
            arn_prefix: format!(
                "arn:aws:ecs:{}:{}:task/",
                sim.config.region, sim.config.account_id
            ),
            now: sim.now,
        })
    }

    /// Starts one task on `cluster.instances[index]`, which has room for it; returns where the
    /// task is in `cluster.tasks`.
    fn start(&self, cluster: &mut Cluster, index: usize, rng: &mut ChaCha8Rng) -> usize {
        let id = u128::from(rng.next_u64()) << 64 | u128::from(rng.next_u64());
        let mut arn = String::with_capacity(self.arn_prefix.len() + cluster.name.len() + 33);
        arn.push_str(&self.arn_prefix);
        arn.push_str(&cluster.name);
        arn.push('/');
        push_hex(&mut arn, id);
        let instance = &mut cluster.instances[index];
        let gpu_ids = instance.hold(&self.spec.requirement, &self.spec.group);
        let task = Task {
            arn,
            spec: Arc::clone(&self.spec),
            instance_arn: Arc::clone(&instance.arn),
            availability_zone: instance
                .attributes
                .get("ecs.availability-zone")
                .cloned()
                .flatten(),
            gpu_ids,
            last_status: "RUNNING",
            desired_status: "RUNNING",
            created_at: self.now,
            started_at: Some(self.now),
            stopped_at: None,
            stop_code: None,
            stopped_reason: None,
            version: 1,
        };
        cluster.add_task(task);
        cluster.tasks.len() - 1
    }
}

/// `value` as 32 lowercase hex digits (a task id), without the formatting machinery: it runs
/// once per task placed.
fn push_hex(out: &mut String, value: u128) {
    for shift in (0..32).rev() {
        let digit = ((value >> (shift * 4)) & 0xf) as u32;
        out.push(char::from_digit(digit, 16).unwrap_or('0'));
    }
}

pub fn run_task(sim: &mut Simulation, input: Value) -> Result<Value, EcsimError> {
    let count = input.get("count").and_then(Value::as_i64).unwrap_or(1);
    if !(1..=i64::from(MAX_RUN_TASK_COUNT)).contains(&count) {
        return Err(EcsimError::invalid_parameter(format!(
            "count must be between 1 and {MAX_RUN_TASK_COUNT}."
        )));
    }
    launch_tasks(sim, input, count as u64, Output::Tasks)
}

/// How a call that launches tasks reports them.
enum Output {
    /// RunTask's `tasks`, each as DescribeTasks shows it.
    Tasks,
    /// PlaceTasks' `placements`: one list per field, a row per task, ready for a data frame
    /// (a million task documents would cost far more than placing the tasks).
    Columns,
}

/// PlaceTasks' own limit: tasks that need no CPU and no memory would otherwise fill memory
/// with task records without ever failing to place.
pub const MAX_PLACE_TASKS_COUNT: u64 = 1_000_000;

/// PlaceTasks (service `ecsim`): RunTask's input with any `count`. The answers are exactly those
/// of successive RunTask calls of 10 (a property test compares them); it stops at the first task
/// that finds no instance, as the following calls would fail the same way. It answers with
/// `placements` (`taskArn`, `containerInstanceArn` and `availabilityZone` lists); DescribeTasks
/// gives whole tasks.
pub fn place_tasks(sim: &mut Simulation, mut input: Value) -> Result<Value, EcsimError> {
    let count = match input.get("count") {
        None => 1,
        Some(count) => count
            .as_u64()
            .filter(|c| (1..=MAX_PLACE_TASKS_COUNT).contains(c))
            .ok_or_else(|| {
                EcsimError::invalid_parameter(format!(
                    "count must be a whole number from 1 to {MAX_PLACE_TASKS_COUNT}."
                ))
            })?,
    };
    // Within the API shape's integer range: the count is checked above.
    input["count"] = json!(1);
    launch_tasks(sim, input, count, Output::Columns)
}

/// RunTask's work for `count` tasks, placed one after another; a task that finds no instance
/// ends the call with ECS's failures for it.
fn launch_tasks(
    sim: &mut Simulation,
    input: Value,
    count: u64,
    output: Output,
) -> Result<Value, EcsimError> {
    let (request, extensions): (api::RunTaskRequest, _) =
        parse_request(input, &shapes::RUN_TASK_REQUEST, &[EXPLAIN])?;
    let explain = extensions
        .get(EXPLAIN)
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if let Some(launch) = request.launch_type.filter(|l| *l != LaunchType::Ec2) {
        return Err(EcsimError::invalid_parameter(format!(
            "ecsim does not simulate the {} launch type yet.",
            launch.as_str()
        )));
    }
    let launch = Launch::new(
        sim,
        request.task_definition.as_deref(),
        request.group.as_deref(),
        request.started_by.clone(),
        request.tags.clone(),
    )?;
    let strategies = strategies(request.placement_strategy.as_deref().unwrap_or_default())?;
    let constraints = constraints(
        &launch.spec.task_definition,
        request.placement_constraints.as_deref().unwrap_or_default(),
    )?;
    with_rng(sim, request.cluster.as_deref(), |cluster, rng| {
        let constraints: Vec<Constraint> = constraints
            .into_iter()
            .map(|c| c.evaluated(&cluster.instances))
            .collect();
        let placement = Request {
            requirement: &launch.spec.requirement,
            group: &launch.spec.group,
            constraints: &constraints,
            strategies: &strategies,
        };
        // The explanation needs every instance's verdict, which only the general path has.
        let mut placer = (!explain)
            .then(|| Placer::new(&cluster.instances, &placement))
            .flatten();
        let mut placed = Vec::new();
        cluster
            .tasks
            .reserve(count.min(MAX_PLACE_TASKS_COUNT) as usize);
        let mut failures = Vec::new();
        let mut explanations = Vec::new();
        for _ in 0..count {
            let chosen = match &mut placer {
                Some(placer) => placer.choose(rng),
                None => None,
            };
            let decision = match chosen {
                Some(index) => Placement {
                    chosen: Some(index),
                    ..Placement::default()
                },
                None => place(&cluster.instances, &placement, rng),
            };
            if explain {
                explanations.push(explanation(&decision, &cluster.instances, &strategies));
            }
            let Some(index) = decision.chosen else {
                // Draining instances are not candidates at all: ECS lists no failure for them.
                failures = decision
                    .rejections
                    .iter()
                    .filter(|(_, rejection)| *rejection != Rejection::Draining)
                    .map(|&(i, rejection)| failure(&cluster.instances[i].arn, rejection.reason()))
                    .collect();
                break;
            };
            placed.push(launch.start(cluster, index, rng));
            if let Some(placer) = &mut placer {
                placer.placed(index, &cluster.instances);
            }
        }
        let tasks = placed.iter().map(|&position| &cluster.tasks[position]);
        let mut output = match output {
            Output::Tasks => {
                let tasks: Vec<_> = tasks.map(|task| task.to_api(&cluster.arn)).collect();
                json!({ "tasks": tasks, "failures": failures })
            }
            Output::Columns => {
                let (mut task_arns, mut instance_arns, mut zones) = (vec![], vec![], vec![]);
                for task in tasks {
                    task_arns.push(task.arn.as_str());
                    instance_arns.push(&*task.instance_arn);
                    zones.push(task.availability_zone.as_deref());
                }
                json!({ "placements": {"taskArn": task_arns, "containerInstanceArn": instance_arns, "availabilityZone": zones}, "failures": failures })
            }
        };
        if explain {
            output["explanations"] = Value::Array(explanations);
        }
        Ok(output)
    })
}

/// StartTask: one task on each named container instance (at most 10), no strategies.
pub fn start_task(sim: &mut Simulation, input: Value) -> Result<Value, EcsimError> {
    let (request, _): (api::StartTaskRequest, _) =
        parse_request(input, &shapes::START_TASK_REQUEST, &[])?;
    let targets = request.container_instances.clone().unwrap_or_default();
    if !(1..=10).contains(&targets.len()) {
        return Err(EcsimError::invalid_parameter(
            "StartTask takes 1 to 10 container instances.",
        ));
    }
    let launch = Launch::new(
        sim,
        request.task_definition.as_deref(),
        request.group.as_deref(),
        request.started_by.clone(),
        request.tags.clone(),
    )?;
    with_rng(sim, request.cluster.as_deref(), |cluster, rng| {
        let mut tasks = Vec::new();
        let mut failures = Vec::new();
        for reference in &targets {
            let Some(index) = cluster.instances.iter().position(|i| i.is(reference)) else {
                failures.push(failure(reference, "MISSING"));
                continue;
            };
            match fits(&cluster.instances[index], &launch.spec.requirement) {
                Some(rejection) => {
                    failures.push(failure(&cluster.instances[index].arn, rejection.reason()))
                }
                None => {
                    let position = launch.start(cluster, index, rng);
                    tasks.push(cluster.tasks[position].to_api(&cluster.arn));
                }
            }
        }
        Ok(json!({ "tasks": tasks, "failures": failures }))
    })
}

/// Runs `work` on the named cluster with the simulation's RNG (taken out of the simulation for
/// the duration, so that both can be borrowed; errors happen before any draw).
fn with_rng(
    sim: &mut Simulation,
    cluster: Option<&str>,
    work: impl FnOnce(&mut Cluster, &mut ChaCha8Rng) -> Result<Value, EcsimError>,
) -> Result<Value, EcsimError> {
    let mut rng = std::mem::replace(&mut sim.rng, ChaCha8Rng::seed_from_u64(0));
    let outcome = cluster_mut(sim, cluster).and_then(|cluster| {
        if cluster.instances.is_empty() {
            return Err(EcsimError::invalid_parameter(
                "No Container Instances were found in your cluster.",
            ));
        }
        work(cluster, &mut rng)
    });
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
    let arn = |i: usize| instances[i].arn.to_string();
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
