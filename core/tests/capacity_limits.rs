//! The quotas that bound what loops of EC2 and Auto Scaling calls make a simulation keep:
//! 10,000 versions a launch template, 500 Auto Scaling groups; the refused group is not made.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use ecsim_core::{Simulation, SimulationConfig};
use serde_json::json;

#[test]
fn launch_template_versions_and_groups_are_bounded() {
    let mut sim = Simulation::new(SimulationConfig::default());
    sim.call(
        "ec2",
        "CreateLaunchTemplate",
        json!({"LaunchTemplateName": "nodes", "LaunchTemplateData": {"InstanceType": "m5.large"}}),
    )
    .unwrap();
    for _ in 1..10_000 {
        sim.call(
            "ec2",
            "CreateLaunchTemplateVersion",
            json!({"LaunchTemplateName": "nodes", "LaunchTemplateData": {}}),
        )
        .unwrap();
    }
    let refused = sim
        .call(
            "ec2",
            "CreateLaunchTemplateVersion",
            json!({"LaunchTemplateName": "nodes", "LaunchTemplateData": {}}),
        )
        .unwrap_err();
    assert_eq!(refused.code.as_str(), "InvalidParameterValue");
    let described = sim
        .call("ec2", "DescribeLaunchTemplates", json!({}))
        .unwrap();
    assert_eq!(
        described["LaunchTemplates"][0]["LatestVersionNumber"],
        10_000
    );
    for n in 0..500 {
        sim.call("autoscaling", "CreateAutoScalingGroup", json!({"AutoScalingGroupName": format!("g{n}"), "LaunchTemplate": {"LaunchTemplateName": "nodes"}, "MinSize": 0, "MaxSize": 1, "AvailabilityZones": ["us-east-1a"]})).unwrap();
    }
    let refused = sim
        .call("autoscaling", "CreateAutoScalingGroup", json!({"AutoScalingGroupName": "one-more", "LaunchTemplate": {"LaunchTemplateName": "nodes"}, "MinSize": 0, "MaxSize": 1, "AvailabilityZones": ["us-east-1a"]}))
        .unwrap_err();
    assert_eq!(refused.code.as_str(), "LimitExceededFault");
    let groups = sim
        .call(
            "autoscaling",
            "DescribeAutoScalingGroups",
            json!({"AutoScalingGroupNames": ["one-more", "g499"]}),
        )
        .unwrap();
    assert_eq!(groups["AutoScalingGroups"].as_array().unwrap().len(), 1);
}
