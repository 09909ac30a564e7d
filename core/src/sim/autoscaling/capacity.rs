//! How a group meets its desired capacity: it launches into the zone with the fewest of its
//! instances (the zones in the order given where they tie), the first instance type of its
//! overrides (the "prioritized" allocation), and on demand or Spot as its instances
//! distribution says; it terminates unprotected instances from the zone with the most, those
//! of an older launch template version first, then at random (EC2 Auto Scaling's default
//! termination policy; ecsim has no billing hour to go by). Weighted instances count their
//! weight, and a scale-in never takes the group below its desired capacity.

use super::activities::{at, Opened};
use super::{Group, Lifecycle, Member};
use crate::sim::ec2::instances::{self as ec2_instances, LaunchSpec};
use crate::sim::ec2::launch_templates::Reference;
use crate::sim::World;
use rand_core::Rng;
use std::sync::Arc;

/// Launches and terminates until the group's capacity meets its desired capacity (a bound
/// keeps a group that cannot launch from looping).
pub(super) fn reconcile(world: &mut World, name: &str) {
    // The causes tell the change as a whole: from the capacity before the first step.
    let Some(from) = world.autoscaling.groups.get(name).map(Group::capacity) else {
        return;
    };
    for _ in 0..10_000 {
        let Some(group) = world.autoscaling.groups.get(name) else {
            return;
        };
        let capacity = group.capacity();
        let done = if group.deleting {
            !terminate_one(world, name, None, from)
        } else if capacity < group.desired {
            !launch_one(world, name, from)
        } else if capacity > group.desired {
            !terminate_one(world, name, Some(capacity), from)
        } else {
            true
        };
        if done {
            break;
        }
    }
    if let Some(group) = world.autoscaling.groups.get_mut(name) {
        group.cause = None;
    }
}

/// The zone to launch into: the fewest instances, then the order given.
fn zone_for_launch(group: &Group) -> usize {
    let count = |zone: &str| {
        group
            .members
            .iter()
            .filter(|m| m.lifecycle != Lifecycle::Terminating && &*m.zone == zone)
            .count()
    };
    (0..group.subnets.len())
        .min_by_key(|&i| (count(&group.subnets[i].availability_zone), i))
        .unwrap_or(0)
}

/// Whether the next instance is on demand: the base first, then the percentage above it.
fn on_demand_next(group: &Group) -> bool {
    let launches = &group.launches;
    let live = group
        .members
        .iter()
        .filter(|m| m.lifecycle != Lifecycle::Terminating);
    let on_demand: i32 = live.clone().filter(|m| !m.spot).map(|m| m.weight).sum();
    let total: i32 = live.map(|m| m.weight).sum();
    if on_demand < launches.on_demand_base {
        return true;
    }
    let above_base = total - launches.on_demand_base;
    let on_demand_above = on_demand - launches.on_demand_base;
    // The on-demand share above the base, counting the instance about to launch.
    i64::from(on_demand_above) * 100
        < i64::from(launches.on_demand_percentage) * i64::from(above_base + 1)
}

fn launch_one(world: &mut World, name: &str, from: i32) -> bool {
    let Some(group) = world.autoscaling.groups.get(name) else {
        return false;
    };
    let spec = &group.launches.template;
    let template = world.ec2.launch_templates.resolve(&Reference {
        id: spec.launch_template_id.as_deref(),
        name: spec.launch_template_name.as_deref(),
        version: spec.version.as_deref(),
    });
    let Ok(template) = template else {
        return false;
    };
    let choice = group.launches.overrides.first().cloned().or_else(|| {
        let name = template.instance_type()?;
        Some(super::Override {
            instance_type: crate::cluster::catalog::instance_type(&name)?,
            weight: 1,
        })
    });
    let Some(choice) = choice else {
        return false;
    };
    let subnet = group.subnets[zone_for_launch(group)].clone();
    let spot = !on_demand_next(group);
    let mut tags: Vec<(String, String)> = template.instance_tags();
    tags.extend(
        group
            .tags
            .iter()
            .filter(|t| t.propagate_at_launch == Some(true))
            .map(|t| {
                (
                    t.key.clone().unwrap_or_default(),
                    t.value.clone().unwrap_or_default(),
                )
            }),
    );
    tags.push(("aws:autoscaling:groupName".into(), name.to_string()));
    let (desired, protect, arn) = (group.desired, group.protect_new, group.arn.clone());
    let opening = group.cause.clone();
    let zone = Arc::clone(&subnet.availability_zone);
    let subnet_id = subnet.subnet_id.clone();
    let template_ref = (template.id.clone(), template.name.clone(), template.version);
    let id = ec2_instances::launch(
        world,
        LaunchSpec {
            instance_type: choice.instance_type,
            image_id: template.image_id(),
            subnet,
            user_data: template.user_data(),
            tags,
            template: Some(template),
            spot,
        },
    );
    let now = world.now;
    let Some(group) = world.autoscaling.groups.get_mut(name) else {
        return false;
    };
    group.members.push(Member {
        id: Arc::clone(&id),
        zone: Arc::clone(&zone),
        instance_type: choice.instance_type.name,
        weight: choice.weight,
        lifecycle: Lifecycle::Pending,
        protected: protect,
        spot,
        template: Some(template_ref),
        draining_until: None,
    });
    let difference = format!(
        "At {} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from {from} to {desired}.",
        at(now)
    );
    world.autoscaling.activities.record(
        &mut world.rng,
        Opened {
            group: (name, &arn),
            description: format!("Launching a new EC2 instance: {id}"),
            cause: joined(opening, difference),
            instance: Some(id),
            details: Some(details(&subnet_id, &zone)),
        },
        now,
    );
    true
}

