//! What one task needs from a container instance, from its task definition.

use crate::api::ecs::{
    CPUArchitecture, NetworkMode, OSFamily, ResourceType, TaskDefinition, TransportProtocol,
};
use crate::taskdef::units::{parse_cpu, parse_memory};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Requirement {
    pub cpu: i64,
    pub memory: i64,
    pub gpus: usize,
    pub tcp_ports: Vec<String>,
    pub udp_ports: Vec<String>,
    /// awsvpc: one elastic network interface per task.
    pub eni: bool,
    /// Attributes the instance must carry with these values (failure `ATTRIBUTE`): the CPU
    /// architecture and OS type of the definition's `runtimePlatform`.
    pub attributes: Vec<(&'static str, &'static str)>,
}

impl Requirement {
    /// Task-level cpu/memory when given; otherwise the sum over containers of `cpu`, and of
    /// `memoryReservation` where set, else `memory`. Host ports: bridge uses non-zero
    /// `hostPort`s (0 or none is dynamic and never conflicts), host uses `hostPort` or
    /// `containerPort`, awsvpc and none use no host port.
    pub fn of(task_definition: &TaskDefinition) -> Requirement {
        let containers = task_definition
            .container_definitions
            .as_deref()
            .unwrap_or_default();
        let cpu = task_definition
            .cpu
            .as_deref()
            .and_then(parse_cpu)
            .map(i64::from);
        let memory = task_definition
            .memory
            .as_deref()
            .and_then(parse_memory)
            .map(i64::from);
        let mode = task_definition.network_mode.unwrap_or(NetworkMode::Bridge);
        let mut requirement = Requirement {
            cpu: cpu.unwrap_or_else(|| {
                containers
                    .iter()
                    .map(|c| i64::from(c.cpu.unwrap_or(0)))
                    .sum()
            }),
            memory: memory.unwrap_or_else(|| {
                containers
                    .iter()
                    .map(|c| i64::from(c.memory_reservation.or(c.memory).unwrap_or(0)))
                    .sum()
            }),
            eni: mode == NetworkMode::Awsvpc,
            attributes: required_attributes(task_definition),
            ..Requirement::default()
        };
        for container in containers {
            for requirement_entry in container.resource_requirements.iter().flatten() {
                if requirement_entry.r#type == Some(ResourceType::Gpu) {
                    requirement.gpus += requirement_entry
                        .value
                        .as_deref()
                        .and_then(|v| v.parse::<usize>().ok())
                        .unwrap_or(0);
                }
            }
            for mapping in container.port_mappings.iter().flatten() {
                let port = match mode {
                    NetworkMode::Bridge => mapping.host_port.filter(|&p| p > 0),
                    NetworkMode::Host => mapping.host_port.or(mapping.container_port),
                    NetworkMode::Awsvpc | NetworkMode::None => None,
                };
                if let Some(port) = port {
                    let ports = match mapping.protocol {
                        Some(TransportProtocol::Udp) => &mut requirement.udp_ports,
                        _ => &mut requirement.tcp_ports,
                    };
                    ports.push(port.to_string());
                }
            }
        }
        requirement
    }
}

/// What a definition's `runtimePlatform` asks of an instance, as built-in attributes.
fn required_attributes(task_definition: &TaskDefinition) -> Vec<(&'static str, &'static str)> {
    let Some(platform) = &task_definition.runtime_platform else {
        return Vec::new();
    };
    let mut required = Vec::new();
    match platform.cpu_architecture {
        Some(CPUArchitecture::Arm64) => required.push(("ecs.cpu-architecture", "arm64")),
        Some(CPUArchitecture::X86_64) => required.push(("ecs.cpu-architecture", "x86_64")),
        None => {}
    }
    match platform.operating_system_family {
        Some(OSFamily::Linux) => required.push(("ecs.os-type", "linux")),
        Some(_) => required.push(("ecs.os-type", "windows")),
        None => {}
    }
    required
}
