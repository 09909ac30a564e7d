//! RegisterTaskDefinition and DescribeTaskDefinition.

use crate::api::ecs::{
    ContainerDefinition, NetworkMode, RegisterTaskDefinitionRequest, Tag, TaskDefinition,
    TaskDefinitionStatus, TransportProtocol,
};
use crate::diagnostics::Severity;
use crate::error::{EcsimError, ErrorCode};
use crate::sim::{parse_input, Simulation};
use crate::taskdef;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Revisions of each family; revision n is at index n - 1.
pub type TaskDefinitions = BTreeMap<String, Vec<Registered>>;

pub struct Registered {
    pub task_definition: TaskDefinition,
    tags: Vec<Tag>,
}

pub fn register_task_definition(sim: &mut Simulation, input: Value) -> Result<Value, EcsimError> {
    let (request, mut diagnostics) = taskdef::check(input);
    taskdef::ValidationOptions::default().filter(&mut diagnostics);
    if let Some(first) = diagnostics.iter().find(|d| d.severity == Severity::Error) {
        let message = first.message.clone();
        return Err(
            EcsimError::new(ErrorCode::ClientException, message).with_diagnostics(diagnostics)
        );
    }
    let family = request.family.clone().unwrap_or_default();
    let revisions = sim.ecs.task_definitions.entry(family.clone()).or_default();
    let revision = revisions.len() + 1;
    let arn = format!(
        "arn:aws:ecs:{}:{}:task-definition/{family}:{revision}",
        sim.config.region, sim.config.account_id
    );
    let tags = request.tags.clone().unwrap_or_default();
    let task_definition = described(request, arn, revision, sim.now);
    let output = json!({ "taskDefinition": task_definition, "tags": tags });
    revisions.push(Registered {
        task_definition,
        tags,
    });
    Ok(output)
}

/// The task definition as DescribeTaskDefinition shows it, with the defaults ECS fills in.
fn described(
    request: RegisterTaskDefinitionRequest,
    arn: String,
    revision: usize,
    now: f64,
) -> TaskDefinition {
    let network_mode = request.network_mode;
    let containers = request.container_definitions.unwrap_or_default();
    let requires = request.requires_compatibilities;
    TaskDefinition {
        task_definition_arn: Some(arn),
        container_definitions: Some(
            containers
                .into_iter()
                .map(|c| with_defaults(c, network_mode))
                .collect(),
        ),
        family: request.family,
        task_role_arn: request.task_role_arn,
        execution_role_arn: request.execution_role_arn,
        network_mode,
        revision: i32::try_from(revision).ok(),
        volumes: Some(request.volumes.unwrap_or_default()),
        status: Some(TaskDefinitionStatus::Active),
        placement_constraints: Some(request.placement_constraints.unwrap_or_default()),
        // ecsim convention: the launch types the definition was validated for, EC2 when none.
        compatibilities: Some(
            requires
                .clone()
                .unwrap_or_else(|| vec![crate::api::ecs::Compatibility::Ec2]),
        ),
        runtime_platform: request.runtime_platform,
        requires_compatibilities: requires,
        cpu: request.cpu,
        memory: request.memory,
        inference_accelerators: request.inference_accelerators,
        pid_mode: request.pid_mode,
        ipc_mode: request.ipc_mode,
        proxy_configuration: request.proxy_configuration,
        registered_at: Some(now),
        ephemeral_storage: request.ephemeral_storage,
        enable_fault_injection: request.enable_fault_injection,
        ..TaskDefinition::default()
    }
}

fn with_defaults(
    mut container: ContainerDefinition,
    network_mode: Option<NetworkMode>,
) -> ContainerDefinition {
    container.cpu.get_or_insert(0);
    container.essential.get_or_insert(true);
    container.environment.get_or_insert_with(Vec::new);
    container.mount_points.get_or_insert_with(Vec::new);
    container.volumes_from.get_or_insert_with(Vec::new);
    let fixed_host_port = matches!(network_mode, Some(NetworkMode::Awsvpc | NetworkMode::Host));
    for mapping in container.port_mappings.get_or_insert_with(Vec::new) {
        mapping.protocol.get_or_insert(TransportProtocol::Tcp);
        if fixed_host_port {
            mapping.host_port = mapping.host_port.or(mapping.container_port);
        }
    }
    container
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DescribeTaskDefinitionInput {
    task_definition: String,
    #[serde(default)]
    include: Vec<String>,
}

pub fn describe_task_definition(sim: &mut Simulation, input: Value) -> Result<Value, EcsimError> {
    let request: DescribeTaskDefinitionInput = parse_input("DescribeTaskDefinition", input)?;
    let found = resolve(sim, &request.task_definition).ok_or_else(|| {
        EcsimError::new(
            ErrorCode::ClientException,
            "Unable to describe task definition.",
        )
    })?;
    let mut output = json!({ "taskDefinition": found.task_definition });
    if request.include.iter().any(|field| field == "TAGS") {
        output["tags"] = json!(found.tags);
    }
    Ok(output)
}

/// Finds `family`, `family:revision` or a task definition ARN; a bare family means its latest
/// ACTIVE revision.
pub fn resolve<'a>(sim: &'a Simulation, reference: &str) -> Option<&'a Registered> {
    let name = reference
        .rsplit_once(":task-definition/")
        .map_or(reference, |(_, name)| name);
    match name.split_once(':') {
        Some((family, revision)) => {
            let index = revision.parse::<usize>().ok()?.checked_sub(1)?;
            sim.ecs.task_definitions.get(family)?.get(index)
        }
        None => sim
            .ecs
            .task_definitions
            .get(name)?
            .iter()
            .rev()
            .find(|r| r.task_definition.status == Some(TaskDefinitionStatus::Active)),
    }
}
