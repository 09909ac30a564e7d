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

/// Container ARNs up to this length are put together on the stack (an ARN may be longer).
const ARN_ON_STACK: usize = 256;

impl ContainerArn<'_> {
    /// Its text in pieces, put together without `fmt` (`write!`, `collect_str` cost several
    /// times as much) or a `String` of its own: it is written for every container of every
    /// task answered.
    fn pieces<'b>(&'b self, digits: &'b mut itoa::Buffer) -> [&'b str; 5] {
        let arn = self.task_arn;
        let resource = arn.find('/').unwrap_or(arn.len());
        let index = digits.format(self.index);
        match arn[..resource].strip_suffix(":task") {
            Some(head) => [head, ":container", &arn[resource..], "/", index],
            None => [arn, "", "", "/", index],
        }
    }
}

impl Serialize for ContainerArn<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut digits = itoa::Buffer::new();
        let pieces = self.pieces(&mut digits);
        let mut stack = [0u8; ARN_ON_STACK];
        let mut length = 0;
        for piece in pieces {
            let Some(room) = stack.get_mut(length..length + piece.len()) else {
                return serializer.serialize_str(&pieces.concat());
            };
            room.copy_from_slice(piece.as_bytes());
            length += piece.len();
        }
        // Whole texts side by side are UTF-8 still; the check is kept over an unsafe read.
        match std::str::from_utf8(&stack[..length]) {
            Ok(text) => serializer.serialize_str(text),
            Err(_) => serializer.serialize_str(&pieces.concat()),
        }
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
    containers: Containers<'a>,
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

/// A task's containers, written one by one as the list is (no list of them built first).
struct Containers<'a> {
    task: &'a Task,
    now: f64,
}

impl Serialize for Containers<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (task, now) = (self.task, self.now);
        let spec = &*task.spec;
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
            });
        serializer.collect_seq(containers)
    }
}

impl Serialize for TaskDocument {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (task, now) = (&*self.task, self.at);
        let spec = &*task.spec;
        let fargate = spec.launch_type == LaunchType::Fargate;
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
            containers: Containers { task, now },
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
