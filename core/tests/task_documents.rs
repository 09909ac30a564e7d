//! Task documents are written straight from the cluster's records (`cluster::TaskDocument`):
//! each must be exactly what the API's own `Task` shape writes for the same values, member for
//! member and in its order, for every kind of task (EC2 with host ports, FARGATE with its
//! network interface, tagged, stopped with an exit code).
#![allow(clippy::unwrap_used)]

use ecsim_core::api::ecs::{DescribeTasksResponse, RunTaskResponse};
use ecsim_core::api::from_json::FromJson;
use ecsim_core::Simulation;
use serde_json::{json, Value};

/// The answer's text, and the same answer read into the API's types and written again.
fn as_api_types_write_it<T: FromJson + serde::Serialize>(text: &str) -> (String, String) {
    let value: Value = serde_json::from_str(text).unwrap();
    let typed = T::from_json(value).unwrap();
    (text.to_string(), serde_json::to_string(&typed).unwrap())
}

#[test]
fn task_documents_are_the_api_shape_member_for_member() {
    let mut sim = Simulation::default();
    let mut call = |action: &str, input: Value| sim.call_text("ecs", action, input).unwrap();
    call("CreateCluster", json!({"clusterName": "c"}));
    call(
        "RegisterContainerInstance",
        json!({"cluster": "c", "instanceType": "m5.large", "availabilityZone": "us-east-1a"}),
    );
    call(
        "RegisterTaskDefinition",
        json!({"family": "web", "networkMode": "bridge", "containerDefinitions": [
            {"name": "app", "image": "nginx", "memory": 128, "cpu": 64,
             "portMappings": [{"containerPort": 80, "hostPort": 8080}]},
            {"name": "side", "image": "busybox", "memoryReservation": 32, "essential": false}]}),
    );
    call(
        "RegisterTaskDefinition",
        json!({"family": "lone", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"],
               "cpu": "256", "memory": "512",
               "containerDefinitions": [{"name": "app", "image": "nginx"}]}),
    );
    let ec2 = call(
        "RunTask",
        json!({"cluster": "c", "taskDefinition": "web", "startedBy": "me",
               "tags": [{"key": "team", "value": "a"}]}),
    );
    let fargate = call(
        "RunTask",
        json!({"cluster": "c", "taskDefinition": "lone", "launchType": "FARGATE",
               "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}}),
    );
    for text in [&ec2, &fargate] {
        let (written, typed) = as_api_types_write_it::<RunTaskResponse>(text);
        assert_eq!(written, typed);
    }
    let arns: Vec<String> = [&ec2, &fargate]
        .iter()
        .map(|text| {
            let value: Value = serde_json::from_str(text).unwrap();
            value["tasks"][0]["taskArn"].as_str().unwrap().to_string()
        })
        .collect();
    call(
        "StopTask",
        json!({"cluster": "c", "task": arns[0], "reason": "done"}),
    );
    sim.advance(120.0).unwrap();
    let described = sim
        .call_text(
            "ecs",
            "DescribeTasks",
            json!({"cluster": "c", "tasks": arns}),
        )
        .unwrap();
    let (written, typed) = as_api_types_write_it::<DescribeTasksResponse>(&described);
    assert_eq!(written, typed);
    let value: Value = serde_json::from_str(&described).unwrap();
    assert_eq!(value["tasks"][0]["lastStatus"], "STOPPED");
    assert_eq!(
        value["tasks"][0]["containers"][0]["networkBindings"][0]["hostPort"],
        8080
    );
    assert_eq!(value["tasks"][0]["tags"][0]["key"], "team");
    assert_eq!(
        value["tasks"][1]["attachments"][0]["type"],
        "ElasticNetworkInterface"
    );
    assert_eq!(value["tasks"][1]["platformVersion"], "1.4.0");
}

/// A task started through a capacity provider strategy names its provider in every one of its
/// state change events, its first (PROVISIONING) included: the provider is part of the task from
/// its start, not set on it afterwards.
#[test]
fn every_event_of_a_provider_task_names_its_provider() {
    let mut sim = Simulation::default();
    let mut call =
        |service: &str, action: &str, input: Value| sim.call(service, action, input).unwrap();
    call(
        "ecs",
        "CreateCluster",
        json!({"clusterName": "spot", "capacityProviders": ["FARGATE", "FARGATE_SPOT"]}),
    );
    call(
        "ecsim",
        "CreateSubnet",
        json!({"subnetId": "subnet-a", "availabilityZone": "us-east-1a"}),
    );
    call(
        "ecs",
        "RegisterTaskDefinition",
        json!({"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc",
               "cpu": "256", "memory": "512",
               "containerDefinitions": [{"name": "web", "image": "web:1"}]}),
    );
    call(
        "ecs",
        "RunTask",
        json!({"cluster": "spot", "taskDefinition": "web", "count": 2,
               "capacityProviderStrategy": [{"capacityProvider": "FARGATE_SPOT", "weight": 1}],
               "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-a"]}}}),
    );
    let listed = call(
        "ecsim",
        "ListBusEvents",
        json!({"eventPattern": "{\"detail-type\":[\"ECS Task State Change\"]}"}),
    );
    let details: Vec<Value> = listed["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|text| {
            serde_json::from_str::<Value>(text.as_str().unwrap()).unwrap()["detail"].clone()
        })
        .collect();
    assert!(details.len() >= 2, "{details:?}");
    assert!(
        details.iter().any(|d| d["lastStatus"] == "PROVISIONING"),
        "{details:?}"
    );
    for detail in &details {
        assert_eq!(detail["capacityProviderName"], "FARGATE_SPOT", "{detail}");
    }
}
