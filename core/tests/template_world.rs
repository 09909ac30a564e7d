//! Templates run in a simulation (the SIM rules): the same answers every time, options that
//! are refused by name, and odd templates that neither panic nor invent findings.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ecsim_core::{validate_template_text, ValidationOptions};
use serde_json::json;

fn simulated() -> ValidationOptions {
    ValidationOptions {
        simulate: true,
        ..Default::default()
    }
}

fn codes(text: &str) -> Vec<(String, String)> {
    validate_template_text(text, &simulated())
        .all()
        .map(|(resource, d)| {
            let id = resource.map_or(String::new(), |r| r.logical_id.clone());
            (id, d.diagnostic.code.clone())
        })
        .collect()
}

const CDK_STYLE: &str = include_str!("../../tests/templates/shop.template.json");

#[test]
fn the_same_template_gives_the_same_report() {
    let first = validate_template_text(CDK_STYLE, &simulated());
    let second = validate_template_text(CDK_STYLE, &simulated());
    assert_eq!(first, second);
}

#[test]
fn simulate_seconds_is_checked_by_name() {
    for bad in [json!(-1), json!(1e9), json!("soon")] {
        let error =
            ValidationOptions::from_json(json!({ "simulate": true, "simulateSeconds": bad }))
                .expect_err("refused");
        assert!(error.starts_with("simulateSeconds:"), "{error}");
    }
    let python = ValidationOptions::from_json(json!({ "simulate_seconds": 60 })).unwrap();
    assert_eq!(python.simulate_seconds, 60.0);
}

#[test]
fn odd_templates_neither_panic_nor_invent_findings() {
    let cases = [
        // A group far beyond the quota: it starts the quota's 5,000 instances and no more.
        "Resources:\n  C: {Type: AWS::ECS::Cluster}\n  L: {Type: AWS::AutoScaling::LaunchConfiguration, Properties: {InstanceType: t3.micro, UserData: {Ref: C}}}\n  G: {Type: AWS::AutoScaling::AutoScalingGroup, Properties: {DesiredCapacity: '99999999', LaunchConfigurationName: {Ref: L}}}\n",
        // References that go in a circle, or nowhere; an unterminated Fn::Sub.
        "Resources:\n  A: {Type: AWS::ECS::Cluster, Properties: {ClusterName: {Ref: B}}}\n  B: {Type: AWS::ECS::Cluster, Properties: {ClusterName: {Ref: A}}}\n  T: {Type: AWS::ECS::TaskDefinition, Properties: {ContainerDefinitions: [{Name: a, Image: {'Fn::Sub': '${Nope'}, Memory: 128}]}}\n",
        // A service on a task definition that does not register: its own findings say why.
        "Resources:\n  T: {Type: AWS::ECS::TaskDefinition, Properties: {ContainerDefinitions: []}}\n  S: {Type: AWS::ECS::Service, Properties: {TaskDefinition: {Ref: T}}}\n",
        // Properties of the wrong types.
        "Resources:\n  S: {Type: AWS::ECS::Service, Properties: [1, 2]}\n  G: {Type: AWS::AutoScaling::AutoScalingGroup, Properties: {MinSize: {}}}\n",
    ];
    let found: Vec<Vec<(String, String)>> = cases.iter().map(|text| codes(text)).collect();
    assert!(found[0].is_empty(), "{:?}", found[0]);
    assert!(
        found[1].iter().all(|(_, code)| !code.starts_with("SIM")),
        "{:?}",
        found[1]
    );
    assert!(
        found[2]
            .iter()
            .all(|(id, code)| id == "T" && code.starts_with("TD")),
        "{:?}",
        found[2]
    );
    assert!(
        found[3].iter().all(|(_, code)| code == "SIM005"),
        "{:?}",
        found[3]
    );
}

#[test]
fn a_daemon_or_external_deployment_is_not_held_to_rolling_bounds() {
    let text = "Resources:\n  S:\n    Type: AWS::ECS::Service\n    Properties:\n      TaskDefinition: td:1\n      SchedulingStrategy: DAEMON\n      DeploymentConfiguration: {MinimumHealthyPercent: 100, MaximumPercent: 100}\n  E:\n    Type: AWS::ECS::Service\n    Properties:\n      TaskDefinition: td:1\n      DeploymentController: {Type: EXTERNAL}\n      DeploymentConfiguration: {MinimumHealthyPercent: 100, MaximumPercent: 100}\n";
    assert!(codes(text).iter().all(|(_, code)| code != "SIM003"));
}

