//! A week of service auto scaling: 20 Fargate services, each with a 7-day trace of one point a
//! minute (a daily wave with noise), a target tracking policy on CPU, a step scaling policy on a
//! memory alarm, and scheduled actions raising the minimum for office hours in Paris. One run
//! is `advance(7 days)`: the load model's metrics every 20 s, every alarm evaluation, every
//! policy run and task start and stop. Target: under 250 ms (docs/benchmarks.md).

#![allow(clippy::unwrap_used)]

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use ecsim_core::{Simulation, SimulationConfig};
use serde_json::{json, Value};

const SERVICES: usize = 20;
const MINUTES: usize = 7 * 24 * 60;

fn call(sim: &mut Simulation, service: &str, action: &str, input: Value) -> Value {
    sim.call(service, action, input).unwrap()
}

/// The demand of service `s` at minute `m`: a daily wave between about 20% and 90% of eight
/// tasks' CPU, with a deterministic wobble.
fn demand(s: usize, m: usize) -> f64 {
    let day = (m % 1440) as f64 / 1440.0 * std::f64::consts::TAU;
    let wave = 0.55 - 0.35 * (day + s as f64 * 0.3).cos();
    let wobble = ((m * 7919 + s * 104_729) % 100) as f64 / 1000.0;
    8.0 * 256.0 * (wave + wobble)
}

fn world() -> Simulation {
    let config: SimulationConfig = serde_json::from_value(json!({"seed": 7})).unwrap();
    let mut sim = Simulation::new(config);
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
        "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
        "containerDefinitions": [{"name": "web", "image": "nginx"}]}),
    );
    for s in 0..SERVICES {
        let name = format!("web-{s}");
        let resource = format!("service/shop/{name}");
        let target = json!({"ServiceNamespace": "ecs", "ResourceId": resource, "ScalableDimension": "ecs:service:DesiredCount"});
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
            "ecs",
            "CreateService",
            json!({"cluster": "shop", "serviceName": name, "taskDefinition": "web",
            "desiredCount": 4, "launchType": "FARGATE", "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1", "subnet-2"]}}}),
        );
        call(
            &mut sim,
            "application-autoscaling",
            "RegisterScalableTarget",
            with(json!({"MinCapacity": 2, "MaxCapacity": 30})),
        );
        call(
            &mut sim,
            "application-autoscaling",
            "PutScalingPolicy",
            with(
                json!({"PolicyName": "cpu", "PolicyType": "TargetTrackingScaling",
            "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 50,
                "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}}}),
            ),
        );
        let step = call(
            &mut sim,
            "application-autoscaling",
            "PutScalingPolicy",
            with(json!({"PolicyName": "memory", "PolicyType": "StepScaling",
            "StepScalingPolicyConfiguration": {"AdjustmentType": "ChangeInCapacity", "Cooldown": 120,
                "StepAdjustments": [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 2}]}})),
        );
        call(
            &mut sim,
            "cloudwatch",
            "PutMetricAlarm",
            json!({"AlarmName": format!("{name}-memory"), "Namespace": "AWS/ECS",
            "MetricName": "MemoryUtilization", "Dimensions": [{"Name": "ClusterName", "Value": "shop"}, {"Name": "ServiceName", "Value": name}],
            "Statistic": "Maximum", "Period": 60, "EvaluationPeriods": 2, "Threshold": 80, "ComparisonOperator": "GreaterThanThreshold",
            "AlarmActions": [step["PolicyARN"]]}),
        );
        for (action, cron, min) in [
            ("office-hours", "cron(0 9 ? * MON-FRI *)", 6),
            ("evening", "cron(0 18 ? * MON-FRI *)", 2),
        ] {
            call(
                &mut sim,
                "application-autoscaling",
                "PutScheduledAction",
                with(json!({"ScheduledActionName": action,
                "Schedule": cron, "Timezone": "Europe/Paris", "ScalableTargetAction": {"MinCapacity": min}})),
            );
        }
        let trace: Vec<Value> = (0..MINUTES)
            .map(|m| json!({"at": m * 60, "cpu": demand(s, m), "memory": 1200.0 + demand(s, m) / 2.0}))
            .collect();
        call(
            &mut sim,
            "ecsim",
            "PutServiceLoad",
            json!({"cluster": "shop", "service": name, "trace": trace, "memoryPerTask": 128}),
        );
    }
    sim
}

fn week(c: &mut Criterion) {
    let mut group = c.benchmark_group("autoscaling");
    group.sample_size(10);
    group.bench_function(
        "7 days, 20 services, target tracking + step + scheduled",
        |b| {
            b.iter_batched(
                world,
                |mut sim| sim.advance(7.0 * 86_400.0).unwrap(),
                BatchSize::LargeInput,
            )
        },
    );
    group.finish();
    let mut sim = world();
    sim.advance(7.0 * 86_400.0).unwrap();
    let activities = (0..SERVICES)
        .map(|s| {
            let mut count = 0;
            let mut token = Value::Null;
            loop {
                let mut input = json!({"ServiceNamespace": "ecs", "ResourceId": format!("service/shop/web-{s}")});
                if !token.is_null() {
                    input["NextToken"] = token.clone();
                }
                let page = call(&mut sim, "application-autoscaling", "DescribeScalingActivities", input);
                count += page["ScalingActivities"].as_array().unwrap().len();
                token = page.get("NextToken").cloned().unwrap_or(Value::Null);
                if token.is_null() {
                    break count;
                }
            }
        })
        .sum::<usize>();
    println!("scaling activities in the week, 20 services: {activities}");
}

criterion_group!(benches, week);
criterion_main!(benches);
