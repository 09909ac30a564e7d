//! Managed scaling of Auto Scaling group capacity providers (ECS developer guide, "Amazon ECS
//! cluster auto scaling", and the deep dive it cites). Every minute ECS publishes each managed
//! provider's CapacityProviderReservation to CloudWatch (`AWS/ECS/ManagedScaling`, by cluster and
//! provider), and the target tracking policy it puts on the group acts on it:
//!
//! - N: the group's instances (not terminating); M: the instances needed. With tasks waiting in
//!   PROVISIONING, M = N + the estimate of new instances they need (first fit on empty
//!   instances of the group's type; tasks that fit no instance of it are left out), within the
//!   minimum and maximum scaling step sizes; without, M = the instances running tasks.
//!   Reservation = M / N × 100; 100 when N = M = 0, and 200 when N = 0 < M.
//! - Above `targetCapacity` for one minute: the group goes to ceil(N × reservation / target),
//!   two instances from none (what users of an empty cluster see, containers-roadmap #961), and
//!   no further scale-out until `instanceWarmupPeriod` has passed.
//! - Below it for 15 minutes in a row: the group goes down to ceil(N × reservation / target).
//! - With managed termination protection, ECS protects the instances running tasks from
//!   scale-in and lifts the protection of empty ones (so only empty instances go).

use crate::cluster::catalog::InstanceType;
use crate::sim::clock::Event;
use crate::sim::cloudwatch::{self, MetricKey};
use crate::sim::World;

/// Minutes of reservation below target before a scale-in (the low alarm's 15 datapoints).
const SCALE_IN_MINUTES: u32 = 15;

/// What a provider's target tracking has seen.
#[derive(Clone, Debug, Default)]
pub struct Tracking {
    /// Consecutive minutes below target.
    below: u32,
    /// When its last scale-out began (instances warm up from then).
    last_scale_out: Option<f64>,
}

/// What one look found: the numbers the reservation comes from.
struct Reading {
    instances: i64,
    needed: i64,
    busy: i64,
    waiting: usize,
    estimate: i64,
    reservation: f64,
}

/// Puts the minute's look on the clock if a provider needs it and it is not there yet.
pub(crate) fn ensure_ticking(world: &mut World) {
    let needs = world
        .ecs
        .capacity_providers
        .values()
        .any(|p| p.managed_scaling_enabled() && p.cluster.is_some());
    if needs && !world.ecs.managed_scaling_ticks {
        world.ecs.managed_scaling_ticks = true;
        world
            .clock
            .schedule(world.now + 60.0, Event::ManagedScalingTick);
    }
}

pub(crate) fn tick(world: &mut World) {
    world.ecs.managed_scaling_ticks = false;
    let names: Vec<String> = world
        .ecs
        .capacity_providers
        .values()
        .filter(|p| p.managed_scaling_enabled() && p.cluster.is_some())
        .map(|p| p.name.clone())
        .collect();
    for name in names {
        look(world, &name);
    }
    ensure_ticking(world);
}

/// How many new instances of `shape` the waiting tasks need (first fit, in order); tasks that
/// fit no empty instance are left out.
fn estimate(shape: &InstanceType, tasks: &[(i64, i64)]) -> i64 {
    let (cpu, memory) = (
        i64::from(shape.registered_cpu()),
        i64::from(shape.registered_memory()),
    );
    let mut open: Vec<(i64, i64)> = Vec::new();
    for &(task_cpu, task_memory) in tasks.iter().filter(|(c, m)| *c <= cpu && *m <= memory) {
        match open
            .iter_mut()
            .find(|(c, m)| *c >= task_cpu && *m >= task_memory)
        {
            Some(room) => {
                room.0 -= task_cpu;
                room.1 -= task_memory;
            }
            None => open.push((cpu - task_cpu, memory - task_memory)),
        }
    }
    open.len() as i64
}

fn read(world: &World, name: &str) -> Option<(Reading, String, String)> {
    let provider = world.ecs.capacity_providers.get(name)?;
    let cluster_name = provider.cluster.clone()?;
    let group = world.autoscaling.groups.get(&provider.group_name)?;
    let cluster = world.ecs.cluster(&cluster_name)?;
    let instances = group
        .members
        .iter()
        .filter(|m| m.lifecycle != crate::sim::autoscaling::Lifecycle::Terminating)
        .count() as i64;
    let busy = cluster
        .instances
        .iter()
        .filter(|i| i.capacity_provider.as_deref() == Some(name) && i.running_tasks_count > 0)
        .count() as i64;
    let waiting: Vec<(i64, i64)> = cluster
        .waiting
        .iter()
        .filter_map(|(position, _)| cluster.tasks.get(*position))
        .filter(|t| t.capacity_provider.as_deref() == Some(name) && t.instance_arn.is_none())
        .map(|t| (t.spec.requirement.cpu, t.spec.requirement.memory))
        .collect();
    let scaling = &provider.managed_scaling;
    let estimate = group
        .next_instance_type(world)
        .map_or(0, |(shape, _)| estimate(shape, &waiting));
    let needed = if estimate > 0 {
        let (low, high) = (
            i64::from(scaling.minimum_scaling_step_size.unwrap_or(1)),
            i64::from(scaling.maximum_scaling_step_size.unwrap_or(10_000)),
        );
        instances + estimate.clamp(low, high)
    } else if waiting.is_empty() {
        busy
    } else {
        // Only tasks that fit no instance of the group wait: the reservation stays at 100.
        instances
    };
    let reservation = match (instances, needed) {
        (0, 0) => 100.0,
        (0, _) => 200.0,
        (n, m) => m as f64 / n as f64 * 100.0,
    };
    let reading = Reading {
        instances,
        needed,
        busy,
        waiting: waiting.len(),
        estimate,
        reservation,
    };
    Some((reading, cluster_name, provider.group_name.clone()))
}

