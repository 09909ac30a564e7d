//! Placement speed through RunTask: 5,000 m5.large instances in 3 AZs, tasks placed 10 per call
//! with spread(AZ) then binpack(memory) and a memberOf constraint. This is the straightforward
//! engine (every instance checked for every task); the indexed engine of reference/placement.md
//! §6 is still to come, and docs/benchmarks.md records this baseline.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ecsim_core::{Simulation, SimulationConfig};
use serde_json::json;
use std::time::Duration;

fn cluster(instances: usize) -> Simulation {
    let mut sim = Simulation::new(SimulationConfig {
        seed: 1,
        ..Default::default()
    });
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
    sim
}

fn benches(c: &mut Criterion) {
    let request = json!({
        "cluster": "big", "taskDefinition": "web", "count": 10,
        "placementStrategy": [{"type": "spread", "field": "attribute:ecs.availability-zone"}, {"type": "binpack", "field": "memory"}],
        "placementConstraints": [{"type": "memberOf", "expression": "attribute:ecs.instance-type == m5.large"}],
    });
    let mut group = c.benchmark_group("placement");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    for instances in [500, 5000] {
        group.throughput(Throughput::Elements(10));
        group.bench_function(format!("RunTask x10, {instances} instances"), |b| {
            // A fresh cluster per sample, built outside the timing, so that it never fills up.
            b.iter_custom(|iterations| {
                let mut sim = cluster(instances);
                let start = std::time::Instant::now();
                for _ in 0..iterations {
                    let out = sim.call("ecs", "RunTask", request.clone()).unwrap();
                    assert_eq!(out["tasks"].as_array().unwrap().len(), 10);
                }
                start.elapsed()
            })
        });
    }
    group.finish();
}

criterion_group!(placement, benches);
criterion_main!(placement);
