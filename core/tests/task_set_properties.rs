//! Over random sequences of task set creations, scale changes, promotions, deletions and desired
//! counts on an EXTERNAL service: once the clock has let the tasks settle, every task set runs
//! exactly its computed desired count (the desired count × its scale, rounded up), the service
//! counts every task set's tasks, and no task of a deleted task set is still running.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ecsim_core::{Simulation, SimulationConfig};
use proptest::prelude::*;
use serde_json::{json, Value};

#[derive(Clone, Debug)]
enum Step {
    /// A task set of web:1 or web:2 at this scale.
    Create(u8, u8),
    /// The n-th task set (modulo how many there are) to this scale.
    Scale(usize, u8),
    Promote(usize),
    Delete(usize),
    Desired(u8),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (1..=2u8, 0..=100u8).prop_map(|(r, s)| Step::Create(r, s)),
        (0..4usize, 0..=100u8).prop_map(|(i, s)| Step::Scale(i, s)),
        (0..4usize).prop_map(Step::Promote),
        (0..4usize).prop_map(Step::Delete),
        (0..=12u8).prop_map(Step::Desired),
    ]
}

fn call(sim: &mut Simulation, action: &str, input: Value) -> Value {
    sim.call("ecs", action, input).unwrap()
}

fn task_sets(sim: &mut Simulation) -> Vec<Value> {
    let described = call(
        sim,
        "DescribeTaskSets",
        json!({"cluster": "p", "service": "web"}),
    );
    described["taskSets"].as_array().unwrap().clone()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn every_task_set_settles_at_its_computed_count(seed in any::<u64>(), steps in prop::collection::vec(step(), 1..10)) {
        let mut sim = Simulation::new(SimulationConfig { seed, ..Default::default() });
        call(&mut sim, "CreateCluster", json!({"clusterName": "p"}));
        for zone in ["us-east-1a", "us-east-1b", "us-east-1c"] {
            call(&mut sim, "RegisterContainerInstance", json!({"cluster": "p", "instanceType": "m5.4xlarge", "availabilityZone": zone}));
        }
        for image in ["web:1", "web:2"] {
            call(&mut sim, "RegisterTaskDefinition", json!({"family": "web", "containerDefinitions": [{"name": "app", "image": image, "memoryReservation": 128, "cpu": 64}]}));
        }
        call(&mut sim, "CreateService", json!({"cluster": "p", "serviceName": "web", "desiredCount": 5, "deploymentController": {"type": "EXTERNAL"}}));
        let mut deleted: Vec<String> = Vec::new();
        for step in steps {
            let sets = task_sets(&mut sim);
            let pick = |i: usize| (!sets.is_empty()).then(|| sets[i % sets.len()]["id"].as_str().unwrap().to_string());
            match step {
                Step::Create(revision, scale) => {
                    call(&mut sim, "CreateTaskSet", json!({"cluster": "p", "service": "web", "taskDefinition": format!("web:{revision}"), "scale": {"value": scale, "unit": "PERCENT"}}));
                }
                Step::Scale(i, scale) => if let Some(id) = pick(i) {
                    call(&mut sim, "UpdateTaskSet", json!({"cluster": "p", "service": "web", "taskSet": id, "scale": {"value": scale, "unit": "PERCENT"}}));
                },
                Step::Promote(i) => if let Some(id) = pick(i) {
                    call(&mut sim, "UpdateServicePrimaryTaskSet", json!({"cluster": "p", "service": "web", "primaryTaskSet": id}));
                },
                Step::Delete(i) => if let Some(id) = pick(i) {
                    call(&mut sim, "DeleteTaskSet", json!({"cluster": "p", "service": "web", "taskSet": id, "force": true}));
                    deleted.push(id);
                },
                Step::Desired(count) => {
                    call(&mut sim, "UpdateService", json!({"cluster": "p", "service": "web", "desiredCount": count}));
                }
            }
            sim.advance(120.0).unwrap();
            let desired = call(&mut sim, "DescribeServices", json!({"cluster": "p", "services": ["web"]}))["services"][0].clone();
            let mut total = 0;
            for set in task_sets(&mut sim) {
                let scale = set["scale"]["value"].as_f64().unwrap();
                let wanted = (desired["desiredCount"].as_f64().unwrap() * scale / 100.0 - 1e-9).ceil().max(0.0);
                prop_assert_eq!(set["computedDesiredCount"].as_f64().unwrap(), wanted);
                prop_assert_eq!(set["runningCount"].as_f64().unwrap(), wanted, "task set {}", set["id"]);
                prop_assert_eq!(set["stabilityStatus"].as_str().unwrap(), "STEADY_STATE");
                total += set["runningCount"].as_i64().unwrap();
            }
            prop_assert_eq!(desired["runningCount"].as_i64().unwrap(), total);
            for id in &deleted {
                let running = call(&mut sim, "ListTasks", json!({"cluster": "p", "startedBy": id}));
                prop_assert!(running["taskArns"].as_array().unwrap().is_empty(), "a task of deleted task set {} runs", id);
            }
        }
    }
}

#[test]
fn a_service_keeps_at_most_fifty_task_sets_and_a_refusal_changes_nothing() {
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
        json!({"cluster": "p", "serviceName": "web", "desiredCount": 0, "deploymentController": {"type": "EXTERNAL"}}),
    );
    let create = json!({"cluster": "p", "service": "web", "taskDefinition": "web:1"});
    for _ in 0..50 {
        call(&mut sim, "CreateTaskSet", create.clone());
    }
    let before = sim.fork().unwrap();
    let refused = sim
        .call("ecs", "CreateTaskSet", create.clone())
        .unwrap_err();
    assert_eq!(refused.code.as_str(), "LimitExceededException");
    assert_eq!(task_sets(&mut sim).len(), 50);
    // The refusal drew nothing from the generator: the next task set's id is the one it would have been.
    let mut twin = before;
    let first = task_sets(&mut sim)[0]["id"].clone();
    call(
        &mut sim,
        "DeleteTaskSet",
        json!({"cluster": "p", "service": "web", "taskSet": first}),
    );
    call(
        &mut twin,
        "DeleteTaskSet",
        json!({"cluster": "p", "service": "web", "taskSet": first}),
    );
    let made = call(&mut sim, "CreateTaskSet", create.clone())["taskSet"]["id"].clone();
    let made_twin = call(&mut twin, "CreateTaskSet", create)["taskSet"]["id"].clone();
    assert_eq!(made, made_twin);
}