fn look(world: &mut World, name: &str) {
    let Some((reading, cluster_name, group_name)) = read(world, name) else {
        return;
    };
    let now = world.now;
    let metric = MetricKey::of(
        "AWS/ECS/ManagedScaling",
        "CapacityProviderReservation",
        &[
            ("CapacityProviderName", name),
            ("ClusterName", &cluster_name),
        ],
    );
    let id = cloudwatch::produced_series(&mut world.cloudwatch, &metric);
    cloudwatch::publish(&mut world.cloudwatch, now, id, [reading.reservation]);
    let Some(provider) = world.ecs.capacity_providers.get_mut(name) else {
        return;
    };
    let scaling = provider.managed_scaling.clone();
    let target = f64::from(scaling.target_capacity.unwrap_or(100));
    let warmup = f64::from(scaling.instance_warmup_period.unwrap_or(300));
    let wanted = if reading.instances == 0 {
        2
    } else {
        (reading.instances as f64 * reading.reservation / target).ceil() as i64
    };
    let numbers = format!(
        "CapacityProviderReservation {:.0} % against a target of {target:.0} %: {} instances, {} needed ({} running tasks, {} tasks PROVISIONING, estimate {} more)",
        reading.reservation, reading.instances, reading.needed, reading.busy, reading.waiting, reading.estimate
    );
    let policy = format!("ECSManagedAutoScalingPolicy-{name}");
    let decision = if reading.reservation > target {
        provider.tracking.below = 0;
        let warming = provider
            .tracking
            .last_scale_out
            .is_some_and(|at| now < at + warmup);
        (!warming).then(|| {
            provider.tracking.last_scale_out = Some(now);
            ("AlarmHigh", wanted)
        })
    } else if reading.reservation < target {
        provider.tracking.below += 1;
        (provider.tracking.below >= SCALE_IN_MINUTES).then(|| {
            provider.tracking.below = 0;
            ("AlarmLow", wanted)
        })
    } else {
        provider.tracking.below = 0;
        None
    };
    let Some((alarm, wanted)) = decision else {
        return;
    };
    let cause = format!(
        "At {} a monitor alarm TargetTracking-{group_name}-{alarm} in state ALARM triggered policy {policy} ({numbers})",
        crate::schedule::timestamp(now)
    );
    let wanted = i32::try_from(wanted).unwrap_or(i32::MAX);
    let current = world
        .autoscaling
        .groups
        .get(&group_name)
        .map_or(0, |g| g.desired);
    let moves = if alarm == "AlarmHigh" {
        wanted > current
    } else {
        wanted < current
    };
    if moves {
        crate::sim::autoscaling::set_desired_by_policy(world, &group_name, wanted, &cause);
    }
}

/// Managed termination protection, as the group is about to choose instances to terminate:
/// ECS keeps the instances running tasks protected from scale-in and the empty ones not (it
/// updates the protection as tasks come and go).
pub(crate) fn protect_busy_instances(world: &mut World, group_name: &str) {
    let Some(provider) = world
        .ecs
        .capacity_providers
        .values()
        .find(|p| p.group_name == group_name && p.termination_protection)
    else {
        return;
    };
    let Some(cluster) = provider
        .cluster
        .as_deref()
        .and_then(|c| world.ecs.cluster(c))
    else {
        return;
    };
    let busy: Vec<std::sync::Arc<str>> = cluster
        .instances
        .iter()
        .filter(|i| i.running_tasks_count > 0)
        .map(|i| std::sync::Arc::clone(&i.ec2_instance_id))
        .collect();
    let registered: Vec<std::sync::Arc<str>> = cluster
        .instances
        .iter()
        .map(|i| std::sync::Arc::clone(&i.ec2_instance_id))
        .collect();
    if let Some(group) = world.autoscaling.groups.get_mut(group_name) {
        for member in &mut group.members {
            // Instances that have not registered yet keep the protection they launched with.
            if registered.contains(&member.id) {
                member.protected = busy.contains(&member.id);
            }
        }
    }
}
