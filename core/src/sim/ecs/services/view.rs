//! A service's tasks as the load model (every 20 s) and the scheduler's settled check read them:
//! each deployment's counts and the healthy tasks' reservations. Kept until one of its tasks
//! changes (`Tasks::last_touched`: the cluster's change count at each task's last mutable
//! access), a deployment gains or loses tasks, or the clock reaches a moment when a task's
//! health may change by time alone; then worked out again. Walking every task of every loaded service at every tick was a quarter of a simulated
//! week of auto scaling; the settled check's view is the one the next tick reads.

use super::scheduler::counts;
use super::{Counts, Service};
use crate::cluster::health::ServiceHealth;
use crate::cluster::Cluster;

#[derive(Clone, Debug, Default)]
pub struct TaskView {
    /// (the latest change to one of its tasks, deployments, tasks in all, the primary's tasks).
    key: (u64, usize, usize, usize),
    valid_until: f64,
    /// Per deployment, PRIMARY first.
    pub counts: Vec<Counts>,
    /// CPU units and MiB reserved by each healthy task.
    pub healthy: Vec<(i64, i64)>,
}

impl Service {
    fn view_key(&self, cluster: &Cluster) -> (u64, usize, usize, usize) {
        (
            cluster.tasks.last_touched(
                self.deployments
                    .iter()
                    .flat_map(|d| d.tasks.iter().copied()),
            ),
            self.deployments.len(),
            self.deployments.iter().map(|d| d.tasks.len()).sum(),
            self.deployments.first().map_or(0, |d| d.tasks.len()),
        )
    }

    /// The service's tasks at `now`, worked out again only when they may have changed.
    pub fn task_view(&mut self, cluster: &Cluster, now: f64) -> &TaskView {
        let key = self.view_key(cluster);
        if self
            .view
            .as_ref()
            .is_some_and(|v| v.key != key || now >= v.valid_until)
        {
            self.view = None;
        }
        let deployments = &self.deployments;
        self.view.get_or_insert_with(|| {
            let mut view = TaskView {
                key,
                valid_until: f64::INFINITY,
                counts: deployments
                    .iter()
                    .map(|d| counts(cluster, d, now))
                    .collect(),
                healthy: Vec::new(),
            };
            for &position in deployments.iter().flat_map(|d| &d.tasks) {
                let Some(task) = cluster.tasks.get(position) else {
                    continue;
                };
                if let Some(at) = task.next_health_change(now) {
                    view.valid_until = view.valid_until.min(at);
                }
                let live = task.desired_status == "RUNNING";
                if live && task.service_health(now) == ServiceHealth::Healthy {
                    let reserved = &task.spec.requirement;
                    view.healthy.push((reserved.cpu, reserved.memory));
                }
            }
            view
        })
    }
}
