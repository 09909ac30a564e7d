//! Over random sequences of updates, forced deployments, stop requests and failing images, with
//! or without the circuit breaker: the service deployments API agrees with the service. At
//! most one service deployment is under way, and it is the newest; the primary deployment runs
//! what the newest service deployment targets, or the revision it rolls back to, which is what
//! the newest earlier one that completed ran; every ended one says when it ended.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ecsim_core::{Simulation, SimulationConfig};
use proptest::prelude::*;
use serde_json::{json, Value};

#[derive(Clone, Debug)]
enum Step {
    /// Deploy web:1, web:2 or web:3 (whose image cannot be pulled).
    Deploy(u8),
    Force,
    StopNewest,
    Wait(u16),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (1..=3u8).prop_map(Step::Deploy),
        Just(Step::Force),
        Just(Step::StopNewest),
        (1..600u16).prop_map(Step::Wait),
    ]
}

const UNDER_WAY: [&str; 4] = [
    "PENDING",
    "IN_PROGRESS",
    "ROLLBACK_REQUESTED",
    "ROLLBACK_IN_PROGRESS",
];

fn call(sim: &mut Simulation, action: &str, input: Value) -> Value {
    sim.call("ecs", action, input).unwrap()
}

fn revision_task_definition(sim: &mut Simulation, arn: &Value) -> Value {
    let revisions = call(
        sim,
        "DescribeServiceRevisions",
        json!({"serviceRevisionArns": [arn]}),
    );
    revisions["serviceRevisions"][0]["taskDefinition"].clone()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn the_deployments_api_agrees_with_the_service(seed in any::<u64>(), breaker in any::<bool>(), steps in prop::collection::vec(step(), 1..8)) {
        let mut sim = Simulation::new(SimulationConfig { seed, ..Default::default() });
        call(&mut sim, "CreateCluster", json!({"clusterName": "p"}));
        sim.call("ecsim", "PutImage", json!({"image": "web:broken", "pullFails": true, "pullSeconds": 3})).unwrap();
        for zone in ["us-east-1a", "us-east-1b"] {
            call(&mut sim, "RegisterContainerInstance", json!({"cluster": "p", "instanceType": "m5.xlarge", "availabilityZone": zone}));
        }
        for image in ["web:1", "web:2", "web:broken"] {
            call(&mut sim, "RegisterTaskDefinition", json!({"family": "web", "containerDefinitions": [{"name": "app", "image": image, "memoryReservation": 128}]}));
        }
        call(&mut sim, "CreateService", json!({"cluster": "p", "serviceName": "web", "taskDefinition": "web:1", "desiredCount": 3,
            "deploymentConfiguration": {"deploymentCircuitBreaker": {"enable": breaker, "rollback": breaker}}}));
        for step in steps {
            match step {
                Step::Deploy(revision) => { call(&mut sim, "UpdateService", json!({"cluster": "p", "service": "web", "taskDefinition": format!("web:{revision}")})); }
                Step::Force => { call(&mut sim, "UpdateService", json!({"cluster": "p", "service": "web", "forceNewDeployment": true})); }
                Step::StopNewest => {
                    let newest = call(&mut sim, "ListServiceDeployments", json!({"cluster": "p", "service": "web", "maxResults": 1}));
                    let arn = newest["serviceDeployments"][0]["serviceDeploymentArn"].clone();
                    // Refused unless it is under way with something to go back to; never half-done.
                    let _ = sim.call("ecs", "StopServiceDeployment", json!({"serviceDeploymentArn": arn}));
                }
                Step::Wait(seconds) => sim.advance(f64::from(seconds)).unwrap(),
            }
            let listed = call(&mut sim, "ListServiceDeployments", json!({"cluster": "p", "service": "web"}));
            let briefs = listed["serviceDeployments"].as_array().unwrap().clone();
            let under_way: Vec<usize> = briefs.iter().enumerate()
                .filter(|(_, b)| UNDER_WAY.contains(&b["status"].as_str().unwrap()))
                .map(|(i, _)| i)
                .collect();
            prop_assert!(under_way.iter().all(|&i| i == 0), "only the newest may be under way: {:?}", briefs);
            let arns: Vec<Value> = briefs.iter().take(20).map(|b| b["serviceDeploymentArn"].clone()).collect();
            let described = call(&mut sim, "DescribeServiceDeployments", json!({"serviceDeploymentArns": arns}));
            for record in described["serviceDeployments"].as_array().unwrap() {
                let ended = !UNDER_WAY.contains(&record["status"].as_str().unwrap());
                prop_assert!(!ended || record.get("finishedAt").is_some() || record.get("stoppedAt").is_some(), "an ended deployment says when: {}", record);
            }
            let newest = &described["serviceDeployments"][0];
            let wanted = match newest.get("rollback") {
                Some(rollback) => rollback["serviceRevisionArn"].clone(),
                None => newest["targetServiceRevision"]["arn"].clone(),
            };
            if let Some(rollback) = newest.get("rollback") {
                // Back to what the newest earlier one that completed ran.
                let earlier = described["serviceDeployments"].as_array().unwrap()[1..].iter()
                    .find(|r| matches!(r["status"].as_str(), Some("SUCCESSFUL" | "ROLLBACK_SUCCESSFUL")))
                    .map(|r| r.get("rollback").map_or(r["targetServiceRevision"]["arn"].clone(), |b| b["serviceRevisionArn"].clone()));
                prop_assert!(earlier.is_some(), "a rollback with nothing completed before it");
                let went_back = revision_task_definition(&mut sim, &rollback["serviceRevisionArn"]);
                prop_assert_eq!(went_back, revision_task_definition(&mut sim, &earlier.unwrap()));
            }
            let service = call(&mut sim, "DescribeServices", json!({"cluster": "p", "services": ["web"]}));
            let primary = service["services"][0]["deployments"][0]["taskDefinition"].clone();
            prop_assert_eq!(revision_task_definition(&mut sim, &wanted), primary);
        }
    }
}

