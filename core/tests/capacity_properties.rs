//! Over random sequences of RunTask, StopTask, desired capacities, instance terminations and
//! clock moves on a cluster whose Auto Scaling group capacity provider has managed scaling and
//! managed termination protection: the group's desired capacity stays within its bounds and its
//! instances within its maximum; no task is ever on an instance that is not running; only the
//! instances the test itself terminated take tasks down with them (scale-in never does); and once
//! the clock has run long enough, no task that fits the group's instance type is still waiting.
//! With managed draining and no termination protection, a service's tasks are never taken down
//! by the group's terminations: the instances are drained first, and the service runs them
//! all again once the clock has moved on.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use base64::Engine;
use ecsim_core::{Simulation, SimulationConfig};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::collections::BTreeSet;

#[derive(Clone, Debug)]
enum Step {
    /// RunTask of this many tasks of 1 vCPU (the cluster's default strategy).
    Run(u8),
    /// StopTask of the n-th task listed (modulo how many there are).
    Stop(usize),
    /// SetDesiredCapacity on the group.
    Desired(u8),
    /// TerminateInstances of the n-th instance of the group.
    Terminate(usize),
    /// The clock moves on this many seconds.
    Advance(u16),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (1..=6u8).prop_map(Step::Run),
        (0..20usize).prop_map(Step::Stop),
        (0..=6u8).prop_map(Step::Desired),
        (0..6usize).prop_map(Step::Terminate),
        (1..=900u16).prop_map(Step::Advance),
    ]
}

const MAX_SIZE: i64 = 8;

fn call(sim: &mut Simulation, service: &str, action: &str, input: Value) -> Value {
    sim.call(service, action, input)
        .unwrap_or_else(|e| panic!("{action}: {e:?}"))
}

fn group(sim: &mut Simulation) -> Value {
    let described = call(
        sim,
        "autoscaling",
        "DescribeAutoScalingGroups",
        json!({"AutoScalingGroupNames": ["nodes"]}),
    );
    described["AutoScalingGroups"][0].clone()
}

fn tasks(sim: &mut Simulation, status: &str) -> Vec<Value> {
    let listed = call(
        sim,
        "ecs",
        "ListTasks",
        json!({"cluster": "batch", "desiredStatus": status}),
    );
    let arns = listed["taskArns"].as_array().unwrap().clone();
    if arns.is_empty() {
        return Vec::new();
    }
    let mut all = Vec::new();
    for chunk in arns.chunks(100) {
        let described = call(
            sim,
            "ecs",
            "DescribeTasks",
            json!({"cluster": "batch", "tasks": chunk}),
        );
        all.extend(described["tasks"].as_array().unwrap().iter().cloned());
    }
    all
}

