//! A cluster's tasks, in launch order, and the position that names one of them: the handle the
//! clock, the services and the calls keep for a task (never a bare index, never its ARN string).

use super::Task;
use std::ops::{Index, IndexMut};
use std::sync::Arc;

/// A task's launch number in its cluster. It never names another task: a task that is
/// forgotten (STOPPED past the retention) leaves its position unused for good.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TaskPosition(usize);

/// Running and recently stopped tasks, in launch order.
#[derive(Clone, Debug, Default)]
pub struct Tasks {
    /// The positions of the tasks kept, ascending: `positions[i]` names `tasks[i]`.
    positions: Vec<usize>,
    /// Behind `Arc`: forgetting tasks closes the gaps they leave, and moving a pointer per
    /// task kept is what a day of 10,000 service tasks can afford (a task is 640 bytes); a
    /// fork shares them and copies one only when it changes it (`touch`).
    tasks: Vec<Arc<Task>>,
    next: usize,
    /// Bumped by every mutable access, so that what is worked out from the tasks can tell it
    /// is stale (`sim::ecs::services::view`).
    changes: u64,
    /// Per task (as `tasks`), the `changes` of its last mutable access.
    touched: Vec<u64>,
    /// Per position from `first` on, where its task is in `tasks` (`FORGOTTEN` once it is
    /// not): a task is found with one index instead of a search, which the scheduler's check
    /// of every service's tasks at every moment made a tenth of a simulated week.
    slots: Vec<usize>,
    /// The oldest position kept (`next` when none is).
    first: usize,
}

const FORGOTTEN: usize = usize::MAX;

impl Tasks {
    /// Adds a task; returns its position.
    pub fn push(&mut self, task: Task) -> TaskPosition {
        self.changes += 1;
        let position = self.next;
        self.slots.push(self.tasks.len());
        self.positions.push(position);
        self.tasks.push(Arc::new(task));
        self.touched.push(self.changes);
        self.next += 1;
        TaskPosition(position)
    }

    /// The position the next task pushed will get.
    pub fn next_position(&self) -> TaskPosition {
        TaskPosition(self.next)
    }

    pub fn reserve(&mut self, additional: usize) {
        self.positions.reserve(additional);
        self.tasks.reserve(additional);
        self.touched.reserve(additional);
        self.slots.reserve(additional);
    }

    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Task> + ExactSizeIterator + Clone {
        self.tasks.iter().map(|task| &**task)
    }

    /// Every task with its position.
    pub fn positioned(&self) -> impl Iterator<Item = (TaskPosition, &Task)> {
        self.positions
            .iter()
            .zip(&self.tasks)
            .map(|(&position, task)| (TaskPosition(position), &**task))
    }

    pub fn get(&self, position: TaskPosition) -> Option<&Task> {
        self.slot(position).map(|slot| &*self.tasks[slot])
    }

    /// The task as it is now, shared: it is copied only if it changes while the copy is held.
    pub fn shared(&self, position: TaskPosition) -> Option<Arc<Task>> {
        self.slot(position)
            .map(|slot| Arc::clone(&self.tasks[slot]))
    }

    /// Task `position`, shared; out of bounds, as indexing, for a task that was forgotten.
    pub fn kept(&self, position: TaskPosition) -> Arc<Task> {
        Arc::clone(&self.tasks[self.kept_slot(position)])
    }

    pub fn get_mut(&mut self, position: TaskPosition) -> Option<&mut Task> {
        let slot = self.slot(position)?;
        Some(self.touch(slot))
    }

    fn touch(&mut self, slot: usize) -> &mut Task {
        self.changes += 1;
        self.touched[slot] = self.changes;
        Arc::make_mut(&mut self.tasks[slot])
    }

    /// The latest change to any of the tasks at `positions` (0 when none was ever changed or
    /// all are forgotten): what a service's cached view of its tasks is keyed on.
    pub fn last_touched(&self, positions: impl Iterator<Item = TaskPosition>) -> u64 {
        positions
            .filter_map(|position| self.slot(position))
            .map(|slot| self.touched[slot])
            .max()
            .unwrap_or(0)
    }

