//! EC2 Auto Scaling: groups that keep a desired capacity of instances launched from a launch
//! template (or a mixed instances policy with weights), balanced across their zones, with
//! scale-in protection and an activity for every launch and termination that says why.
//! Instances are EC2's (`sim::ec2::instances`); EC2 tells the group when one of its instances
//! runs, is lost or has terminated.

mod activities;
mod capacity;
mod draining;
mod groups;
mod members;
pub(crate) mod policies;

use crate::api::autoscaling as api;
use crate::error::EcsimError;
use crate::sim::ecsim::subnets::Subnet;
use crate::sim::World;
use std::sync::Arc;

/// The handlers the generated operation table (`sim/registry.rs`) calls.
pub(crate) mod handlers {
    pub(crate) use super::activities::describe_scaling_activities;
    pub(crate) use super::groups::{
        create_auto_scaling_group, delete_auto_scaling_group, describe_auto_scaling_groups,
        update_auto_scaling_group,
    };
    pub(crate) use super::members::{
        set_desired_capacity, set_instance_protection, terminate_instance_in_auto_scaling_group,
    };
    pub(crate) use super::policies::{delete_policy, describe_policies, put_scaling_policy};
}

pub(crate) use draining::finish_draining;
pub(crate) use members::{set_desired_by_policy, terminate_instance_in_auto_scaling_group};
pub(crate) use policies::run_policy;

#[derive(Clone, Default)]
pub struct AutoScalingState {
    /// By name.
    pub groups: std::collections::BTreeMap<String, Group>,
    activities: activities::Activities,
    /// Instances held in Terminating:Wait while ECS drains them.
    draining: Vec<Arc<str>>,
}

/// What a group launches: a launch template, or a mixed instances policy's template with its
/// instance type overrides (in priority order) and weights.
#[derive(Clone)]
struct Launches {
    template: api::LaunchTemplateSpecification,
    overrides: Vec<Override>,
    on_demand_base: i32,
    on_demand_percentage: i32,
    /// As the request gave it, for DescribeAutoScalingGroups.
    mixed: Option<api::MixedInstancesPolicy>,
}

#[derive(Clone)]
struct Override {
    instance_type: &'static crate::cluster::catalog::InstanceType,
    weight: i32,
}

#[derive(Clone)]
pub struct Group {
    pub name: String,
    pub arn: String,
    launches: Launches,
    pub min: i32,
    pub max: i32,
    pub desired: i32,
    /// One subnet per zone, in the order the group was given them.
    subnets: Vec<Subnet>,
    vpc_zone_identifier: Option<String>,
    pub protect_new: bool,
    default_cooldown: i32,
    health_check_type: String,
    health_check_grace_period: i32,
    termination_policies: Vec<String>,
    capacity_rebalance: bool,
    tags: Vec<api::TagDescription>,
    created: f64,
    pub members: Vec<Member>,
    deleting: bool,
    /// Its scaling policies, by name.
    policies: std::collections::BTreeMap<String, policies::Policy>,
    /// Why the desired capacity last changed: the opening of the next activities' causes.
    cause: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lifecycle {
    Pending,
    InService,
    Terminating,
}

#[derive(Clone)]
pub struct Member {
    pub id: Arc<str>,
    pub zone: Arc<str>,
    pub instance_type: &'static str,
    pub weight: i32,
    pub lifecycle: Lifecycle,
    pub protected: bool,
    pub spot: bool,
    template: Option<(String, String, i64)>,
    /// Held in Terminating:Wait for ECS's managed draining, at most until then.
    draining_until: Option<f64>,
}

impl Group {
    /// The instance type the group launches next and the capacity it counts for (the first
    /// override, else the launch template's type).
    pub fn next_instance_type(
        &self,
        world: &World,
    ) -> Option<(&'static crate::cluster::catalog::InstanceType, i32)> {
        if let Some(first) = self.launches.overrides.first() {
            return Some((first.instance_type, first.weight));
        }
        let spec = &self.launches.template;
        let template = world
            .ec2
            .launch_templates
            .resolve(&crate::sim::ec2::launch_templates::Reference {
                id: spec.launch_template_id.as_deref(),
                name: spec.launch_template_name.as_deref(),
                version: spec.version.as_deref(),
            })
            .ok()?;
        Some((
            crate::cluster::catalog::instance_type(&template.instance_type()?)?,
            1,
        ))
    }

