//! RunTask (EC2 launch type), StopTask, DescribeTasks, ListTasks. Tasks start at once: the task
//! lifecycle on the virtual clock (PROVISIONING … STOPPED) arrives with the service scheduler.

use super::{cluster_mut, failure, task_definitions};
use crate::api::ecs::{self as api, shapes, LaunchType, NetworkMode};
use crate::cluster::Cluster;
use crate::cluster::Task;
use crate::error::EcsimError;
use crate::placement::engine::fits;
use crate::placement::{place, Constraint, Rejection, Request, Requirement, Strategy};
use crate::query;
use crate::sim::request::parse_request;
use crate::sim::Simulation;
use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};
use serde_json::{json, Value};

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

/// What every task of one RunTask or StartTask call shares.
struct Launch {
    task_definition: api::TaskDefinition,
    requirement: Requirement,
    group: String,
    started_by: Option<String>,
    tags: Option<Vec<api::Tag>>,
    region: String,
    account: String,
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
        Ok(Launch {
            requirement: Requirement::of(&task_definition),
            group: group.map_or_else(|| format!("family:{family}"), str::to_string),
            task_definition,
            started_by,
            tags,
            region: sim.config.region.clone(),
            account: sim.config.account_id.clone(),
            now: sim.now,
        })
    }

    /// Starts one task on `cluster.instances[index]`, which has room for it.
    fn start(&self, cluster: &mut Cluster, index: usize, rng: &mut ChaCha8Rng) -> api::Task {
        let id = format!("{:016x}{:016x}", rng.next_u64(), rng.next_u64());
        let instance = &mut cluster.instances[index];
        let gpu_ids = instance.hold(&self.requirement, &self.group);
        let task = self.described(instance, &gpu_ids, &id, &cluster.arn);
        let instance_arn = instance.arn.clone();
        cluster.tasks.push(Task {
            id,
            api: task.clone(),
            instance_arn,
            requirement: self.requirement.clone(),
            gpu_ids,
        });
        task
    }
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
        return Err(EcsimError::invalid_parameter(format!(
            "count must be between 1 and {MAX_RUN_TASK_COUNT}."
        )));
    }
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
        &launch.task_definition,
        request.placement_constraints.as_deref().unwrap_or_default(),
    )?;
    with_rng(sim, request.cluster.as_deref(), |cluster, rng| {
        let constraints: Vec<Constraint> = constraints
            .into_iter()
            .map(|c| c.evaluated(&cluster.instances))
            .collect();
        let mut tasks = Vec::new();
        let mut failures = Vec::new();
        let mut explanations = Vec::new();
        let placement = Request {
            requirement: &launch.requirement,
            group: &launch.group,
            constraints: &constraints,
            strategies: &strategies,
        };
        for _ in 0..count {
            let decision = place(&cluster.instances, &placement, rng);
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
            tasks.push(launch.start(cluster, index, rng));
        }
        let mut output = json!({ "tasks": tasks, "failures": failures });
        if explain {
            output["explanations"] = Value::Array(explanations);
        }
        Ok(output)
    })
}

/// PlaceTasks' own limit: tasks that need no CPU and no memory would otherwise fill memory
/// with task records without ever failing to place.
pub const MAX_PLACE_TASKS_COUNT: u64 = 1_000_000;

/// PlaceTasks (service `ecsim`): RunTask's input with any `count`, placed as successive RunTask
/// calls of 10, so the answers are exactly those of count/10 RunTask calls; it stops at the first
/// call that cannot place all of its tasks, as repeating it would fail the same way.
pub fn place_tasks(sim: &mut Simulation, input: Value) -> Result<Value, EcsimError> {
    let total = match input.get("count") {
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
    let mut tasks = Vec::new();
    let mut failures = Value::Array(Vec::new());
    let mut left = total;
    while left > 0 {
        let chunk = left.min(MAX_RUN_TASK_COUNT as u64);
        let mut call = input.clone();
        call["count"] = json!(chunk);
        let mut output = run_task(sim, call)?;
        let placed = output["tasks"]
            .as_array_mut()
            .map(std::mem::take)
            .unwrap_or_default();
        let complete = placed.len() as u64 == chunk;
        tasks.extend(placed);
        left -= chunk;
        if !complete {
            failures = output["failures"].take();
            break;
        }
    }
    Ok(json!({ "tasks": tasks, "failures": failures }))
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
            match fits(&cluster.instances[index], &launch.requirement) {
                Some(rejection) => {
                    failures.push(failure(&cluster.instances[index].arn, rejection.reason()))
                }
                None => tasks.push(launch.start(cluster, index, rng)),
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

impl Launch {
    fn described(
        &self,
        instance: &crate::cluster::ContainerInstance,
        gpu_ids: &[String],
        id: &str,
        cluster_arn: &str,
    ) -> api::Task {
        let (task_definition, requirement, region, account) = (
            &self.task_definition,
            &self.requirement,
            &self.region,
            &self.account,
        );
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
            group: Some(self.group.clone()),
            launch_type: Some(LaunchType::Ec2),
            last_status: Some("RUNNING".into()),
            desired_status: Some("RUNNING".into()),
            created_at: Some(self.now),
            started_at: Some(self.now),
            started_by: self.started_by.clone(),
            tags: self.tags.clone(),
            version: Some(1),
            ..api::Task::default()
        }
    }
}
