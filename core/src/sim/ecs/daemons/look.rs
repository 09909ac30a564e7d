//! What ECS does for each daemon at every scheduler look, before the services' tasks are placed:
//! forgets its stopped tasks (a critical daemon's task that stopped, or whose health checks
//! fail, has its instance drained and replaced), rolls a deployment on a batch of instances at a
//! time (`drainPercent` of them, each batch's tasks RUNNING and the bake time waited before the
//! next), rolls back when the circuit breaker trips, starts a task on every instance of its
//! capacity providers that has none, and stops its task on a draining instance once nothing
//! else runs there (so that the instance can go).

use super::{actions, Daemon, DaemonState, Placed, Revision, RESTART_SECONDS};
use crate::api::ecs::ContainerInstanceStatus;
use crate::api::ecs::{self as api, DaemonDeploymentStatus as Status, LaunchType, TaskStopCode};
use crate::cluster::{Cluster, TaskPosition};
use crate::placement::engine::fits;
use crate::sim::clock::Event;
use crate::sim::ecs::launch::{Launch, Site};
use crate::sim::World;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The container instances (their places in the cluster) of the revision's capacity providers.
pub fn eligible(cluster: &Cluster, revision: &Revision) -> Vec<usize> {
    (cluster.instances.iter().enumerate())
        .filter(|(_, i)| {
            i.capacity_provider
                .as_deref()
                .is_some_and(|p| revision.capacity_providers.iter().any(|c| c == p))
        })
        .map(|(index, _)| index)
        .collect()
}

/// Looks at every daemon once.
pub(crate) fn look_all(world: &mut World) {
    if world.ecs.daemons.is_empty() {
        return;
    }
    let keys: Vec<(String, String)> = world.ecs.daemons.keys().cloned().collect();
    for key in keys {
        look(world, &key);
    }
}

fn look(world: &mut World, key: &(String, String)) {
    let now = world.now;
    let launch = launch_for(world, key);
    let threshold = match world.ecs.daemons.get(key) {
        Some(daemon) => actions::threshold(world, daemon),
        None => return,
    };
    // Other daemons' live tasks, per instance: a draining instance keeps its daemons until
    // only daemon tasks are left on it.
    let daemon_tasks = daemon_tasks_per_instance(world, &key.0);
    let mut impaired: Vec<Arc<str>> = Vec::new();
    let mut wake: Option<f64>;
    {
        let World { ecs, rng, .. } = &mut *world;
        let (Some(daemon), Some(cluster)) =
            (ecs.daemons.get_mut(key), ecs.clusters.get_mut(&key.0))
        else {
            return;
        };
        prune(daemon, cluster, now, &mut impaired);
        if daemon.status == DaemonState::DeleteInProgress {
            let all: Vec<Arc<str>> = daemon.tasks.keys().cloned().collect();
            retire(daemon, cluster, &all, now, "the daemon is being deleted");
            if daemon.tasks.is_empty() {
                ecs.daemons.remove(key);
            }
            return;
        }
        trip_breaker(daemon, threshold, now);
        let target = daemon.target();
        let revision = daemon.revisions[&target].clone();
        // An impaired instance is about to be drained: it gets no new daemon task.
        let on: Vec<usize> = eligible(cluster, &revision)
            .into_iter()
            .filter(|&i| !impaired.contains(&cluster.instances[i].ec2_instance_id))
            .collect();
        let elsewhere: Vec<Arc<str>> = (daemon.tasks.keys())
            .filter(|arn| !on.iter().any(|&i| &cluster.instances[i].arn == *arn))
            .cloned()
            .collect();
        retire(
            daemon,
            cluster,
            &elsewhere,
            now,
            "its instance left the daemon's capacity providers",
        );
        wake = roll(daemon, cluster, &on, now);
        // A task stopped at once (instant task timings) frees its instance for the new one now.
        prune(daemon, cluster, now, &mut impaired);
        daemon.retry_at.retain(|_, at| *at > now);
        if let Some(launch) = &launch {
            start(daemon, cluster, launch, &on, target, rng);
            // A task that failed at once (instant task timings) is seen now, not at the next
            // event, which may never come.
            prune(daemon, cluster, now, &mut impaired);
        }
        if let Some(at) = daemon.retry_at.values().copied().reduce(f64::min) {
            wake = Some(wake.map_or(at, |w| w.min(at)));
        }
        leave_draining(daemon, cluster, &daemon_tasks, now);
        settle(daemon, cluster, &on, now, &mut wake);
    }
    if let Some(at) = wake {
        world.clock.schedule(at, Event::SchedulerLooks);
    }
    for host in impaired {
        replace_instance(world, &host);
    }
}

