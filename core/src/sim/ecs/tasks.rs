//! RunTask and StartTask, and the launch that PlaceTasks (service `ecsim`) shares with RunTask.

use super::explain::Explanation;
use super::launch::{constraints, resolve_launch, strategies, Launch, Site, TagsAsked};
use super::{capacity, cluster_name, failure, fargate};
use crate::api::ecs::{self as api, LaunchType};
use crate::cluster::TaskPosition;
use crate::cluster::{Cluster, TasksAnswer};
use crate::error::EcsimError;
use crate::placement::cache::Owned;
use crate::placement::engine::fits;
use crate::placement::{place, Constraint, Placement, Rejection, Request};
use crate::sim::World;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use std::sync::Arc;

/// RunTask places at most 10 tasks per call (not adjustable).
pub const MAX_RUN_TASK_COUNT: i32 = 10;

pub fn run_task(
    world: &mut World,
    request: api::RunTaskRequest,
) -> Result<RunTaskOutput, EcsimError> {
    let count = request.count.unwrap_or(1);
    if !(1..=MAX_RUN_TASK_COUNT).contains(&count) {
        return Err(api::Error::InvalidParameterException
            .with(format!("count must be between 1 and {MAX_RUN_TASK_COUNT}.")));
    }
    let launched = launch_tasks(world, request, count as u64)?;
    let cluster = world.ecs.cluster_mut(Some(&launched.cluster))?;
    Ok(RunTaskOutput {
        response: TasksAnswer {
            tasks: cluster.documents(&launched.placed, world.now),
            failures: launched.failures,
        },
        explanations: launched.explanations,
    })
}

/// RunTask's answer, with `explanations` when the ecsim extension member `explain` asks for
/// them: one per task attempted, with every instance's verdict and the candidates each strategy
/// kept (ECS itself reports only failures).
#[derive(Debug, Serialize)]
pub struct RunTaskOutput {
    #[serde(flatten)]
    pub response: TasksAnswer,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanations: Option<Vec<Explanation>>,
}

/// PlaceTasks' own limit: tasks that need no CPU and no memory would otherwise fill memory
/// with task records without ever failing to place.
pub const MAX_PLACE_TASKS_COUNT: u64 = 1_000_000;

/// What one launching call did: the started tasks' positions in the cluster's task list, the
/// failures of the task that found no instance, and the explanations when asked.
pub(crate) struct Launched {
    pub cluster: String,
    pub placed: Vec<TaskPosition>,
    pub failures: Vec<api::Failure>,
    pub explanations: Option<Vec<Explanation>>,
}

/// RunTask's work for `count` tasks, placed one after another; a task that finds no instance
/// ends the call with ECS's failures for it.
pub(crate) fn launch_tasks(
    world: &mut World,
    request: api::RunTaskRequest,
    count: u64,
) -> Result<Launched, EcsimError> {
    let explain = request.explain.unwrap_or(false);
    let (launch_type, providers) = resolve_launch(
        &world.ecs,
        request.cluster.as_deref(),
        request.launch_type,
        request.capacity_provider_strategy.as_deref(),
    )?;
    super::task_definition_lifecycle::check_active(
        world,
        request.task_definition.as_deref().unwrap_or_default(),
    )?;
    let launch = Launch::new(
        world,
        request.task_definition.as_deref(),
        request.group.as_deref(),
        request.started_by.clone(),
        TagsAsked::standalone(
            request.cluster.as_deref(),
            request.tags.clone(),
            request.propagate_tags,
            request.enable_ecs_managed_tags,
        ),
        launch_type,
    )?;
    let (placed, failures, explanations) = if launch_type == LaunchType::Fargate {
        let subnet_ids = fargate::requested_subnets(&request, &launch)?;
        // The cluster is checked before undeclared subnets are given zones.
        world.ecs.cluster_mut(request.cluster.as_deref())?;
        let policy = world.config.undeclared_subnets;
        let subnets = world
            .ecsim
            .subnets
            .resolve(subnet_ids, &world.config.region, policy)?;
        let cluster = world.ecs.cluster_mut(request.cluster.as_deref())?;
        let portions = match &providers {
            Some(shares) => capacity::portions(shares, &capacity::split(shares, count)),
            None => vec![(None, count)],
        };
        let (placed, explanations) = fargate::launch(
            cluster,
            &launch,
            &subnets,
            &portions,
            explain,
            &mut world.rng,
        );
        (placed, Vec::new(), explanations)
    } else {
        let strategies = strategies(request.placement_strategy.as_deref().unwrap_or_default())?;
        let constraints = constraints(
            &launch.spec.task_definition,
            request.placement_constraints.as_deref().unwrap_or_default(),
        )?;
        let cluster = world.ecs.cluster_mut(request.cluster.as_deref())?;
        // Tasks of a provider with managed scaling wait for the instances it will launch.
        let waits = providers
            .iter()
            .flatten()
            .any(|s| cluster.waiting_providers.contains(&s.provider));
        if !waits {
            require_instances(cluster)?;
        }
        let placement = Owned {
            requirement: launch.spec.requirement.clone(),
            group: launch.spec.group.clone(),
            constraints,
            strategies,
        };
        let portions = match &providers {
            Some(shares) => capacity::portions(shares, &capacity::split(shares, count)),
            None => vec![(None, count)],
        };
        place_on_providers(
            cluster,
            &launch,
            &placement,
            &portions,
            explain,
            &mut world.rng,
        )
    };
    Ok(Launched {
        cluster: cluster_name(request.cluster.as_deref()).to_string(),
        placed,
        failures,
        explanations: explain.then_some(explanations),
    })
}

