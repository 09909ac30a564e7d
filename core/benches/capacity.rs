//! A simulated day of a bursty batch workload on two Auto Scaling group capacity providers with
//! managed scaling (m5.large and c5.xlarge groups, half the tasks each), plus five services of
//! four tasks: every hour a burst of 60 one-vCPU jobs that run 15 minutes, so the groups
//! scale out from nothing for each burst and back in after it. The target is under 1 s.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::Engine;
use criterion::{criterion_group, criterion_main, Criterion};
use ecsim_core::{Simulation, SimulationConfig};
use serde_json::json;
use std::time::{Duration, Instant};

fn setup() -> Simulation {
    let mut sim = Simulation::new(SimulationConfig {
        seed: 11,
        ..Default::default()
    });
    let mut call = |service: &str, action: &str, input: serde_json::Value| {
        sim.call(service, action, input).unwrap();
    };
    let user_data = base64::engine::general_purpose::STANDARD.encode("ECS_CLUSTER=batch");
    call("ecs", "CreateCluster", json!({"clusterName": "batch"}));
    for (name, instance_type) in [("general", "m5.large"), ("compute", "c5.xlarge")] {
        call(
            "ec2",
            "CreateLaunchTemplate",
            json!({"LaunchTemplateName": name, "LaunchTemplateData": {"InstanceType": instance_type, "UserData": user_data}}),
        );
        call(
            "autoscaling",
            "CreateAutoScalingGroup",
            json!({"AutoScalingGroupName": name, "LaunchTemplate": {"LaunchTemplateName": name}, "MinSize": 0, "MaxSize": 60, "AvailabilityZones": ["us-east-1a", "us-east-1b", "us-east-1c"], "NewInstancesProtectedFromScaleIn": true}),
        );
        call(
            "ecs",
            "CreateCapacityProvider",
            json!({"name": name, "autoScalingGroupProvider": {"autoScalingGroupArn": name, "managedScaling": {"status": "ENABLED", "targetCapacity": 100, "instanceWarmupPeriod": 120}, "managedTerminationProtection": "ENABLED"}}),
        );
    }
    call(
        "ecs",
        "PutClusterCapacityProviders",
        json!({"cluster": "batch", "capacityProviders": ["general", "compute"], "defaultCapacityProviderStrategy": [{"capacityProvider": "general", "weight": 1}, {"capacityProvider": "compute", "weight": 1}]}),
    );
    call(
        "ecsim",
        "PutImage",
        json!({"image": "job:1", "exitAfter": 900}),
    );
    call(
        "ecs",
        "RegisterTaskDefinition",
        json!({"family": "job", "containerDefinitions": [{"name": "work", "image": "job:1", "cpu": 1024, "memory": 1024}]}),
    );
    call(
        "ecs",
        "RegisterTaskDefinition",
        json!({"family": "api", "containerDefinitions": [{"name": "app", "image": "api:1", "cpu": 256, "memory": 512}]}),
    );
    for s in 0..5 {
        call(
            "ecs",
            "CreateService",
            json!({"cluster": "batch", "serviceName": format!("api{s}"), "taskDefinition": "api", "desiredCount": 4}),
        );
    }
    sim
}

fn day(sim: &mut Simulation) {
    for minute in 0..24 * 60 {
        if minute % 60 == 0 {
            for _ in 0..6 {
                sim.call(
                    "ecs",
                    "RunTask",
                    json!({"cluster": "batch", "taskDefinition": "job", "count": 10}),
                )
                .unwrap();
            }
        }
        sim.advance(60.0).unwrap();
    }
    let services = sim
        .call(
            "ecs",
            "DescribeServices",
            json!({"cluster": "batch", "services": ["api0", "api4"]}),
        )
        .unwrap();
    for service in services["services"].as_array().unwrap() {
        assert_eq!(service["runningCount"], 4);
    }
    // Each burst launched and later terminated instances in both groups.
    for group in ["general", "compute"] {
        let activities = sim
            .call(
                "autoscaling",
                "DescribeScalingActivities",
                json!({"AutoScalingGroupName": group, "MaxRecords": 100}),
            )
            .unwrap();
        assert_eq!(activities["Activities"].as_array().unwrap().len(), 100);
    }
}

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("capacity");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.bench_function(
        "24 h, bursts of 60 jobs every hour on two managed groups, 5 services",
        |b| {
            b.iter_custom(|iterations| {
                (0..iterations)
                    .map(|_| {
                        let mut sim = setup();
                        let start = Instant::now();
                        day(&mut sim);
                        start.elapsed()
                    })
                    .sum()
            })
        },
    );
    group.finish();
}

criterion_group!(capacity, benches);
criterion_main!(capacity);
