//! Networking by network mode: port mappings, links, hostname, extraHosts, proxies.

use crate::api::ecs::{Compatibility, NetworkMode};
use crate::diagnostics::{Diagnostic, Rule, Severity};
use crate::taskdef::TaskDef;
use std::collections::HashMap;

pub static AWSVPC_HOST_PORT: Rule = Rule {
    code: "TD301",
    name: "awsvpc-host-port",
    severity: Severity::Error,
    summary: "In `awsvpc` and `host` network modes, a port mapping's `hostPort` is omitted or equal to its `containerPort`.",
    why: "With awsvpc the task has its own network interface and with host it shares the instance's, so there is no port translation: the container port is the host port.",
    invalid: r#"{"family": "web", "networkMode": "awsvpc", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 512, "portMappings": [{"containerPort": 80, "hostPort": 8080}]}]}"#,
    valid: r#"{"family": "web", "networkMode": "awsvpc", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 512, "portMappings": [{"containerPort": 80, "hostPort": 80}]}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html#ECS-Type-PortMapping-hostPort",
};

pub static NONE_WITH_PORTS: Rule = Rule {
    code: "TD302",
    name: "none-network-port-mappings",
    severity: Severity::Error,
    summary: "With `networkMode: none` a container has no port mappings.",
    why: "A task without networking has no ports to expose.",
    invalid: r#"{"family": "job", "networkMode": "none", "containerDefinitions": [{"name": "app", "image": "batch", "memory": 512, "portMappings": [{"containerPort": 80}]}]}"#,
    valid: r#"{"family": "job", "networkMode": "none", "containerDefinitions": [{"name": "app", "image": "batch", "memory": 512}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html#ECS-Type-ContainerDefinition-portMappings",
};

pub static PORT_PROTOCOLS: Rule = Rule {
    code: "TD303",
    name: "container-port-one-protocol",
    severity: Severity::Error,
    summary: "A container exposes each `containerPort` with one protocol only.",
    why: "The API reference: \"You cannot expose the same container port for multiple protocols. If you attempt this, an error is returned.\"",
    invalid: r#"{"family": "dns", "containerDefinitions": [{"name": "app", "image": "coredns", "memory": 128, "portMappings": [{"containerPort": 53, "protocol": "udp"}, {"containerPort": 53, "protocol": "tcp"}]}]}"#,
    valid: r#"{"family": "dns", "containerDefinitions": [{"name": "app", "image": "coredns", "memory": 128, "portMappings": [{"containerPort": 53, "protocol": "udp"}, {"containerPort": 54, "protocol": "tcp"}]}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html#ECS-Type-ContainerDefinition-portMappings",
};

pub static LINKS_MODE: Rule = Rule {
    code: "TD304",
    name: "links-need-bridge",
    severity: Severity::Error,
    summary: "`links` work only in the `bridge` network mode, and not on Windows.",
    why: "Links are a Docker bridge feature; in awsvpc mode containers reach each other on localhost instead.",
    invalid: r#"{"family": "web", "networkMode": "awsvpc", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "links": ["db"]}, {"name": "db", "image": "postgres", "memory": 256}]}"#,
    valid: r#"{"family": "web", "networkMode": "bridge", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "links": ["db"]}, {"name": "db", "image": "postgres", "memory": 256}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html#ECS-Type-ContainerDefinition-links",
};

pub static HOSTNAME_AWSVPC: Rule = Rule {
    code: "TD305",
    name: "hostname-not-awsvpc",
    severity: Severity::Error,
    summary: "`hostname` cannot be set in the `awsvpc` network mode.",
    why: "In awsvpc mode the hostname comes from the task's network interface.",
    invalid: r#"{"family": "web", "networkMode": "awsvpc", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "hostname": "web"}]}"#,
    valid: r#"{"family": "web", "networkMode": "bridge", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "hostname": "web"}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html#ECS-Type-ContainerDefinition-hostname",
};

pub static EXTRA_HOSTS_MODE: Rule = Rule {
    code: "TD306",
    name: "extra-hosts-not-awsvpc",
    severity: Severity::Error,
    summary: "`extraHosts` cannot be set in the `awsvpc` network mode or on Windows.",
    why: "The /etc/hosts entries are written by Docker outside awsvpc; this parameter isn't supported for Windows containers or tasks that use the awsvpc network mode.",
    invalid: r#"{"family": "web", "networkMode": "awsvpc", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "extraHosts": [{"hostname": "db", "ipAddress": "10.0.0.5"}]}]}"#,
    valid: r#"{"family": "web", "networkMode": "bridge", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "extraHosts": [{"hostname": "db", "ipAddress": "10.0.0.5"}]}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html#ECS-Type-ContainerDefinition-extraHosts",
};

