//! RunTask (EC2 launch type), StopTask, DescribeTasks, ListTasks. Tasks start at once: the task
//! lifecycle on the virtual clock (PROVISIONING … STOPPED) arrives with the service scheduler.

use super::launch::{constraints, simulated_launch_type, strategies, Launch, Site};
use super::{capacity, cluster_mut, failure, fargate};
use crate::api::ecs::{self as api, shapes, LaunchType};
use crate::cluster::Cluster;
use crate::error::EcsimError;
use crate::placement::engine::fits;
use crate::placement::{place, Placement, Placer, Rejection, Request, Strategy};
use crate::sim::request::parse_request;
use crate::sim::Simulation;
use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;
use serde_json::{json, Value};

/// RunTask places at most 10 tasks per call (not adjustable).
pub const MAX_RUN_TASK_COUNT: i32 = 10;

/// ecsim extension of RunTask: `"explain": true` adds `explanations`, one per task attempted, with
/// every instance's verdict and the candidates each strategy kept (ECS itself reports only failures).
const EXPLAIN: &str = "explain";

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
    let strategy = request.capacity_provider_strategy.as_deref();
    // Looked up here only for its capacity providers: a missing cluster is reported below.
    let providers = match sim
        .ecs
        .cluster(super::cluster_name(request.cluster.as_deref()))
    {
        Some(cluster) => capacity::resolve(request.launch_type, strategy, cluster)?,
        None => None,
    };
    let launch_type = match providers {
        Some(_) => LaunchType::Fargate,
        None => simulated_launch_type(request.launch_type)?,
    };
    let launch = Launch::new(
        sim,
        request.task_definition.as_deref(),
        request.group.as_deref(),
        request.started_by.clone(),
        request.tags.clone(),
        launch_type,
    )?;
    let (placed, failures, explanations) = if launch_type == LaunchType::Fargate {
        let subnet_ids = fargate::requested_subnets(&request, &launch)?;
        // The cluster is checked before undeclared subnets are given zones.
        cluster_mut(sim, request.cluster.as_deref())?;
        let (region, policy) = (sim.config.region.clone(), sim.config.undeclared_subnets);
        let subnets = sim.subnets.resolve(subnet_ids, &region, policy)?;
        with_rng(sim, request.cluster.as_deref(), |cluster, rng| {
            let portions = match &providers {
                Some(shares) => capacity::portions(shares, &capacity::split(shares, count)),
                None => vec![(None, count)],
            };
            let (placed, explanations) =
                fargate::launch(cluster, &launch, &subnets, &portions, explain, rng);
            Ok((placed, Vec::new(), explanations))
        })?
    } else {
        let strategies = strategies(request.placement_strategy.as_deref().unwrap_or_default())?;
        let constraints = constraints(
            &launch.spec.task_definition,
            request.placement_constraints.as_deref().unwrap_or_default(),
        )?;
        with_rng(sim, request.cluster.as_deref(), |cluster, rng| {
            require_instances(cluster)?;
            let placement = Request {
                requirement: &launch.spec.requirement,
                group: &launch.spec.group,
                constraints: &constraints
                    .into_iter()
                    .map(|c| c.evaluated(&cluster.instances))
                    .collect::<Vec<_>>(),
                strategies: &strategies,
            };
            Ok(place_on_instances(
                cluster, &launch, &placement, count, explain, rng,
            ))
        })?
    };
    let cluster = cluster_mut(sim, request.cluster.as_deref())?;
    let tasks = placed.iter().map(|&position| &cluster.tasks[position]);
    let mut output = match output {
        Output::Tasks => {
            let tasks: Vec<_> = tasks
                .map(|task| task.to_api(&cluster.arn, launch.now))
                .collect();
            json!({ "tasks": tasks, "failures": failures })
        }
        Output::Columns => {
            let (mut task_arns, mut instance_arns, mut zones) = (vec![], vec![], vec![]);
            for task in tasks {
                task_arns.push(task.arn.as_str());
                instance_arns.push(task.instance_arn.as_deref());
                zones.push(task.availability_zone.as_deref());
            }
            json!({ "placements": {"taskArn": task_arns, "containerInstanceArn": instance_arns, "availabilityZone": zones}, "failures": failures })
        }
    };
    if explain {
        output["explanations"] = Value::Array(explanations);
    }
    Ok(output)
}

/// The EC2 launch type: each task placed by the engine on a container instance. Returns the
/// started tasks' positions in `cluster.tasks`, the failures of the task that found no
/// instance, and for `explain` every decision.
pub(crate) fn place_on_instances(
    cluster: &mut Cluster,
    launch: &Launch,
    placement: &Request,
    count: u64,
    explain: bool,
    rng: &mut ChaCha8Rng,
) -> (Vec<usize>, Vec<api::Failure>, Vec<Value>) {
    // The explanation needs every instance's verdict, which only the general path has.
    let mut placer = (!explain)
        .then(|| Placer::new(&cluster.instances, placement))
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
            None => place(&cluster.instances, placement, rng),
        };
        if explain {
            explanations.push(explanation(
                &decision,
                &cluster.instances,
                placement.strategies,
            ));
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
        placed.push(launch.start(cluster, Site::Instance(index), rng));
        if let Some(placer) = &mut placer {
            placer.placed(index, &cluster.instances);
        }
    }
    (placed, failures, explanations)
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
        LaunchType::Ec2,
    )?;
    with_rng(sim, request.cluster.as_deref(), |cluster, rng| {
        require_instances(cluster)?;
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
                    let position = launch.start(cluster, Site::Instance(index), rng);
                    tasks.push(cluster.tasks[position].to_api(&cluster.arn, launch.now));
                }
            }
        }
        Ok(json!({ "tasks": tasks, "failures": failures }))
    })
}

fn require_instances(cluster: &Cluster) -> Result<(), EcsimError> {
    if cluster.instances.is_empty() {
        return Err(EcsimError::invalid_parameter(
            "No Container Instances were found in your cluster.",
        ));
    }
    Ok(())
}

/// Runs `work` on the named cluster with the simulation's RNG (taken out of the simulation for
/// the duration, so that both can be borrowed; errors happen before any draw).
fn with_rng<T>(
    sim: &mut Simulation,
    cluster: Option<&str>,
    work: impl FnOnce(&mut Cluster, &mut ChaCha8Rng) -> Result<T, EcsimError>,
) -> Result<T, EcsimError> {
    let mut rng = std::mem::replace(&mut sim.rng, ChaCha8Rng::seed_from_u64(0));
    let outcome = cluster_mut(sim, cluster).and_then(|cluster| work(cluster, &mut rng));
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
