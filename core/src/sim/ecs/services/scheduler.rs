//! The service scheduler: one look at a service starts and stops tasks so that it keeps its
//! desired count, rolls a deployment within minimumHealthyPercent / maximumPercent, trips the
//! circuit breaker, and records ECS's service events. The simulation looks after every call and
//! after the events of each moment on the clock.
//!
//! Rolling update rounds (docs/conventions.md): lower = ceil(desired × minimumHealthyPercent / 100)
//! RUNNING tasks, upper = floor(desired × maximumPercent / 100) tasks in all (stopping ones too).
//! A round first stops old tasks down to the lower bound; while old tasks are stopping it starts
//! nothing (their room is not free yet); then it starts new tasks up to the upper bound, the room
//! the cluster has, and what the deployment still needs. A round that can do neither is stuck.

use super::signals::{Outcome, Signal};
use super::{daemon, external, health, registries, rollback, scale_in, shift, targets, throttle};
use super::{Counts, Deployment, Service, ServiceStatus};
use crate::api::ecs::{DeploymentRolloutState, LaunchType, TaskStopCode};
use crate::cluster::health::ServiceHealth;
use crate::cluster::Cluster;
use crate::cluster::TaskPosition;
use crate::placement::cache::Owned;
use crate::placement::engine::fits;
use crate::sim::ecs::failure;
use crate::sim::ecs::launch::{Launch, Site, TagsAsked};
use crate::sim::ecs::{capacity, fargate, tasks};
use crate::sim::World;
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Looks at every service once, in cluster and name order.
pub fn reconcile_all(world: &mut World) {
    // Daemon tasks are placed before any other.
    crate::sim::ecs::daemons::look::look_all(world);
    // The instances that take no new task, per cluster: the scheduler does not change them.
    let mut draining: BTreeMap<String, BTreeSet<Arc<str>>> = BTreeMap::new();
    for (name, cluster) in &world.ecs.clusters {
        draining.insert(name.clone(), cluster.instances.not_active().clone());
    }
    let none = BTreeSet::new();
    // The services to look at (a settled one is skipped: one look does not change another
    // service's tasks, so it is settled at its turn too) or to sync with Cloud Map. Daemon
    // services first: their tasks are placed before the others'.
    let mut keys: Vec<(bool, (String, String), bool)> = Vec::new();
    let now = world.now;
    let ecs = &mut world.ecs;
    // Services come in cluster order: each cluster is looked up once, not once per service.
    let mut current: Option<(&str, bool, Option<&Cluster>)> = None;
    for (key, service) in &mut ecs.services {
        let (drains, cluster) = match current {
            Some((name, drains, cluster)) if name == key.0 => (drains, cluster),
            _ => {
                let drains = draining.get(&key.0).is_some_and(|arns| !arns.is_empty());
                let cluster = ecs.clusters.get(&key.0);
                current = Some((&key.0, drains, cluster));
                (drains, cluster)
            }
        };
        let look = drains || !cluster.is_some_and(|cluster| settled(service, cluster, now));
        // An EXTERNAL service's task sets may each have a registry.
        if look || !service.service_registries.is_empty() || service.external {
            keys.push((!service.daemon, key.clone(), look));
        }
    }
    keys.sort_by_key(|(later, _, _)| *later);
    for (_, key, look) in keys {
        if look {
            reconcile(world, &key, draining.get(&key.0).unwrap_or(&none));
        }
        registries::sync(world, &key);
    }
}

