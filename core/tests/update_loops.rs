//! Loops of updates: a daemon keeps its newest 1,000 deployments (and the revisions they name),
//! and what is kept still answers; an Express service updated fifty times shows, once its
//! deployments are over, only its newest configuration.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ecsim_core::{Simulation, SimulationConfig};
use serde_json::{json, Value};

fn call(sim: &mut Simulation, service: &str, action: &str, input: Value) -> Value {
    sim.call(service, action, input)
        .unwrap_or_else(|e| panic!("{action}: {e}"))
}

#[test]
fn a_daemon_keeps_its_newest_deployments() {
    let mut sim = Simulation::new(SimulationConfig::default());
    call(
        &mut sim,
        "ecs",
        "CreateCluster",
        json!({"clusterName": "c"}),
    );
    call(
        &mut sim,
        "ec2",
        "CreateLaunchTemplate",
        json!({"LaunchTemplateName": "nodes", "LaunchTemplateData": {"InstanceType": "m5.large"}}),
    );
    call(
        &mut sim,
        "autoscaling",
        "CreateAutoScalingGroup",
        json!({"AutoScalingGroupName": "g", "LaunchTemplate": {"LaunchTemplateName": "nodes"}, "MinSize": 0, "MaxSize": 1, "AvailabilityZones": ["us-east-1a"]}),
    );
    call(
        &mut sim,
        "ecs",
        "CreateCapacityProvider",
        json!({"name": "p", "autoScalingGroupProvider": {"autoScalingGroupArn": "g"}}),
    );
    call(
        &mut sim,
        "ecs",
        "PutClusterCapacityProviders",
        json!({"cluster": "c", "capacityProviders": ["p"], "defaultCapacityProviderStrategy": []}),
    );
    for image in ["agent:1", "agent:2"] {
        call(
            &mut sim,
            "ecs",
            "RegisterDaemonTaskDefinition",
            json!({"family": "agent", "containerDefinitions": [{"name": "a", "image": image, "memory": 64}]}),
        );
    }
    let created = call(
        &mut sim,
        "ecs",
        "CreateDaemon",
        json!({"daemonName": "d", "clusterArn": "c", "daemonTaskDefinitionArn": "agent:1", "capacityProviderArns": ["p"]}),
    );
    let daemon = created["daemonArn"].clone();
    let first = created["deploymentArn"].clone();
    let mut last = Value::Null;
    for n in 0..1_100 {
        let definition = if n % 2 == 0 { "agent:2" } else { "agent:1" };
        let updated = call(
            &mut sim,
            "ecs",
            "UpdateDaemon",
            json!({"daemonArn": daemon, "daemonTaskDefinitionArn": definition, "capacityProviderArns": ["p"]}),
        );
        last = updated["deploymentArn"].clone();
    }
    let mut listed = 0;
    let mut token: Option<Value> = None;
    loop {
        let mut input = json!({"daemonArn": daemon, "maxResults": 100});
        if let Some(t) = &token {
            input["nextToken"] = t.clone();
        }
        let page = call(&mut sim, "ecs", "ListDaemonDeployments", input);
        listed += page["daemonDeployments"].as_array().unwrap().len();
        match page.get("nextToken") {
            Some(t) if !t.is_null() => token = Some(t.clone()),
            _ => break,
        }
    }
    assert_eq!(listed, 1_000);
    let described = call(
        &mut sim,
        "ecs",
        "DescribeDaemonDeployments",
        json!({"daemonDeploymentArns": [first, last]}),
    );
    assert_eq!(described["failures"][0]["arn"], first);
    assert_eq!(
        described["daemonDeployments"][0]["daemonDeploymentArn"],
        last
    );
    let revision = described["daemonDeployments"][0]["targetDaemonRevision"]["arn"].clone();
    let shown = call(
        &mut sim,
        "ecs",
        "DescribeDaemonRevisions",
        json!({"daemonRevisionArns": [revision]}),
    );
    assert_eq!(
        shown["daemonRevisions"][0]["daemonTaskDefinitionArn"],
        "arn:aws:ecs:us-east-1:123456789012:daemon-task-definition/agent:1"
    );
}

#[test]
fn an_express_service_shows_its_active_configuration() {
    let mut sim = Simulation::new(SimulationConfig::default());
    let created = call(
        &mut sim,
        "ecs",
        "CreateExpressGatewayService",
        json!({"infrastructureRoleArn": "arn:aws:iam::123456789012:role/r", "serviceName": "web", "primaryContainer": {"image": "web:0"}}),
    );
    let arn = created["service"]["serviceArn"].clone();
    for n in 1..=50 {
        call(
            &mut sim,
            "ecs",
            "UpdateExpressGatewayService",
            json!({"serviceArn": arn, "primaryContainer": {"image": format!("web:{n}")}}),
        );
    }
    sim.advance(3_600.0).unwrap();
    let described = call(
        &mut sim,
        "ecs",
        "DescribeExpressGatewayService",
        json!({"serviceArn": arn}),
    );
    let active = described["service"]["activeConfigurations"]
        .as_array()
        .unwrap();
    assert_eq!(active.len(), 1);
    assert_eq!(active[0]["primaryContainer"]["image"], "web:50");
}