#[test]
fn a_scheduled_action_of_the_template_scales_the_service_it_names() {
    let text = "Resources:\n  Cluster: {Type: AWS::ECS::Cluster}\n  Launch:\n    Type: AWS::AutoScaling::LaunchConfiguration\n    Properties: {InstanceType: t3.micro, UserData: {'Fn::Join': ['', ['ECS_CLUSTER=', {Ref: Cluster}]]}}\n  Group:\n    Type: AWS::AutoScaling::AutoScalingGroup\n    Properties: {MinSize: '1', MaxSize: '1', LaunchConfigurationName: {Ref: Launch}}\n  Td:\n    Type: AWS::ECS::TaskDefinition\n    Properties: {ContainerDefinitions: [{Name: app, Image: nginx, Memory: 400}]}\n  Service:\n    Type: AWS::ECS::Service\n    Properties: {Cluster: {Ref: Cluster}, TaskDefinition: {Ref: Td}, LaunchType: EC2, DesiredCount: 1}\n  Target:\n    Type: AWS::ApplicationAutoScaling::ScalableTarget\n    Properties:\n      ServiceNamespace: ecs\n      ScalableDimension: ecs:service:DesiredCount\n      ResourceId: {'Fn::Join': ['/', [service, {Ref: Cluster}, {'Fn::GetAtt': [Service, Name]}]]}\n      MinCapacity: 1\n      MaxCapacity: 1\n      ScheduledActions: [{ScheduledActionName: peak, Schedule: 'rate(5 minutes)', ScalableTargetAction: {MinCapacity: 4, MaxCapacity: 4}}]\n";
    let report = validate_template_text(text, &simulated());
    let found: Vec<&str> = report
        .all()
        .map(|(_, d)| d.diagnostic.message.as_str())
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("2 of 4 tasks running"), "{found:?}");
}

#[test]
fn a_scaling_policy_aws_would_refuse_is_reported_on_the_policy() {
    let text = "Resources:\n  Cluster: {Type: AWS::ECS::Cluster}\n  Td:\n    Type: AWS::ECS::TaskDefinition\n    Properties: {RequiresCompatibilities: [FARGATE], NetworkMode: awsvpc, Cpu: '256', Memory: '512', ContainerDefinitions: [{Name: app, Image: nginx}]}\n  Service:\n    Type: AWS::ECS::Service\n    Properties: {Cluster: {Ref: Cluster}, TaskDefinition: {Ref: Td}, LaunchType: FARGATE, NetworkConfiguration: {AwsvpcConfiguration: {Subnets: [subnet-1]}}}\n  Target:\n    Type: AWS::ApplicationAutoScaling::ScalableTarget\n    Properties:\n      ServiceNamespace: ecs\n      ScalableDimension: ecs:service:DesiredCount\n      ResourceId: {'Fn::Join': ['', [service/, {Ref: Cluster}, /, {'Fn::GetAtt': [Service, Name]}]]}\n      MinCapacity: 1\n      MaxCapacity: 4\n  Good:\n    Type: AWS::ApplicationAutoScaling::ScalingPolicy\n    Properties: {PolicyName: cpu, PolicyType: TargetTrackingScaling, ScalingTargetId: {Ref: Target}, TargetTrackingScalingPolicyConfiguration: {TargetValue: 50, PredefinedMetricSpecification: {PredefinedMetricType: ECSServiceAverageCPUUtilization}}}\n  Bad:\n    Type: AWS::ApplicationAutoScaling::ScalingPolicy\n    Properties: {PolicyName: steps, PolicyType: StepScaling, ScalingTargetId: {Ref: Target}, StepScalingPolicyConfiguration: {StepAdjustments: [{ScalingAdjustment: 1}]}}\n";
    let found = codes(text);
    assert_eq!(
        found,
        vec![("Bad".to_string(), "SIM005".to_string())],
        "{found:?}"
    );
}