    /// Forgets the tasks at `positions` (kept in launch order); returns how many were kept.
    pub fn remove(&mut self, positions: &std::collections::BTreeSet<TaskPosition>) -> usize {
        self.changes += 1;
        let mut keep = vec![true; self.tasks.len()];
        let mut removed = 0;
        for &position in positions {
            if let Some(slot) = self.slot(position) {
                keep[slot] = false;
                self.slots[position.0 - self.first] = FORGOTTEN;
                removed += 1;
            }
        }
        let Some(from) = keep.iter().position(|k| !k) else {
            return 0;
        };
        let kept = |slot: &mut usize| {
            *slot += 1;
            keep[*slot - 1]
        };
        let mut slot = 0;
        self.tasks.retain(|_| kept(&mut slot));
        slot = 0;
        self.positions.retain(|_| kept(&mut slot));
        slot = 0;
        self.touched.retain(|_| kept(&mut slot));
        // The tasks before the first forgotten one keep their slots.
        for (slot, &position) in self.positions.iter().enumerate().skip(from) {
            self.slots[position - self.first] = slot;
        }
        let first = self.positions.first().copied().unwrap_or(self.next);
        self.slots.drain(..first - self.first);
        self.first = first;
        removed
    }

    /// Where task `position` is in `tasks`.
    fn slot(&self, TaskPosition(position): TaskPosition) -> Option<usize> {
        let slot = *self.slots.get(position.checked_sub(self.first)?)?;
        (slot != FORGOTTEN).then_some(slot)
    }

    /// The slot of a task the caller knows is kept (past the list's end otherwise).
    fn kept_slot(&self, position: TaskPosition) -> usize {
        self.slot(position).unwrap_or(usize::MAX)
    }
}

impl Index<TaskPosition> for Tasks {
    type Output = Task;

    /// Out of bounds, as a `Vec`'s index, for a task that was forgotten: callers hold positions
    /// of tasks they know are kept.
    fn index(&self, position: TaskPosition) -> &Task {
        &self.tasks[self.kept_slot(position)]
    }
}

impl IndexMut<TaskPosition> for Tasks {
    fn index_mut(&mut self, position: TaskPosition) -> &mut Task {
        let slot = self.kept_slot(position);
        self.touch(slot)
    }
}

impl<'a> IntoIterator for &'a mut Tasks {
    type Item = &'a mut Task;
    type IntoIter =
        std::iter::Map<std::slice::IterMut<'a, Arc<Task>>, fn(&'a mut Arc<Task>) -> &'a mut Task>;

    fn into_iter(self) -> Self::IntoIter {
        self.changes += 1;
        self.touched.fill(self.changes);
        self.tasks.iter_mut().map(Arc::make_mut)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ecs::LaunchType;
    use crate::cluster::lifecycle::{TaskPlan, TaskTimings};
    use crate::cluster::task::TaskSpec;
    use proptest::prelude::*;
    use std::collections::{BTreeMap, BTreeSet};
    use std::sync::Arc;

    fn task(number: usize) -> Task {
        let spec = Arc::new(TaskSpec {
            task_definition: Default::default(),
            requirement: Default::default(),
            group: String::new(),
            started_by: None,
            tags: None,
            launch_type: LaunchType::Ec2,
        });
        let plan = TaskPlan::new(&TaskTimings::instant(), false, &[]);
        Task::new(format!("task/{number}"), spec, Arc::new(plan), 0.0)
    }

    proptest! {
        /// Every position finds its own task until it is forgotten, and none afterwards, through
        /// any mix of launches and forgettings.
        #[test]
        fn positions_name_their_tasks(rounds in prop::collection::vec((1usize..6, prop::collection::vec(any::<prop::sample::Index>(), 0..5)), 1..12)) {
            let mut tasks = Tasks::default();
            let mut model: BTreeMap<TaskPosition, String> = BTreeMap::new();
            let mut launched = 0;
            for (launches, forgets) in rounds {
                for _ in 0..launches {
                    let position = tasks.push(task(launched));
                    model.insert(position, format!("task/{launched}"));
                    launched += 1;
                }
                let kept: Vec<TaskPosition> = model.keys().copied().collect();
                let gone: BTreeSet<TaskPosition> =
                    forgets.iter().map(|i| *i.get(&kept)).collect();
                prop_assert_eq!(tasks.remove(&gone), gone.len());
                model.retain(|position, _| !gone.contains(position));
                for number in 0..launched {
                    let position = TaskPosition(number);
                    let found = tasks.get(position).map(|t| t.arn.to_string());
                    prop_assert_eq!(found.as_ref(), model.get(&position));
                }
                prop_assert_eq!(tasks.len(), model.len());
                let positions: Vec<TaskPosition> = tasks.positioned().map(|(p, _)| p).collect();
                prop_assert_eq!(positions, model.keys().copied().collect::<Vec<_>>());
            }
        }
    }
}
