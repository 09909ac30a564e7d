//! RegisterTaskDefinition and DescribeTaskDefinition.

use crate::api::ecs::{
    self as api, ContainerDefinition, NetworkMode, RegisterTaskDefinitionRequest, Tag,
    TaskDefinition, TaskDefinitionStatus, TransportProtocol,
};
use crate::diagnostics::Severity;
use crate::error::EcsimError;
use crate::sim::World;
use crate::taskdef;
use serde_json::Value;
use std::collections::BTreeMap;

/// Revisions of each family; revision n is at index n - 1.
pub type TaskDefinitions = BTreeMap<String, Vec<Registered>>;

#[derive(Clone)]
pub struct Registered {
    pub task_definition: std::sync::Arc<TaskDefinition>,
    pub(super) tags: Vec<Tag>,
}

impl Registered {
    pub fn tags(&self) -> &[Tag] {
        &self.tags
    }
}

pub fn register_task_definition(
    world: &mut World,
    input: Value,
) -> Result<api::RegisterTaskDefinitionResponse, EcsimError> {
    let (request, mut diagnostics) = taskdef::check(input);
    taskdef::ValidationOptions::default().filter(&mut diagnostics);
    if let Some(first) = diagnostics.iter().find(|d| d.severity == Severity::Error) {
        let message = first.message.clone();
        return Err(crate::api::ecs::Error::ClientException
            .with(message)
            .with_diagnostics(diagnostics));
    }
    super::names::check_tags(request.tags.as_deref())?;
    let family = request.family.clone().unwrap_or_default();
    let revisions = world
        .ecs
        .task_definitions
        .entry(family.clone())
        .or_default();
    let revision = revisions.len() + 1;
    let arn = crate::sim::arn::arn(
        &world.config,
        "ecs",
        &format!("task-definition/{family}:{revision}"),
    );
    let tags = request.tags.clone().unwrap_or_default();
    let task_definition = described(request, arn, revision, world.now);
    let output = api::RegisterTaskDefinitionResponse {
        task_definition: Some(task_definition.clone()),
        tags: Some(tags.clone()),
    };
    revisions.push(Registered {
        task_definition: task_definition.into(),
        tags,
    });
    Ok(output)
}

/// The task definition as DescribeTaskDefinition shows it, with the defaults ECS fills in.
pub(crate) fn described(
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

pub fn describe_task_definition(
    world: &mut World,
    request: api::DescribeTaskDefinitionRequest,
) -> Result<api::DescribeTaskDefinitionResponse, EcsimError> {
    let reference = request.task_definition.unwrap_or_default();
    let found = resolve(world, &reference).ok_or_else(|| {
        crate::api::ecs::Error::ClientException.with("Unable to describe task definition.")
    })?;
    let with_tags = request
        .include
        .iter()
        .flatten()
        .any(|field| *field == api::TaskDefinitionField::Tags);
    let output = api::DescribeTaskDefinitionResponse {
        task_definition: Some(TaskDefinition::clone(&found.task_definition)),
        tags: with_tags.then(|| found.tags.clone()),
    };
    Ok(output)
}

/// Finds `family`, `family:revision` or a task definition ARN; a bare family means its latest
/// ACTIVE revision.
pub fn resolve<'a>(world: &'a World, reference: &str) -> Option<&'a Registered> {
    // Only an ARN holds a '/' (a character search first: the substring searcher costs more).
    let name = if reference.contains('/') {
        reference
            .rsplit_once(":task-definition/")
            .map_or(reference, |(_, name)| name)
    } else {
        reference
    };
    match name.split_once(':') {
        Some((family, revision)) => {
            let index = revision.parse::<usize>().ok()?.checked_sub(1)?;
            world.ecs.task_definitions.get(family)?.get(index)
        }
        None => world
            .ecs
            .task_definitions
            .get(name)?
            .iter()
            .rev()
            .find(|r| r.task_definition.status == Some(TaskDefinitionStatus::Active)),
    }
}