    /// The capacity the group counts: the weights of its instances not terminating.
    pub fn capacity(&self) -> i32 {
        self.members
            .iter()
            .filter(|m| m.lifecycle != Lifecycle::Terminating)
            .map(|m| m.weight)
            .sum()
    }

    fn member_mut(&mut self, id: &str) -> Option<&mut Member> {
        self.members.iter_mut().find(|m| &*m.id == id)
    }
}

fn validation(message: impl Into<String>) -> EcsimError {
    api::Error::ValidationError.with(message)
}

fn group_not_found(name: &str) -> EcsimError {
    validation(format!(
        "AutoScalingGroup name not found - AutoScalingGroup {name} not found"
    ))
}

/// The group an instance belongs to, by name.
pub(crate) fn group_of(world: &World, instance_id: &str) -> Option<String> {
    world
        .autoscaling
        .groups
        .values()
        .find(|g| g.members.iter().any(|m| &*m.id == instance_id))
        .map(|g| g.name.clone())
}

/// EC2: an instance of a group runs (it is InService).
pub(crate) fn instance_running(world: &mut World, instance_id: &str) {
    let Some(name) = group_of(world, instance_id) else {
        return;
    };
    if let Some(member) = world
        .autoscaling
        .groups
        .get_mut(&name)
        .and_then(|g| g.member_mut(instance_id))
    {
        if member.lifecycle == Lifecycle::Pending {
            member.lifecycle = Lifecycle::InService;
        }
    }
    let now = world.now;
    world.autoscaling.activities.finish(instance_id, now, false);
}

/// EC2: an instance of a group is shutting down. One the group did not terminate itself is
/// taken out of service, as its EC2 health check would, and replaced.
pub(crate) fn instance_lost(world: &mut World, instance_id: &str) {
    let Some(name) = group_of(world, instance_id) else {
        return;
    };
    let now = world.now;
    let Some(group) = world.autoscaling.groups.get_mut(&name) else {
        return;
    };
    let Some(member) = group.member_mut(instance_id) else {
        return;
    };
    if member.lifecycle == Lifecycle::Terminating {
        return;
    }
    member.lifecycle = Lifecycle::Terminating;
    let zone = Arc::clone(&member.zone);
    let cause = format!(
        "At {} an instance was taken out of service in response to an EC2 health check indicating it has been terminated or stopped.",
        activities::at(now)
    );
    // The replacement's cause opens with why it is needed.
    group.cause = Some(cause.clone());
    let arn = group.arn.clone();
    let subnet_id = world
        .ec2
        .instances
        .get(instance_id)
        .map(|i| i.subnet.subnet_id.clone())
        .unwrap_or_default();
    world.autoscaling.activities.record(
        &mut world.rng,
        activities::Opened {
            group: (&name, &arn),
            description: format!("Terminating EC2 instance: {instance_id}"),
            cause,
            instance: Some(instance_id.into()),
            details: Some(capacity::details(&subnet_id, &zone)),
        },
        now,
    );
    capacity::reconcile(world, &name);
}

/// EC2: an instance of a group has terminated; the group forgets it (and a group being deleted
/// goes once its last instance has).
pub(crate) fn instance_terminated(world: &mut World, instance_id: &str) {
    let Some(name) = group_of(world, instance_id) else {
        return;
    };
    let now = world.now;
    world.autoscaling.activities.finish(instance_id, now, true);
    let Some(group) = world.autoscaling.groups.get_mut(&name) else {
        return;
    };
    group.members.retain(|m| &*m.id != instance_id);
    if group.deleting && group.members.is_empty() {
        policies::forget_group(world, &name);
        return;
    }
    capacity::reconcile(world, &name);
}
