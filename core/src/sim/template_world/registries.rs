//! What a template's services are registered with: Cloud Map namespaces and services (before
//! the ECS services, whose `ServiceRegistries` name them) and Application Auto Scaling's
//! scalable targets with their scheduled actions (after, since they name the ECS services).

use super::Build;
use crate::api::application_autoscaling::shapes::{
    PUT_SCALING_POLICY_REQUEST, PUT_SCHEDULED_ACTION_REQUEST, REGISTER_SCALABLE_TARGET_REQUEST,
};
use crate::api::servicediscovery::shapes::CREATE_SERVICE_REQUEST;
use serde_json::{json, Value};

const NAMESPACES: [(&str, &str); 3] = [
    (
        "AWS::ServiceDiscovery::PrivateDnsNamespace",
        "CreatePrivateDnsNamespace",
    ),
    (
        "AWS::ServiceDiscovery::PublicDnsNamespace",
        "CreatePublicDnsNamespace",
    ),
    (
        "AWS::ServiceDiscovery::HttpNamespace",
        "CreateHttpNamespace",
    ),
];

/// Namespaces (their `Ref` and `Id` the namespace id) and Cloud Map services (`Ref` and `Id` the
/// service id, `Arn` its ARN, as ECS's `ServiceRegistries` take it).
pub(super) fn discovery(world: &mut Build<'_>) {
    for (kind, action) in NAMESPACES {
        for (id, resource) in world.of_type(kind) {
            let properties = world.properties(resource);
            let mut input =
                json!({ "Name": properties.get("Name").cloned().unwrap_or(Value::Null) });
            if kind == "AWS::ServiceDiscovery::PrivateDnsNamespace" {
                input["Vpc"] = properties.get("Vpc").cloned().unwrap_or(json!("vpc-ecsim"));
            }
            let Some(created) = world.call(id, "servicediscovery", action, input) else {
                continue;
            };
            let operation = created.get("OperationId").cloned().unwrap_or(Value::Null);
            let done = world.sim.call(
                "servicediscovery",
                "GetOperation",
                json!({ "OperationId": operation }),
            );
            let namespace = done.ok().and_then(|o| {
                o.pointer("/Operation/Targets/NAMESPACE")
                    .and_then(Value::as_str)
                    .map(str::to_string)
            });
            if let Some(namespace) = namespace {
                world.remember(id, &namespace, &[("Id", &namespace)]);
            }
        }
    }
    for (id, resource) in world.of_type("AWS::ServiceDiscovery::Service") {
        let properties = world.properties(resource);
        let input = world.api_input(&properties, &CREATE_SERVICE_REQUEST);
        let Some(created) = world.call(id, "servicediscovery", "CreateService", input) else {
            continue;
        };
        let field = |name: &str| {
            created
                .pointer(&format!("/Service/{name}"))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        if let (Some(service_id), Some(arn), Some(name)) =
            (field("Id"), field("Arn"), field("Name"))
        {
            world.remember(
                id,
                &service_id,
                &[("Id", &service_id), ("Arn", &arn), ("Name", &name)],
            );
        }
    }
}

/// Scalable targets of ECS services (resource ids `service/<cluster>/<service>`, usually built
/// with `Fn::Join` from the cluster's `Ref` and the service's `Name`) and their scheduled actions.
pub(super) fn scalable_targets(world: &mut Build<'_>) {
    for (id, resource) in world.of_type("AWS::ApplicationAutoScaling::ScalableTarget") {
        let properties = world.properties(resource);
        let mut target = properties.clone();
        if let Some(object) = target.as_object_mut() {
            object.remove("ScheduledActions");
        }
        let input = world.api_input(&target, &REGISTER_SCALABLE_TARGET_REQUEST);
        if world
            .call(
                id,
                "application-autoscaling",
                "RegisterScalableTarget",
                input.clone(),
            )
            .is_none()
        {
            continue;
        }
        // A policy names its target by the target's Ref, CloudFormation's id for it.
        let target_id = ["ServiceNamespace", "ResourceId", "ScalableDimension"]
            .map(|m| {
                input
                    .get(m)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            })
            .join("|");
        world.remember(id, &target_id, &[]);
        let actions = properties
            .get("ScheduledActions")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for action in actions {
            let mut request = world.api_input(&action, &PUT_SCHEDULED_ACTION_REQUEST);
            for member in ["ServiceNamespace", "ResourceId", "ScalableDimension"] {
                request[member] = input.get(member).cloned().unwrap_or(Value::Null);
            }
            if world
                .call(id, "application-autoscaling", "PutScheduledAction", request)
                .is_none()
            {
                break;
            }
        }
    }
}

/// Scaling policies: `ScalingTargetId` (a scalable target's `Ref`) or the target's own three
/// members, then PutScalingPolicy (a target tracking policy creates its alarms).
pub(super) fn scaling_policies(world: &mut Build<'_>) {
    for (id, resource) in world.of_type("AWS::ApplicationAutoScaling::ScalingPolicy") {
        let mut properties = world.properties(resource);
        let target = properties
            .get("ScalingTargetId")
            .and_then(Value::as_str)
            .map(|t| t.split('|').map(str::to_string).collect::<Vec<_>>());
        if let (Some([namespace, resource_id, dimension]), Some(object)) =
            (target.as_deref(), properties.as_object_mut())
        {
            object.remove("ScalingTargetId");
            object.insert("ServiceNamespace".into(), json!(namespace));
            object.insert("ResourceId".into(), json!(resource_id));
            object.insert("ScalableDimension".into(), json!(dimension));
        }
        let input = world.api_input(&properties, &PUT_SCALING_POLICY_REQUEST);
        world.call(id, "application-autoscaling", "PutScalingPolicy", input);
    }
}
