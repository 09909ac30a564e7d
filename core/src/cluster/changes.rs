//! What changed in a cluster, as ECS reports it on EventBridge: a copy of each task at each
//! change of its state, and of each container instance whose status or resources changed.
//! A task's copy shares the live record until the task next changes (a task's last state is
//! never copied). Kept only while someone listens (`Cluster::journal` is None otherwise); the
//! simulation takes them after every moment and words the events from the copies.

use super::{Cluster, ContainerInstance, Task, TaskPosition};
use std::sync::Arc;

#[derive(Clone, Debug)]
pub enum Change {
    Task {
        at: f64,
        task: Arc<Task>,
    },
    /// `leaving`: it has left the cluster (INACTIVE, its agent gone).
    Instance {
        at: f64,
        instance: Box<ContainerInstance>,
        leaving: bool,
    },
}

impl Cluster {
    /// Starts (or stops) keeping changes.
    pub fn listen(&mut self, listening: bool) {
        match (listening, self.journal.is_some()) {
            (true, false) => self.journal = Some(Vec::new()),
            (false, true) => self.journal = None,
            _ => {}
        }
    }

    /// How many changes were noted since the last take.
    pub fn changes_noted(&self) -> usize {
        self.journal.as_ref().map_or(0, Vec::len)
    }

    /// The changes since the last take, oldest first. Drained, so that the journal keeps its
    /// room for the next call's changes instead of growing again from nothing.
    pub fn take_changes(&mut self) -> impl Iterator<Item = Change> + '_ {
        self.journal
            .iter_mut()
            .flat_map(|journal| journal.drain(..))
    }

    /// Notes task `position` as it is now.
    pub(crate) fn note_task(&mut self, position: TaskPosition, at: f64) {
        if let (Some(journal), Some(task)) = (self.journal.as_mut(), self.tasks.shared(position)) {
            journal.push(Change::Task { at, task });
        }
    }

    /// Notes the instance named `arn` as it is now.
    pub fn note_instance(&mut self, arn: &str, at: f64) {
        if let Some(position) = self.instances.position_of(arn) {
            self.note_instance_at(position, at);
        }
    }

    /// Notes the instance at `position` of `instances` as it is now.
    pub fn note_instance_at(&mut self, position: usize, at: f64) {
        if self.journal.is_none() {
            return;
        }
        let copy = Box::new(self.instances[position].event_copy());
        self.note(Change::Instance {
            at,
            instance: copy,
            leaving: false,
        });
    }

    /// Notes `instance`, which has just left the cluster.
    pub fn note_instance_leaving(&mut self, instance: ContainerInstance, at: f64) {
        self.note(Change::Instance {
            at,
            instance: Box::new(instance),
            leaving: true,
        });
    }

    fn note(&mut self, change: Change) {
        if let Some(journal) = self.journal.as_mut() {
            journal.push(change);
        }
    }
}