fn reconcile(world: &mut World, key: &(String, String), draining: &BTreeSet<Arc<str>>) {
    if world.ecs.services.get(key).is_some_and(|s| s.external) {
        return external::reconcile(world, key);
    }
    let now = world.now;
    {
        let World { ecs, rng, .. } = &mut *world;
        let (Some(cluster), Some(service)) = (ecs.clusters.get(&key.0), ecs.services.get_mut(key))
        else {
            return;
        };
        // Before prune forgets the tasks that have STOPPED.
        let Service {
            throttle,
            deployments,
            ..
        } = &mut *service;
        throttle.observe(cluster, deployments, now);
        prune(cluster, service);
        rollback::circuit_breaker(service, now, rng);
    }
    {
        let World { ecs, rng, .. } = &mut *world;
        if let (Some(cluster), Some(service)) =
            (ecs.clusters.get_mut(&key.0), ecs.services.get_mut(key))
        {
            health::replace_failed(cluster, service, now, rng);
        }
    }
    let to_start = {
        let World {
            ecs,
            rng,
            clock,
            config,
            elbv2,
            ..
        } = &mut *world;
        let (Some(cluster), Some(service)) =
            (ecs.clusters.get_mut(&key.0), ecs.services.get_mut(key))
        else {
            return;
        };
        if service.status != ServiceStatus::Active {
            Starts::Count(0)
        } else if service.daemon {
            let round = daemon::round(cluster, service);
            stop_tasks(cluster, service, &round.stop, now, rng);
            Starts::On(round.start_on)
        } else {
            let wanted = if shift::round::shifting(service) {
                shift::round::round(shift::round::Round {
                    cluster: &mut *cluster,
                    service: &mut *service,
                    elbv2,
                    functions: &ecs.hook_functions,
                    clock: &mut *clock,
                    rng: &mut *rng,
                    now,
                })
            } else {
                roll(cluster, service, draining, now, rng)
            };
            let gate = (&mut *clock, &mut *rng, config.service_throttle);
            Starts::Count(throttle::allow(service, wanted, now, gate))
        }
    };
    // Built only when tasks start, and after the circuit breaker, which may have made a rollback
    // deployment the primary.
    let wanted = match &to_start {
        Starts::Count(count) => *count > 0,
        Starts::On(instances) => !instances.is_empty(),
    };
    let launch = wanted.then(|| primary_launch(world, key)).flatten();
    let World { ecs, rng, .. } = world;
    let (Some(cluster), Some(service)) = (ecs.clusters.get_mut(&key.0), ecs.services.get_mut(key))
    else {
        return;
    };
    match (launch, to_start) {
        (Some(launch), Starts::Count(count)) => {
            let target = Where {
                index: 0,
                launch_type: service.launch_type,
                subnets: service.subnets.clone(),
                constraints: service.constraints.clone(),
            };
            start_tasks(cluster, service, &launch, target, count, now, rng)
        }
        (Some(launch), Starts::On(instances)) => {
            start_on_instances(cluster, service, &launch, &instances, now, rng)
        }
        (None, _) => {}
    }
    if service.status != ServiceStatus::Active {
        // Deleted: every task stops, then the service is INACTIVE.
        let live: Vec<TaskPosition> = service
            .deployments
            .iter()
            .flat_map(|d| live_tasks(cluster, d))
            .collect();
        stop_tasks(cluster, service, &live, now, rng);
        if service.deployments.iter().all(|d| d.tasks.is_empty()) {
            service.status = ServiceStatus::Inactive;
        }
    }
    settle(cluster, service, now, rng);
}

/// A service in a steady state whose tasks are all running and healthy, as many as it wants,
/// and whose one deployment is over: a look would change nothing (no task to prune, replace,
/// start or stop, no event), so it is skipped. Most services are settled at most moments, and
/// this is one walk over their tasks instead of a look's several.
fn settled(service: &mut Service, cluster: &Cluster, now: f64) -> bool {
    let [deployment] = service.deployments.as_slice() else {
        return false;
    };
    let desired = service.desired_count;
    let quick = service.steady
        && !service.daemon
        && service.status == ServiceStatus::Active
        && deployment.rollout_state == DeploymentRolloutState::Completed
        && deployment.tasks.len() == desired as usize;
    // The view it works out is the one the load model reads next, unless a task changes first.
    quick
        && service
            .task_view(cluster, now)
            .counts
            .first()
            .is_some_and(|primary| primary.healthy == desired)
}

