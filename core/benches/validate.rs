//! Validation speed: one realistic task definition in the API and CloudFormation shapes, and a
//! CloudFormation template of 100 task definitions read from JSON text (the cfn-lint comparison
//! in docs/benchmarks.md uses the same template, written by `bench/validate.py`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ecsim_core::{validate_task_definition, validate_template_text, ValidationOptions};
use serde_json::{json, Value};
use std::hint::black_box;

fn shop_template() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/templates/shop.template.json"
    ))
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

/// 25 copies of the four task definitions of the shop template: 100 in all.
pub fn hundred(template: &Value) -> Value {
    let mut resources = serde_json::Map::new();
    for copy in 0..25 {
        for (id, resource) in template["Resources"].as_object().unwrap() {
            if resource["Type"] == "AWS::ECS::TaskDefinition" {
                resources.insert(format!("{id}{copy}"), resource.clone());
            }
        }
    }
    json!({ "Resources": resources })
}

fn api_shape() -> Value {
    json!({
        "family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "1 vCPU", "memory": "2 GB",
        "executionRoleArn": "arn:aws:iam::123456789012:role/exec",
        "containerDefinitions": [
            {"name": "web", "image": "shop:latest", "essential": true, "memoryReservation": 1024,
             "portMappings": [{"containerPort": 8080, "name": "http"}], "environment": [{"name": "STAGE", "value": "prod"}],
             "healthCheck": {"command": ["CMD-SHELL", "curl -f localhost:8080"], "interval": 30, "timeout": 5},
             "dependsOn": [{"containerName": "envoy", "condition": "HEALTHY"}],
             "logConfiguration": {"logDriver": "awsfirelens", "options": {"Name": "cloudwatch"}}},
            {"name": "envoy", "image": "envoy", "memoryReservation": 256, "user": "1337",
             "healthCheck": {"command": ["CMD", "true"], "interval": 5, "timeout": 2},
             "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/shop", "awslogs-region": "us-east-1"}}},
            {"name": "log-router", "image": "fluent-bit", "memoryReservation": 64, "firelensConfiguration": {"type": "fluentbit"}}
        ]
    })
}

fn benches(c: &mut Criterion) {
    let api = api_shape();
    assert!(validate_task_definition(&api).is_empty());
    let cloudformation = shop_template()["Resources"]["WebTaskDef1A2B3C4D"]["Properties"].clone();
    let text = serde_json::to_string_pretty(&hundred(&shop_template())).unwrap();
    let options = ValidationOptions::default();
    assert_eq!(validate_template_text(&text, &options).resources.len(), 100);

    let mut group = c.benchmark_group("validate");
    group.throughput(Throughput::Elements(1));
    group.bench_function("task definition, API shape (3 containers)", |b| {
        b.iter(|| validate_task_definition(black_box(&api)))
    });
    group.bench_function(
        "task definition, CloudFormation shape (4 containers)",
        |b| b.iter(|| validate_task_definition(black_box(&cloudformation))),
    );
    let converted = ecsim_core::taskdef::cfn::to_api(
        &cloudformation,
        &ecsim_core::api::ecs::shapes::REGISTER_TASK_DEFINITION_REQUEST,
        &mut Vec::new(),
    )
    .value;
    group.bench_function("the same 4 containers, API shape", |b| {
        b.iter(|| validate_task_definition(black_box(&converted)))
    });
    group.throughput(Throughput::Elements(100));
    group.bench_function("template of 100 task definitions, JSON text", |b| {
        b.iter(|| validate_template_text(black_box(&text), &options))
    });
    group.bench_function("template of 100 task definitions, parsed value", |b| {
        let value: Value = serde_json::from_str(&text).unwrap();
        b.iter(|| ecsim_core::validate_template(black_box(&value), &options))
    });
    group.bench_function(
        "template of 100 task definitions, YAML reader alone on the JSON text",
        |b| {
            b.iter(|| {
                ecsim_core::template::source::parse(black_box(&text)).map(|s| s.positions.len())
            })
        },
    );
    group.finish();
}

criterion_group!(validate, benches);
criterion_main!(validate);