/// Places `portions` of the tasks on the instances of each capacity provider (None: on any
/// instance), in turn, until one finds no instance; see `place_on_instances`.
pub(crate) fn place_on_providers(
    cluster: &mut Cluster,
    launch: &Launch,
    placement: &Owned,
    portions: &[(Option<Arc<str>>, u64)],
    explain: bool,
    rng: &mut ChaCha8Rng,
) -> (Vec<TaskPosition>, Vec<api::Failure>, Vec<Explanation>) {
    let mut all: (Vec<TaskPosition>, Vec<api::Failure>, Vec<Explanation>) = Default::default();
    for (provider, count) in portions.iter().filter(|(_, count)| *count > 0) {
        let mut within = placement.clone();
        if let Some(provider) = provider {
            within
                .constraints
                .push(Constraint::CapacityProvider(Arc::clone(provider)));
        }
        let (mut placed, failures, explanations) = place_on_instances(
            cluster,
            launch,
            &within,
            provider.as_ref(),
            *count,
            explain,
            rng,
        );
        let short = *count - placed.len() as u64;
        let waits = provider
            .as_ref()
            .filter(|p| cluster.waiting_providers.contains(*p));
        match waits {
            Some(provider) if short > 0 => {
                let waiting = Arc::new(within);
                placed.extend(super::provisioning::wait(
                    cluster, launch, &waiting, provider, short, rng,
                ));
                all.0.extend(placed);
            }
            _ => {
                all.0.extend(placed);
                all.1.extend(failures);
            }
        }
        all.2.extend(explanations);
        if !all.1.is_empty() {
            break;
        }
    }
    all
}

/// The EC2 launch type: each task placed by the engine on a container instance (of
/// `provider`'s capacity when a capacity provider strategy chose one). Returns the
/// started tasks' positions in `cluster.tasks`, the failures of the task that found no
/// instance, and for `explain` every decision.
pub(crate) fn place_on_instances(
    cluster: &mut Cluster,
    launch: &Launch,
    placement: &Owned,
    provider: Option<&Arc<str>>,
    count: u64,
    explain: bool,
    rng: &mut ChaCha8Rng,
) -> (Vec<TaskPosition>, Vec<api::Failure>, Vec<Explanation>) {
    // The explanation needs every instance's verdict, which only the general path has.
    let mut index = (!explain)
        .then(|| cluster.take_placement_index(placement))
        .flatten();
    let general_constraints;
    let (request, mut placer) = match &mut index {
        Some(index) => {
            let (request, placer) = index.parts();
            (request, Some(placer))
        }
        None => {
            general_constraints = placement.evaluated(&cluster.instances);
            let request = Request {
                requirement: &placement.requirement,
                group: &placement.group,
                constraints: &general_constraints,
                strategies: &placement.strategies,
            };
            (request, None)
        }
    };
    let most = count.min(MAX_PLACE_TASKS_COUNT) as usize;
    let mut placed = Vec::with_capacity(most);
    cluster.tasks.reserve(most);
    let mut failures = Vec::new();
    let mut explanations = Vec::new();
    let mut placed_on = Vec::with_capacity(if placer.is_some() { most } else { 0 });
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
            None => place(&cluster.instances, &request, rng),
        };
        if explain {
            explanations.push(Explanation::of(
                &decision,
                &cluster.instances,
                request.strategies,
            ));
        }
        let Some(index) = decision.chosen else {
            // Draining instances and those of other capacity providers are not candidates at
            // all: ECS lists no failure for them.
            failures = decision
                .rejections
                .iter()
                .filter(|(_, rejection)| {
                    !matches!(rejection, Rejection::Draining | Rejection::CapacityProvider)
                })
                .map(|&(i, rejection)| failure(&cluster.instances[i].arn, rejection.reason()))
                .collect();
            break;
        };
        placed.push(launch.start(cluster, Site::Instance(index), provider, rng));
        if let Some(placer) = &mut placer {
            placer.placed(index, &cluster.instances, &request);
            placed_on.push(index);
        }
    }
    if index.is_some() {
        // The index took note of each placement itself: the next call need not look at those
        // instances again.
        placed_on.sort_unstable();
        cluster.instances.forget_noted(&placed_on);
        cluster.placement_index = index;
    }
    (placed, failures, explanations)
}

/// StartTask: one task on each named container instance (at most 10), no strategies.
pub fn start_task(
    world: &mut World,
    request: api::StartTaskRequest,
) -> Result<TasksAnswer, EcsimError> {
    let targets = request.container_instances.clone().unwrap_or_default();
    if !(1..=10).contains(&targets.len()) {
        return Err(api::Error::InvalidParameterException
            .with("StartTask takes 1 to 10 container instances."));
    }
    super::task_definition_lifecycle::check_active(
        world,
        request.task_definition.as_deref().unwrap_or_default(),
    )?;
    let launch = Launch::new(
        world,
        request.task_definition.as_deref(),
        request.group.as_deref(),
        request.started_by.clone(),
        TagsAsked::standalone(
            request.cluster.as_deref(),
            request.tags.clone(),
            request.propagate_tags,
            request.enable_ecs_managed_tags,
        ),
        LaunchType::Ec2,
    )?;
    let cluster = world.ecs.cluster_mut(request.cluster.as_deref())?;
    require_instances(cluster)?;
    let mut started = Vec::new();
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
                started.push(launch.start(cluster, Site::Instance(index), None, &mut world.rng));
            }
        }
    }
    Ok(TasksAnswer {
        tasks: cluster.documents(&started, launch.now),
        failures,
    })
}

fn require_instances(cluster: &Cluster) -> Result<(), EcsimError> {
    if cluster.instances.is_empty() {
        return Err(api::Error::InvalidParameterException
            .with("No Container Instances were found in your cluster."));
    }
    Ok(())
}
