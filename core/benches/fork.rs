//! What-if branching: `Simulation::fork` on a 5,000-instance cluster running 20,000 tasks (the
//! issue's target: under 10 ms), and the first call on the fork. Figures go to docs/benchmarks.md.

#![allow(clippy::unwrap_used)]

use criterion::{criterion_group, criterion_main, Criterion};
use ecsim_core::{Simulation, SimulationConfig};
use serde_json::json;

fn busy(instances: usize, tasks: u64) -> Simulation {
    let mut config = SimulationConfig {
        seed: 1,
        ..Default::default()
    };
    config.quotas.container_instances_per_cluster = instances;
    let mut sim = Simulation::new(config);
    sim.call("ecs", "CreateCluster", json!({"clusterName": "big"}))
        .unwrap();
    for i in 0..instances {
        let zone = ["us-east-1a", "us-east-1b", "us-east-1c"][i % 3];
        sim.call(
            "ecs",
            "RegisterContainerInstance",
            json!({"cluster": "big", "instanceType": "m5.large", "availabilityZone": zone}),
        )
        .unwrap();
    }
    sim.call("ecs", "RegisterTaskDefinition", json!({"family": "web", "containerDefinitions": [{"name": "app", "image": "x", "memoryReservation": 16, "cpu": 4}]})).unwrap();
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
