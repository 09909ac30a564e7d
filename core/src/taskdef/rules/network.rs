//! Port mappings by network mode.

use crate::api::ecs::NetworkMode;
use crate::diagnostics::{Diagnostic, Rule, Severity};
use crate::taskdef::TaskDef;

pub static AWSVPC_HOST_PORT: Rule = Rule {
    code: "TD301",
    name: "awsvpc-host-port",
    severity: Severity::Error,
    summary: "In `awsvpc` and `host` network modes, a port mapping's `hostPort` is omitted or equal to its `containerPort`.",
    why: "With awsvpc the task has its own network interface and with host it shares the instance's, so there is no port translation: the container port is the host port.",
    invalid: r#"{"family": "web", "networkMode": "awsvpc", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 512, "portMappings": [{"containerPort": 80, "hostPort": 8080}]}]}"#,
    valid: r#"{"family": "web", "networkMode": "awsvpc", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 512, "portMappings": [{"containerPort": 80}]}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html#ECS-Type-PortMapping-hostPort",
};

pub static RULES: [&Rule; 1] = [&AWSVPC_HOST_PORT];

pub fn check(task: &TaskDef, out: &mut Vec<Diagnostic>) {
    let mode = match task.network_mode {
        Some(NetworkMode::Awsvpc) => "awsvpc",
        Some(NetworkMode::Host) => "host",
        _ => return,
    };
    for (index, container) in task.containers.iter().enumerate() {
        for (port_index, mapping) in container.port_mappings.iter().flatten().enumerate() {
            let (Some(host), Some(target)) = (mapping.host_port, mapping.container_port) else {
                continue;
            };
            if host != target {
                out.push(
                    AWSVPC_HOST_PORT
                        .at(
                            format!("$.containerDefinitions[{index}].portMappings[{port_index}].hostPort"),
                            format!("When networkMode={mode}, the host ports and container ports in port mappings must match."),
                        )
                        .with_help(format!("Remove hostPort or set it to {target}.")),
                );
            }
        }
    }
}
