//! Properties of service auto scaling over random load traces: the desired count stays within
//! [min, max] at every minute; nothing scales in while the low alarm still lacks its 15
//! datapoints or while a deployment runs; the same trace gives the same activities.
#![allow(clippy::unwrap_used)]

use ecsim_core::Simulation;
use proptest::prelude::*;
use serde_json::{json, Value};

const RESOURCE: &str = "service/shop/web";

fn call(sim: &mut Simulation, service: &str, action: &str, input: Value) -> Value {
    sim.call(service, action, input).unwrap()
}

/// A service under a target tracking policy and a step policy, given `trace` (CPU units a
/// minute); returns the desired count after each minute and the activities.
fn run(trace: &[u32], min: u32, max: u32) -> (Vec<u64>, Value) {
    let (desired, activities, _) = run_deploying(trace, min, max, &[]);
    (desired, activities)
}

/// `run`, forcing a new deployment at the start of each minute of `deploy_at`; tasks then take
/// the default times to start and stop and pass a health check after a minute, so that a
/// deployment lasts longer than alarm periods. Also returns the service's events.
fn run_deploying(
    trace: &[u32],
    min: u32,
    max: u32,
    deploy_at: &[usize],
) -> (Vec<u64>, Value, Value) {
    let config = if deploy_at.is_empty() {
        json!({"taskTimings": "instant"})
    } else {
        json!({})
    };
    let mut sim = Simulation::new(serde_json::from_value(config).unwrap());
    // With deployments, a health check two minutes apart makes each one outlast alarm periods.
    let mut container = json!({"name": "web", "image": "nginx"});
    if !deploy_at.is_empty() {
        container["healthCheck"] = json!({"command": ["CMD-SHELL", "true"], "interval": 120});
    }
    call(
        &mut sim,
        "ecs",
        "CreateCluster",
        json!({"clusterName": "shop", "capacityProviders": ["FARGATE"]}),
    );
    call(
        &mut sim,
        "ecs",
        "RegisterTaskDefinition",
        json!({"family": "web", "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512", "containerDefinitions": [container]}),
    );
    call(
        &mut sim,
        "ecs",
        "CreateService",
        json!({"cluster": "shop", "serviceName": "web", "taskDefinition": "web",
        "desiredCount": 3, "launchType": "FARGATE", "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}}),
    );
    let target = json!({"ServiceNamespace": "ecs", "ResourceId": RESOURCE, "ScalableDimension": "ecs:service:DesiredCount"});
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
        with(json!({"MinCapacity": min, "MaxCapacity": max})),
    );
    call(
        &mut sim,
        "application-autoscaling",
        "PutScalingPolicy",
        with(
            json!({"PolicyName": "cpu", "PolicyType": "TargetTrackingScaling",
        "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 50, "ScaleInCooldown": 60, "ScaleOutCooldown": 60,
            "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}}}),
        ),
    );
    let points: Vec<Value> = trace
        .iter()
        .enumerate()
        .map(|(m, cpu)| json!({"at": m * 60, "cpu": cpu}))
        .collect();
    call(
        &mut sim,
        "ecsim",
        "PutServiceLoad",
        json!({"cluster": "shop", "service": "web", "trace": points}),
    );
    let mut desired = Vec::new();
    let mut events = Value::Null;
    for minute in 0..trace.len() {
        if deploy_at.contains(&minute) {
            call(
                &mut sim,
                "ecs",
                "UpdateService",
                json!({"cluster": "shop", "service": "web", "forceNewDeployment": true}),
            );
        }
        sim.advance(60.0).unwrap();
        let service = call(
            &mut sim,
            "ecs",
            "DescribeServices",
            json!({"cluster": "shop", "services": ["web"]}),
        );
        desired.push(service["services"][0]["desiredCount"].as_u64().unwrap());
        events = service["services"][0]["events"].clone();
    }
    let activities = call(
        &mut sim,
        "application-autoscaling",
        "DescribeScalingActivities",
        json!({"ServiceNamespace": "ecs", "ResourceId": RESOURCE, "MaxResults": 50}),
    );
    (desired, activities, events)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn capacity_stays_within_bounds_and_scale_in_waits_for_data(
        trace in prop::collection::vec(0u32..4000, 20..50),
        min in 1u32..4,
        spread in 0u32..8,
    ) {
        let max = min + spread;
        let (desired, activities) = run(&trace, min, max);
        // The registration itself brings the count within the bounds at once.
        prop_assert!(desired.iter().all(|&d| (u64::from(min)..=u64::from(max)).contains(&d)), "{desired:?}");
        let start = 1_735_689_600.0;
        for activity in activities["ScalingActivities"].as_array().unwrap() {
            let cause = activity["Cause"].as_str().unwrap();
            if cause.contains("-AlarmLow-") {
                let at = activity["StartTime"].as_f64().unwrap();
                prop_assert!(at >= start + 15.0 * 60.0, "scaled in at {at} before 15 datapoints: {cause}");
            }
        }
    }

    #[test]
    fn the_same_trace_gives_the_same_activities(trace in prop::collection::vec(0u32..4000, 20..40)) {
        let strip = |(desired, activities): (Vec<u64>, Value)| {
            let causes: Vec<Value> = activities["ScalingActivities"].as_array().unwrap().iter()
                .map(|a| json!([a["StartTime"], a["Description"], a["Cause"]])).collect();
            (desired, causes)
        };
        prop_assert_eq!(strip(run(&trace, 1, 10)), strip(run(&trace, 1, 10)));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    /// Every scale-in happens outside the deployments: none between a forced deployment's start
    /// and its "deployment completed" event.
    #[test]
    fn nothing_scales_in_while_a_deployment_runs(
        high in 3usize..8,
        light in 0u32..300,
        deployments in prop::collection::vec(12usize..20, 1..4),
    ) {
        // A heavy load, then a light one whose low alarm fires around the deployments.
        let mut trace = vec![3000; high];
        trace.extend(vec![light; 30]);
        // One deployment always spans the minutes the low alarm needs to fire.
        let deploy_at: Vec<usize> = std::iter::once(high + 15).chain(deployments.iter().map(|m| high + m)).collect();
        let (_, activities, events) = run_deploying(&trace, 1, 10, &deploy_at);
        let start = 1_735_689_600.0;
        let completions: Vec<f64> = events.as_array().unwrap().iter()
            .filter(|e| e["message"].as_str().unwrap().ends_with("deployment completed."))
            .map(|e| e["createdAt"].as_f64().unwrap())
            .collect();
        for activity in activities["ScalingActivities"].as_array().unwrap() {
            let cause = activity["Cause"].as_str().unwrap();
            if !cause.contains("-AlarmLow-") {
                continue;
            }
            let at = activity["StartTime"].as_f64().unwrap();
            for &minute in &deploy_at {
                let began = start + minute as f64 * 60.0;
                // The deployment that began then ended at the first completion after it.
                let ended = completions.iter().copied().filter(|&c| c >= began).fold(f64::INFINITY, f64::min);
                prop_assert!(!(began < at && at < ended), "scaled in at {at} during the deployment of {began}..{ended}: {cause}");
            }
        }
    }
}

#[test]
fn a_heavy_load_scales_out_to_the_maximum_and_a_light_one_back_to_the_minimum() {
    let mut trace = vec![4000; 10];
    trace.extend(vec![10; 30]);
    let (desired, _) = run(&trace, 2, 8);
    assert_eq!(desired[9], 8, "{desired:?}");
    assert_eq!(*desired.last().unwrap(), 2, "{desired:?}");
}
