//! DAEMON services: one task on every ACTIVE instance that meets the service's constraints
//! (docs/conventions.md). New instances get theirs at the next look, and daemon services are looked
//! at before replica services, so that their tasks are placed first. A daemon task leaves an
//! instance that no longer qualifies; on a DRAINING instance it stops last, once every other task
//! there has stopped. A new deployment stops old tasks down to minimumHealthyPercent (default 0)
//! and starts the new task on an instance once the old one there has stopped.

use super::scheduler::live_tasks;
use super::Service;
use crate::api::ecs::ContainerInstanceStatus;
use crate::cluster::Cluster;
use crate::cluster::TaskPosition;
use crate::placement::engine::satisfies;
use std::collections::BTreeSet;

/// What one look at a daemon service decides: the live tasks to stop, and the instances (by
/// index) to start a task on.
pub struct Round {
    pub stop: Vec<TaskPosition>,
    pub start_on: Vec<usize>,
}

/// The instances a daemon task belongs on: ACTIVE and meeting every constraint.
fn eligible(cluster: &Cluster, service: &Service) -> Vec<bool> {
    let group = format!("service:{}", service.name);
    let constraints = service.constraints_over(&cluster.instances);
    cluster
        .instances
        .iter()
        .enumerate()
        .map(|(index, instance)| {
            instance.status == ContainerInstanceStatus::Active
                && constraints
                    .iter()
                    .all(|c| satisfies(instance, index, c, &group).is_none())
        })
        .collect()
}

pub fn round(cluster: &Cluster, service: &mut Service) -> Round {
    let eligible = eligible(cluster, service);
    service.desired_count = eligible.iter().filter(|&&e| e).count() as u32;
    let instance_of = |position: TaskPosition| {
        let arn = cluster.tasks[position].instance_arn.as_deref()?;
        cluster.instances.iter().position(|i| &*i.arn == arn)
    };
    let ours: BTreeSet<TaskPosition> = service
        .deployments
        .iter()
        .flat_map(|d| d.tasks.iter().copied())
        .collect();
    // Another task still there (not one of this service's): a daemon task on a DRAINING
    // instance waits for it.
    let busy = |index: usize| {
        let arn = &*cluster.instances[index].arn;
        cluster.tasks.positioned().any(|(position, task)| {
            !ours.contains(&position)
                && task.last_status != "STOPPED"
                && task.instance_arn.as_deref() == Some(arn)
        })
    };
    let mut stop = Vec::new();
    let mut occupied = BTreeSet::new();
    for (age, deployment) in service.deployments.iter().enumerate() {
        for position in deployment.tasks.iter().copied() {
            let Some(index) = instance_of(position) else {
                continue;
            };
            occupied.insert(index);
            let live = cluster.tasks[position].desired_status == "RUNNING";
            let unwanted = !eligible[index] || age > 0;
            let draining = cluster.instances[index].status == ContainerInstanceStatus::Draining;
            if live && unwanted && !(draining && busy(index)) {
                stop.push(position);
            }
        }
    }
    // Old tasks stop only down to minimumHealthyPercent of the instances.
    let lower = service.bounds().0 as usize;
    let running = service
        .deployments
        .iter()
        .flat_map(|d| live_tasks(cluster, d))
        .filter(|&p| cluster.tasks[p].last_status == "RUNNING")
        .count();
    let replaced_by_deployment = |p: &TaskPosition| {
        instance_of(*p).is_some_and(|index| eligible[index])
            && cluster.tasks[*p].last_status == "RUNNING"
    };
    let mut allowed = running.saturating_sub(lower);
    stop.retain(|p| {
        if !replaced_by_deployment(p) {
            return true;
        }
        let keep = allowed > 0;
        allowed = allowed.saturating_sub(1);
        keep
    });
    let start_on = (0..cluster.instances.len())
        .filter(|&index| eligible[index] && !occupied.contains(&index))
        .collect();
    Round { stop, start_on }
}
