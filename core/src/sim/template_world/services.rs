//! The template's ECS services: checked against their task definitions (SIM003, SIM004,
//! SIM006), created in the simulation (SIM005), and examined once the clock has run (SIM001,
//! SIM002).

use super::resolve::{count, referenced_id, scalar_text};
use super::{generated_name, is_fargate, rules, Build};
use crate::api::ecs::shapes::CREATE_SERVICE_REQUEST;
use crate::scaling::math::rolling_update_bounds;
use serde_json::{json, Value};

/// A service the simulation created, to examine after the clock ran.
pub(super) struct Created {
    id: String,
    cluster: String,
    name: String,
}

pub(super) fn create(world: &mut Build<'_>) -> Vec<Created> {
    let mut created = Vec::new();
    let mut default_cluster = false;
    for (id, resource) in world.of_type("AWS::ECS::Service") {
        let raw = resource.get("Properties").cloned().unwrap_or(Value::Null);
        let mut properties = world.properties(resource);
        check_deployment(world, id, &properties);
        let task_definition = raw.get("TaskDefinition").and_then(referenced_id);
        if let Some(td) =
            task_definition.filter(|td| world.kind_of(td) == Some("AWS::ECS::TaskDefinition"))
        {
            if !world.names.refs.contains_key(td) {
                // The task definition's own findings say why it is not registered.
                continue;
            }
            let td_properties = world.properties(&world.resources[td]);
            let compatible = check_launch(world, id, &properties, &td_properties);
            let balanced = check_load_balancers(world, id, &properties, &td_properties);
            if !(compatible && balanced) {
                continue;
            }
        }
        if let Some(strategies) = properties
            .as_object_mut()
            .and_then(|p| p.remove("PlacementStrategies"))
        {
            properties["PlacementStrategy"] = strategies;
        }
        let mut input = world.api_input(&properties, &CREATE_SERVICE_REQUEST);
        run_group_providers_as_ec2(world, &mut input);
        let name = input
            .get("serviceName")
            .and_then(Value::as_str)
            .map_or_else(|| generated_name(id, 255), str::to_string);
        input["serviceName"] = json!(name);
        // CloudFormation starts a new REPLICA service with one task when DesiredCount is absent.
        let daemon = input.get("schedulingStrategy").and_then(Value::as_str) == Some("DAEMON");
        if input.get("desiredCount").is_none() && !daemon {
            input["desiredCount"] = json!(1);
        }
        let cluster = match input.get("cluster").and_then(Value::as_str) {
            Some(cluster) => cluster.to_string(),
            None => {
                if !default_cluster {
                    default_cluster = world.sim.call("ecs", "CreateCluster", json!({})).is_ok();
                }
                "default".to_string()
            }
        };
        if let Some(output) = world.call(id, "ecs", "CreateService", input) {
            let arn = output
                .pointer("/service/serviceArn")
                .and_then(Value::as_str)
                .unwrap_or_default();
            world.remember(id, arn, &[("Name", &name), ("ServiceArn", arn)]);
            created.push(Created {
                id: id.to_string(),
                cluster,
                name,
            });
        }
    }
    created
}

/// SIM001 and SIM002, from each service's state after the simulated time.
pub(super) fn examine(world: &mut Build<'_>, created: &[Created]) {
    for service in created {
        let input = json!({ "cluster": service.cluster, "services": [service.name] });
        let Ok(output) = world.sim.call("ecs", "DescribeServices", input) else {
            continue;
        };
        let Some(described) = output.pointer("/services/0") else {
            continue;
        };
        let number = |member: &str| described.get(member).and_then(Value::as_u64).unwrap_or(0);
        let (desired, running) = (number("desiredCount"), number("runningCount"));
        if running >= desired {
            continue;
        }
        let events: Vec<&str> = described
            .get("events")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|e| e.get("message").and_then(Value::as_str))
            .collect();
        let minutes = world.simulated_minutes();
        if let Some(unplaced) = events
            .iter()
            .find(|m| m.contains("was unable to place a task"))
        {
            let message = format!(
                "{running} of {desired} tasks running after {minutes} simulated minutes: ECS says the service {}",
                unplaced.split_once(") ").map_or(*unplaced, |(_, rest)| rest)
            );
            let help = placement_help(unplaced);
            world.report_with(
                &service.id,
                rules::SERVICE_PLACEMENT.at("", message).with_help(help),
                ".TaskDefinition",
            );
        } else {
            let last = events
                .first()
                .map_or(String::from("no event"), |m| format!("its last event: {m}"));
            let message = format!(
                "{running} of {desired} tasks running after {minutes} simulated minutes; {last}"
            );
            world.report(
                &service.id,
                &rules::SERVICE_STEADY_STATE,
                ".DesiredCount",
                message,
            );
        }
    }
}

/// What would make room, from the shortfall ECS's event names.
fn placement_help(event: &str) -> &'static str {
    if event.contains("has insufficient") {
        "Give the cluster larger instances (InstanceType) or more of them (DesiredCapacity), or ask less of each task (Memory, Cpu)."
    } else if event.contains("missing an attribute") || event.contains("placement constraints") {
        "Loosen the placement constraints, or add instances that match them (instance type, zone, custom attributes, architecture)."
    } else if event.contains("already using a port") {
        "Use dynamic host ports (HostPort 0 in bridge mode) or awsvpc, or spread the tasks over more instances."
    } else {
        "Add capacity the tasks fit on: instances in the cluster (an Auto Scaling group that joins it) or a Fargate launch type."
    }
}

