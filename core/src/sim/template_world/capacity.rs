//! The EC2 capacity a template declares: each Auto Scaling group starts `DesiredCapacity` (else
//! `MinSize`) instances of its launch configuration's or launch template's instance type, spread
//! over its subnets' zones, registered in the cluster its user data names
//! (`ECS_CLUSTER=` with a `Ref` to the cluster, as CDK writes it) or the cluster its capacity
//! provider is associated with.

use super::resolve::{count, referenced_id, references};
use super::Build;
use serde_json::{json, Value};

/// An Auto Scaling group's instances at most (ECS's container instances per cluster quota).
const MOST_INSTANCES: u64 = 5_000;

pub(super) fn start_instances(world: &mut Build<'_>) {
    for (id, resource) in world.of_type("AWS::AutoScaling::AutoScalingGroup") {
        let raw = resource.get("Properties").cloned().unwrap_or(Value::Null);
        let properties = world.properties(resource);
        let wanted = count(properties.get("DesiredCapacity"))
            .or_else(|| count(properties.get("MinSize")))
            .unwrap_or(0)
            .min(MOST_INSTANCES);
        let Some(launch) = launch_of(world, &raw) else {
            continue;
        };
        let Some(cluster) = cluster_of(world, id, launch) else {
            continue;
        };
        let Some(instance_type) = instance_type(world, launch, &raw) else {
            continue;
        };
        let zones = zones(world, &properties);
        for index in 0..wanted {
            let zone = &zones[usize::try_from(index).unwrap_or(0) % zones.len()];
            let input = json!({
                "cluster": cluster,
                "instanceType": instance_type,
                "availabilityZone": zone,
            });
            if world
                .call(id, "ecs", "RegisterContainerInstance", input)
                .is_none()
            {
                break;
            }
        }
    }
}

/// The logical id of the group's launch configuration or launch template.
fn launch_of<'t>(world: &Build<'t>, group: &Value) -> Option<&'t str> {
    let candidates = [
        group.get("LaunchConfigurationName"),
        group.pointer("/LaunchTemplate/LaunchTemplateId"),
        group.pointer("/LaunchTemplate/LaunchTemplateName"),
        group.pointer(
            "/MixedInstancesPolicy/LaunchTemplate/LaunchTemplateSpecification/LaunchTemplateId",
        ),
        group.pointer(
            "/MixedInstancesPolicy/LaunchTemplate/LaunchTemplateSpecification/LaunchTemplateName",
        ),
    ];
    let id = candidates.into_iter().flatten().find_map(referenced_id)?;
    world
        .resources
        .get_key_value(id)
        .map(|(key, _)| key.as_str())
}

/// The cluster a group's instances join: one its launch resource refers to (the user data's
/// `ECS_CLUSTER=`), else the one its capacity provider is associated with.
fn cluster_of(world: &Build<'_>, group: &str, launch: &str) -> Option<String> {
    let mut referred = Vec::new();
    references(world.resources.get(launch)?, &mut referred);
    let from_user_data = referred
        .iter()
        .find(|id| world.kind_of(id) == Some("AWS::ECS::Cluster"));
    let cluster_id = match from_user_data {
        Some(id) => id.clone(),
        None => cluster_of_provider(world, group)?,
    };
    world.names.refs.get(&cluster_id).cloned()
}

fn cluster_of_provider(world: &Build<'_>, group: &str) -> Option<String> {
    let provider = world
        .of_type("AWS::ECS::CapacityProvider")
        .into_iter()
        .find(|(_, r)| {
            r.pointer("/Properties/AutoScalingGroupProvider/AutoScalingGroupArn")
                .and_then(referenced_id)
                == Some(group)
        })?;
    world
        .of_type("AWS::ECS::ClusterCapacityProviderAssociations")
        .into_iter()
        .find(|(_, r)| {
            let mut referred = Vec::new();
            references(
                r.pointer("/Properties/CapacityProviders")
                    .unwrap_or(&Value::Null),
                &mut referred,
            );
            referred.iter().any(|id| id == provider.0)
        })
        .and_then(|(_, r)| r.pointer("/Properties/Cluster").and_then(referenced_id))
        .map(str::to_string)
}

/// The instance type: the launch configuration's, the launch template's, or the first override
/// of a mixed instances policy.
fn instance_type(world: &Build<'_>, launch: &str, group: &Value) -> Option<String> {
    let resource = world.resources.get(launch)?;
    let properties = world.properties(resource);
    let group = world.names.resolve(group);
    let found = [
        properties.get("InstanceType"),
        properties.pointer("/LaunchTemplateData/InstanceType"),
        group.pointer("/MixedInstancesPolicy/LaunchTemplate/Overrides/0/InstanceType"),
    ]
    .into_iter()
    .flatten()
    .find_map(|v| v.as_str().map(str::to_string));
    found
}

/// The zones of the group's subnets (`VPCZoneIdentifier`), else its `AvailabilityZones`, else
/// the region's zone a.
fn zones(world: &Build<'_>, properties: &Value) -> Vec<String> {
    let subnets = properties
        .get("VPCZoneIdentifier")
        .and_then(Value::as_array);
    let mut zones: Vec<String> = subnets
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter_map(|subnet| world.subnet_zones.get(subnet).cloned())
        .collect();
    if zones.is_empty() {
        zones = properties
            .get("AvailabilityZones")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .filter(|z| z.starts_with(&world.names.region))
            .map(str::to_string)
            .collect();
    }
    if zones.is_empty() {
        zones.push(format!("{}a", world.names.region));
    }
    zones
}