/// The launch for the PRIMARY deployment's tasks (group `service:<name>`, startedBy its id).
fn primary_launch(world: &World, key: &(String, String)) -> Option<Launch> {
    let service = world.ecs.services.get(key)?;
    let mut launch = deployment_launch(world, key, 0, service.launch_type)?;
    targets::serve(world, service, Arc::make_mut(&mut launch.plan));
    Some(launch)
}

/// How the tasks of the service's deployment `index` start: its task definition, in the
/// service's group, started by the deployment's id, with the service's tag settings.
pub(super) fn deployment_launch(
    world: &World,
    key: &(String, String),
    index: usize,
    launch_type: LaunchType,
) -> Option<Launch> {
    let service = world.ecs.services.get(key)?;
    let deployment = service.deployments.get(index)?;
    Launch::new(
        world,
        Some(&deployment.task_definition_arn),
        Some(&format!("service:{}", service.name)),
        Some(deployment.id.clone()),
        TagsAsked {
            given: None,
            propagate: service.propagate_tags,
            managed: service.managed_tags,
            cluster: &key.0,
            service: Some((&service.name, &service.tags)),
        },
        launch_type,
    )
    .ok()
}

/// Forgets tasks that reached STOPPED, counting those that failed against their deployment.
pub(super) fn prune(cluster: &Cluster, service: &mut Service) {
    for deployment in &mut service.deployments {
        deployment.tasks.retain(|&position| {
            let Some(task) = cluster.tasks.get(position) else {
                return false;
            };
            if task.last_status != "STOPPED" {
                return true;
            }
            let failed = task.failed_health_checks
                || matches!(
                    task.stop_code,
                    Some(TaskStopCode::TaskFailedToStart | TaskStopCode::EssentialContainerExited)
                );
            if failed {
                deployment.failed_tasks += 1;
            }
            false
        });
    }
}

pub fn counts(cluster: &Cluster, deployment: &Deployment, now: f64) -> Counts {
    let mut counts = Counts::default();
    for &position in &deployment.tasks {
        let task = &cluster.tasks[position];
        match (task.desired_status, task.last_status) {
            ("STOPPED", _) => counts.stopping += 1,
            (_, "RUNNING") => {
                counts.running += 1;
                counts.healthy += u32::from(task.service_health(now) == ServiceHealth::Healthy);
            }
            _ => counts.pending += 1,
        }
    }
    counts
}

pub fn live_tasks<'c>(
    cluster: &'c Cluster,
    deployment: &'c Deployment,
) -> impl Iterator<Item = TaskPosition> + 'c {
    deployment
        .tasks
        .iter()
        .copied()
        .filter(|&p| cluster.tasks[p].desired_status == "RUNNING")
}