/// The EC2 instance behind each container instance, by container instance ARN.
fn hosts(sim: &mut Simulation) -> Vec<(String, String)> {
    let listed = call(
        sim,
        "ecs",
        "ListContainerInstances",
        json!({"cluster": "batch"}),
    );
    let arns = listed["containerInstanceArns"].as_array().unwrap().clone();
    if arns.is_empty() {
        return Vec::new();
    }
    let described = call(
        sim,
        "ecs",
        "DescribeContainerInstances",
        json!({"cluster": "batch", "containerInstances": arns}),
    );
    described["containerInstances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["containerInstanceArn"].as_str().unwrap().to_string(),
                i["ec2InstanceId"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn running_instances(sim: &mut Simulation) -> BTreeSet<String> {
    let described = call(
        sim,
        "ec2",
        "DescribeInstances",
        json!({"Filters": [{"Name": "instance-state-name", "Values": ["running"]}]}),
    );
    described["Reservations"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["Instances"].as_array().unwrap().clone())
        .map(|i| i["InstanceId"].as_str().unwrap().to_string())
        .collect()
}

fn check(sim: &mut Simulation, terminated_by_test: &BTreeSet<String>) {
    let group = group(sim);
    let desired = group["DesiredCapacity"].as_i64().unwrap();
    assert!((0..=MAX_SIZE).contains(&desired), "desired {desired}");
    let live = group["Instances"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| {
            !i["LifecycleState"]
                .as_str()
                .unwrap()
                .starts_with("Terminating")
        })
        .count() as i64;
    assert!(live <= MAX_SIZE, "{live} instances");
    let running = running_instances(sim);
    let hosts = hosts(sim);
    for task in tasks(sim, "RUNNING") {
        let Some(arn) = task["containerInstanceArn"].as_str() else {
            assert_eq!(task["lastStatus"], "PROVISIONING", "{task}");
            continue;
        };
        let host = hosts.iter().find(|(a, _)| a == arn);
        let host = host.unwrap_or_else(|| panic!("task on an instance that left: {task}"));
        assert!(
            running.contains(&host.1),
            "task on {} which is not running",
            host.1
        );
    }
    for task in tasks(sim, "STOPPED") {
        if let Some(host) = task["stoppedReason"]
            .as_str()
            .and_then(|r| r.strip_prefix("Host EC2 (instance "))
        {
            let id = host.trim_end_matches(") terminated.");
            assert!(
                terminated_by_test.contains(id),
                "scale-in took down {id} with its tasks"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn managed_scaling_keeps_its_promises(seed in any::<u64>(), steps in prop::collection::vec(step(), 1..14)) {
        let mut sim = Simulation::new(SimulationConfig { seed, ..Default::default() });
        let user_data = base64::engine::general_purpose::STANDARD.encode("ECS_CLUSTER=batch");
        call(&mut sim, "ecs", "CreateCluster", json!({"clusterName": "batch"}));
        call(&mut sim, "ec2", "CreateLaunchTemplate", json!({"LaunchTemplateName": "nodes-template", "LaunchTemplateData": {"InstanceType": "m5.large", "UserData": user_data}}));
        call(&mut sim, "autoscaling", "CreateAutoScalingGroup", json!({"AutoScalingGroupName": "nodes", "LaunchTemplate": {"LaunchTemplateName": "nodes-template"}, "MinSize": 0, "MaxSize": MAX_SIZE, "AvailabilityZones": ["us-east-1a", "us-east-1b"], "NewInstancesProtectedFromScaleIn": true}));
        call(&mut sim, "ecs", "CreateCapacityProvider", json!({"name": "nodes", "autoScalingGroupProvider": {"autoScalingGroupArn": "nodes", "managedScaling": {"status": "ENABLED", "instanceWarmupPeriod": 120}, "managedTerminationProtection": "ENABLED"}}));
        call(&mut sim, "ecs", "PutClusterCapacityProviders", json!({"cluster": "batch", "capacityProviders": ["nodes"], "defaultCapacityProviderStrategy": [{"capacityProvider": "nodes", "weight": 1}]}));
        call(&mut sim, "ecs", "RegisterTaskDefinition", json!({"family": "job", "containerDefinitions": [{"name": "work", "image": "job", "cpu": 1024, "memory": 1024}]}));
        let mut terminated_by_test = BTreeSet::new();
        for step in steps {
            match step {
                Step::Run(count) => {
                    // At most what the group's largest size holds, so that every task can run.
                    let live = tasks(&mut sim, "RUNNING").len() as i64;
                    let count = i64::from(count).min(2 * MAX_SIZE - live);
                    if count > 0 {
                        call(&mut sim, "ecs", "RunTask", json!({"cluster": "batch", "taskDefinition": "job", "count": count}));
                    }
                }
                Step::Stop(n) => {
                    let live = tasks(&mut sim, "RUNNING");
                    if !live.is_empty() {
                        let arn = live[n % live.len()]["taskArn"].clone();
                        call(&mut sim, "ecs", "StopTask", json!({"cluster": "batch", "task": arn}));
                    }
                }
                Step::Desired(desired) => {
                    call(&mut sim, "autoscaling", "SetDesiredCapacity", json!({"AutoScalingGroupName": "nodes", "DesiredCapacity": desired}));
                }
                Step::Terminate(n) => {
                    let members: Vec<Value> = group(&mut sim)["Instances"].as_array().unwrap().iter().filter(|i| !i["LifecycleState"].as_str().unwrap().starts_with("Terminating")).cloned().collect();
                    if !members.is_empty() {
                        let id = members[n % members.len()]["InstanceId"].as_str().unwrap().to_string();
                        call(&mut sim, "ec2", "TerminateInstances", json!({"InstanceIds": [id]}));
                        terminated_by_test.insert(id);
                    }
                }
                Step::Advance(seconds) => sim.advance(f64::from(seconds)).unwrap(),
            }
            check(&mut sim, &terminated_by_test);
        }
        // Long enough for the warm-ups and the launches: nothing that fits still waits.
        sim.advance(1800.0).unwrap();
        check(&mut sim, &terminated_by_test);
        let waiting: Vec<Value> = tasks(&mut sim, "RUNNING").into_iter().filter(|t| t["lastStatus"] == "PROVISIONING").collect();
        prop_assert!(waiting.is_empty(), "still waiting: {}", waiting.len());
    }
}

#[derive(Clone, Debug)]
enum DrainStep {
    Desired(u8),
    Advance(u16),
}

fn drain_step() -> impl Strategy<Value = DrainStep> {
    prop_oneof![
        (1..=4u8).prop_map(DrainStep::Desired),
        (1..=300u16).prop_map(DrainStep::Advance),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn managed_draining_moves_service_tasks_first(seed in any::<u64>(), steps in prop::collection::vec(drain_step(), 1..12)) {
        let mut sim = Simulation::new(SimulationConfig { seed, ..Default::default() });
        let user_data = base64::engine::general_purpose::STANDARD.encode("ECS_CLUSTER=batch");
        call(&mut sim, "ecs", "CreateCluster", json!({"clusterName": "batch"}));
        call(&mut sim, "ec2", "CreateLaunchTemplate", json!({"LaunchTemplateName": "nodes-template", "LaunchTemplateData": {"InstanceType": "m5.large", "UserData": user_data}}));
        call(&mut sim, "autoscaling", "CreateAutoScalingGroup", json!({"AutoScalingGroupName": "nodes", "LaunchTemplate": {"LaunchTemplateName": "nodes-template"}, "MinSize": 0, "MaxSize": 4, "DesiredCapacity": 3, "AvailabilityZones": ["us-east-1a", "us-east-1b"]}));
        call(&mut sim, "ecs", "CreateCapacityProvider", json!({"name": "nodes", "autoScalingGroupProvider": {"autoScalingGroupArn": "nodes", "managedDraining": "ENABLED"}}));
        call(&mut sim, "ecs", "PutClusterCapacityProviders", json!({"cluster": "batch", "capacityProviders": ["nodes"], "defaultCapacityProviderStrategy": [{"capacityProvider": "nodes", "weight": 1}]}));
        call(&mut sim, "ecs", "RegisterTaskDefinition", json!({"family": "web", "containerDefinitions": [{"name": "web", "image": "web", "cpu": 256, "memory": 512}]}));
        sim.advance(60.0).unwrap();
        call(&mut sim, "ecs", "CreateService", json!({"cluster": "batch", "serviceName": "web", "taskDefinition": "web", "desiredCount": 6, "placementStrategy": [{"type": "spread", "field": "instanceId"}]}));
        sim.advance(60.0).unwrap();
        for step in steps {
            match step {
                DrainStep::Desired(desired) => {
                    call(&mut sim, "autoscaling", "SetDesiredCapacity", json!({"AutoScalingGroupName": "nodes", "DesiredCapacity": desired}));
                }
                DrainStep::Advance(seconds) => sim.advance(f64::from(seconds)).unwrap(),
            }
            // No instance terminated by the test: none may take tasks down with it.
            check(&mut sim, &BTreeSet::new());
        }
        sim.advance(600.0).unwrap();
        let service = call(&mut sim, "ecs", "DescribeServices", json!({"cluster": "batch", "services": ["web"]}));
        prop_assert_eq!(&service["services"][0]["runningCount"], &json!(6));
        let held: Vec<Value> = group(&mut sim)["Instances"].as_array().unwrap().iter().filter(|i| i["LifecycleState"] == "Terminating:Wait").cloned().collect();
        prop_assert!(held.is_empty(), "still held: {:?}", held);
    }
}
