//! Tasks that wait in PROVISIONING for capacity. A capacity provider with managed scaling that
//! has no room for a task keeps it PROVISIONING on no instance, rather than failing it (ECS
//! developer guide, cluster auto scaling), and the task is placed once an instance of the
//! provider has room: oldest first, at every look of the scheduler, and a request that found no
//! room holds back the tasks after it that share it.

use crate::cluster::{Cluster, TaskPosition};
use crate::placement::cache::Owned;
use crate::placement::{place, Request};
use rand_chacha::ChaCha8Rng;
use std::sync::Arc;

use super::launch::{Launch, Site};

/// Starts `count` tasks of `launch` waiting for an instance of `provider`, to be placed as
/// `placement` says.
pub(crate) fn wait(
    cluster: &mut Cluster,
    launch: &Launch,
    placement: &Arc<Owned>,
    provider: &Arc<str>,
    count: u64,
    rng: &mut ChaCha8Rng,
) -> Vec<TaskPosition> {
    (0..count)
        .map(|_| {
            let position = launch.start(cluster, Site::Waiting, Some(provider), rng);
            cluster.waiting.push((position, Arc::clone(placement)));
            position
        })
        .collect()
}

/// Places the cluster's waiting tasks that now find room; forgets those that stopped waiting
/// (asked to stop). Returns whether any was placed.
pub(crate) fn place_waiting(cluster: &mut Cluster, now: f64, rng: &mut ChaCha8Rng) -> bool {
    if cluster.waiting.is_empty() {
        return false;
    }
    let waiting = std::mem::take(&mut cluster.waiting);
    let mut kept = Vec::with_capacity(waiting.len());
    let mut blocked: Vec<Arc<Owned>> = Vec::new();
    let mut placed_any = false;
    for (position, placement) in waiting {
        let still_waiting = cluster.tasks.get(position).is_some_and(|task| {
            task.desired_status == "RUNNING"
                && task.last_status == "PROVISIONING"
                && task.instance_arn.is_none()
        });
        if !still_waiting {
            continue;
        }
        if blocked.iter().any(|b| Arc::ptr_eq(b, &placement)) {
            kept.push((position, placement));
            continue;
        }
        let constraints = placement.evaluated(&cluster.instances);
        let request = Request {
            requirement: &placement.requirement,
            group: &placement.group,
            constraints: &constraints,
            strategies: &placement.strategies,
        };
        match place(&cluster.instances, &request, rng).chosen {
            Some(index) => {
                cluster.assign_waiting(position, index, now);
                placed_any = true;
            }
            None => {
                blocked.push(Arc::clone(&placement));
                kept.push((position, placement));
            }
        }
    }
    kept.append(&mut cluster.waiting);
    cluster.waiting = kept;
    placed_any
}