/// How the target revision's tasks start: in the group `daemon:<name>`, started by the daemon.
fn launch_for(world: &World, key: &(String, String)) -> Option<Launch> {
    let daemon = world.ecs.daemons.get(key)?;
    let revision = daemon.revisions.get(&daemon.target())?;
    let registered = super::definitions::resolve(world, revision.task_definition_arn())?;
    let tags = (revision.described.propagate_tags == Some(api::DaemonPropagateTags::Daemon))
        .then(|| daemon.tags.clone());
    Some(Launch::of(
        world,
        Arc::new(registered.runs.clone()),
        Some(&format!("daemon:{}", daemon.name)),
        Some(daemon.arn.clone()),
        tags,
        LaunchType::Ec2,
    ))
}

fn daemon_tasks_per_instance(world: &World, cluster_name: &str) -> BTreeMap<Arc<str>, u32> {
    let mut counts: BTreeMap<Arc<str>, u32> = BTreeMap::new();
    let Some(cluster) = world.ecs.clusters.get(cluster_name) else {
        return counts;
    };
    let daemons = world
        .ecs
        .daemons
        .iter()
        .filter(|((c, _), _)| c == cluster_name);
    for (_, daemon) in daemons {
        for (instance, placed) in &daemon.tasks {
            if cluster.tasks.get(placed.position).is_some() {
                *counts.entry(Arc::clone(instance)).or_default() += 1;
            }
        }
    }
    counts
}

/// Forgets the daemon's tasks that stopped. One that stopped unasked, or whose health checks
/// fail, impairs its instance when the daemon is critical; one of the deployment's target that
/// never ran counts for its circuit breaker.
fn prune(daemon: &mut Daemon, cluster: &mut Cluster, now: f64, impaired: &mut Vec<Arc<str>>) {
    let target = daemon.target();
    let mut failures = 0;
    let mut unhealthy: Vec<TaskPosition> = Vec::new();
    let mut retry: Vec<Arc<str>> = Vec::new();
    let revisions = &daemon.revisions;
    daemon.tasks.retain(|instance_arn, placed| {
        let critical = revisions[&placed.revision].critical;
        let instance = cluster.instances.iter().find(|i| &i.arn == instance_arn);
        let active = instance.is_some_and(|i| i.status == ContainerInstanceStatus::Active);
        let host = instance.map(|i| Arc::clone(&i.ec2_instance_id));
        let Some(task) = cluster.tasks.get(placed.position) else {
            return false;
        };
        if task.last_status != "STOPPED" {
            let failing = task.last_status == "RUNNING"
                && task.task_health(now) == api::HealthStatus::Unhealthy;
            if failing && !placed.retired && critical && active {
                unhealthy.push(placed.position);
                placed.retired = true;
                impaired.extend(host);
            }
            return true;
        }
        if !placed.retired {
            if placed.revision == target && task.started_at.is_none() {
                failures += 1;
            }
            if critical && active {
                impaired.extend(host);
            }
            retry.push(Arc::clone(instance_arn));
        }
        false
    });
    for instance in retry {
        daemon.retry_at.insert(instance, now + RESTART_SECONDS);
    }
    for position in unhealthy {
        let reason =
            "Daemon task failed container health checks: its instance is drained and replaced";
        cluster.stop_task(
            position,
            now,
            TaskStopCode::ServiceSchedulerInitiated,
            reason.into(),
        );
    }
    if let Some(deployment) = daemon.deployment_mut() {
        deployment.failures += failures;
    }
}

