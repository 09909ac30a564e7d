//! Application Auto Scaling's state stays bounded: scaling activities older than six weeks are
//! forgotten, however long the simulation runs.
#![allow(clippy::unwrap_used)]

use ecsim_core::Simulation;
use serde_json::{json, Value};

fn call(sim: &mut Simulation, service: &str, action: &str, input: Value) -> Value {
    sim.call(service, action, input).unwrap()
}

#[test]
fn activities_are_kept_six_weeks() {
    let mut sim = Simulation::default();
    call(
        &mut sim,
        "ecs",
        "CreateCluster",
        json!({"clusterName": "c", "capacityProviders": ["FARGATE"]}),
    );
    call(
        &mut sim,
        "ecs",
        "RegisterTaskDefinition",
        json!({"family": "w", "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
        "containerDefinitions": [{"name": "w", "image": "w"}]}),
    );
    call(
        &mut sim,
        "ecs",
        "CreateService",
        json!({"cluster": "c", "serviceName": "s", "taskDefinition": "w",
        "desiredCount": 1, "launchType": "FARGATE",
        "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-a"]}}}),
    );
    let target = json!({"ServiceNamespace": "ecs", "ResourceId": "service/c/s",
        "ScalableDimension": "ecs:service:DesiredCount"});
    let with = |extra: Value| {
        let mut input = target.clone();
        input
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        input
    };
    call(
        &mut sim,
        "application-autoscaling",
        "RegisterScalableTarget",
        with(json!({"MinCapacity": 1, "MaxCapacity": 4})),
    );
    // Up to 3 every morning, down to 1 every evening: two activities a day.
    call(
        &mut sim,
        "application-autoscaling",
        "PutScheduledAction",
        with(json!({"ScheduledActionName": "up",
        "Schedule": "cron(0 8 * * ? *)", "ScalableTargetAction": {"MinCapacity": 3, "MaxCapacity": 4}})),
    );
    call(
        &mut sim,
        "application-autoscaling",
        "PutScheduledAction",
        with(json!({"ScheduledActionName": "down",
        "Schedule": "cron(0 20 * * ? *)", "ScalableTargetAction": {"MinCapacity": 1, "MaxCapacity": 1}})),
    );
    sim.advance(60.0 * 86_400.0).unwrap();
    let mut activities = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut input = with(json!({}));
        input.as_object_mut().unwrap().remove("ScalableDimension");
        if let Some(t) = &token {
            input["NextToken"] = json!(t);
        }
        let page = call(
            &mut sim,
            "application-autoscaling",
            "DescribeScalingActivities",
            input,
        );
        activities.extend(page["ScalingActivities"].as_array().unwrap().clone());
        match page["NextToken"].as_str() {
            Some(next) => token = Some(next.to_string()),
            None => break,
        }
    }
    // 60 days made 120; the last six weeks hold 84.
    assert_eq!(activities.len(), 84);
    let oldest = activities.last().unwrap()["StartTime"].as_f64().unwrap();
    assert!(sim.now() - oldest <= 42.0 * 86_400.0);
}
