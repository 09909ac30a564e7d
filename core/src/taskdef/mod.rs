//! Task definition validation: the input is walked against the API shape, what is well formed
//! is read into the generated types, and every rule runs over it. All findings are returned;
//! nothing stops at the first error.

pub mod fargate;
pub mod rules;
pub mod units;

use crate::api::conform::conform;
use crate::api::ecs::{
    shapes, Compatibility, ContainerDefinition, NetworkMode, OSFamily,
    RegisterTaskDefinitionRequest,
};
use crate::diagnostics::{Diagnostic, Rule, Severity};
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;

/// RegisterTaskDefinition rejects task definitions larger than 64 KiB.
pub const MAX_TASK_DEFINITION_BYTES: usize = 64 * 1024;

pub static TOO_LARGE: Rule = Rule {
    code: "TD001",
    name: "task-definition-size",
    severity: Severity::Error,
    summary: "The task definition, as JSON, must not exceed 64 KiB.",
    why: "ECS rejects larger task definitions. Large `environment` lists are the usual cause: move them to `environmentFiles` or `secrets`. ecsim measures the compact JSON encoding.",
    invalid: "",
    valid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 512}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html",
};

/// Which findings to report. Errors are always reported (unless a code is ignored).
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ValidationOptions {
    /// Report warnings (AWS accepts, almost surely wrong). Default on.
    pub warnings: bool,
    /// Report security findings (the Security Hub ECS controls). Default off: AWS accepts them
    /// and most task definitions in the wild trip several.
    pub security: bool,
    /// Rule codes not to report, e.g. `["SEC003", "TD602"]`.
    pub ignore: Vec<String>,
}

impl Default for ValidationOptions {
    fn default() -> Self {
        ValidationOptions {
            warnings: true,
            security: false,
            ignore: Vec::new(),
        }
    }
}

impl ValidationOptions {
    /// Drops the findings these options do not ask for.
    pub fn filter(&self, diagnostics: &mut Vec<Diagnostic>) {
        diagnostics.retain(|d| self.reports(d));
    }

    fn reports(&self, diagnostic: &Diagnostic) -> bool {
        let wanted = match diagnostic.severity {
            Severity::Error => true,
            Severity::Warning => self.warnings,
            Severity::Security => self.security,
        };
        wanted && !self.ignore.contains(&diagnostic.code)
    }
}

/// Validates a task definition in the RegisterTaskDefinition input shape, with the default options.
pub fn validate_task_definition(input: &Value) -> Vec<Diagnostic> {
    validate_task_definition_with(input, &ValidationOptions::default())
}

pub fn validate_task_definition_with(
    input: &Value,
    options: &ValidationOptions,
) -> Vec<Diagnostic> {
    let mut diagnostics = check(input.clone()).1;
    options.filter(&mut diagnostics);
    diagnostics
}

/// Validates and also returns the well-formed part of the input, typed. Reports everything.
pub fn check(mut input: Value) -> (RegisterTaskDefinitionRequest, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let size = serde_json::to_vec(&input).map_or(0, |bytes| bytes.len());
    if size > MAX_TASK_DEFINITION_BYTES {
        diagnostics.push(TOO_LARGE.at(
            "$",
            format!("The task definition is {size} bytes; the limit is {MAX_TASK_DEFINITION_BYTES} bytes (64 KiB)."),
        ));
    }
    conform(
        &mut input,
        &shapes::REGISTER_TASK_DEFINITION_REQUEST,
        &mut diagnostics,
    );
    // `conform` leaves only well-typed members, so this cannot fail; the fallback keeps it total.
    let request: RegisterTaskDefinitionRequest = serde_json::from_value(input).unwrap_or_default();
    let task = TaskDef::new(&request);
    for check in rules::CHECKS {
        check(&task, &mut diagnostics);
    }
    (request, diagnostics)
}

/// A task definition with the facts rules keep asking for worked out once.
pub struct TaskDef<'a> {
    pub request: &'a RegisterTaskDefinitionRequest,
    pub containers: &'a [ContainerDefinition],
    pub fargate: bool,
    pub windows: bool,
    pub network_mode: Option<NetworkMode>,
    /// The first container of each name.
    pub by_name: HashMap<&'a str, usize>,
}

impl<'a> TaskDef<'a> {
    pub fn new(request: &'a RegisterTaskDefinitionRequest) -> Self {
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
}
