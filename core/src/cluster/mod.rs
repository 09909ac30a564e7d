//! Clusters and their container instances, as the simulation keeps them.

pub mod catalog;
mod catalog_data;
mod changes;
pub mod health;
mod instances;
pub mod lifecycle;
mod task;
mod task_document;
mod tasks;

pub use crate::placement::Resources;
pub use changes::Change;
pub use instances::{Changed, Instances};
pub use task::{ipv4_from_hex, Task, TaskEni, TaskSpec};
pub use task_document::{TaskAnswer, TaskDocument, TasksAnswer};
pub use tasks::{TaskPosition, Tasks};

use crate::api::ecs as api;
use crate::placement::cache::{Cached, Owned};
use crate::query;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;

/// Reserved TCP host ports on a container instance (ECS_RESERVED_PORTS' default).
pub const RESERVED_PORTS: [u16; 5] = [22, 2375, 2376, 51678, 51679];

/// At most 10 custom attributes per container instance (PutAttributes).
pub const MAX_CUSTOM_ATTRIBUTES: usize = 10;

#[derive(Clone)]
pub struct Cluster {
    pub name: String,
    pub arn: String,
    pub active: bool,
    pub tags: Vec<api::Tag>,
    pub settings: Vec<api::ClusterSetting>,
    /// Execute command configuration (kept and answered).
    pub configuration: Option<api::ClusterConfiguration>,
    /// The Cloud Map namespace a service without a Service Connect configuration would use.
    pub service_connect_defaults: Option<api::ClusterServiceConnectDefaults>,
    /// FARGATE and/or FARGATE_SPOT, when associated.
    pub capacity_providers: Vec<String>,
    /// Used by RunTask and CreateService calls that name neither a launch type nor a strategy.
    pub default_capacity_provider_strategy: Vec<api::CapacityProviderStrategyItem>,
    /// In registration order: a stable order for listing and for placement ties.
    pub instances: Instances,
    /// Running and stopped tasks, in launch order.
    pub tasks: Tasks,
    /// Where each task id is in `tasks` (only looked up, never iterated; the ids are drawn at
    /// random, so a plain fast hash serves).
    pub task_positions: rustc_hash::FxHashMap<u128, TaskPosition>,
    /// Lifecycle steps that fell due in the last call: (when, task position).
    pub due: Vec<(f64, TaskPosition)>,
    /// Tasks that reached STOPPED, in the order they did: (when, task position). The oldest are
    /// forgotten once the retention has passed (`forget_stopped`).
    pub stopped: VecDeque<(f64, TaskPosition)>,
    /// Its changes since the simulation last took them, while the event bus listens.
    pub journal: Option<Vec<Change>>,
    /// The placement index of the last RunTask request that had one (`take_placement_index`).
    pub placement_index: Option<Box<Cached>>,
    /// Tasks waiting in PROVISIONING for a capacity provider's instances, oldest first, each
    /// with how it is to be placed (`sim::ecs::provisioning`).
    pub waiting: Vec<(TaskPosition, Arc<Owned>)>,
    /// The capacity providers of this cluster whose tasks wait for capacity rather than fail
    /// (group providers with managed scaling).
    pub waiting_providers: BTreeSet<Arc<str>>,
}