/// One round: stop old tasks down to the lower bound, else say how many new ones to start
/// (up to the upper bound).
fn roll(
    cluster: &mut Cluster,
    service: &mut Service,
    draining: &BTreeSet<Arc<str>>,
    now: f64,
    rng: &mut ChaCha8Rng,
) -> u32 {
    let desired = service.desired_count;
    let all: Vec<Counts> = service
        .deployments
        .iter()
        .map(|d| counts(cluster, d, now))
        .collect();
    let primary = all[0];
    let mut old_live: Vec<TaskPosition> = service.deployments[1..]
        .iter()
        .flat_map(|d| live_tasks(cluster, d))
        .collect();
    // Tasks on DRAINING instances are replaced as a deployment replaces old tasks: new ones
    // start first, within maximumPercent, and they stop down to minimumHealthyPercent.
    let displaced: Vec<TaskPosition> = if draining.is_empty() {
        Vec::new()
    } else {
        live_tasks(cluster, &service.deployments[0])
            .filter(|&p| {
                cluster.tasks[p]
                    .instance_arn
                    .as_deref()
                    .is_some_and(|arn| draining.contains(arn))
            })
            .collect()
    };
    old_live.extend(&displaced);
    let healthy: u32 = all.iter().map(|c| c.healthy).sum();
    let running: u32 = all.iter().map(|c| c.running).sum();
    let in_all: u32 = all.iter().map(|c| c.running + c.pending + c.stopping).sum();
    let (lower, upper) = service.bounds();
    let primary_live = primary.running + primary.pending - displaced.len() as u32;
    // Too many of the new tasks (the desired count went down): stop the surplus.
    if primary_live > desired {
        // Protected tasks stay until their protection expires (the clock looks again then).
        let live: Vec<TaskPosition> = live_tasks(cluster, &service.deployments[0])
            .filter(|&p| !cluster.tasks[p].protected(now))
            .collect();
        let surplus = scale_in::choose(
            cluster,
            &service.strategies,
            &live,
            (primary_live - desired) as usize,
            rng,
        );
        stop_tasks(cluster, service, &surplus, now, rng);
        return 0;
    }
    if !old_live.is_empty() {
        let unprotected = |&p: &TaskPosition| !cluster.tasks[p].protected(now);
        let stoppable_pending: Vec<TaskPosition> = old_live
            .iter()
            .copied()
            .filter(|&p| cluster.tasks[p].last_status != "RUNNING")
            .filter(unprotected)
            .collect();
        // Only healthy tasks count towards the lower bound.
        let stoppable_running = healthy.saturating_sub(lower) as usize;
        let old_running: Vec<TaskPosition> = old_live
            .iter()
            .copied()
            .filter(|&p| cluster.tasks[p].last_status == "RUNNING")
            .filter(unprotected)
            .collect();
        let mut stopping: Vec<TaskPosition> = stoppable_pending;
        stopping.extend(scale_in::choose(
            cluster,
            &service.strategies,
            &old_running,
            stoppable_running.min(old_running.len()),
            rng,
        ));
        if !stopping.is_empty() {
            stop_tasks(cluster, service, &stopping, now, rng);
            return 0;
        }
    }
    let old_stopping: u32 = all[1..].iter().map(|c| c.stopping).sum();
    if old_stopping > 0 {
        return 0;
    }
    let failed = service.deployments[0].rollout_state == DeploymentRolloutState::Failed;
    let room = if old_live.is_empty() {
        desired.saturating_sub(primary_live)
    } else {
        upper
            .saturating_sub(in_all)
            .min(desired.saturating_sub(primary_live))
    };
    if room > 0 && !failed {
        service.stuck = false;
        return room;
    } else if !old_live.is_empty()
        && primary.pending == 0
        && primary.stopping == 0
        // A task still on its way to healthy may yet let a round go on.
        && healthy == running
        && !service.stuck
    {
        service.stuck = true;
        let message = format!(
            "(service {}) was unable to stop or start tasks during a deployment because of the service deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again.",
            service.name
        );
        event(service, now, rng, message);
    }
    0
}

pub(super) fn stop_tasks(
    cluster: &mut Cluster,
    service: &mut Service,
    positions: &[TaskPosition],
    now: f64,
    rng: &mut ChaCha8Rng,
) {
    if positions.is_empty() {
        return;
    }
    for &position in positions {
        let reason = format!(
            "Scaling activity initiated by (deployment {})",
            deployment_of(service, position)
        );
        cluster.stop_task(
            position,
            now,
            TaskStopCode::ServiceSchedulerInitiated,
            reason,
        );
    }
    let message = tasks_message(cluster, service, "has stopped", "running tasks", positions);
    event(service, now, rng, message);
}

/// "(service web) has started 2 tasks: (task 1a…) (task 2b…)."
fn tasks_message(
    cluster: &Cluster,
    service: &Service,
    verb: &str,
    noun: &str,
    positions: &[TaskPosition],
) -> String {
    let ids: Vec<String> = positions
        .iter()
        .map(|&p| format!("(task {})", cluster.tasks[p].id()))
        .collect();
    format!(
        "(service {}) {verb} {} {noun}: {}.",
        service.name,
        ids.len(),
        ids.join(" ")
    )
}

fn deployment_of(service: &Service, position: TaskPosition) -> String {
    service
        .deployments
        .iter()
        .find(|d| d.tasks.contains(&position))
        .map(|d| d.id.clone())
        .unwrap_or_default()
}

/// What a look starts: a number of tasks placed by the engine, or one on each of these
/// instances (DAEMON).
enum Starts {
    Count(u32),
    On(Vec<usize>),
}

