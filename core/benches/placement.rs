//! Placement speed: m5.large instances in 3 AZs, tasks placed with spread(AZ) then
//! binpack(memory) and a memberOf constraint. 100,000 tasks through the indexed engine alone
//! (decisions and resource accounting), through the bulk call (PlaceTasks: task records and its
//! columns output as well), and 10 at a time through RunTask. Figures go to docs/benchmarks.md.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ecsim_core::api::ecs::TaskDefinition;
use ecsim_core::api::from_json::FromJson;
use ecsim_core::placement::{Constraint, Placer, Request, Requirement, Strategy};
use ecsim_core::{query, Simulation};
use serde_json::{json, Value};
use support::cluster;

mod support;
use std::time::{Duration, Instant};

fn request(count: u64) -> Value {
    json!({
        "cluster": "big", "taskDefinition": "web", "count": count,
        "placementStrategy": [{"type": "spread", "field": "attribute:ecs.availability-zone"}, {"type": "binpack", "field": "memory"}],
        "placementConstraints": [{"type": "memberOf", "expression": "attribute:ecs.instance-type == m5.large"}],
    })
}

/// Times `iterations` calls, on fresh clusters built outside the timing (a new one every 2,000
/// calls, so that none fills up). `warm`: one call untimed on each fresh cluster first, which
/// builds the placement index kept with the cluster: the cost of the calls after it is what
/// RunTask's figure is about (the build is in the engine's figures).
fn timed(
    instances: usize,
    iterations: u64,
    warm: bool,
    call: impl Fn(&mut Simulation),
) -> Duration {
    let mut total = Duration::ZERO;
    let mut left = iterations;
    while left > 0 {
        let batch = left.min(2_000);
        let mut sim = cluster(instances);
        if warm {
            call(&mut sim);
        }
        let start = Instant::now();
        for _ in 0..batch {
            call(&mut sim);
        }
        total += start.elapsed();
        left -= batch;
    }
    total
}

/// 100,000 placements straight through the engine, on a copy of the cluster's instances.
fn engine(sim: &Simulation) -> Duration {
    let mut instances = sim.cluster("big").unwrap().instances.clone();
    let definition = TaskDefinition::from_json(json!({"family": "web", "containerDefinitions": [{"name": "app", "image": "x", "memoryReservation": 16, "cpu": 4}]})).unwrap();
    let requirement = Requirement::of(&definition);
    let member_of = query::parse("attribute:ecs.instance-type == m5.large").unwrap();
    let constraints = [Constraint::MemberOf(member_of).evaluated(&instances)];
    let strategies = [
        Strategy::SpreadAttribute("ecs.availability-zone".into()),
        Strategy::BinpackMemory,
    ];
    let request = Request {
        requirement: &requirement,
        group: "family:web",
        constraints: &constraints,
        strategies: &strategies,
    };
    let mut rng = <rand_chacha::ChaCha8Rng as rand_core::SeedableRng>::seed_from_u64(1);
    let start = Instant::now();
    let mut placer = Placer::new(&instances, &request).unwrap();
    for _ in 0..100_000 {
        let index = placer.choose(&mut rng).unwrap();
        instances.hold(index, &requirement, "family:web");
        placer.placed(index, &instances, &request);
    }
    start.elapsed()
}

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("placement");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    for instances in [500, 5000, 50_000] {
        let sim = cluster(instances);
        group.throughput(Throughput::Elements(100_000));
        group.bench_function(format!("engine 100,000, {instances} instances"), |b| {
            b.iter_custom(|iterations| (0..iterations).map(|_| engine(&sim)).sum())
        });
    }
    for instances in [500, 5000] {
        group.throughput(Throughput::Elements(100_000));
        group.bench_function(format!("PlaceTasks 100,000, {instances} instances"), |b| {
            b.iter_custom(|iterations| {
                (0..iterations)
                    .map(|_| {
                        timed(instances, 1, false, |sim| {
                            let out = sim.call("ecsim", "PlaceTasks", request(100_000)).unwrap();
                            assert_eq!(
                                out["placements"]["taskArn"].as_array().unwrap().len(),
                                100_000
                            );
                        })
                    })
                    .sum()
            })
        });
    }
    for instances in [500, 5000, 50_000] {
        let run_task = |sim: &mut Simulation| {
            let out = sim.call("ecs", "RunTask", request(10)).unwrap();
            assert_eq!(out["tasks"].as_array().unwrap().len(), 10);
        };
        group.throughput(Throughput::Elements(10));
        group.bench_function(format!("RunTask x10, {instances} instances"), |b| {
            b.iter_custom(|iterations| timed(instances, iterations, true, run_task))
        });
    }
    group.finish();
}

criterion_group!(placement, benches);
criterion_main!(placement);
