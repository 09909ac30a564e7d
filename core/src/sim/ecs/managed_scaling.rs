//! Managed scaling of Auto Scaling group capacity providers (ECS developer guide, "Amazon ECS
//! cluster auto scaling", and the deep dive it cites). While a provider with managed scaling is
//! associated with a cluster, ECS keeps a target tracking policy on its group
//! (`ECSManagedAutoScalingPolicy-<uuid>`, EC2 Auto Scaling's PutScalingPolicy with ECS's alarms,
//! `sim/autoscaling/policies.rs`) on the metric it publishes every minute:
//! CapacityProviderReservation (`AWS/ECS/ManagedScaling`, by cluster and provider).
//!
//! - N: the group's instances (not terminating); M: the instances needed. With tasks waiting in
//!   PROVISIONING, M = N + the estimate of new instances they need (first fit on empty
//!   instances of the group's type; tasks that fit no instance of it are left out), within the
//!   minimum and maximum scaling step sizes; without, M = the instances running tasks.
//!   Reservation = M / N × 100; 100 when N = M = 0, and 200 when N = 0 < M.
//! - The policy's alarms: above `targetCapacity` for one minute, the group goes to
//!   ceil(N × reservation / target), two instances from none (containers-roadmap #961), no further
//!   scale-out within `instanceWarmupPeriod`; below it for 15 minutes, down.
//! - With managed termination protection, ECS protects the instances running tasks from
//!   scale-in and lifts the protection of empty ones (so only empty instances go).

use crate::cluster::catalog::InstanceType;
use crate::sim::clock::Event;
use crate::sim::cloudwatch::{self, MetricKey};
use crate::sim::World;

use crate::sim::autoscaling::policies::{self, Owner};
use std::collections::VecDeque;

/// What ECS keeps for a provider's managed scaling.
#[derive(Clone, Debug, Default)]
pub struct Tracking {
    /// The policy it put on the group: (its name, what it was put for).
    policy: Option<(String, PolicyFor)>,
    /// The last readings, newest last: (when, what the reservation came from).
    readings: VecDeque<(f64, String)>,
}

/// What a managed policy depends on: (cluster, target capacity, warm-up).
type PolicyFor = (String, i32, i32);

/// What one look found: the numbers the reservation comes from.
struct Reading {
    instances: i64,
    needed: i64,
    busy: i64,
    waiting: usize,
    estimate: i64,
    reservation: f64,
}

/// Keeps ECS's target tracking policy on each provider's group as the provider and its cluster
/// association want it, and the minute's look on the clock while a provider needs it.
pub(crate) fn sync(world: &mut World) {
    let wanted: Vec<(String, String, Option<PolicyFor>)> = world
        .ecs
        .capacity_providers
        .values()
        .map(|p| {
            let scaling = &p.managed_scaling;
            let wants = p
                .cluster
                .clone()
                .filter(|_| p.managed_scaling_enabled())
                .map(|c| {
                    (
                        c,
                        scaling.target_capacity.unwrap_or(100),
                        scaling.instance_warmup_period.unwrap_or(300),
                    )
                });
            (p.name.clone(), p.group_name.clone(), wants)
        })
        .collect();
    for (name, group_name, wants) in wanted {
        let had = world
            .ecs
            .capacity_providers
            .get(&name)
            .and_then(|p| p.tracking.policy.clone());
        if had.as_ref().map(|(_, f)| f) == wants.as_ref() {
            continue;
        }
        let policy_name = match (&had, &wants) {
            (Some((policy_name, _)), Some(_)) => policy_name.clone(),
            (Some((policy_name, _)), None) => {
                policies::forget(world, &group_name, policy_name);
                String::new()
            }
            (None, _) => format!(
                "ECSManagedAutoScalingPolicy-{}",
                crate::sim::world::random_uuid(&mut world.rng)
            ),
        };
        let kept = wants.and_then(|wants| {
            put_policy(world, &name, &group_name, &policy_name, &wants)
                .then_some((policy_name, wants))
        });
        if let Some(provider) = world.ecs.capacity_providers.get_mut(&name) {
            provider.tracking.policy = kept;
        }
    }
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

/// Puts ECS's policy for provider `name` on its group; false when the group is gone.
fn put_policy(
    world: &mut World,
    name: &str,
    group_name: &str,
    policy_name: &str,
    (cluster, target, warmup): &PolicyFor,
) -> bool {
    use crate::api::autoscaling as asg;
    let dimension = |n: &str, v: &str| asg::MetricDimension {
        name: Some(n.into()),
        value: Some(v.into()),
    };
    let request = asg::PutScalingPolicyType {
        auto_scaling_group_name: Some(group_name.into()),
        policy_name: Some(policy_name.into()),
        policy_type: Some("TargetTrackingScaling".into()),
        estimated_instance_warmup: Some(*warmup),
        target_tracking_configuration: Some(asg::TargetTrackingConfiguration {
            customized_metric_specification: Some(asg::CustomizedMetricSpecification {
                metric_name: Some("CapacityProviderReservation".into()),
                namespace: Some("AWS/ECS/ManagedScaling".into()),
                dimensions: Some(vec![
                    dimension("CapacityProviderName", name),
                    dimension("ClusterName", cluster),
                ]),
                statistic: Some(asg::MetricStatistic::Average),
                ..Default::default()
            }),
            target_value: Some(f64::from(*target)),
            disable_scale_in: Some(false),
            ..Default::default()
        }),
        enabled: Some(true),
        ..Default::default()
    };
    policies::put(world, request, Owner::Ecs).is_ok()
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
    sync(world);
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

/// Readings kept per provider: enough for the alarm that reads the minute before.
const READINGS_KEPT: usize = 3;

fn look(world: &mut World, name: &str) {
    let Some((reading, cluster_name, _)) = read(world, name) else {
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
    let numbers = format!(
        "CapacityProviderReservation {:.0} % against a target of {} %: {} instances, {} needed ({} with tasks, {} tasks PROVISIONING, estimate {} more)",
        reading.reservation,
        provider.managed_scaling.target_capacity.unwrap_or(100),
        reading.instances,
        reading.needed,
        reading.busy,
        reading.waiting,
        reading.estimate
    );
    let readings = &mut provider.tracking.readings;
    if readings.len() == READINGS_KEPT {
        readings.pop_front();
    }
    readings.push_back((now, numbers));
}

/// What the reservation an alarm evaluated at `now` saw came from, for the activity's cause:
/// the provider's newest reading before `now` (the alarm reads the periods that ended then).
pub(crate) fn explain(world: &World, group_name: &str, now: f64) -> Option<String> {
    let provider = world
        .ecs
        .capacity_providers
        .values()
        .find(|p| p.group_name == group_name)?;
    provider
        .tracking
        .readings
        .iter()
        .rev()
        .find(|(at, _)| *at < now)
        .map(|(_, numbers)| numbers.clone())
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
