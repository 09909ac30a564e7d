//! What-if branching: `Simulation::fork` on a 5,000-instance cluster running 20,000 tasks (the
//! issue's target: under 10 ms), and the first call on the fork. Figures go to docs/benchmarks.md.

#![allow(clippy::unwrap_used)]

use criterion::{criterion_group, criterion_main, Criterion};
use ecsim_core::Simulation;
use serde_json::json;
use support::cluster;

mod support;

fn busy(instances: usize, tasks: u64) -> Simulation {
    let mut sim = cluster(instances);
    let placed = sim
        .call(
            "ecsim",
            "PlaceTasks",
            json!({"cluster": "big", "taskDefinition": "web", "count": tasks}),
        )
        .unwrap();
    assert_eq!(
        placed["placements"]["taskArn"].as_array().unwrap().len() as u64,
        tasks
    );
    sim.advance(60.0).unwrap();
    sim
}

fn fork(c: &mut Criterion) {
    let sim = busy(5_000, 20_000);
    let mut group = c.benchmark_group("fork");
    group.sample_size(20);
    group.bench_function("5000 instances, 20000 tasks", |b| {
        b.iter_with_large_drop(|| sim.fork().unwrap())
    });
    group.bench_function("fork, then one RunTask on it", |b| {
        b.iter(|| {
            let mut forked = sim.fork().unwrap();
            forked
                .call(
                    "ecs",
                    "RunTask",
                    json!({"cluster": "big", "taskDefinition": "web", "count": 1}),
                )
                .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, fork);
criterion_main!(benches);