/// A loop of forced deployments keeps the newest 1,000 service deployments and the revisions
/// they name, no more.
#[test]
fn the_history_keeps_the_newest_thousand_deployments() {
    let mut sim = Simulation::new(SimulationConfig::default());
    call(&mut sim, "CreateCluster", json!({"clusterName": "p"}));
    call(
        &mut sim,
        "RegisterTaskDefinition",
        json!({"family": "web", "containerDefinitions": [{"name": "app", "image": "web:1", "memoryReservation": 128}]}),
    );
    call(
        &mut sim,
        "CreateService",
        json!({"cluster": "p", "serviceName": "web", "taskDefinition": "web", "desiredCount": 0}),
    );
    let list = |sim: &mut Simulation| {
        let mut briefs = Vec::new();
        let mut token = Value::Null;
        loop {
            let page = call(
                sim,
                "ListServiceDeployments",
                json!({"cluster": "p", "service": "web", "nextToken": token}),
            );
            briefs.extend(
                page["serviceDeployments"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .cloned(),
            );
            token = page["nextToken"].clone();
            if token.is_null() {
                return briefs;
            }
        }
    };
    let first = list(&mut sim)[0]["targetServiceRevisionArn"].clone();
    for _ in 0..1_004 {
        call(
            &mut sim,
            "UpdateService",
            json!({"cluster": "p", "service": "web", "forceNewDeployment": true}),
        );
    }
    let briefs = list(&mut sim);
    assert_eq!(briefs.len(), 1_000);
    let newest = briefs[0]["targetServiceRevisionArn"].clone();
    let revisions = call(
        &mut sim,
        "DescribeServiceRevisions",
        json!({"serviceRevisionArns": [first, newest]}),
    );
    assert_eq!(revisions["failures"][0]["reason"], "MISSING");
    assert_eq!(
        revisions["serviceRevisions"][0]["serviceRevisionArn"],
        newest
    );
}
