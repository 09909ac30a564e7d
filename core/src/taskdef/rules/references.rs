//! References between the parts of a task definition: dependsOn, links, volumesFrom, mountPoints.

use crate::api::ecs::ContainerCondition;
use crate::diagnostics::{Diagnostic, Rule, Severity};
use crate::taskdef::TaskDef;
use std::collections::HashMap;

pub static DEPENDS_ON_TARGET: Rule = Rule {
    code: "TD402",
    name: "depends-on-unknown-container",
    severity: Severity::Error,
    summary: "Every `dependsOn` entry names a container of the task definition.",
    why: "ECS rejects a dependency on a container that does not exist (its message keeps a stray '+').",
    invalid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "dependsOn": [{"containerName": "init", "condition": "SUCCESS"}]}]}"#,
    valid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "dependsOn": [{"containerName": "init", "condition": "SUCCESS"}]}, {"name": "init", "image": "busybox", "memory": 64, "essential": false}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDependency.html",
};

pub static DEPENDS_ON_ESSENTIAL: Rule = Rule {
    code: "TD403",
    name: "depends-on-essential-completion",
    severity: Severity::Error,
    summary: "A `COMPLETE` or `SUCCESS` dependency targets a non-essential container.",
    why: "An essential container that exits stops the whole task, so nothing could ever wait for it to complete.",
    invalid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "dependsOn": [{"containerName": "init", "condition": "SUCCESS"}]}, {"name": "init", "image": "busybox", "memory": 64}]}"#,
    valid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "dependsOn": [{"containerName": "init", "condition": "SUCCESS"}]}, {"name": "init", "image": "busybox", "memory": 64, "essential": false}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDependency.html",
};

pub static DEPENDS_ON_HEALTHY: Rule = Rule {
    code: "TD404",
    name: "depends-on-healthy-without-health-check",
    severity: Severity::Error,
    summary: "A `HEALTHY` dependency targets a container that has a `healthCheck`.",
    why:
        "HEALTHY waits for the target's container health check to pass; without one it never does.",
    invalid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "dependsOn": [{"containerName": "db", "condition": "HEALTHY"}]}, {"name": "db", "image": "postgres", "memory": 256}]}"#,
    valid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "dependsOn": [{"containerName": "db", "condition": "HEALTHY"}]}, {"name": "db", "image": "postgres", "memory": 256, "healthCheck": {"command": ["CMD", "pg_isready"]}}]}"#,
    source:
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDependency.html",
};

pub static DEPENDS_ON_CYCLE: Rule = Rule {
    code: "TD405",
    name: "depends-on-cycle",
    severity: Severity::Error,
    summary: "Container dependencies form no cycle.",
    why: "Containers in a dependency cycle wait for each other forever, so the task never starts.",
    invalid: r#"{"family": "web", "containerDefinitions": [{"name": "a", "image": "x", "memory": 64, "dependsOn": [{"containerName": "b", "condition": "START"}]}, {"name": "b", "image": "x", "memory": 64, "dependsOn": [{"containerName": "a", "condition": "START"}]}]}"#,
    valid: r#"{"family": "web", "containerDefinitions": [{"name": "a", "image": "x", "memory": 64, "dependsOn": [{"containerName": "b", "condition": "START"}]}, {"name": "b", "image": "x", "memory": 64}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_dependson",
};

pub static UNKNOWN_VOLUME: Rule = Rule {
    code: "TD406",
    name: "mount-point-unknown-volume",
    severity: Severity::Error,
    summary: "Every `mountPoints[].sourceVolume` names a volume declared in `volumes`.",
    why: "ECS rejects the registration with \"Unknown volume\".",
    invalid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "mountPoints": [{"sourceVolume": "data", "containerPath": "/data"}]}]}"#,
    valid: r#"{"family": "web", "volumes": [{"name": "data"}], "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "mountPoints": [{"sourceVolume": "data", "containerPath": "/data"}]}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_MountPoint.html",
};

pub static UNKNOWN_CONTAINER_REFERENCE: Rule = Rule {
    code: "TD407",
    name: "unknown-container-reference",
    severity: Severity::Error,
    summary: "`volumesFrom[].sourceContainer` and `links` name containers of the task definition.",
    why: "Both refer to another container by name (links as `name` or `name:alias`).",
    invalid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "volumesFrom": [{"sourceContainer": "data"}]}]}"#,
    valid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "volumesFrom": [{"sourceContainer": "data"}]}, {"name": "data", "image": "busybox", "memory": 64, "essential": false}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_VolumeFrom.html",
};

pub static VOLUME_NAMES: Rule = Rule {
    code: "TD408",
    name: "volume-names",
    severity: Severity::Error,
    summary: "Every volume has a `name`, unique within the task definition.",
    why: "Mount points refer to volumes by name: a volume without a name cannot be mounted and a duplicate is ambiguous.",
    invalid: r#"{"family": "web", "volumes": [{"name": "data"}, {"name": "data"}], "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256}]}"#,
    valid: r#"{"family": "web", "volumes": [{"name": "data"}, {"name": "cache"}], "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Volume.html",
};

pub static RULES: [&Rule; 7] = [
    &DEPENDS_ON_TARGET,
    &DEPENDS_ON_ESSENTIAL,
    &DEPENDS_ON_HEALTHY,
    &DEPENDS_ON_CYCLE,
    &UNKNOWN_VOLUME,
    &UNKNOWN_CONTAINER_REFERENCE,
    &VOLUME_NAMES,
];