/// Terminates one instance: to bring the capacity down to the desired one (`capacity` given),
/// or any while the group is being deleted. False when none can go. `from` is the capacity
/// before the change began, for the cause.
fn terminate_one(world: &mut World, name: &str, capacity: Option<i32>, from: i32) -> bool {
    crate::sim::ecs::managed_scaling::protect_busy_instances(world, name);
    let Some(group) = world.autoscaling.groups.get(name) else {
        return false;
    };
    let live: Vec<&Member> = group
        .members
        .iter()
        .filter(|m| m.lifecycle != Lifecycle::Terminating)
        .collect();
    let candidates: Vec<&Member> = live
        .iter()
        .copied()
        .filter(|m| match capacity {
            Some(capacity) => !m.protected && capacity - m.weight >= group.desired,
            None => true,
        })
        .collect();
    if candidates.is_empty() {
        return false;
    }
    let in_zone = |zone: &str| live.iter().filter(|m| &*m.zone == zone).count();
    let most = candidates
        .iter()
        .map(|m| in_zone(&m.zone))
        .max()
        .unwrap_or(0);
    let current = world
        .ec2
        .launch_templates
        .resolve(&Reference {
            id: group.launches.template.launch_template_id.as_deref(),
            name: group.launches.template.launch_template_name.as_deref(),
            version: group.launches.template.version.as_deref(),
        })
        .ok()
        .map(|t| t.version);
    let outdated = |m: &Member| m.template.as_ref().map(|t| t.2) != current;
    let mut chosen: Vec<&Member> = candidates
        .into_iter()
        .filter(|m| in_zone(&m.zone) == most)
        .collect();
    if chosen.iter().any(|m| outdated(m)) {
        chosen.retain(|m| outdated(m));
    }
    let pick = if chosen.len() > 1 {
        (world.rng.next_u64() % chosen.len() as u64) as usize
    } else {
        0
    };
    let member = chosen[pick].clone();
    let (desired, arn, opening) = (group.desired, group.arn.clone(), group.cause.clone());
    // ForceDelete does not wait for lifecycle hooks.
    let group_deleting = group.deleting;
    let now = world.now;
    let cause = if group.deleting {
        format!(
            "At {} a user request delete the AutoScalingGroup with force.  At {} instance {} was selected for termination.",
            at(now),
            at(now),
            member.id
        )
    } else {
        joined(
            opening,
            format!(
                "At {} an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from {from} to {desired}.  At {} instance {} was selected for termination.",
                at(now),
                at(now),
                member.id
            ),
        )
    };
    if let Some(m) = world
        .autoscaling
        .groups
        .get_mut(name)
        .and_then(|g| g.member_mut(&member.id))
    {
        m.lifecycle = Lifecycle::Terminating;
    }
    let subnet_id = world
        .ec2
        .instances
        .get(&member.id)
        .map(|i| i.subnet.subnet_id.clone())
        .unwrap_or_default();
    world.autoscaling.activities.record(
        &mut world.rng,
        Opened {
            group: (name, &arn),
            description: format!("Terminating EC2 instance: {}", member.id),
            cause,
            instance: Some(Arc::clone(&member.id)),
            details: Some(details(&subnet_id, &member.zone)),
        },
        now,
    );
    if group_deleting {
        ec2_instances::terminate(world, &[member.id], "User initiated");
    } else {
        super::draining::terminate_member(world, name, member.id);
    }
    true
}

fn joined(opening: Option<String>, rest: String) -> String {
    match opening {
        Some(opening) => format!("{opening}  {rest}"),
        None => rest,
    }
}

pub(super) fn details(subnet_id: &str, zone: &str) -> String {
    serde_json::json!({ "Subnet ID": subnet_id, "Availability Zone": zone }).to_string()
}
