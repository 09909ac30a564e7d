//! 24 simulated hours of 50 services (20 tasks each) on 500 m5.large instances in 3 AZs, with a
//! fault every simulated minute: nine minutes in ten a service task is stopped, every tenth an
//! instance is killed and a fresh one registered. The target is under 1 s of wall time. The same
//! day at ten times the size (500 services, 10,000 tasks, 5,000 instances): under 3 s.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{criterion_group, criterion_main, Criterion};
use ecsim_core::{Simulation, SimulationConfig};
use serde_json::json;
use std::time::{Duration, Instant};

const ZONES: [&str; 3] = ["us-east-1a", "us-east-1b", "us-east-1c"];

fn register(sim: &mut Simulation, zone: &str) -> String {
    let out = sim
        .call(
            "ecs",
            "RegisterContainerInstance",
            json!({"cluster": "day", "instanceType": "m5.large", "availabilityZone": zone}),
        )
        .unwrap();
    out["containerInstance"]["containerInstanceArn"]
        .as_str()
        .unwrap()
        .to_string()
}

fn cluster(instances: usize, services: usize) -> (Simulation, Vec<String>) {
    let mut sim = Simulation::new(SimulationConfig {
        seed: 7,
        ..Default::default()
    });
    sim.call("ecs", "CreateCluster", json!({"clusterName": "day"}))
        .unwrap();
    let arns = (0..instances)
        .map(|i| register(&mut sim, ZONES[i % 3]))
        .collect();
    for s in 0..services {
        let family = format!("svc{s}");
        sim.call("ecs", "RegisterTaskDefinition", json!({"family": family, "containerDefinitions": [{"name": "app", "image": "app:1", "memoryReservation": 256, "cpu": 64}]})).unwrap();
        sim.call("ecs", "CreateService", json!({"cluster": "day", "serviceName": family, "taskDefinition": family, "desiredCount": 20})).unwrap();
    }
    (sim, arns)
}

fn day(sim: &mut Simulation, arns: &mut Vec<String>, services: usize) {
    for minute in 0..24 * 60 {
        sim.advance(60.0).unwrap();
        if minute % 10 == 9 {
            let arn = arns.remove(0);
            sim.call(
                "ecsim",
                "KillInstance",
                json!({"cluster": "day", "containerInstance": arn}),
            )
            .unwrap();
            arns.push(register(sim, ZONES[minute % 3]));
        } else {
            let family = format!("svc{}", minute % services);
            let tasks = sim
                .call(
                    "ecs",
                    "ListTasks",
                    json!({"cluster": "day", "family": family}),
                )
                .unwrap();
            let list = tasks["taskArns"].as_array().unwrap();
            if let Some(task) = list.get(minute % list.len().max(1)) {
                sim.call("ecs", "StopTask", json!({"cluster": "day", "task": task}))
                    .unwrap();
            }
        }
    }
    sim.advance(120.0).unwrap();
    let out = sim
        .call("ecs", "DescribeClusters", json!({"clusters": ["day"]}))
        .unwrap();
    assert_eq!(out["clusters"][0]["runningTasksCount"], 20 * services);
}

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("scheduler");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    for (instances, services) in [(500, 50), (5_000, 500)] {
        let name = format!("24 h, {services} services, {instances} instances, a fault a minute");
        group.bench_function(name, |b| {
            b.iter_custom(|iterations| {
                (0..iterations)
                    .map(|_| {
                        let (mut sim, mut arns) = cluster(instances, services);
                        let start = Instant::now();
                        day(&mut sim, &mut arns, services);
                        start.elapsed()
                    })
                    .sum()
            })
        });
    }
    group.finish();
}

criterion_group!(scheduler, benches);
criterion_main!(scheduler);
