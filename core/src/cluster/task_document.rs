//! A task as DescribeTasks, RunTask, StopTask and the task state change events show it, written
//! straight from the cluster's record: the API shape (`api::Task`, member for member, in its
//! order) without building it. Building it took a string per member and a container document
//! per container, and was a third of a RunTask answer's cost; here the record's texts are
//! borrowed and numbers written in place.

use super::task::{network_bindings, Task};
use crate::api::ecs::{self as api, HealthStatus, LaunchType, NetworkMode};
use serde::{Serialize, Serializer};
use std::sync::Arc;

/// Task `task` of the cluster `cluster_arn` as it is at `at`.
#[derive(Clone, Debug)]
pub struct TaskDocument {
    task: Arc<Task>,
    cluster_arn: Arc<str>,
    at: f64,
}

impl TaskDocument {
    pub fn new(task: Arc<Task>, cluster_arn: Arc<str>, at: f64) -> TaskDocument {
        TaskDocument {
            task,
            cluster_arn,
            at,
        }
    }

    pub fn task(&self) -> &Task {
        &self.task
    }
}

/// An integer as the API's decimal text (`"cpu": "256"`), written without a `String`.
struct Decimal(i64);

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(itoa::Buffer::new().format(self.0))
    }
}

/// `…:container/<cluster>/<task id>/<index>`, the container's ARN, from its task's
/// `…:task/<cluster>/<task id>` (the ARN's first '/' ends its resource type).
struct ContainerArn<'a> {
    task_arn: &'a str,
    index: usize,
}

impl ContainerArn<'_> {
    /// Its text, put together piece by piece: through `fmt` (`write!`, `collect_str`) it cost
    /// several times as much, and it is written for every container of every task answered.
    fn text(&self) -> String {
        let arn = self.task_arn;
        let resource = arn.find('/').unwrap_or(arn.len());
        let mut digits = itoa::Buffer::new();
        let index = digits.format(self.index);
        let mut text = String::with_capacity(arn.len() + ":container/".len() + index.len());
        match arn[..resource].strip_suffix(":task") {
            Some(head) => {
                text.push_str(head);
                text.push_str(":container");
                text.push_str(&arn[resource..]);
            }
            None => text.push_str(arn),
        }
        text.push('/');
        text.push_str(index);
        text
    }
}

impl Serialize for ContainerArn<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text())
    }
}

#[derive(Serialize)]
#[serde(rename = "Task", rename_all = "camelCase")]
struct TaskShape<'a> {
    attachments: Vec<api::Attachment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    availability_zone: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    capacity_provider_name: Option<&'a str>,
    cluster_arn: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    container_instance_arn: Option<&'a str>,
    containers: Vec<ContainerShape<'a>>,
    cpu: Decimal,
    created_at: f64,
    desired_status: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    execution_stopped_at: Option<f64>,
    group: &'a str,
    health_status: HealthStatus,
    last_status: &'a str,
    launch_type: LaunchType,
    memory: Decimal,
    #[serde(skip_serializing_if = "Option::is_none")]
    platform_version: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    platform_family: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pull_started_at: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pull_stopped_at: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    started_at: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    started_by: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stop_code: Option<api::TaskStopCode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stopped_at: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stopped_reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stopping_at: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tags: Option<&'a [api::Tag]>,
    task_arn: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    task_definition_arn: Option<&'a str>,
    version: i64,
}

#[derive(Serialize)]
#[serde(rename = "Container", rename_all = "camelCase")]
struct ContainerShape<'a> {
    container_arn: ContainerArn<'a>,
    task_arn: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<&'a str>,
    last_status: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    exit_code: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    network_bindings: Option<Vec<api::NetworkBinding>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    health_status: Option<HealthStatus>,
    cpu: Decimal,
    #[serde(skip_serializing_if = "Option::is_none")]
    memory: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    memory_reservation: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gpu_ids: Option<&'a [String]>,
}

impl Serialize for TaskDocument {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (task, now) = (&*self.task, self.at);
        let spec = &*task.spec;
        let fargate = spec.launch_type == LaunchType::Fargate;
        let host_ports = spec.task_definition.network_mode != Some(NetworkMode::Awsvpc);
        let container_status = task.container_status();
        let containers = spec
            .task_definition
            .container_definitions
            .iter()
            .flatten()
            .enumerate()
            .map(|(index, container)| ContainerShape {
                container_arn: ContainerArn {
                    task_arn: &task.arn,
                    index,
                },
                task_arn: &task.arn,
                name: container.name.as_deref(),
                image: container.image.as_deref(),
                last_status: container_status,
                exit_code: task
                    .exit_code
                    .filter(|&(exited, _)| exited == index && container_status == "STOPPED")
                    .map(|(_, code)| code),
                network_bindings: host_ports.then(|| network_bindings(container)),
                health_status: task.container_health(index, now),
                cpu: Decimal(container.cpu.unwrap_or(0).into()),
                memory: container.memory.map(|m| Decimal(m.into())),
                memory_reservation: container.memory_reservation.map(|m| Decimal(m.into())),
                gpu_ids: (!task.gpu_ids.is_empty()).then_some(&task.gpu_ids[..]),
            })
            .collect();
        TaskShape {
            attachments: task
                .eni
                .iter()
                .map(|eni| eni.to_api(&task.private_ipv4()))
                .collect(),
            availability_zone: task.availability_zone.as_deref(),
            capacity_provider_name: task.capacity_provider.as_deref(),
            cluster_arn: &self.cluster_arn,
            container_instance_arn: task.instance_arn.as_deref(),
            containers,
            cpu: Decimal(spec.requirement.cpu),
            created_at: task.created_at,
            desired_status: task.desired_status,
            execution_stopped_at: task.stopped_at,
            group: &spec.group,
            health_status: task.task_health(now),
            last_status: task.last_status,
            launch_type: spec.launch_type,
            memory: Decimal(spec.requirement.memory),
            platform_version: fargate.then_some("1.4.0"),
            platform_family: fargate.then_some("Linux"),
            pull_started_at: task.pull_started_at,
            pull_stopped_at: task.pull_stopped_at,
            started_at: task.started_at,
            started_by: spec.started_by.as_deref(),
            stop_code: task.stop_code,
            stopped_at: task.stopped_at,
            stopped_reason: task.stopped_reason.as_deref(),
            stopping_at: task.stopping_at,
            tags: task.retagged.as_deref().or(spec.tags.as_deref()),
            task_arn: &task.arn,
            task_definition_arn: spec.task_definition.task_definition_arn.as_deref(),
            version: task.version,
        }
        .serialize(serializer)
    }
}

/// `{"tasks": [...], "failures": [...]}`: RunTask's, StartTask's and DescribeTasks' answer.
#[derive(Debug, Serialize)]
pub struct TasksAnswer {
    pub tasks: Vec<TaskDocument>,
    pub failures: Vec<api::Failure>,
}

/// `{"task": {...}}`: StopTask's and InterruptSpotTask's answer.
#[derive(Debug, Serialize)]
pub struct TaskAnswer {
    pub task: TaskDocument,
}