/// Stops the daemon's tasks on these instances, on purpose.
fn retire(daemon: &mut Daemon, cluster: &mut Cluster, instances: &[Arc<str>], now: f64, why: &str) {
    for instance in instances {
        let Some(placed) = daemon.tasks.get_mut(instance) else {
            continue;
        };
        let live = cluster
            .tasks
            .get(placed.position)
            .is_some_and(|t| t.desired_status == "RUNNING");
        placed.retired = true;
        if live {
            let reason = format!("Daemon {}: {why}", daemon.name);
            cluster.stop_task(
                placed.position,
                now,
                TaskStopCode::ServiceSchedulerInitiated,
                reason,
            );
        }
    }
}

/// The circuit breaker: a deployment whose target's tasks failed to run as often as the
/// threshold goes back to the revision it replaced.
fn trip_breaker(daemon: &mut Daemon, threshold: u32, now: f64) {
    let Daemon {
        revisions,
        deployments,
        ..
    } = daemon;
    let Some(deployment) = deployments.last_mut().filter(|d| d.is_running()) else {
        return;
    };
    let (Some(source), Status::InProgress) = (deployment.source, deployment.status()) else {
        return;
    };
    let Some(previous) = revisions.get(&source) else {
        return;
    };
    if deployment.failures < threshold.max(1) {
        return;
    }
    let reason = "Daemon deployment circuit breaker: daemon tasks failed to start.".to_string();
    let d = &mut deployment.described;
    d.status = Some(Status::RollbackInProgress);
    d.status_reason = Some(reason.clone());
    d.rollback = Some(api::DaemonRollback {
        reason: Some(reason),
        started_at: Some(now),
        rollback_target_daemon_revision_arn: Some(previous.arn().to_string()),
        rollback_capacity_providers: Some(previous.capacity_providers.clone()),
    });
    deployment.target = source;
    deployment.source = None;
    deployment.next_batch_at = None;
}

/// A deployment's next batch: when the last one runs (and has baked), the tasks of other
/// revisions on up to `drainPercent` of the instances stop, to be started again as the target.
/// Returns when to look again, if a bake time is waited.
fn roll(daemon: &mut Daemon, cluster: &mut Cluster, on: &[usize], now: f64) -> Option<f64> {
    let target = daemon.target();
    let revision = &daemon.revisions[&target];
    let (drain, bake) = (revision.drain_percent, revision.bake_seconds);
    let deployment = daemon.deployments.last()?;
    if !deployment.is_running() {
        return None;
    }
    let mut old: Vec<Arc<str>> = Vec::new();
    let mut in_flight = 0;
    for &index in on {
        let instance = &cluster.instances[index];
        if instance.status != ContainerInstanceStatus::Active {
            continue;
        }
        match daemon.tasks.get(&instance.arn) {
            None => in_flight += 1,
            Some(placed) if placed.retired => in_flight += 1,
            Some(placed) if placed.revision != target => old.push(Arc::clone(&instance.arn)),
            Some(placed) => {
                let running = cluster
                    .tasks
                    .get(placed.position)
                    .is_some_and(|t| t.last_status == "RUNNING");
                in_flight += usize::from(!running);
            }
        }
    }
    if old.is_empty() || in_flight > 0 {
        return None;
    }
    let batch = ((drain / 100.0 * on.len() as f64).ceil() as usize).max(1);
    let deployment = daemon.deployments.last_mut()?;
    // The first batch begins at once; each later one after the bake time.
    let began = daemon.tasks.values().any(|p| p.revision == target);
    if began && bake > 0.0 {
        let until = *deployment.next_batch_at.get_or_insert(now + bake);
        if now < until {
            return Some(until);
        }
    }
    deployment.next_batch_at = None;
    old.truncate(batch);
    let arn = deployment.arn().to_string();
    retire(
        daemon,
        cluster,
        &old,
        now,
        &format!("replaced by daemon deployment {arn}"),
    );
    None
}

