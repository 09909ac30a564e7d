//! The service seam: every action of every service is shape-checked alike, the registry and the
//! configuration match what the bindings declare, and forks are independent with the same future.
#![allow(clippy::unwrap_used)]

use ecsim_core::api::shape::Kind;
use ecsim_core::sim::services;
use ecsim_core::{Simulation, SimulationConfig};
use serde_json::{json, Value};

/// A value of the wrong type for a member of this kind.
fn wrong_value(kind: &Kind) -> Value {
    match kind {
        Kind::String | Kind::Enum(_) => json!(12345),
        _ => json!("not of this type"),
    }
}

#[test]
fn every_action_answers_an_unknown_member_with_its_services_validation_error() {
    for service in services() {
        for operation in service.operations {
            let mut sim = Simulation::default();
            let error = sim
                .call(
                    service.name,
                    operation.name,
                    json!({"ecsimUnknownMember": 1}),
                )
                .expect_err(operation.name);
            assert_eq!(error.code, operation.validation_error, "{}", operation.name);
            let finding = error
                .diagnostics
                .iter()
                .find(|d| d.path == "$.ecsimUnknownMember")
                .unwrap_or_else(|| panic!("{}: {}", operation.name, error.message));
            assert_eq!(finding.code, "API001");
            assert_eq!(
                finding.message,
                format!(
                    "Unknown member 'ecsimUnknownMember' in {}.",
                    operation.input.name
                )
            );
            // RegisterTaskDefinition reports as the task definition rules do (ClientException, AWS's
            // message alone); every other action words it alike.
            if operation.validation_error == service.validation_error {
                let first = &error.diagnostics[0];
                assert_eq!(error.message, format!("{} ({})", first.message, first.path));
            }
        }
    }
}

#[test]
fn every_action_answers_a_wrongly_typed_member_with_its_services_validation_error() {
    for service in services() {
        for operation in service.operations {
            let Kind::Structure(members) = &operation.input.kind else {
                panic!("{}: the input is not a structure", operation.name);
            };
            let Some(member) = members.first() else {
                continue;
            };
            let mut sim = Simulation::default();
            let input = json!({ member.name: wrong_value(&member.shape.kind) });
            let error = sim
                .call(service.name, operation.name, input)
                .expect_err(operation.name);
            assert_eq!(error.code, operation.validation_error, "{}", operation.name);
            let finding = error
                .diagnostics
                .iter()
                .find(|d| d.code == "API002")
                .unwrap_or_else(|| panic!("{}: {}", operation.name, error.message));
            assert_eq!(finding.path, format!("$.{}", member.name));
            // RegisterTaskDefinition reports as the task definition rules do (ClientException, AWS's
            // message alone); every other action words it alike.
            if operation.validation_error == service.validation_error {
                let first = &error.diagnostics[0];
                assert_eq!(error.message, format!("{} ({})", first.message, first.path));
            }
        }
    }
}

#[test]
fn a_malformed_request_leaves_the_simulation_as_it_was() {
    let mut sim = Simulation::default();
    sim.call("ecs", "CreateCluster", json!({"clusterName": "c"}))
        .unwrap();
    let before = sim.snapshot().unwrap()["now"].clone();
    for input in [json!([1, 2]), json!("text"), json!(7)] {
        let error = sim.call("ecsim", "PlaceTasks", input).unwrap_err();
        assert_eq!(error.code.as_str(), "InvalidParameterException");
    }
    let clusters = sim.call("ecs", "ListClusters", json!({})).unwrap();
    assert_eq!(clusters["clusterArns"].as_array().unwrap().len(), 1);
    assert_eq!(sim.snapshot().unwrap()["now"], before);
}

#[test]
fn the_configuration_matches_what_the_bindings_declare() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/models/simulation-config.json");
    let declared: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let declared: Vec<&String> = declared["members"].as_object().unwrap().keys().collect();
    let actual = serde_json::to_value(SimulationConfig::default()).unwrap();
    let actual: Vec<&String> = actual.as_object().unwrap().keys().collect();
    let mut declared_sorted = declared.clone();
    declared_sorted.sort();
    let mut actual_sorted = actual.clone();
    actual_sorted.sort();
    assert_eq!(declared_sorted, actual_sorted);
}

#[test]
fn every_services_errors_include_its_validation_error_and_ecsims_own() {
    for service in services() {
        assert!(
            service.errors.contains(&service.validation_error),
            "{}",
            service.name
        );
        for own in ["UnknownOperationException", "InternalError"] {
            assert!(
                service.errors.iter().any(|e| e.as_str() == own),
                "{}",
                service.name
            );
        }
    }
}

fn busy() -> Simulation {
    let mut sim = Simulation::new(SimulationConfig {
        seed: 7,
        ..SimulationConfig::default()
    });
    let calls = [
        ("CreateCluster", json!({"clusterName": "c"})),
        (
            "RegisterContainerInstance",
            json!({"cluster": "c", "instanceType": "m5.large", "availabilityZone": "us-east-1a"}),
        ),
        (
            "RegisterContainerInstance",
            json!({"cluster": "c", "instanceType": "m5.large", "availabilityZone": "us-east-1b"}),
        ),
        (
            "RegisterTaskDefinition",
            json!({"family": "w", "containerDefinitions": [{"name": "a", "image": "x", "memory": 64}]}),
        ),
        (
            "CreateService",
            json!({"cluster": "c", "serviceName": "web", "taskDefinition": "w", "desiredCount": 4}),
        ),
    ];
    for (action, input) in calls {
        sim.call("ecs", action, input).unwrap();
    }
    sim.advance(60.0).unwrap();
    sim
}

fn state(sim: &mut Simulation) -> Value {
    json!({
        "tasks": sim.call("ecs", "ListTasks", json!({"cluster": "c"})).unwrap(),
        "events": sim.call("ecsim", "ListEvents", json!({})).unwrap(),
        "snapshot": sim.snapshot().unwrap(),
    })
}

#[test]
fn a_fork_given_the_same_calls_stays_equal_to_the_original() {
    let mut original = busy();
    let mut fork = original.fork().unwrap();
    assert_eq!(fork.snapshot().unwrap(), original.snapshot().unwrap());
    for sim in [&mut original, &mut fork] {
        sim.call(
            "ecs",
            "RunTask",
            json!({"cluster": "c", "taskDefinition": "w", "count": 3, "placementStrategy": [{"type": "random"}]}),
        )
        .unwrap();
        sim.call(
            "ecs",
            "UpdateService",
            json!({"cluster": "c", "service": "web", "desiredCount": 6}),
        )
        .unwrap();
        sim.advance(300.0).unwrap();
    }
    assert_eq!(state(&mut original), state(&mut fork));
}

#[test]
fn forks_given_different_calls_diverge_and_leave_each_other_alone() {
    let original = busy();
    let before = original.snapshot().unwrap();
    let mut scaled_up = original.fork().unwrap();
    let mut scaled_down = original.fork().unwrap();
    let update = |sim: &mut Simulation, count: i64| {
        sim.call(
            "ecs",
            "UpdateService",
            json!({"cluster": "c", "service": "web", "desiredCount": count}),
        )
        .unwrap();
        sim.advance(300.0).unwrap();
        sim.call(
            "ecs",
            "ListTasks",
            json!({"cluster": "c", "desiredStatus": "RUNNING"}),
        )
        .unwrap()["taskArns"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(update(&mut scaled_up, 8), 8);
    assert_eq!(update(&mut scaled_down, 1), 1);
    assert_eq!(original.snapshot().unwrap(), before);
    assert_ne!(state(&mut scaled_up), state(&mut scaled_down));
}
