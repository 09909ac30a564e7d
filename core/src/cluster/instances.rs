//! A cluster's container instances, in registration order, found by ARN in O(1), and the note
//! of which of them changed since the placement index last looked (`Cluster::placement_index`):
//! every change goes through `get_mut`, `find_mut`, `push` or `remove`, so the note is whole.
//! Which instances run tasks of each task group is kept too (`hosting`), so that the placement
//! index switches groups without a look at every instance: tasks are taken on and given back
//! through `hold` and `release`, never on the instance itself.

use super::ContainerInstance;
use crate::api::ecs::ContainerInstanceStatus;
use crate::placement::Requirement;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeSet;
use std::ops::{Deref, Index, IndexMut};
use std::sync::Arc;

#[derive(Clone, Debug, Default)]
pub struct Instances {
    list: Vec<ContainerInstance>,
    by_arn: FxHashMap<Arc<str>, usize>,
    /// Per task group, the ARNs of the instances that run at least one of its tasks.
    hosts: FxHashMap<String, FxHashSet<Arc<str>>>,
    /// The ARNs of the instances that are not ACTIVE (`set_status`): the service scheduler asks
    /// at every moment, which a look at every instance made cost as much as the cluster.
    not_active: BTreeSet<Arc<str>>,
    /// Positions changed since `take_changed`, while that note is wanted; when it would outgrow
    /// the list it is dropped and `renumbered` set instead (everything must be looked at again).
    changed: Vec<usize>,
    /// Positions of the instances that left since `take_changed`, in order, each as numbered
    /// when it left (`changed` is renumbered as they leave).
    removed: Vec<usize>,
    /// The note overflowed since `take_changed`.
    renumbered: bool,
    noting: bool,
}

/// What changed since the placement index last looked.
pub enum Changed {
    /// The instances at `removed` left, in that order; then those at `changed` (maybe
    /// repeated, numbered as the list is now) changed; positions past the index's end are new
    /// instances.
    Positions {
        removed: Vec<usize>,
        changed: Vec<usize>,
    },
    /// Too much changed: build it again.
    Everything,
}

impl Deref for Instances {
    type Target = [ContainerInstance];

    fn deref(&self) -> &[ContainerInstance] {
        &self.list
    }
}

impl Index<usize> for Instances {
    type Output = ContainerInstance;

    fn index(&self, position: usize) -> &ContainerInstance {
        &self.list[position]
    }
}

/// Changing an instance through an index notes it.
impl IndexMut<usize> for Instances {
    fn index_mut(&mut self, position: usize) -> &mut ContainerInstance {
        self.note(position);
        &mut self.list[position]
    }
}

impl Instances {
    pub fn position_of(&self, arn: &str) -> Option<usize> {
        self.by_arn.get(arn).copied()
    }

    pub fn get_mut(&mut self, position: usize) -> Option<&mut ContainerInstance> {
        if position < self.list.len() {
            self.note(position);
        }
        self.list.get_mut(position)
    }

    /// The instance with this ARN, to change.
    pub fn find_mut(&mut self, arn: &str) -> Option<&mut ContainerInstance> {
        let position = self.position_of(arn)?;
        self.get_mut(position)
    }

    pub fn push(&mut self, instance: ContainerInstance) {
        self.by_arn
            .insert(Arc::clone(&instance.arn), self.list.len());
        for group in instance.task_groups.keys() {
            self.hosts
                .entry(group.clone())
                .or_default()
                .insert(Arc::clone(&instance.arn));
        }
        if instance.status != ContainerInstanceStatus::Active {
            self.not_active.insert(Arc::clone(&instance.arn));
        }
        self.note(self.list.len());
        self.list.push(instance);
    }