pub fn check(task: &TaskDef, out: &mut Vec<Diagnostic>) {
    check_dependencies(task, out);
    check_cycles(task, out);
    let mut volumes: HashMap<&str, usize> = HashMap::new();
    for (index, volume) in task.request.volumes.iter().flatten().enumerate() {
        let at = format!("$.volumes[{index}].name");
        match volume.name.as_deref() {
            None | Some("") => {
                out.push(VOLUME_NAMES.at(at, "Volume name should not be null or empty."))
            }
            Some(name) => {
                if let Some(first) = volumes.insert(name, index) {
                    volumes.insert(name, first);
                    out.push(VOLUME_NAMES.at(
                        at,
                        format!("Volume name '{name}' is already used by volumes[{first}]."),
                    ));
                }
            }
        }
    }
    for (index, container) in task.containers.iter().enumerate() {
        for (mount_index, mount) in container.mount_points.iter().flatten().enumerate() {
            if let Some(source) = mount
                .source_volume
                .as_deref()
                .filter(|source| !volumes.contains_key(source))
            {
                let mut diagnostic = UNKNOWN_VOLUME.at(
                    format!(
                        "$.containerDefinitions[{index}].mountPoints[{mount_index}].sourceVolume"
                    ),
                    format!("Unknown volume '{source}'."),
                );
                if let Some(best) = crate::diagnostics::nearest(source, volumes.keys().copied()) {
                    diagnostic = diagnostic
                        .with_help(format!("Did you mean '{best}'?"))
                        .fix_set(format!("Change to '{best}'"), best);
                }
                out.push(diagnostic);
            }
        }
        for (from_index, from) in container.volumes_from.iter().flatten().enumerate() {
            if let Some(source) = from
                .source_container
                .as_deref()
                .filter(|name| !task.by_name.contains_key(name))
            {
                out.push(UNKNOWN_CONTAINER_REFERENCE.at(
                    format!("$.containerDefinitions[{index}].volumesFrom[{from_index}].sourceContainer"),
                    format!("volumesFrom names container '{source}', which is not in this task definition."),
                ));
            }
        }
        for (link_index, link) in container.links.iter().flatten().enumerate() {
            let target = link.split_once(':').map_or(link.as_str(), |(name, _)| name);
            if !task.by_name.contains_key(target) {
                out.push(UNKNOWN_CONTAINER_REFERENCE.at(
                    format!("$.containerDefinitions[{index}].links[{link_index}]"),
                    format!("Link to container '{target}', which is not in this task definition."),
                ));
            }
        }
    }
}

fn check_dependencies(task: &TaskDef, out: &mut Vec<Diagnostic>) {
    for (index, container) in task.containers.iter().enumerate() {
        for (dep_index, dependency) in container.depends_on.iter().flatten().enumerate() {
            let at = |member: &str| {
                format!("$.containerDefinitions[{index}].dependsOn[{dep_index}].{member}")
            };
            let Some(name) = dependency.container_name.as_deref() else {
                continue;
            };
            let Some(&target_index) = task.by_name.get(name) else {
                out.push(DEPENDS_ON_TARGET.at(
                    at("containerName"),
                    format!("Cannot depend on container + '{name}' because it does not exist"),
                ));
                continue;
            };
            let target = &task.containers[target_index];
            match dependency.condition {
                Some(ContainerCondition::Complete | ContainerCondition::Success) if target.essential != Some(false) => out.push(
                    DEPENDS_ON_ESSENTIAL
                        .at(at("condition"), "A dependency container with SUCCESS or COMPLETE condition cannot be an essential container")
                        .with_help(format!("Set \"essential\": false on container '{name}', or depend on it with START or HEALTHY.")),
                ),
                Some(ContainerCondition::Healthy) if target.health_check.is_none() => out.push(
                    DEPENDS_ON_HEALTHY
                        .at(at("condition"), format!("Container '{name}' has no healthCheck, so it never becomes HEALTHY."))
                        .with_help(format!("Add a healthCheck to '{name}', or depend on it with START.")),
                ),
                _ => {}
            }
        }
    }
}

/// Reports each dependency cycle once, at the container where a depth-first walk closes it.
fn check_cycles(task: &TaskDef, out: &mut Vec<Diagnostic>) {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let edges: Vec<Vec<usize>> = task
        .containers
        .iter()
        .map(|c| {
            c.depends_on
                .iter()
                .flatten()
                .filter_map(|d| {
                    d.container_name
                        .as_deref()
                        .and_then(|n| task.by_name.get(n).copied())
                })
                .collect()
        })
        .collect();
    let mut marks = vec![Mark::New; edges.len()];
    for start in 0..edges.len() {
        if marks[start] != Mark::New {
            continue;
        }
        // Iterative depth-first search: (node, next edge to follow), with the open path.
        let mut stack = vec![(start, 0usize)];
        marks[start] = Mark::Open;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&target) = edges[node].get(*next) {
                *next += 1;
                match marks[target] {
                    Mark::New => {
                        marks[target] = Mark::Open;
                        stack.push((target, 0));
                    }
                    Mark::Open => {
                        let from = stack.iter().position(|&(n, _)| n == target).unwrap_or(0);
                        let names: Vec<String> = stack[from..]
                            .iter()
                            .map(|&(n, _)| task.containers[n].name.clone().unwrap_or_default())
                            .chain(task.containers[target].name.clone())
                            .collect();
                        out.push(DEPENDS_ON_CYCLE.at(
                            format!("$.containerDefinitions[{node}].dependsOn"),
                            format!("Circular container dependency: {}.", names.join(" -> ")),
                        ));
                    }
                    Mark::Done => {}
                }
            } else {
                marks[node] = Mark::Done;
                stack.pop();
            }
        }
    }
}
