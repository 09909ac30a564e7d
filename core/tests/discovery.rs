//! Cloud Map's quotas, too large for a vector: 1,000 instances a service (an id registered again
//! is not a new one), and ECS's 1,000 tasks for a service with a registry.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ecsim_core::Simulation;
use serde_json::{json, Value};

fn registry(sim: &mut Simulation) -> Value {
    sim.call(
        "servicediscovery",
        "CreateHttpNamespace",
        json!({"Name": "shop"}),
    )
    .unwrap();
    let namespace = sim
        .call("servicediscovery", "ListNamespaces", json!({}))
        .unwrap()["Namespaces"][0]["Id"]
        .clone();
    sim.call(
        "servicediscovery",
        "CreateService",
        json!({"Name": "cart", "NamespaceId": namespace}),
    )
    .unwrap()["Service"]
        .clone()
}

#[test]
fn a_service_holds_1000_instances() {
    let mut sim = Simulation::default();
    let service = registry(&mut sim)["Id"].clone();
    let register = |sim: &mut Simulation, id: String| {
        sim.call(
            "servicediscovery",
            "RegisterInstance",
            json!({"ServiceId": service, "InstanceId": id, "Attributes": {}}),
        )
    };
    for i in 0..1000 {
        register(&mut sim, format!("i-{i}")).unwrap();
    }
    let refused = register(&mut sim, "i-1000".into()).unwrap_err();
    assert_eq!(refused.code.as_str(), "ResourceLimitExceeded");
    register(&mut sim, "i-999".into()).expect("an id registered again is an update");
}

#[test]
fn an_ecs_service_with_a_registry_runs_at_most_1000_tasks() {
    let mut sim = Simulation::default();
    let arn = registry(&mut sim)["Arn"].clone();
    sim.call("ecs", "CreateCluster", json!({"clusterName": "c"}))
        .unwrap();
    sim.call(
        "ecs",
        "RegisterTaskDefinition",
        json!({"family": "web", "networkMode": "awsvpc",
               "containerDefinitions": [{"name": "web", "image": "web", "memory": 64}]}),
    )
    .unwrap();
    let create = |sim: &mut Simulation, count: u32| {
        sim.call(
            "ecs",
            "CreateService",
            json!({"cluster": "c", "serviceName": "web", "taskDefinition": "web", "desiredCount": count,
                   "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-a"]}},
                   "serviceRegistries": [{"registryArn": arn}]}),
        )
    };
    let refused = create(&mut sim, 1001).unwrap_err();
    assert_eq!(refused.code.as_str(), "InvalidParameterException");
    assert!(
        refused
            .message
            .contains("tasksPerServiceWithServiceDiscovery"),
        "{}",
        refused.message
    );
    create(&mut sim, 1000).unwrap();
}
