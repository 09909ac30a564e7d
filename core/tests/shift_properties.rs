//! Over random blue/green, linear and canary deployments (steps, bake times, Lambda hooks that
//! pass or fail, pauses continued or left, rollbacks asked for, scale-ins, tasks protected),
//! checked after every step: the listener rules' weights always sum to 100, a shift gives
//! production traffic only to a target group whose targets are all healthy, and a protected task
//! is never stopped (by a deployment or a scale-in) before its protection expires.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ecsim_core::{Simulation, SimulationConfig};
use proptest::prelude::*;
use serde_json::{json, Value};

#[derive(Clone, Debug)]
enum Step {
    /// Deploy web:1 or web:2 (a forced new deployment when it is the current one).
    Deploy(u8),
    Advance(u16),
    /// Protect the n-th running task (modulo how many) for this many minutes.
    Protect(usize, u8),
    /// Continue (or roll back) whatever pause awaits action.
    Continue(bool),
    /// StopServiceDeployment on the deployment in progress.
    Stop,
    /// A new desired count (scale-in when lower).
    Desired(u8),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (1..=2u8).prop_map(Step::Deploy),
        (1..=240u16).prop_map(Step::Advance),
        (1..=240u16).prop_map(Step::Advance),
        (0..6usize, 1..=5u8).prop_map(|(i, m)| Step::Protect(i, m)),
        any::<bool>().prop_map(Step::Continue),
        Just(Step::Stop),
        (1..=3u8).prop_map(Step::Desired),
    ]
}

fn strategy() -> impl Strategy<Value = Value> {
    let bake = 0..=3i32;
    prop_oneof![
        bake.clone()
            .prop_map(|b| json!({"strategy": "BLUE_GREEN", "bakeTimeInMinutes": b})),
        (
            prop::sample::select(vec![3.3, 10.0, 25.0, 33.3, 50.0]),
            0..=2i32,
            bake.clone()
        )
            .prop_map(
                |(p, s, b)| json!({"strategy": "LINEAR", "bakeTimeInMinutes": b,
                "linearConfiguration": {"stepPercent": p, "stepBakeTimeInMinutes": s}})
            ),
        (
            prop::sample::select(vec![0.1, 0.4, 5.0, 12.5, 50.0, 99.9]),
            0..=2i32,
            bake
        )
            .prop_map(
                |(p, s, b)| json!({"strategy": "CANARY", "bakeTimeInMinutes": b,
                "canaryConfiguration": {"canaryPercent": p, "canaryBakeTimeInMinutes": s}})
            ),
    ]
}

const STAGES: [&str; 8] = [
    "RECONCILE_SERVICE",
    "PRE_SCALE_UP",
    "POST_SCALE_UP",
    "TEST_TRAFFIC_SHIFT",
    "POST_TEST_TRAFFIC_SHIFT",
    "PRE_PRODUCTION_TRAFFIC_SHIFT",
    "PRODUCTION_TRAFFIC_SHIFT",
    "POST_PRODUCTION_TRAFFIC_SHIFT",
];

fn call(sim: &mut Simulation, service: &str, action: &str, input: Value) -> Value {
    sim.call(service, action, input)
        .unwrap_or_else(|e| panic!("{action}: {e}"))
}

fn arn(value: &Value, list: &str, member: &str) -> String {
    value[list][0][member].as_str().unwrap().to_string()
}