fn start_on_instances(
    cluster: &mut Cluster,
    service: &mut Service,
    launch: &Launch,
    instances: &[usize],
    now: f64,
    rng: &mut ChaCha8Rng,
) {
    let mut placed = Vec::new();
    let mut failures = Vec::new();
    for &index in instances {
        match fits(&cluster.instances[index], &launch.spec.requirement) {
            Some(rejection) => {
                failures.push(failure(&cluster.instances[index].arn, rejection.reason()))
            }
            None => placed.push(launch.start(cluster, Site::Instance(index), None, rng)),
        }
    }
    let outcome = Placed {
        tasks: &placed,
        failures: &failures,
        wanted: instances.len(),
    };
    record_starts(cluster, service, 0, outcome, now, rng);
}

/// Where new tasks of deployment `index` go: its launch type, its subnets (FARGATE) and the
/// constraints they are placed under (EC2).
pub(super) struct Where {
    pub index: usize,
    pub launch_type: LaunchType,
    pub subnets: Vec<crate::sim::subnets::Subnet>,
    pub constraints: Vec<crate::placement::Constraint>,
}

pub(super) fn start_tasks(
    cluster: &mut Cluster,
    service: &mut Service,
    launch: &Launch,
    target: Where,
    count: u32,
    now: f64,
    rng: &mut ChaCha8Rng,
) {
    let portions = provider_portions(cluster, service, target.index, u64::from(count));
    let (placed, failures) = if target.launch_type == LaunchType::Fargate {
        let (placed, _) = fargate::launch(cluster, launch, &target.subnets, &portions, false, rng);
        (placed, Vec::new())
    } else if cluster.instances.is_empty() && !waits_for_capacity(cluster, &portions) {
        (Vec::new(), vec![])
    } else {
        let request = Owned {
            requirement: launch.spec.requirement.clone(),
            group: launch.spec.group.clone(),
            constraints: target.constraints,
            strategies: service.strategies.clone(),
        };
        let (placed, failures, _) =
            tasks::place_on_providers(cluster, launch, &request, &portions, false, rng);
        (placed, failures)
    };
    let outcome = Placed {
        tasks: &placed,
        failures: &failures,
        wanted: count as usize,
    };
    record_starts(cluster, service, target.index, outcome, now, rng);
}

/// Whether tasks of these portions wait for capacity (a provider with managed scaling) rather
/// than fail for want of instances.
fn waits_for_capacity(cluster: &Cluster, portions: &[(Option<Arc<str>>, u64)]) -> bool {
    portions
        .iter()
        .filter_map(|(provider, _)| provider.as_ref())
        .any(|p| cluster.waiting_providers.contains(p))
}

/// How many of `count` new tasks of deployment `index` go on each capacity provider: where it is
/// short of its strategy's split.
pub(super) fn provider_portions(
    cluster: &Cluster,
    service: &Service,
    index: usize,
    count: u64,
) -> Vec<(Option<Arc<str>>, u64)> {
    let shares = &service.deployments[index].capacity_provider_strategy;
    if shares.is_empty() {
        return vec![(None, count)];
    }
    let live: Vec<u64> = shares
        .iter()
        .map(|share| {
            live_tasks(cluster, &service.deployments[index])
                .filter(|&p| cluster.tasks[p].capacity_provider.as_ref() == Some(&share.provider))
                .count() as u64
        })
        .collect();
    capacity::portions(shares, &capacity::top_up(shares, &live, count))
}

/// What a start placed: the tasks, the instances' reasons for the rest, and how many were wanted.
pub(super) struct Placed<'a> {
    pub tasks: &'a [TaskPosition],
    pub failures: &'a [crate::api::ecs::Failure],
    pub wanted: usize,
}