#[derive(Clone, Debug)]
pub struct ContainerInstance {
    pub id: Arc<str>,
    /// Shared with the records of the tasks that run on it.
    pub arn: Arc<str>,
    pub ec2_instance_id: Arc<str>,
    /// Its `ecs.availability-zone` attribute (built-in, so it never changes), shared with the
    /// records of the tasks placed on it.
    pub availability_zone: Option<Arc<str>>,
    /// Changed through `Instances::set_status`, which keeps the cluster's note of the instances
    /// that are not ACTIVE.
    pub status: api::ContainerInstanceStatus,
    pub agent_connected: bool,
    /// What never changes after registration is shared between forks.
    pub version_info: Arc<api::VersionInfo>,
    pub registered_at: f64,
    pub registered: Arc<Resources>,
    pub remaining: Resources,
    /// Elastic network interfaces the instance can attach, the primary one included.
    pub max_enis: u32,
    /// Task ENIs attached now (awsvpc tasks).
    pub attached_enis: u32,
    /// Built-in (`ecs.*`) and custom attributes; None values are attributes without a value.
    /// Shared between forks until one of them changes it (`Arc::make_mut`).
    pub attributes: Arc<BTreeMap<String, Option<String>>>,
    pub running_tasks_count: u32,
    pub pending_tasks_count: u32,
    pub task_groups: BTreeMap<String, u32>,
    pub tags: Vec<api::Tag>,
    /// The Auto Scaling group capacity provider it belongs to, if any.
    pub capacity_provider: Option<Arc<str>>,
}

impl ContainerInstance {
    /// A copy for its state change event, without its task groups and tags: the event shows
    /// neither, and the groups are the part of the record a copy per started task would
    /// otherwise rebuild node by node.
    pub fn event_copy(&self) -> ContainerInstance {
        ContainerInstance {
            id: Arc::clone(&self.id),
            arn: Arc::clone(&self.arn),
            ec2_instance_id: Arc::clone(&self.ec2_instance_id),
            availability_zone: self.availability_zone.clone(),
            status: self.status,
            agent_connected: self.agent_connected,
            version_info: Arc::clone(&self.version_info),
            registered_at: self.registered_at,
            registered: Arc::clone(&self.registered),
            remaining: self.remaining.clone(),
            max_enis: self.max_enis,
            attached_enis: self.attached_enis,
            attributes: Arc::clone(&self.attributes),
            running_tasks_count: self.running_tasks_count,
            pending_tasks_count: self.pending_tasks_count,
            task_groups: BTreeMap::new(),
            tags: Vec::new(),
            capacity_provider: self.capacity_provider.clone(),
        }
    }

    /// Takes what a placed task needs; returns the GPU ids it got. Called through
    /// `Instances::hold`, which keeps the cluster's note of each group's instances.
    fn hold(&mut self, requirement: &crate::placement::Requirement, group: &str) -> Vec<String> {
        self.remaining.cpu -= requirement.cpu;
        self.remaining.memory -= requirement.memory;
        if !requirement.tcp_ports.is_empty() {
            Arc::make_mut(&mut self.remaining.ports).extend(requirement.tcp_ports.iter().cloned());
        }
        if !requirement.udp_ports.is_empty() {
            Arc::make_mut(&mut self.remaining.udp_ports)
                .extend(requirement.udp_ports.iter().cloned());
        }
        self.attached_enis += u32::from(requirement.eni);
        self.running_tasks_count += 1;
        // Looked up before inserting: placing many tasks of one group should not allocate.
        match self.task_groups.get_mut(group) {
            Some(count) => *count += 1,
            None => {
                self.task_groups.insert(group.to_string(), 1);
            }
        }
        self.remaining
            .gpus
            .drain(..requirement.gpus.min(self.remaining.gpus.len()))
            .collect()
    }

    /// Gives back exactly what `hold` took (through `Instances::release`).
    fn release(
        &mut self,
        requirement: &crate::placement::Requirement,
        group: &str,
        gpu_ids: &[String],
    ) {
        self.remaining.cpu += requirement.cpu;
        self.remaining.memory += requirement.memory;
        for port in &requirement.tcp_ports {
            if let Some(at) = self.remaining.ports.iter().position(|p| p == port) {
                Arc::make_mut(&mut self.remaining.ports).remove(at);
            }
        }
        for port in &requirement.udp_ports {
            if let Some(at) = self.remaining.udp_ports.iter().position(|p| p == port) {
                Arc::make_mut(&mut self.remaining.udp_ports).remove(at);
            }
        }
        self.attached_enis -= u32::from(requirement.eni);
        if let Some(count) = self.task_groups.get_mut(group) {
            *count -= 1;
            if *count == 0 {
                self.task_groups.remove(group);
            }
        }
        self.remaining.gpus.extend(gpu_ids.iter().cloned());
        self.remaining.gpus.sort();
    }