/// Starts the target revision's task on every ACTIVE instance that has no daemon task.
fn start(
    daemon: &mut Daemon,
    cluster: &mut Cluster,
    launch: &Launch,
    on: &[usize],
    target: usize,
    rng: &mut rand_chacha::ChaCha8Rng,
) {
    for &index in on {
        let instance = &cluster.instances[index];
        let free = instance.status == ContainerInstanceStatus::Active
            && !daemon.tasks.contains_key(&instance.arn)
            && !daemon.retry_at.contains_key(&instance.arn);
        if !free || fits(instance, &launch.spec.requirement).is_some() {
            continue;
        }
        let arn = Arc::clone(&instance.arn);
        let position = launch.start(cluster, Site::Instance(index), None, rng);
        daemon.tasks.insert(
            arn,
            Placed {
                position,
                revision: target,
                retired: false,
            },
        );
    }
}

/// Stops the daemon's task on a draining instance once only daemon tasks are left there.
fn leave_draining(
    daemon: &mut Daemon,
    cluster: &mut Cluster,
    daemon_tasks: &BTreeMap<Arc<str>, u32>,
    now: f64,
) {
    let empty: Vec<Arc<str>> = (cluster.instances.iter())
        .filter(|i| i.status == ContainerInstanceStatus::Draining)
        .filter(|i| daemon.tasks.contains_key(&i.arn))
        .filter(|i| {
            let daemons = daemon_tasks.get(&i.arn).copied().unwrap_or(0);
            i.running_tasks_count + i.pending_tasks_count <= daemons
        })
        .map(|i| Arc::clone(&i.arn))
        .collect();
    retire(daemon, cluster, &empty, now, "its instance is draining");
}

/// Ends a deployment whose instances all run the target revision, after its bake time.
fn settle(daemon: &mut Daemon, cluster: &Cluster, on: &[usize], now: f64, wake: &mut Option<f64>) {
    let target = daemon.target();
    let bake = daemon.revisions[&target].bake_seconds;
    let done = on.iter().all(|&index| {
        let instance = &cluster.instances[index];
        if instance.status != ContainerInstanceStatus::Active {
            return true;
        }
        daemon.tasks.get(&instance.arn).is_some_and(|p| {
            !p.retired
                && p.revision == target
                && cluster
                    .tasks
                    .get(p.position)
                    .is_some_and(|t| t.last_status == "RUNNING")
        })
    });
    let Some(deployment) = daemon.deployment_mut() else {
        return;
    };
    if !done {
        return;
    }
    let until = *deployment.next_batch_at.get_or_insert(now + bake);
    if now < until {
        *wake = Some(until);
        return;
    }
    let rolled_back = deployment.status() == Status::RollbackInProgress;
    let d = &mut deployment.described;
    d.status = Some(if rolled_back {
        Status::RollbackSuccessful
    } else {
        Status::Successful
    });
    d.finished_at = Some(now);
    deployment.next_batch_at = None;
}

/// Drains an instance a critical daemon no longer runs on, and has it replaced: its Auto Scaling
/// group terminates it without lowering its desired capacity (managed draining moves its tasks
/// first); an instance of no group is only drained.
fn replace_instance(world: &mut World, ec2_instance_id: &str) {
    if crate::sim::autoscaling::group_of(world, ec2_instance_id).is_some() {
        let request = crate::api::autoscaling::TerminateInstanceInAutoScalingGroupType {
            instance_id: Some(ec2_instance_id.to_string()),
            should_decrement_desired_capacity: Some(false),
            ..Default::default()
        };
        // Refused only when it is already terminating: nothing more to do then.
        let _ = crate::sim::autoscaling::terminate_instance_in_auto_scaling_group(world, request);
    } else {
        crate::sim::ecs::drain_host(world, ec2_instance_id);
    }
}