/// Files the started tasks under deployment `index`, with ECS's events for what started and for
/// what could not be placed.
pub(super) fn record_starts(
    cluster: &Cluster,
    service: &mut Service,
    index: usize,
    outcome: Placed,
    now: f64,
    rng: &mut ChaCha8Rng,
) {
    let Placed {
        tasks: placed,
        failures,
        wanted,
    } = outcome;
    if !placed.is_empty() {
        service.deployments[index].tasks.extend(placed);
        let message = tasks_message(cluster, service, "has started", "tasks", placed);
        event(service, now, rng, message);
    }
    if placed.len() < wanted {
        let message = unable_to_place(&service.name, failures);
        // The same complaint is not repeated while nothing changes (ecsim's choice).
        if service.events.first().and_then(|e| e.message.as_deref()) != Some(message.as_str()) {
            let reason = failures
                .first()
                .and_then(|f| f.reason.clone())
                .unwrap_or_default();
            service.signal(now, Signal::TaskPlacementFailure { reason });
            event(service, now, rng, message);
        }
    }
}

/// ECS's event for a task no instance could take, naming the closest match: the instance
/// that passed the most checks (the first such in registration order).
fn unable_to_place(service: &str, failures: &[crate::api::ecs::Failure]) -> String {
    const ORDER: [(&str, &str); 8] = [
        ("AGENT", "encountered error \"AGENT\""),
        ("ATTRIBUTE", "is missing an attribute required by your task"),
        ("RESOURCE:CPU", "has insufficient CPU units available"),
        ("RESOURCE:MEMORY", "has insufficient memory available"),
        ("RESOURCE:GPU", "has insufficient GPU available"),
        (
            "RESOURCE:PORTS",
            "is already using a port required by your task",
        ),
        ("RESOURCE:ENI", "encountered error \"RESOURCE:ENI\""),
        ("", "did not satisfy the placement constraints"),
    ];
    let rank = |reason: &str| {
        ORDER
            .iter()
            .position(|(r, _)| *r == reason)
            .unwrap_or(ORDER.len() - 1)
    };
    let closest = failures.iter().max_by_key(|f| {
        (
            rank(f.reason.as_deref().unwrap_or_default()),
            std::cmp::Reverse(0),
        )
    });
    let prefix = format!("(service {service}) was unable to place a task because no container instance met all of its requirements.");
    match closest {
        None => format!("{prefix} Reason: No Container Instances were found in your cluster."),
        Some(failure) => {
            let id = failure
                .arn
                .as_deref()
                .unwrap_or_default()
                .rsplit('/')
                .next()
                .unwrap_or_default();
            let why = ORDER[rank(failure.reason.as_deref().unwrap_or_default())].1;
            format!("{prefix} The closest matching (container-instance {id}) {why}. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.")
        }
    }
}

/// Ends deployments whose tasks are all gone, completes the primary, and notes a steady state.
fn settle(cluster: &Cluster, service: &mut Service, now: f64, rng: &mut ChaCha8Rng) {
    let primary = counts(cluster, &service.deployments[0], now);
    let olds_done = service.deployments[1..].iter().all(|d| d.tasks.is_empty());
    if olds_done && service.deployments.len() > 1 {
        service.deployments.truncate(1);
    }
    let done = olds_done
        && primary.running == service.desired_count
        && primary.healthy == service.desired_count
        && primary.pending == 0
        && primary.stopping == 0;
    let first = &mut service.deployments[0];
    if done
        && first.shift.is_none()
        && first.rollout_state == DeploymentRolloutState::InProgress
        && service.status == ServiceStatus::Active
    {
        let message = first.conclude(
            &service.name,
            DeploymentRolloutState::Completed,
            "ECS deployment completed.",
            "deployment completed.",
            now,
        );
        service.signal_deployment_end(now, Outcome::Completed, "");
        event(service, now, rng, message);
    }
    if done && !service.steady && service.status == ServiceStatus::Active {
        let message = format!("(service {}) has reached a steady state.", service.name);
        service.signal(now, Signal::SteadyState);
        event(service, now, rng, message);
    }
    service.steady = done;
}

pub(super) fn event(service: &mut Service, now: f64, rng: &mut ChaCha8Rng, message: String) {
    service.event(crate::sim::world::random_uuid(rng), now, message);
}