/// The (target group, weight) pairs of the first forward action of a rule or listener.
fn weights(sim: &mut Simulation, rule: &str, listener: bool) -> Vec<(String, i64)> {
    let actions = if listener {
        call(
            sim,
            "elbv2",
            "DescribeListeners",
            json!({"ListenerArns": [rule]}),
        )["Listeners"][0]["DefaultActions"]
            .clone()
    } else {
        call(sim, "elbv2", "DescribeRules", json!({"RuleArns": [rule]}))["Rules"][0]["Actions"]
            .clone()
    };
    actions[0]["ForwardConfig"]["TargetGroups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["TargetGroupArn"].as_str().unwrap().to_string(),
                t["Weight"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn targets(sim: &mut Simulation, group: &str) -> Vec<String> {
    let health = call(
        sim,
        "elbv2",
        "DescribeTargetHealth",
        json!({"TargetGroupArn": group}),
    );
    health["TargetHealthDescriptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["TargetHealth"]["State"].as_str().unwrap().to_string())
        .collect()
}

fn in_progress(sim: &mut Simulation) -> Option<Value> {
    let listed = call(
        sim,
        "ecs",
        "ListServiceDeployments",
        json!({"cluster": "c", "service": "s", "status": ["IN_PROGRESS"]}),
    );
    let arn = listed["serviceDeployments"].as_array()?.first()?["serviceDeploymentArn"].clone();
    let described = call(
        sim,
        "ecs",
        "DescribeServiceDeployments",
        json!({"serviceDeploymentArns": [arn]}),
    );
    Some(described["serviceDeployments"][0].clone())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn shifts_keep_weights_whole_healthy_and_protection_held(
        seed in any::<u64>(),
        configuration in strategy(),
        hook in prop::option::of((prop::sample::select(STAGES.to_vec()), any::<bool>(), 0..=120u16, any::<bool>())),
        steps in prop::collection::vec(step(), 1..14),
    ) {
        let mut sim = Simulation::new(SimulationConfig { seed, ..Default::default() });
        call(&mut sim, "ecs", "CreateCluster", json!({"clusterName": "c"}));
        for zone in ["us-east-1a", "us-east-1b", "us-east-1c"] {
            call(&mut sim, "ecs", "RegisterContainerInstance", json!({"cluster": "c", "instanceType": "m5.xlarge", "availabilityZone": zone}));
        }
        for image in ["web:1", "web:2"] {
            call(&mut sim, "ecs", "RegisterTaskDefinition", json!({"family": "web", "containerDefinitions": [{"name": "web", "image": image, "memory": 256, "portMappings": [{"containerPort": 80, "hostPort": 0}]}]}));
        }
        let group = |sim: &mut Simulation, name: &str| {
            let created = call(sim, "elbv2", "CreateTargetGroup", json!({"Name": name, "Protocol": "HTTP", "Port": 80, "VpcId": "vpc-1", "HealthCheckIntervalSeconds": 10, "HealthyThresholdCount": 2}));
            arn(&created, "TargetGroups", "TargetGroupArn")
        };
        let (blue, green) = (group(&mut sim, "blue"), group(&mut sim, "green"));
        let balancer = call(&mut sim, "elbv2", "CreateLoadBalancer", json!({"Name": "web", "Subnets": ["subnet-a", "subnet-b"]}));
        let balancer = arn(&balancer, "LoadBalancers", "LoadBalancerArn");
        let both = json!([{"Type": "forward", "ForwardConfig": {"TargetGroups": [{"TargetGroupArn": blue, "Weight": 100}, {"TargetGroupArn": green, "Weight": 0}]}}]);
        let production = call(&mut sim, "elbv2", "CreateListener", json!({"LoadBalancerArn": balancer, "Port": 80, "DefaultActions": [{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}]}));
        let production = arn(&production, "Listeners", "ListenerArn");
        let rule = call(&mut sim, "elbv2", "CreateRule", json!({"ListenerArn": production, "Priority": 1, "Conditions": [{"Field": "path-pattern", "Values": ["/*"]}], "Actions": both}));
        let rule = arn(&rule, "Rules", "RuleArn");
        let test = call(&mut sim, "elbv2", "CreateListener", json!({"LoadBalancerArn": balancer, "Port": 8080, "DefaultActions": both}));
        let test = arn(&test, "Listeners", "ListenerArn");
        let mut configuration = configuration;
        if let Some((stage, pause, seconds, fails)) = hook {
            let function = "arn:aws:lambda:us-east-1:123456789012:function:check";
            configuration["lifecycleHooks"] = if pause {
                json!([{"targetType": "PAUSE", "lifecycleStages": [stage], "timeoutConfiguration": {"timeoutInMinutes": 5}}])
            } else {
                json!([{"targetType": "AWS_LAMBDA", "hookTargetArn": function, "roleArn": "arn:aws:iam::123456789012:role/r", "lifecycleStages": [stage]}])
            };
            let status = if fails { "FAILED" } else { "SUCCEEDED" };
            call(&mut sim, "ecsim", "PutHookFunction", json!({"functionArn": function, "hookStatus": status, "inProgressSeconds": seconds}));
        }
        call(&mut sim, "ecs", "CreateService", json!({
            "cluster": "c", "serviceName": "s", "taskDefinition": "web:1", "desiredCount": 2,
            "deploymentConfiguration": configuration,
            "loadBalancers": [{"targetGroupArn": blue, "containerName": "web", "containerPort": 80,
                "advancedConfiguration": {"alternateTargetGroupArn": green, "productionListenerRule": rule, "testListenerRule": test, "roleArn": "arn:aws:iam::123456789012:role/elb"}}]}));
        sim.advance(120.0).unwrap();
        // Each protected task with the time its (latest) protection ends.
        let mut protected: std::collections::BTreeMap<String, f64> = Default::default();
        // Each target group's production weight after the last step.
        let mut production: std::collections::BTreeMap<String, i64> =
            weights(&mut sim, &rule, false).into_iter().collect();
        let mut clock = 0.0;
        for step in steps {
            match step {
                Step::Deploy(revision) => {
                    call(&mut sim, "ecs", "UpdateService", json!({"cluster": "c", "service": "s", "taskDefinition": format!("web:{revision}"), "forceNewDeployment": true}));
                }
                Step::Advance(seconds) => {
                    sim.advance(f64::from(seconds)).unwrap();
                    clock += f64::from(seconds);
                }
                Step::Protect(index, minutes) => {
                    let listed = call(&mut sim, "ecs", "ListTasks", json!({"cluster": "c", "desiredStatus": "RUNNING"}));
                    let tasks = listed["taskArns"].as_array().unwrap().clone();
                    if !tasks.is_empty() {
                        let task = tasks[index % tasks.len()].as_str().unwrap().to_string();
                        call(&mut sim, "ecs", "UpdateTaskProtection", json!({"cluster": "c", "tasks": [task], "protectionEnabled": true, "expiresInMinutes": minutes}));
                        // A later protection replaces the earlier one, shorter or not.
                        protected.insert(task, clock + f64::from(minutes) * 60.0);
                    }
                }
                Step::Continue(go_on) => {
                    if let Some(deployment) = in_progress(&mut sim) {
                        let awaiting = deployment["lifecycleHookDetails"].as_array().into_iter().flatten()
                            .find(|h| h["status"] == "AWAITING_ACTION").cloned();
                        if let Some(hook) = awaiting {
                            let action = if go_on { "CONTINUE" } else { "ROLLBACK" };
                            call(&mut sim, "ecs", "ContinueServiceDeployment", json!({"serviceDeploymentArn": deployment["serviceDeploymentArn"], "hookId": hook["hookId"], "action": action}));
                        }
                    }
                }
                Step::Desired(count) => {
                    call(&mut sim, "ecs", "UpdateService", json!({"cluster": "c", "service": "s", "desiredCount": count}));
                }
                Step::Stop => {
                    if let Some(deployment) = in_progress(&mut sim) {
                        // Refused when nothing completed before it: that is fine here.
                        let _ = sim.call("ecs", "StopServiceDeployment", json!({"serviceDeploymentArn": deployment["serviceDeploymentArn"], "stopType": "ROLLBACK"}));
                    }
                }
            }
            for (routing, listener) in [(&rule, false), (&test, true)] {
                let pairs = weights(&mut sim, routing, listener);
                let sum: i64 = pairs.iter().map(|(_, w)| w).sum();
                prop_assert_eq!(sum, 100, "weights of {}: {:?}", routing, pairs);
                if listener {
                    continue;
                }
                for (group, weight) in pairs {
                    let before = production.get(&group).copied().unwrap_or(0);
                    production.insert(group.clone(), weight);
                    if weight == 0 {
                        continue;
                    }
                    // The shift gives a group more only once every target it has is healthy (ELB
                    // sends a group's share to its healthy targets; a scale-in the user asked for
                    // may still leave a group without any, which is not the shift's doing).
                    if weight > before {
                        let states = targets(&mut sim, &group);
                        let serving: Vec<&String> = states.iter().filter(|s| *s != "draining").collect();
                        prop_assert!(!serving.is_empty() && serving.iter().all(|s| *s == "healthy"),
                            "{} went from {} to {} % with targets {:?}", group, before, weight, states);
                    }
                }
            }
            for (task, until) in &protected {
                if clock < *until {
                    let described = call(&mut sim, "ecs", "DescribeTasks", json!({"cluster": "c", "tasks": [task]}));
                    prop_assert_eq!(&described["tasks"][0]["desiredStatus"], "RUNNING", "{} stopped while protected", task);
                }
            }
        }
    }
}
