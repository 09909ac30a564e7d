//! Tasks as the cluster keeps them: a small record per task, and what the tasks of one launch
//! share kept once, so that placing a million tasks does not build a million API documents.
//! Answers write the API shape from them when asked (`task_document.rs`).

use super::lifecycle::TaskPlan;
use crate::api::ecs::{self as api, LaunchType, NetworkMode};
use crate::placement::Requirement;
use std::sync::Arc;

/// What every task of one launch (a RunTask call, a service deployment) has in common.
#[derive(Debug)]
pub struct TaskSpec {
    pub task_definition: Arc<api::TaskDefinition>,
    pub requirement: Requirement,
    pub group: String,
    pub started_by: Option<String>,
    pub tags: Option<Vec<api::Tag>>,
    pub launch_type: LaunchType,
}

#[derive(Clone, Debug)]
pub struct TaskEni {
    pub attachment_id: String,
    pub eni_id: String,
    pub subnet_id: String,
}

#[derive(Clone, Debug)]
pub struct Task {
    /// `arn:aws:ecs:<region>:<account>:task/<cluster>/<id>`.
    /// Shared between forks (it never changes).
    pub arn: Arc<str>,
    pub spec: Arc<TaskSpec>,
    /// None for FARGATE tasks.
    pub instance_arn: Option<Arc<str>>,
    pub availability_zone: Option<Arc<str>>,
    /// The task's own network interface (FARGATE).
    pub eni: Option<Box<TaskEni>>,
    pub gpu_ids: Vec<String>,
    /// The capacity provider it was started on, when it was started through a strategy.
    pub capacity_provider: Option<Arc<str>>,
    pub last_status: &'static str,
    pub desired_status: &'static str,
    /// Its step times and how its containers end.
    pub plan: Arc<TaskPlan>,
    /// When its next lifecycle step is due (None: it stays as it is until asked to stop).
    pub next_at: Option<f64>,
    pub created_at: f64,
    pub pull_started_at: Option<f64>,
    pub pull_stopped_at: Option<f64>,
    pub started_at: Option<f64>,
    pub stopping_at: Option<f64>,
    pub stopped_at: Option<f64>,
    pub stop_code: Option<api::TaskStopCode>,
    pub stopped_reason: Option<String>,
    /// (container index, exit code) of the essential container that is to exit, or exited.
    pub exit_code: Option<(usize, i32)>,
    /// Bumped on every change of state, as DescribeTasks' `version`.
    pub version: i64,
    /// Its service stopped it for failing container or load balancer health checks (the
    /// circuit breaker counts it).
    pub failed_health_checks: bool,
    /// Its tags once TagResource or UntagResource changed them (the launch's until then).
    pub retagged: Option<Vec<api::Tag>>,
    /// Scale-in protection: until then its service's scale-in and deployments leave it running.
    pub protected_until: Option<f64>,
}

impl Task {
    /// Whether scale-in protection holds it at `now`.
    pub fn protected(&self, now: f64) -> bool {
        self.protected_until.is_some_and(|until| until > now)
    }

    /// Its own tags, to change (TagResource): the launch's, copied on first change.
    pub fn own_tags(&mut self) -> &mut Vec<api::Tag> {
        let launched = &self.spec.tags;
        self.retagged
            .get_or_insert_with(|| launched.clone().unwrap_or_default())
    }

    /// A new task, PROVISIONING from `now`.
    pub fn new(arn: String, spec: Arc<TaskSpec>, plan: Arc<TaskPlan>, now: f64) -> Task {
        Task {
            arn: arn.into(),
            spec,
            instance_arn: None,
            availability_zone: None,
            eni: None,
            gpu_ids: Vec::new(),
            retagged: None,
            protected_until: None,
            capacity_provider: None,
            last_status: "PROVISIONING",
            desired_status: "RUNNING",
            next_at: Some(now + plan.steps.provisioning),
            plan,
            created_at: now,
            pull_started_at: None,
            pull_stopped_at: None,
            started_at: None,
            stopping_at: None,
            stopped_at: None,
            stop_code: None,
            stopped_reason: None,
            exit_code: None,
            version: 1,
            failed_health_checks: false,
        }
    }

    pub fn id(&self) -> &str {
        self.arn.rsplit('/').next().unwrap_or_default()
    }

    /// The private IPv4 address of an awsvpc task: 10.x.y.z from its id's first hex digits
    /// (ecsim's convention: subnets have no address ranges here).
    pub fn private_ipv4(&self) -> String {
        ipv4_from_hex(self.id().get(..6).unwrap_or("0"))
    }

    /// The host port a container port is reachable on: the static host port, or for a dynamic
    /// mapping one of the ephemeral range 32768–60999 drawn from the task id (ecsim's choice; ECS
    /// takes any free one).
    pub fn host_port(&self, container_name: &str, container_port: i32) -> Option<i32> {
        let awsvpc = self.spec.task_definition.network_mode == Some(NetworkMode::Awsvpc);
        let mapping = self
            .spec
            .task_definition
            .container_definitions
            .iter()
            .flatten()
            .filter(|c| c.name.as_deref() == Some(container_name))
            .flat_map(|c| c.port_mappings.iter().flatten())
            .find(|m| m.container_port == Some(container_port))?;
        match mapping.host_port.filter(|&p| p > 0) {
            _ if awsvpc => Some(container_port),
            Some(port) => Some(port),
            None => {
                let bits =
                    u32::from_str_radix(self.id().get(6..12).unwrap_or("0"), 16).unwrap_or(0);
                Some(32768 + (bits % 28232) as i32)
            }
        }
    }

    /// Its containers' status: PENDING until the task runs, STOPPED once it is deprovisioning
    /// (or stopping, for a task that never ran).
    pub(super) fn container_status(&self) -> &'static str {
        match (self.last_status, self.started_at) {
            ("PROVISIONING" | "PENDING" | "ACTIVATING", _) => "PENDING",
            ("RUNNING", _) | ("DEACTIVATING" | "STOPPING", Some(_)) => "RUNNING",
            _ => "STOPPED",
        }
    }
}

impl TaskEni {
    pub(super) fn to_api(&self, private_ipv4: &str) -> api::Attachment {
        let detail = |name: &str, value: &str| api::KeyValuePair {
            name: Some(name.into()),
            value: Some(value.into()),
        };
        api::Attachment {
            id: Some(self.attachment_id.clone()),
            r#type: Some("ElasticNetworkInterface".into()),
            status: Some("ATTACHED".into()),
            details: Some(vec![
                detail("subnetId", &self.subnet_id),
                detail("networkInterfaceId", &self.eni_id),
                detail("privateIPv4Address", private_ipv4),
            ]),
        }
    }
}

/// Static host ports as the task's network bindings (dynamic ones get no binding yet).
pub(super) fn network_bindings(container: &api::ContainerDefinition) -> Vec<api::NetworkBinding> {
    container
        .port_mappings
        .iter()
        .flatten()
        .filter_map(|m| {
            let host_port = m.host_port.filter(|&p| p > 0)?;
            Some(api::NetworkBinding {
                bind_ip: Some("0.0.0.0".into()),
                container_port: m.container_port,
                host_port: Some(host_port),
                protocol: m.protocol,
                ..api::NetworkBinding::default()
            })
        })
        .collect()
}

/// 10.x.y.z from six hex digits (ecsim's private addresses: subnets have no address ranges here).
pub fn ipv4_from_hex(digits: &str) -> String {
    let bits = u32::from_str_radix(digits, 16).unwrap_or(0);
    format!("10.{}.{}.{}", bits >> 16, (bits >> 8) & 0xff, bits & 0xff)
}