/// SIM003: a rolling deployment with no room to replace a task.
fn check_deployment(world: &mut Build<'_>, id: &str, properties: &Value) {
    let daemon = properties.get("SchedulingStrategy").and_then(Value::as_str) == Some("DAEMON");
    let controller = properties
        .pointer("/DeploymentController/Type")
        .and_then(Value::as_str);
    if daemon || controller.is_some_and(|c| c != "ECS") {
        return;
    }
    let desired = count(properties.get("DesiredCount")).unwrap_or(1);
    let configuration = properties.get("DeploymentConfiguration");
    let percent = |member: &str, default: u64| {
        count(configuration.and_then(|c| c.get(member))).unwrap_or(default)
    };
    let (minimum_percent, maximum_percent) = (
        percent("MinimumHealthyPercent", 100),
        percent("MaximumPercent", 200),
    );
    let (minimum, maximum) = rolling_update_bounds(desired, minimum_percent, maximum_percent);
    if desired > 0 && maximum <= minimum {
        let message = format!(
            "With DesiredCount {desired}, MinimumHealthyPercent {minimum_percent} keeps at least {minimum} task(s) running and MaximumPercent {maximum_percent} allows at most {maximum} in all: a deployment can neither start a new task nor stop an old one."
        );
        let diagnostic = rules::DEPLOYMENT_PROGRESS.at("", message).with_help(
            "Raise MaximumPercent (200 lets a deployment start a full set of new tasks) or lower MinimumHealthyPercent.",
        );
        world.report_with(id, diagnostic, ".DeploymentConfiguration");
    }
}

/// SIM006: the launch type (or capacity providers) against `RequiresCompatibilities`.
fn check_launch(
    world: &mut Build<'_>,
    id: &str,
    properties: &Value,
    task_definition: &Value,
) -> bool {
    let required: Vec<String> = task_definition
        .get("RequiresCompatibilities")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(scalar_text)
        .collect();
    let strategy = properties
        .get("CapacityProviderStrategy")
        .and_then(Value::as_array);
    let (runs_on, tail) = match (
        properties.get("LaunchType").and_then(Value::as_str),
        strategy,
    ) {
        (Some(launch_type), _) => (launch_type.to_string(), ".LaunchType"),
        (None, Some(items)) if !items.is_empty() => {
            let fargate = items
                .iter()
                .all(|item| is_fargate(item.get("CapacityProvider")));
            (
                if fargate { "FARGATE" } else { "EC2" }.to_string(),
                ".CapacityProviderStrategy",
            )
        }
        _ => return true,
    };
    if required.is_empty() || required.contains(&runs_on) || runs_on == "EXTERNAL" {
        return true;
    }
    let message = format!(
        "The service runs its tasks on {runs_on}, but its task definition requires {}; ECS refuses the service (\"Task definition does not support launch_type {runs_on}.\").",
        required.join(" or ")
    );
    world.report(id, &rules::LAUNCH_COMPATIBILITY, tail, message);
    false
}

/// SIM004: each load balancer entry against the task definition's containers and ports.
fn check_load_balancers(
    world: &mut Build<'_>,
    id: &str,
    properties: &Value,
    task_definition: &Value,
) -> bool {
    let containers: Vec<&Value> = task_definition
        .get("ContainerDefinitions")
        .and_then(Value::as_array)
        .map(|c| c.iter().collect())
        .unwrap_or_default();
    let entries = properties.get("LoadBalancers").and_then(Value::as_array);
    let mut clean = true;
    for (index, entry) in entries.into_iter().flatten().enumerate() {
        let (Some(name), Some(port)) = (
            entry.get("ContainerName").and_then(Value::as_str),
            count(entry.get("ContainerPort")),
        ) else {
            continue;
        };
        let container = containers
            .iter()
            .find(|c| c.get("Name").and_then(Value::as_str) == Some(name));
        let Some(container) = container else {
            let known: Vec<&str> = containers
                .iter()
                .filter_map(|c| c.get("Name").and_then(Value::as_str))
                .collect();
            let message = format!(
                "The task definition has no container named {name} (its containers: {}).",
                known.join(", ")
            );
            world.report(
                id,
                &rules::LOAD_BALANCER_CONTAINER,
                &format!(".LoadBalancers[{index}].ContainerName"),
                message,
            );
            clean = false;
            continue;
        };
        let ports: Vec<u64> = container
            .get("PortMappings")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|m| count(m.get("ContainerPort")))
            .collect();
        if !ports.contains(&port) {
            let mapped = if ports.is_empty() {
                "maps no port".to_string()
            } else {
                format!(
                    "maps {}",
                    ports
                        .iter()
                        .map(u64::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            let message = format!(
                "The container {name} did not have a container port {port} defined: it {mapped}."
            );
            world.report(
                id,
                &rules::LOAD_BALANCER_CONTAINER,
                &format!(".LoadBalancers[{index}].ContainerPort"),
                message,
            );
            clean = false;
        }
    }
    clean
}

/// A strategy of Auto Scaling group capacity providers runs as the EC2 launch type on the
/// groups' instances (capacity providers of groups are not simulated yet).
fn run_group_providers_as_ec2(world: &Build<'_>, input: &mut Value) {
    let Some(strategy) = input
        .get("capacityProviderStrategy")
        .and_then(Value::as_array)
    else {
        return;
    };
    let groups = strategy.iter().all(|item| {
        let provider = item
            .get("capacityProvider")
            .and_then(Value::as_str)
            .unwrap_or("");
        world.kind_of(provider) == Some("AWS::ECS::CapacityProvider")
            || !is_fargate(item.get("capacityProvider"))
    });
    if groups && !strategy.is_empty() {
        if let Some(object) = input.as_object_mut() {
            object.remove("capacityProviderStrategy");
            object.insert("launchType".into(), json!("EC2"));
        }
    }
}