pub static FARGATE_AWSVPC: Rule = Rule {
    code: "TD307",
    name: "fargate-needs-awsvpc",
    severity: Severity::Error,
    summary: "A task definition that requires FARGATE uses the `awsvpc` network mode.",
    why: "Fargate gives every task its own elastic network interface; no other mode exists there.",
    invalid: r#"{"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "bridge", "cpu": "256", "memory": "512", "containerDefinitions": [{"name": "app", "image": "nginx"}]}"#,
    valid: r#"{"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256", "memory": "512", "containerDefinitions": [{"name": "app", "image": "nginx"}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-networkmode",
};

pub static PROXY_AWSVPC: Rule = Rule {
    code: "TD308",
    name: "proxy-needs-awsvpc",
    severity: Severity::Error,
    summary: "`proxyConfiguration` needs the `awsvpc` network mode and names a container of the task.",
    why: "The App Mesh proxy is wired into the task's own network namespace, and it is one of the task's containers.",
    invalid: r#"{"family": "web", "networkMode": "bridge", "proxyConfiguration": {"type": "APPMESH", "containerName": "envoy"}, "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256}]}"#,
    valid: r#"{"family": "web", "networkMode": "awsvpc", "proxyConfiguration": {"type": "APPMESH", "containerName": "envoy"}, "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256}, {"name": "envoy", "image": "envoy", "memory": 256}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ProxyConfiguration.html",
};

pub static PORT_NAMES_UNIQUE: Rule = Rule {
    code: "TD309",
    name: "port-mapping-names-unique",
    severity: Severity::Error,
    summary: "Port mapping `name`s are unique across all the containers of a task definition.",
    why: "Service Connect refers to port mappings by name, so each name may appear once in the task definition.",
    invalid: r#"{"family": "web", "networkMode": "awsvpc", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "portMappings": [{"containerPort": 80, "name": "http"}]}, {"name": "admin", "image": "admin", "memory": 256, "portMappings": [{"containerPort": 8080, "name": "http"}]}]}"#,
    valid: r#"{"family": "web", "networkMode": "awsvpc", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "portMappings": [{"containerPort": 80, "name": "http"}]}, {"name": "admin", "image": "admin", "memory": 256, "portMappings": [{"containerPort": 8080, "name": "admin-http"}]}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html#ECS-Type-PortMapping-name",
};

pub static EXTERNAL_NETWORK_MODE: Rule = Rule {
    code: "TD310",
    name: "external-network-mode",
    severity: Severity::Error,
    summary:
        "A task definition that requires EXTERNAL (ECS Anywhere) uses `bridge`, `host` or `none`.",
    why: "ECS Anywhere instances have no elastic network interfaces, so awsvpc is not available.",
    invalid: r#"{"family": "edge", "requiresCompatibilities": ["EXTERNAL"], "networkMode": "awsvpc", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256}]}"#,
    valid: r#"{"family": "edge", "requiresCompatibilities": ["EXTERNAL"], "networkMode": "bridge", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-anywhere.html",
};

pub static RULES: [&Rule; 10] = [
    &AWSVPC_HOST_PORT,
    &NONE_WITH_PORTS,
    &PORT_PROTOCOLS,
    &LINKS_MODE,
    &HOSTNAME_AWSVPC,
    &EXTRA_HOSTS_MODE,
    &FARGATE_AWSVPC,
    &PROXY_AWSVPC,
    &PORT_NAMES_UNIQUE,
    &EXTERNAL_NETWORK_MODE,
];

fn mode_name(mode: Option<NetworkMode>) -> &'static str {
    mode.map_or("default", NetworkMode::as_str)
}

