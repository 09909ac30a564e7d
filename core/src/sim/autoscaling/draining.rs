//! Managed draining (an ECS capacity provider's `managedDraining`, ENABLED by default): when the
//! group terminates one of its instances whose container instance is registered, ECS's
//! lifecycle hook holds it in `Terminating:Wait` while ECS drains it (the container instance
//! goes DRAINING, services start its tasks elsewhere), and the instance terminates once no task
//! runs or starts on it, or after the 48 hours a lifecycle hook can hold an instance at most.
//! Standalone tasks are not stopped by draining: their instance waits for them. ForceDelete
//! ends the wait.

use crate::sim::clock::Event;
use crate::sim::ec2::instances as ec2_instances;
use crate::sim::World;
use std::sync::Arc;

/// The longest a lifecycle hook holds an instance (EC2 Auto Scaling's 48-hour global timeout).
const LONGEST_WAIT_SECONDS: f64 = 48.0 * 3600.0;

/// Ends a member the group has chosen to terminate: at once, or after ECS has drained it.
pub(super) fn terminate_member(world: &mut World, group_name: &str, id: Arc<str>) {
    if !crate::sim::ecs::drains_before_termination(world, group_name, &id) {
        ec2_instances::terminate(world, &[id], "User initiated");
        return;
    }
    let until = world.now + LONGEST_WAIT_SECONDS;
    if let Some(member) = world
        .autoscaling
        .groups
        .get_mut(group_name)
        .and_then(|g| g.member_mut(&id))
    {
        member.draining_until = Some(until);
    }
    world.autoscaling.draining.push(Arc::clone(&id));
    world.clock.schedule(until, Event::SchedulerLooks);
    crate::sim::ecs::drain_host(world, &id);
}

/// After every moment: terminates the instances held for draining that ECS has emptied, or
/// that have waited the longest a hook may hold them.
pub(crate) fn finish_draining(world: &mut World) {
    if world.autoscaling.draining.is_empty() {
        return;
    }
    let now = world.now;
    let done: Vec<Arc<str>> = world
        .autoscaling
        .draining
        .iter()
        .filter(|id| {
            // A group being force-deleted does not wait for its hooks either.
            let until = super::group_of(world, id)
                .and_then(|g| world.autoscaling.groups.get(&g))
                .filter(|g| !g.deleting)
                .and_then(|g| g.members.iter().find(|m| m.id == **id))
                .and_then(|m| m.draining_until);
            until.is_none_or(|until| now >= until) || crate::sim::ecs::host_is_empty(world, id)
        })
        .cloned()
        .collect();
    if done.is_empty() {
        return;
    }
    world.autoscaling.draining.retain(|id| !done.contains(id));
    for id in done {
        if let Some(member) = super::group_of(world, &id)
            .and_then(|g| world.autoscaling.groups.get_mut(&g))
            .and_then(|g| g.member_mut(&id))
        {
            member.draining_until = None;
        }
        ec2_instances::terminate(world, &[id], "User initiated");
    }
}