    pub fn to_api(&self, include_tags: bool) -> api::ContainerInstance {
        api::ContainerInstance {
            container_instance_arn: Some(self.arn.to_string()),
            ec2_instance_id: Some(self.ec2_instance_id.to_string()),
            version: Some(1),
            version_info: Some((*self.version_info).clone()),
            remaining_resources: Some(self.remaining.to_api()),
            registered_resources: Some(self.registered.to_api()),
            status: Some(self.status.as_str().to_string()),
            agent_connected: Some(self.agent_connected),
            running_tasks_count: Some(i32::try_from(self.running_tasks_count).unwrap_or(i32::MAX)),
            pending_tasks_count: Some(i32::try_from(self.pending_tasks_count).unwrap_or(i32::MAX)),
            attributes: Some(
                self.attributes
                    .iter()
                    .map(|(name, value)| api::Attribute {
                        name: Some(name.clone()),
                        value: value.clone(),
                        ..api::Attribute::default()
                    })
                    .collect(),
            ),
            registered_at: Some(self.registered_at),
            attachments: Some(Vec::new()),
            tags: include_tags.then(|| self.tags.clone()),
            capacity_provider_name: self.capacity_provider.as_deref().map(str::to_string),
            ..api::ContainerInstance::default()
        }
    }

    /// Whether `reference` (an ARN or the id after its last '/') names this instance.
    pub fn is(&self, reference: &str) -> bool {
        *self.arn == *reference || *self.id == *reference
    }
}

impl crate::placement::Candidate for ContainerInstance {
    fn accepts_tasks(&self) -> bool {
        self.status == api::ContainerInstanceStatus::Active
    }

    fn remaining(&self) -> &Resources {
        &self.remaining
    }

    fn has_eni_room(&self) -> bool {
        // The primary network interface counts against the limit.
        self.attached_enis + 1 < self.max_enis
    }

    fn group_count(&self, group: &str) -> Option<u32> {
        self.task_groups.get(group).copied()
    }

    fn capacity_provider(&self) -> Option<&str> {
        self.capacity_provider.as_deref()
    }
}

impl query::Instance for ContainerInstance {
    fn attribute(&self, name: &str) -> Option<&str> {
        // An attribute set without a value exists, with an empty value.
        self.attributes
            .get(name)
            .map(|value| value.as_deref().unwrap_or(""))
    }
    fn agent_connected(&self) -> bool {
        self.agent_connected
    }
    fn agent_version(&self) -> Option<&str> {
        self.version_info.agent_version.as_deref()
    }
    fn ec2_instance_id(&self) -> Option<&str> {
        Some(&self.ec2_instance_id)
    }
    fn registered_at(&self) -> f64 {
        self.registered_at
    }
    fn running_tasks_count(&self) -> u32 {
        self.running_tasks_count
    }
    fn task_groups(&self) -> Vec<&str> {
        self.task_groups.keys().map(String::as_str).collect()
    }
}