pub fn check(task: &TaskDef, out: &mut Vec<Diagnostic>) {
    check_task_mode(task, out);
    let mode = task.effective_network_mode();
    let mut port_names: HashMap<&str, usize> = HashMap::new();
    for (index, container) in task.containers.iter().enumerate() {
        let at = |member: &str| format!("$.containerDefinitions[{index}].{member}");
        let mappings = container.port_mappings.as_deref().unwrap_or_default();
        if mode == Some(NetworkMode::None) && !mappings.is_empty() {
            out.push(NONE_WITH_PORTS.at(
                at("portMappings"),
                "Port mappings are not supported when networkMode=none.",
            ));
        }
        let mut protocols: HashMap<i32, &str> = HashMap::new();
        for (port_index, mapping) in mappings.iter().enumerate() {
            let port_at = |member: &str| at(&format!("portMappings[{port_index}].{member}"));
            if let (Some(host), Some(target), Some(NetworkMode::Awsvpc | NetworkMode::Host)) =
                (mapping.host_port, mapping.container_port, task.network_mode)
            {
                if host != target {
                    let message = format!(
                        "When networkMode={}, the host ports and container ports in port mappings must match.",
                        mode_name(task.network_mode)
                    );
                    out.push(
                        AWSVPC_HOST_PORT
                            .at(port_at("hostPort"), message)
                            .with_help(format!("Remove hostPort or set it to {target}."))
                            .fix_set(format!("Set hostPort to {target}"), target),
                    );
                }
            }
            if let Some(port) = mapping.container_port {
                let protocol = mapping.protocol.map_or("tcp", |p| p.as_str());
                match protocols.insert(port, protocol) {
                    Some(previous) if previous != protocol => out.push(
                        PORT_PROTOCOLS
                            .at(port_at("protocol"), format!("Container port {port} is already exposed with protocol {previous}."))
                            .with_help("Expose the same service on another container port, or use one protocol."),
                    ),
                    _ => {}
                }
            }
            if let Some(name) = mapping.name.as_deref() {
                if let Some(first) = port_names.insert(name, index) {
                    port_names.insert(name, first);
                    out.push(PORT_NAMES_UNIQUE.at(
                        port_at("name"),
                        format!("Port mapping name '{name}' is already used in containerDefinitions[{first}]."),
                    ));
                }
            }
        }
        if container
            .links
            .as_ref()
            .is_some_and(|links| !links.is_empty())
            && (mode != Some(NetworkMode::Bridge) || task.windows)
        {
            let mode = if task.windows {
                "on Windows".to_string()
            } else {
                format!("when networkMode={}", mode_name(mode))
            };
            out.push(
                LINKS_MODE
                    .at(at("links"), format!("Links are not supported {mode}."))
                    .with_help("Reach the other container on localhost (awsvpc) or through service discovery."),
            );
        }
        if container.hostname.is_some() && mode == Some(NetworkMode::Awsvpc) {
            out.push(HOSTNAME_AWSVPC.at(
                at("hostname"),
                "hostname is not supported on container when networkMode=awsvpc.",
            ));
        }
        if container
            .extra_hosts
            .as_ref()
            .is_some_and(|hosts| !hosts.is_empty())
            && (mode == Some(NetworkMode::Awsvpc) || task.windows)
        {
            let mode = if task.windows {
                "on Windows"
            } else {
                "when networkMode=awsvpc"
            };
            out.push(EXTRA_HOSTS_MODE.at(
                at("extraHosts"),
                format!("extraHosts is not supported {mode}."),
            ));
        }
    }
}

fn check_task_mode(task: &TaskDef, out: &mut Vec<Diagnostic>) {
    if task.fargate
        && task
            .network_mode
            .is_some_and(|mode| mode != NetworkMode::Awsvpc)
    {
        out.push(
            FARGATE_AWSVPC
                .at(
                    "$.networkMode",
                    "Fargate only supports network mode 'awsvpc'.",
                )
                .with_help("Set \"networkMode\": \"awsvpc\".")
                .fix_set("Set networkMode to awsvpc", "awsvpc"),
        );
    }
    if task.requires(Compatibility::External) && task.network_mode == Some(NetworkMode::Awsvpc) {
        out.push(EXTERNAL_NETWORK_MODE.at(
            "$.networkMode",
            "External tasks can only have bridge, host or none network mode.",
        ));
    }
    if let Some(proxy) = &task.request.proxy_configuration {
        if task.network_mode != Some(NetworkMode::Awsvpc) {
            out.push(PROXY_AWSVPC.at(
                "$.proxyConfiguration",
                "ProxyConfiguration can only be used with networkMode=awsvpc.",
            ));
        }
        if let Some(name) = proxy
            .container_name
            .as_deref()
            .filter(|name| !task.by_name.contains_key(name))
        {
            out.push(PROXY_AWSVPC.at(
                "$.proxyConfiguration.containerName",
                format!("The proxy container '{name}' is not a container of this task definition."),
            ));
        }
    }
}
