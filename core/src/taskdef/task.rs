//! The view of a task definition that rules work on.

use super::units;
use crate::api::ecs::{
    Compatibility, ContainerDefinition, NetworkMode, OSFamily, RegisterTaskDefinitionRequest,
};
use std::collections::{BTreeSet, HashMap};

/// A task definition with the facts rules keep asking for worked out once.
pub struct TaskDef<'a> {
    pub request: &'a RegisterTaskDefinitionRequest,
    pub containers: &'a [ContainerDefinition],
    pub fargate: bool,
    pub windows: bool,
    pub network_mode: Option<NetworkMode>,
    /// The first container of each name.
    pub by_name: HashMap<&'a str, usize>,
    /// Paths whose values a CloudFormation intrinsic function gives: unknown until deploy time.
    pub unknowns: &'a BTreeSet<String>,
}

impl<'a> TaskDef<'a> {
    pub fn new(request: &'a RegisterTaskDefinitionRequest, unknowns: &'a BTreeSet<String>) -> Self {
        let compatibilities = request
            .requires_compatibilities
            .as_deref()
            .unwrap_or_default();
        let windows = request
            .runtime_platform
            .as_ref()
            .and_then(|platform| platform.operating_system_family)
            .is_some_and(|family| family != OSFamily::Linux);
        let containers = request.container_definitions.as_deref().unwrap_or_default();
        let mut by_name = HashMap::new();
        for (index, container) in containers.iter().enumerate() {
            if let Some(name) = container.name.as_deref() {
                by_name.entry(name).or_insert(index);
            }
        }
        TaskDef {
            request,
            containers,
            fargate: compatibilities.contains(&Compatibility::Fargate),
            windows,
            network_mode: request.network_mode,
            by_name,
            unknowns,
        }
    }

    pub fn requires(&self, compatibility: Compatibility) -> bool {
        self.request
            .requires_compatibilities
            .as_deref()
            .unwrap_or_default()
            .contains(&compatibility)
    }

    /// The network mode in force: the one given, else awsvpc on Fargate, bridge on Linux EC2
    /// and none of the named ones (Docker's `default`, NAT) on Windows.
    pub fn effective_network_mode(&self) -> Option<NetworkMode> {
        match self.network_mode {
            Some(mode) => Some(mode),
            None if self.fargate => Some(NetworkMode::Awsvpc),
            None if self.windows => None,
            None => Some(NetworkMode::Bridge),
        }
    }

    /// The task-level memory in MiB, when it is set and readable.
    pub fn memory(&self) -> Option<u32> {
        self.request.memory.as_deref().and_then(units::parse_memory)
    }

    /// The task-level cpu in units, when it is set and readable.
    pub fn cpu(&self) -> Option<u32> {
        self.request.cpu.as_deref().and_then(units::parse_cpu)
    }

    /// "container 'app'" or "container 2" when it has no name yet.
    pub fn container_label(&self, index: usize) -> String {
        match self.containers[index].name.as_deref() {
            Some(name) => format!("container '{name}'"),
            None => format!("container {index}"),
        }
    }

    /// Whether the value at `path`, or a value containing it, is unknown.
    pub fn unknown(&self, path: &str) -> bool {
        self.unknowns.iter().any(|u| is_within(path, u))
    }

    /// Whether any container's `member` (or a whole container) is unknown.
    pub fn unknown_in_containers(&self, member: &str) -> bool {
        self.unknowns.iter().any(|u| {
            u.strip_prefix("$.containerDefinitions")
                .is_some_and(|rest| {
                    rest.is_empty()
                        || rest.ends_with(']') && !rest[1..].contains('[')
                        || rest.ends_with(&format!("].{member}"))
                })
        })
    }
}

/// Whether `path` is `outer` or lies inside it.
pub fn is_within(path: &str, outer: &str) -> bool {
    path.strip_prefix(outer)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
}
