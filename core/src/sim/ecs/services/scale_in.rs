//! Which tasks a service stops when it has too many (scale-in) or replaces old ones (a
//! deployment round): the mirror of placement, as ECS documents it per strategy (reference
//! placement.md). Tasks not RUNNING yet go first. Among running ones each strategy of the
//! service's chain, in order, keeps the tasks it would stop first:
//! - `spread` (an attribute, or `instanceId`/`host`): those whose value (zone, instance …) has the
//!   most of the service's tasks, so that the spread stays balanced;
//! - `binpack` (cpu or memory): those on the instance that has the most of the resource left, so
//!   that it keeps the most afterwards;
//! - `random`: all.
//!
//! What is left after the chain is drawn from with the seeded RNG. Ties keep every tied value
//! (ecsim's choice: AWS says "randomly within an Availability Zone" and no more).

use crate::cluster::TaskPosition;
use crate::cluster::{Cluster, Task};
use crate::placement::Strategy;
use rand_chacha::ChaCha8Rng;
use rand_core::Rng;
use std::collections::BTreeMap;

/// `count` of the tasks at positions `from` (live tasks of the service), in the order chosen.
pub fn choose(
    cluster: &Cluster,
    strategies: &[Strategy],
    from: &[TaskPosition],
    count: usize,
    rng: &mut ChaCha8Rng,
) -> Vec<TaskPosition> {
    let mut left: Vec<TaskPosition> = from.to_vec();
    let mut chosen = Vec::new();
    while chosen.len() < count && !left.is_empty() {
        let not_running: Vec<TaskPosition> = left
            .iter()
            .copied()
            .filter(|&p| cluster.tasks[p].last_status != "RUNNING")
            .collect();
        let pool = if not_running.is_empty() {
            strategies.iter().fold(left.clone(), |pool, strategy| {
                keep(cluster, strategy, &left, pool)
            })
        } else {
            not_running
        };
        let task = pool[(rng.next_u64() % pool.len() as u64) as usize];
        chosen.push(task);
        left.retain(|&p| p != task);
    }
    chosen
}

/// The tasks of `pool` that `strategy` would stop first; spreads count over all of `live`.
fn keep(
    cluster: &Cluster,
    strategy: &Strategy,
    live: &[TaskPosition],
    pool: Vec<TaskPosition>,
) -> Vec<TaskPosition> {
    let instance = |task: &Task| {
        let arn = task.instance_arn.as_deref()?;
        cluster.instances.iter().find(|i| &*i.arn == arn)
    };
    let key = |position: TaskPosition| -> Option<i64> {
        let task = &cluster.tasks[position];
        match strategy {
            Strategy::BinpackCpu => instance(task).map(|i| i.remaining.cpu),
            Strategy::BinpackMemory => instance(task).map(|i| i.remaining.memory),
            Strategy::SpreadInstance | Strategy::SpreadAttribute(_) => None,
            Strategy::Random => Some(0),
        }
    };
    let spread_value = |position: TaskPosition| -> Option<String> {
        let task = &cluster.tasks[position];
        match strategy {
            Strategy::SpreadAttribute(name) if name == "ecs.availability-zone" => {
                task.availability_zone.as_deref().map(str::to_string)
            }
            Strategy::SpreadAttribute(name) => {
                instance(task).and_then(|i| i.attributes.get(name).cloned().flatten())
            }
            Strategy::SpreadInstance => task.instance_arn.as_deref().map(str::to_string),
            _ => None,
        }
    };
    let scores: Vec<(TaskPosition, i64)> = match strategy {
        Strategy::SpreadInstance | Strategy::SpreadAttribute(_) => {
            let mut per_value: BTreeMap<Option<String>, i64> = BTreeMap::new();
            for &position in live {
                *per_value.entry(spread_value(position)).or_insert(0) += 1;
            }
            pool.iter()
                .map(|&p| (p, per_value.get(&spread_value(p)).copied().unwrap_or(0)))
                .collect()
        }
        _ => pool
            .iter()
            .map(|&p| (p, key(p).unwrap_or(i64::MIN)))
            .collect(),
    };
    let best = scores.iter().map(|&(_, score)| score).max();
    scores
        .into_iter()
        .filter(|&(_, score)| Some(score) == best)
        .map(|(position, _)| position)
        .collect()
}