    pub fn remove(&mut self, position: usize) -> ContainerInstance {
        let instance = self.list.remove(position);
        self.by_arn.remove(&instance.arn);
        for group in instance.task_groups.keys() {
            self.forget_host(group, &instance.arn);
        }
        self.not_active.remove(&instance.arn);
        for (later, moved) in self.list.iter().enumerate().skip(position) {
            self.by_arn.insert(Arc::clone(&moved.arn), later);
        }
        if self.noting && !self.renumbered {
            self.changed.retain(|&changed| changed != position);
            for changed in &mut self.changed {
                if *changed > position {
                    *changed -= 1;
                }
            }
            self.removed.push(position);
            self.check_overflow();
        }
        instance
    }

    /// Sets the status of the instance at `position`; returns whether it changed.
    pub fn set_status(&mut self, position: usize, status: ContainerInstanceStatus) -> bool {
        let instance = &mut self[position];
        let changed = instance.status != status;
        instance.status = status;
        let arn = Arc::clone(&instance.arn);
        if status == ContainerInstanceStatus::Active {
            self.not_active.remove(&arn);
        } else {
            self.not_active.insert(arn);
        }
        changed
    }

    /// The ARNs of the instances that take no new task (DRAINING).
    pub fn not_active(&self) -> &BTreeSet<Arc<str>> {
        &self.not_active
    }

    /// The instance at `position` takes on a task of `group` needing `requirement`; returns the
    /// GPU ids it got.
    pub fn hold(&mut self, position: usize, requirement: &Requirement, group: &str) -> Vec<String> {
        let instance = &mut self[position];
        let gpu_ids = instance.hold(requirement, group);
        // Only its first task of the group makes it a host: the map is looked at once per pair.
        if instance.task_groups.get(group) == Some(&1) {
            let arn = Arc::clone(&instance.arn);
            self.hosts.entry(group.to_string()).or_default().insert(arn);
        }
        gpu_ids
    }

    /// The instance at `position` gives back exactly what `hold` took for a task.
    pub fn release(
        &mut self,
        position: usize,
        requirement: &Requirement,
        group: &str,
        gpu_ids: &[String],
    ) {
        let instance = &mut self[position];
        instance.release(requirement, group, gpu_ids);
        if !instance.task_groups.contains_key(group) {
            let arn = Arc::clone(&instance.arn);
            self.forget_host(group, &arn);
        }
    }

    fn forget_host(&mut self, group: &str, arn: &str) {
        if let Some(hosts) = self.hosts.get_mut(group) {
            hosts.remove(arn);
            if hosts.is_empty() {
                self.hosts.remove(group);
            }
        }
    }

    /// The positions of the instances that run tasks of `group`.
    pub fn hosting(&self, group: &str) -> impl Iterator<Item = usize> + '_ {
        self.hosts
            .get(group)
            .into_iter()
            .flatten()
            .filter_map(|arn| self.position_of(arn))
    }

    fn note(&mut self, position: usize) {
        // A task's start touches its instance more than once in a row: noted once.
        if !self.noting || self.renumbered || self.changed.last() == Some(&position) {
            return;
        }
        self.changed.push(position);
        self.check_overflow();
    }

    /// A note longer than the list is dropped: looking at everything again is cheaper.
    fn check_overflow(&mut self) {
        if self.changed.len() + self.removed.len() > self.list.len() + 1 {
            self.changed.clear();
            self.removed.clear();
            self.renumbered = true;
        }
    }

    /// Forgets the notes since the last `take_changed` when they are all of instances at
    /// `placed` (sorted): tasks placed through the placement index, which took note of them.
    pub fn forget_noted(&mut self, placed: &[usize]) {
        if self.renumbered || !self.removed.is_empty() {
            return;
        }
        if self.changed.iter().all(|p| placed.binary_search(p).is_ok()) {
            self.changed.clear();
        }
    }

    /// What changed since the last call; from now on changes are noted.
    pub fn take_changed(&mut self) -> Changed {
        let was_noting = std::mem::replace(&mut self.noting, true);
        if !was_noting || std::mem::take(&mut self.renumbered) {
            self.changed.clear();
            self.removed.clear();
            return Changed::Everything;
        }
        Changed::Positions {
            removed: std::mem::take(&mut self.removed),
            changed: std::mem::take(&mut self.changed),
        }
    }
}
