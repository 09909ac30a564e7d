//! CloudWatch on long runs: samples older than 15 days and history older than 30 days are
//! forgotten, high-resolution alarms are evaluated every period, and the same calls give the
//! same alarm history.
#![allow(clippy::unwrap_used)]

use ecsim_core::Simulation;
use serde_json::{json, Value};

fn call(sim: &mut Simulation, action: &str, input: Value) -> Value {
    sim.call("cloudwatch", action, input).unwrap()
}

const DAY: f64 = 86_400.0;

/// A metric published every 10 minutes for `days`, under an alarm that flips twice a day.
fn run(days: u32) -> Simulation {
    let mut sim = Simulation::default();
    let alarm = json!({"AlarmName": "a", "Namespace": "N", "MetricName": "M", "Statistic": "Maximum",
        "Period": 600, "EvaluationPeriods": 1, "Threshold": 50, "ComparisonOperator": "GreaterThanThreshold",
        "AlarmActions": ["arn:aws:sns:us-east-1:123456789012:t"]});
    call(&mut sim, "PutMetricAlarm", alarm);
    for step in 0..days * 144 {
        let high = (step / 72) % 2 == 1;
        let input = json!({"Namespace": "N", "MetricData": [{"MetricName": "M", "Value": if high { 90 } else { 10 }}]});
        call(&mut sim, "PutMetricData", input);
        sim.advance(600.0).unwrap();
    }
    sim
}

#[test]
fn state_stays_bounded_on_long_runs() {
    let mut sim = run(40);
    let now = sim.now();
    let old = call(
        &mut sim,
        "GetMetricStatistics",
        json!({"Namespace": "N", "MetricName": "M",
        "StartTime": now - 20.0 * DAY, "EndTime": now - 16.0 * DAY, "Period": 86_400, "Statistics": ["SampleCount"]}),
    );
    assert_eq!(
        old["Datapoints"],
        json!([]),
        "samples older than 15 days are forgotten"
    );
    let recent = call(
        &mut sim,
        "GetMetricStatistics",
        json!({"Namespace": "N", "MetricName": "M",
        "StartTime": now - 10.0 * DAY, "EndTime": now - 9.0 * DAY, "Period": 86_400, "Statistics": ["SampleCount"]}),
    );
    assert_eq!(recent["Datapoints"][0]["SampleCount"], json!(144.0));
    let mut items = Vec::new();
    let mut token = Value::Null;
    loop {
        let mut input = json!({"AlarmName": "a", "MaxRecords": 100});
        if !token.is_null() {
            input["NextToken"] = token.clone();
        }
        let page = call(&mut sim, "DescribeAlarmHistory", input);
        items.extend(page["AlarmHistoryItems"].as_array().unwrap().clone());
        token = page.get("NextToken").cloned().unwrap_or(Value::Null);
        if token.is_null() {
            break;
        }
    }
    let oldest = items
        .iter()
        .map(|i| i["Timestamp"].as_f64().unwrap())
        .fold(f64::MAX, f64::min);
    assert!(
        oldest >= now - 30.0 * DAY,
        "history older than 30 days is forgotten: {} days old",
        (now - oldest) / DAY
    );
    // Two state changes and one notification a day for the last 30 days.
    assert!((85..=95).contains(&items.len()), "{} items", items.len());
}

#[test]
fn the_same_calls_give_the_same_history() {
    let mut first = run(2);
    let mut second = run(2);
    let history = |sim: &mut Simulation| call(sim, "DescribeAlarmHistory", json!({}));
    assert_eq!(history(&mut first), history(&mut second));
}

#[test]
fn a_high_resolution_alarm_is_evaluated_every_ten_seconds() {
    let mut sim = Simulation::default();
    call(
        &mut sim,
        "PutMetricAlarm",
        json!({"AlarmName": "fast", "Namespace": "N", "MetricName": "M",
        "Statistic": "Average", "Period": 10, "EvaluationPeriods": 1, "Threshold": 1,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold"}),
    );
    call(
        &mut sim,
        "PutMetricData",
        json!({"Namespace": "N", "MetricData": [{"MetricName": "M", "Value": 5, "StorageResolution": 1}]}),
    );
    sim.advance(10.0).unwrap();
    let state = |sim: &mut Simulation| {
        call(sim, "DescribeAlarms", json!({}))["MetricAlarms"][0]["StateValue"].clone()
    };
    assert_eq!(state(&mut sim), json!("ALARM"));
    sim.advance(10.0).unwrap();
    assert_eq!(state(&mut sim), json!("INSUFFICIENT_DATA"));
}

#[test]
fn a_loaded_cluster_publishes_its_reservations() {
    let mut sim =
        Simulation::new(serde_json::from_value(json!({"taskTimings": "instant"})).unwrap());
    let ecs =
        |sim: &mut Simulation, action: &str, input: Value| sim.call("ecs", action, input).unwrap();
    ecs(&mut sim, "CreateCluster", json!({"clusterName": "c"}));
    ecs(
        &mut sim,
        "RegisterContainerInstance",
        json!({"cluster": "c", "instanceType": "m5.large", "availabilityZone": "us-east-1a"}),
    );
    ecs(
        &mut sim,
        "RegisterTaskDefinition",
        json!({"family": "w", "containerDefinitions": [{"name": "w", "image": "w", "cpu": 512, "memory": 1024}]}),
    );
    ecs(
        &mut sim,
        "CreateService",
        json!({"cluster": "c", "serviceName": "s", "taskDefinition": "w", "desiredCount": 2}),
    );
    sim.call(
        "ecsim",
        "PutServiceLoad",
        json!({"cluster": "c", "service": "s", "trace": [{"at": 0, "cpu": 512}]}),
    )
    .unwrap();
    sim.advance(120.0).unwrap();
    let stat = |sim: &mut Simulation, metric: &str, dimensions: Value| {
        call(sim, "GetMetricStatistics", json!({"Namespace": "AWS/ECS", "MetricName": metric, "Dimensions": dimensions,
            "StartTime": sim.now() - 120.0, "EndTime": sim.now(), "Period": 60, "Statistics": ["Average"]}))["Datapoints"][0]["Average"]
            .as_f64()
            .unwrap()
    };
    // Two tasks of 512 of the m5.large's 2,048 CPU units; half of a task's CPU each.
    assert_eq!(
        stat(
            &mut sim,
            "CPUReservation",
            json!([{"Name": "ClusterName", "Value": "c"}])
        ),
        50.0
    );
    let service =
        json!([{"Name": "ClusterName", "Value": "c"}, {"Name": "ServiceName", "Value": "s"}]);
    assert_eq!(stat(&mut sim, "CPUUtilization", service), 50.0);
}

#[test]
fn a_huge_range_is_refused_before_any_period_is_walked() {
    let mut sim = Simulation::default();
    let statistics = sim.call(
        "cloudwatch",
        "GetMetricStatistics",
        json!({"Namespace": "N", "MetricName": "M",
        "StartTime": 0, "EndTime": 1e15, "Period": 1, "Statistics": ["Sum"]}),
    );
    assert_eq!(
        statistics.unwrap_err().code.as_str(),
        "InvalidParameterValueException"
    );
    let data = sim.call("cloudwatch", "GetMetricData", json!({"StartTime": 0, "EndTime": 1e15,
        "MetricDataQueries": [{"Id": "m", "MetricStat": {"Metric": {"Namespace": "N", "MetricName": "M"}, "Period": 1, "Stat": "Sum"}}]}));
    assert_eq!(
        data.unwrap_err().code.as_str(),
        "InvalidParameterValueException"
    );
}
