//! Over random clusters and services: after any single fault (an instance killed or drained, a
//! task stopped, a container that exits, a Fargate Spot task interrupted), the scheduler restores
//! the desired count once the clock has run long enough, no task of the service stays on a
//! DRAINING instance, and a service on capacity providers keeps its split; a protected task
//! outlives scale-in and deployments until its protection expires.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ecsim_core::{Simulation, SimulationConfig};
use proptest::prelude::*;
use serde_json::{json, Value};

#[derive(Clone, Debug)]
enum Fault {
    Kill(usize),
    Drain(usize),
    StopTask(usize),
    /// Every task of the service runs an image whose container exits after this many seconds.
    Crash(u8),
}

fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        (0..8usize).prop_map(Fault::Kill),
        (0..8usize).prop_map(Fault::Drain),
        (0..16usize).prop_map(Fault::StopTask),
        (1..120u8).prop_map(Fault::Crash),
    ]
}

fn service_state(sim: &mut Simulation) -> Value {
    sim.call(
        "ecs",
        "DescribeServices",
        json!({"cluster": "p", "services": ["web"]}),
    )
    .unwrap()["services"][0]
        .clone()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn desired_count_comes_back_after_any_single_fault(seed in any::<u64>(), instances in 2..6usize, desired in 1..10u32, minimum in 0..=100u32, fault in fault()) {
        let mut sim = Simulation::new(SimulationConfig { seed, ..Default::default() });
        sim.call("ecs", "CreateCluster", json!({"clusterName": "p"})).unwrap();
        let mut arns = Vec::new();
        for i in 0..instances {
            let out = sim.call("ecs", "RegisterContainerInstance", json!({"cluster": "p", "instanceType": "m5.large", "availabilityZone": if i % 2 == 0 { "us-east-1a" } else { "us-east-1b" }})).unwrap();
            arns.push(out["containerInstance"]["containerInstanceArn"].clone());
        }
        let image = match fault { Fault::Crash(_) => "crash:1", _ => "web:1" };
        if let Fault::Crash(after) = fault {
            sim.call("ecsim", "PutImage", json!({"image": image, "exitAfter": after})).unwrap();
        }
        sim.call("ecs", "RegisterTaskDefinition", json!({"family": "web", "containerDefinitions": [{"name": "app", "image": image, "memoryReservation": 256}]})).unwrap();
        sim.call("ecs", "CreateService", json!({"cluster": "p", "serviceName": "web", "taskDefinition": "web", "desiredCount": desired, "deploymentConfiguration": {"minimumHealthyPercent": minimum, "maximumPercent": 200}})).unwrap();
        sim.advance(60.0).unwrap();
        match fault {
            Fault::Kill(n) => {
                sim.call("ecsim", "KillInstance", json!({"cluster": "p", "containerInstance": arns[n % instances]})).unwrap();
            }
            Fault::Drain(n) => {
                sim.call("ecs", "UpdateContainerInstancesState", json!({"cluster": "p", "containerInstances": [arns[n % instances]], "status": "DRAINING"})).unwrap();
            }
            Fault::StopTask(n) => {
                let tasks = sim.call("ecs", "ListTasks", json!({"cluster": "p"})).unwrap()["taskArns"].clone();
                let tasks = tasks.as_array().unwrap();
                sim.call("ecs", "StopTask", json!({"cluster": "p", "task": tasks[n % tasks.len()]})).unwrap();
            }
            Fault::Crash(_) => {}
        }
        if let Fault::Crash(after) = fault {
            // Crashing tasks come back, and crash again: between two crashes the count is whole.
            sim.advance(60.0).unwrap();
            let service = service_state(&mut sim);
            let live = service["runningCount"].as_u64().unwrap() + service["pendingCount"].as_u64().unwrap();
            prop_assert_eq!(live, u64::from(desired), "after a crash every {} s", after);
            return Ok(());
        }
        sim.advance(120.0).unwrap();
        let service = service_state(&mut sim);
        prop_assert_eq!(service["runningCount"].as_u64(), Some(u64::from(desired)));
        prop_assert_eq!(service["pendingCount"].as_u64(), Some(0));
        if let Fault::Drain(n) = fault {
            let on_drained = sim.call("ecs", "ListTasks", json!({"cluster": "p", "containerInstance": arns[n % instances]})).unwrap();
            prop_assert_eq!(on_drained["taskArns"].as_array().map(Vec::len), Some(0));
        }
        if let Fault::Kill(n) = fault {
            // The dead instance has left the cluster: no live task names it.
            let live = sim.call("ecs", "ListTasks", json!({"cluster": "p"})).unwrap()["taskArns"].clone();
            let tasks = sim.call("ecs", "DescribeTasks", json!({"cluster": "p", "tasks": live})).unwrap()["tasks"].clone();
            let dead = &arns[n % instances];
            prop_assert!(tasks.as_array().unwrap().iter().all(|t| t["containerInstanceArn"] != *dead));
        }
    }

    #[test]
    fn a_spot_interruption_is_replaced_and_the_split_kept(seed in any::<u64>(), desired in 1..12u32, base in 0..4u32, on_demand in 0..4u32, spot in 1..5u32, victim in 0..16usize) {
        let mut sim = Simulation::new(SimulationConfig { seed, ..Default::default() });
        sim.call("ecs", "CreateCluster", json!({"clusterName": "p", "capacityProviders": ["FARGATE", "FARGATE_SPOT"]})).unwrap();
        sim.call("ecs", "RegisterTaskDefinition", json!({"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256", "memory": "512", "containerDefinitions": [{"name": "app", "image": "web:1"}]})).unwrap();
        let strategy = json!([{"capacityProvider": "FARGATE", "base": base, "weight": on_demand}, {"capacityProvider": "FARGATE_SPOT", "weight": spot}]);
        sim.call("ecs", "CreateService", json!({"cluster": "p", "serviceName": "web", "taskDefinition": "web", "desiredCount": desired, "capacityProviderStrategy": strategy, "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-a", "subnet-b"]}}})).unwrap();
        sim.advance(60.0).unwrap();
        let providers = |sim: &mut Simulation| {
            let arns = sim.call("ecs", "ListTasks", json!({"cluster": "p"})).unwrap()["taskArns"].clone();
            let tasks = sim.call("ecs", "DescribeTasks", json!({"cluster": "p", "tasks": arns})).unwrap()["tasks"].clone();
            tasks.as_array().unwrap().iter().map(|t| (t["taskArn"].clone(), t["capacityProviderName"].as_str().unwrap().to_string())).collect::<Vec<_>>()
        };
        let before = providers(&mut sim);
        let count = |list: &[(Value, String)], name: &str| list.iter().filter(|(_, p)| p == name).count();
        let spot_tasks: Vec<_> = before.iter().filter(|(_, p)| p == "FARGATE_SPOT").collect();
        if !spot_tasks.is_empty() {
            let (arn, _) = spot_tasks[victim % spot_tasks.len()];
            sim.call("ecsim", "InterruptSpotTask", json!({"cluster": "p", "task": arn})).unwrap();
        }
        sim.advance(200.0).unwrap();
        let service = service_state(&mut sim);
        prop_assert_eq!(service["runningCount"].as_u64(), Some(u64::from(desired)));
        prop_assert_eq!(service["pendingCount"].as_u64(), Some(0));
        let after = providers(&mut sim);
        prop_assert_eq!(count(&after, "FARGATE"), count(&before, "FARGATE"));
        prop_assert_eq!(count(&after, "FARGATE_SPOT"), count(&before, "FARGATE_SPOT"));
        // The split is the documented one: the base first, the rest by weight, within one task
        // of the exact share.
        let rest = f64::from(desired - base.min(desired));
        let ideal = f64::from(base.min(desired)) + rest * f64::from(on_demand) / f64::from(on_demand + spot);
        prop_assert!((count(&after, "FARGATE") as f64 - ideal).abs() < 1.0, "{} on FARGATE, ideal {}", count(&after, "FARGATE"), ideal);
    }

    #[test]
    fn protected_tasks_outlive_scale_in_and_deployments_until_they_expire(seed in any::<u64>(), desired in 2..8u32, protect in 1..8usize, to in 0..8u32, deploy in any::<bool>(), minutes in 1..30i32) {
        let mut sim = Simulation::new(SimulationConfig { seed, ..Default::default() });
        sim.call("ecs", "CreateCluster", json!({"clusterName": "p"})).unwrap();
        for zone in ["us-east-1a", "us-east-1b"] {
            sim.call("ecs", "RegisterContainerInstance", json!({"cluster": "p", "instanceType": "m5.2xlarge", "availabilityZone": zone})).unwrap();
        }
        sim.call("ecs", "RegisterTaskDefinition", json!({"family": "web", "containerDefinitions": [{"name": "app", "image": "web:1", "memoryReservation": 128}]})).unwrap();
        sim.call("ecs", "CreateService", json!({"cluster": "p", "serviceName": "web", "taskDefinition": "web", "desiredCount": desired})).unwrap();
        sim.advance(120.0).unwrap();
        let live = sim.call("ecs", "ListTasks", json!({"cluster": "p"})).unwrap()["taskArns"].clone();
        let live: Vec<Value> = live.as_array().unwrap().clone();
        let protected: Vec<Value> = live.iter().take(protect.min(live.len())).cloned().collect();
        sim.call("ecs", "UpdateTaskProtection", json!({"cluster": "p", "tasks": protected, "protectionEnabled": true, "expiresInMinutes": minutes})).unwrap();
        let expires = sim.now() + f64::from(minutes) * 60.0;
        if deploy {
            sim.call("ecs", "RegisterTaskDefinition", json!({"family": "web", "containerDefinitions": [{"name": "app", "image": "web:2", "memoryReservation": 128}]})).unwrap();
            sim.call("ecs", "UpdateService", json!({"cluster": "p", "service": "web", "taskDefinition": "web:2", "desiredCount": to})).unwrap();
        } else {
            sim.call("ecs", "UpdateService", json!({"cluster": "p", "service": "web", "desiredCount": to})).unwrap();
        }
        // Every minute until just before the expiry, every protected task still runs.
        while sim.now() + 60.0 < expires {
            sim.advance(60.0).unwrap();
            let tasks = sim.call("ecs", "DescribeTasks", json!({"cluster": "p", "tasks": protected})).unwrap()["tasks"].clone();
            for task in tasks.as_array().unwrap() {
                prop_assert_eq!(task["desiredStatus"].as_str(), Some("RUNNING"), "{} stopped before its protection expired", task["taskArn"]);
            }
        }
        // Once it has expired, the service reaches what it was asked for.
        sim.advance(f64::from(minutes) * 60.0 + 300.0).unwrap();
        let service = service_state(&mut sim);
        prop_assert_eq!(service["runningCount"].as_u64(), Some(u64::from(to)));
        prop_assert_eq!(service["deployments"].as_array().map(Vec::len), Some(1));
    }
}