impl Cluster {
    /// The cluster as DescribeClusters shows it; its services are kept by the simulation, which
    /// says how many are active.
    pub fn to_api(&self, active_services: usize) -> api::Cluster {
        let registered = self
            .instances
            .iter()
            .filter(|i| i.status != api::ContainerInstanceStatus::Deregistering)
            .count();
        api::Cluster {
            cluster_arn: Some(self.arn.clone()),
            cluster_name: Some(self.name.clone()),
            status: Some(if self.active { "ACTIVE" } else { "INACTIVE" }.into()),
            registered_container_instances_count: Some(
                i32::try_from(registered).unwrap_or(i32::MAX),
            ),
            // Counted over tasks, not instances: FARGATE tasks run on none.
            running_tasks_count: Some(
                self.tasks
                    .iter()
                    .filter(|t| t.last_status == "RUNNING")
                    .count() as i32,
            ),
            pending_tasks_count: Some(
                self.tasks
                    .iter()
                    .filter(|t| matches!(t.last_status, "PROVISIONING" | "PENDING" | "ACTIVATING"))
                    .count() as i32,
            ),
            active_services_count: Some(i32::try_from(active_services).unwrap_or(i32::MAX)),
            statistics: Some(Vec::new()),
            tags: Some(self.tags.clone()),
            settings: Some(self.settings.clone()),
            configuration: self.configuration.clone(),
            service_connect_defaults: self.service_connect_defaults.clone(),
            capacity_providers: Some(self.capacity_providers.clone()),
            default_capacity_provider_strategy: Some(
                self.default_capacity_provider_strategy.clone(),
            ),
            ..api::Cluster::default()
        }
    }

    pub fn instance(&self, reference: &str) -> Option<&ContainerInstance> {
        self.instances.iter().find(|i| i.is(reference))
    }

    pub fn instance_mut(&mut self, reference: &str) -> Option<&mut ContainerInstance> {
        let position = self.instance_position(reference)?;
        self.instances.get_mut(position)
    }

    /// Where the instance with this ARN or id is in `instances`.
    pub fn instance_position(&self, reference: &str) -> Option<usize> {
        self.instances.iter().position(|i| i.is(reference))
    }

    /// A task by ARN or id.
    pub fn task_mut(&mut self, reference: &str) -> Option<&mut Task> {
        let position = self.task_position(reference)?;
        Some(&mut self.tasks[position])
    }

    /// The tasks at `positions` (kept ones, as for indexing `tasks`) as the API shows them at
    /// `at`, sharing their records.
    pub fn documents(&self, positions: &[TaskPosition], at: f64) -> Vec<TaskDocument> {
        let cluster_arn: Arc<str> = self.arn.as_str().into();
        positions
            .iter()
            .map(|&position| {
                TaskDocument::new(self.tasks.kept(position), Arc::clone(&cluster_arn), at)
            })
            .collect()
    }

    /// Task `position` (a kept one) as the API shows it at `at`.
    pub fn document(&self, position: TaskPosition, at: f64) -> TaskDocument {
        TaskDocument::new(self.tasks.kept(position), self.arn.as_str().into(), at)
    }

    /// Adds `task`, whose id is the 32 hex digits of `id`, placed on the instance at `instance`
    /// (if any), and takes it through the steps due by `now`; returns where it is in `tasks`.
    /// The id and the instance are given as the caller has them: reading them back from the
    /// task's ARNs cost about 700 instructions a task.
    pub fn add_task(
        &mut self,
        task: Task,
        id: u128,
        instance: Option<usize>,
        now: f64,
    ) -> TaskPosition {
        debug_assert_eq!(task_key(task.id()), Some(id));
        debug_assert_eq!(
            instance.map(|at| &self.instances[at].arn),
            task.instance_arn.as_ref()
        );
        self.task_positions.insert(id, self.tasks.next_position());
        let version = task.version;
        let position = self.tasks.push(task);
        self.settle_task(position, now);
        // Each step noted itself; a task that stays as it was created is noted as created.
        if self.tasks[position].version == version {
            self.note_task(position, now);
        }
        if let Some(at) = instance {
            self.note_instance_at(at, now);
        }
        position
    }

    /// Asks task `position` to stop, and takes it through the steps due by `now`.
    pub fn stop_task(
        &mut self,
        position: TaskPosition,
        now: f64,
        code: api::TaskStopCode,
        reason: String,
    ) {
        self.counted(position, |cluster| {
            cluster.tasks[position].request_stop(now, code, reason)
        });
        self.note_task(position, now);
        self.settle_task(position, now);
    }

    /// Runs `change` on task `position`, keeping its instance's counts as ECS keeps them:
    /// `runningTasksCount` the tasks whose desired status is RUNNING, `pendingTasksCount` those
    /// whose last status is PENDING.
    pub(crate) fn counted<R>(
        &mut self,
        position: TaskPosition,
        change: impl FnOnce(&mut Cluster) -> R,
    ) -> R {
        let counts = |task: &Task| {
            (
                task.desired_status == "RUNNING",
                task.last_status == "PENDING",
            )
        };
        let before = self.tasks.get(position).map(counts);
        let result = change(self);
        let Some(task) = self.tasks.get(position) else {
            return result;
        };
        let after = counts(task);
        let (Some(before), Some(arn)) = (before, task.instance_arn.clone()) else {
            return result;
        };
        if before != after {
            if let Some(instance) = self.instances.find_mut(&arn) {
                let adjust = |count: &mut u32, was: bool, is: bool| match (was, is) {
                    (false, true) => *count += 1,
                    (true, false) => *count = count.saturating_sub(1),
                    _ => {}
                };
                adjust(&mut instance.running_tasks_count, before.0, after.0);
                adjust(&mut instance.pending_tasks_count, before.1, after.1);
            }
        }
        result
    }

    /// Takes task `position` through the steps due by `now` and notes when its next is due.
    pub fn settle_task(&mut self, position: TaskPosition, now: f64) {
        if let Some(at) = self.counted(position, |cluster| cluster.progress_task(position, now)) {
            self.due.push((at, position));
        }
    }

    /// The (time, task position) pairs noted since the last call, for the simulation's clock.
    pub fn take_due(&mut self) -> std::vec::Drain<'_, (f64, TaskPosition)> {
        self.due.drain(..)
    }

    /// The placement index for `request`: the kept one brought up to date with the instances
    /// that changed since, or a new one (None when its strategies need the general path). Give
    /// it back with `placement_index = Some(..)` once done.
    pub fn take_placement_index(&mut self, request: &Owned) -> Option<Box<Cached>> {
        let changed = self.instances.take_changed();
        let kept = self.placement_index.take().filter(|c| c.serves(request));
        if let (
            Some(mut cached),
            Changed::Positions {
                removed,
                mut changed,
            },
        ) = (kept, changed)
        {
            let hosting = self.instances.hosting(&request.group);
            changed.extend(cached.regroup(&request.group, hosting));
            if cached.sync(&removed, &changed, &self.instances) {
                return Some(cached);
            }
        }
        Cached::build(request.clone(), &self.instances).map(Box::new)
    }

    /// Forgets the tasks that reached STOPPED at or before `until`; returns their positions.
    pub fn forget_stopped(&mut self, until: f64) -> BTreeSet<TaskPosition> {
        let mut forgotten = BTreeSet::new();
        while let Some(&(at, position)) = self.stopped.front() {
            if at > until {
                break;
            }
            self.stopped.pop_front();
            if let Some(key) = self.tasks.get(position).and_then(|t| task_key(t.id())) {
                self.task_positions.remove(&key);
            }
            forgotten.insert(position);
        }
        if !forgotten.is_empty() {
            self.tasks.remove(&forgotten);
        }
        forgotten
    }

    pub fn task_position(&self, reference: &str) -> Option<TaskPosition> {
        let id = reference.rsplit('/').next().unwrap_or_default();
        let position = *self.task_positions.get(&task_key(id)?)?;
        let task = &self.tasks[position];
        (*task.arn == *reference || task.id() == reference).then_some(position)
    }
}

/// Task ids are 32 hex digits: kept as the number they spell, which is cheaper to look up.
fn task_key(id: &str) -> Option<u128> {
    (id.len() == 32).then(|| u128::from_str_radix(id, 16).ok())?
}
