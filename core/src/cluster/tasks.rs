//! A cluster's tasks, in launch order, and the position that names one of them: the handle the
//! clock, the services and the calls keep for a task (never a bare index, never its ARN string).

use super::Task;
use std::ops::{Index, IndexMut};

/// Where a task is in its cluster's task list. Tasks are never removed, so a position stays
/// valid for the cluster's life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TaskPosition(usize);

/// Running and stopped tasks, in launch order.
#[derive(Clone, Debug, Default)]
pub struct Tasks(Vec<Task>);

impl Tasks {
    /// Adds a task; returns its position.
    pub fn push(&mut self, task: Task) -> TaskPosition {
        self.0.push(task);
        TaskPosition(self.0.len() - 1)
    }

    /// The position the next task pushed will get.
    pub fn next_position(&self) -> TaskPosition {
        TaskPosition(self.0.len())
    }

    pub fn reserve(&mut self, additional: usize) {
        self.0.reserve(additional);
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Task> {
        self.0.iter()
    }

    /// Every task with its position.
    pub fn positioned(&self) -> impl Iterator<Item = (TaskPosition, &Task)> {
        self.0
            .iter()
            .enumerate()
            .map(|(index, task)| (TaskPosition(index), task))
    }

    pub fn get(&self, position: TaskPosition) -> Option<&Task> {
        self.0.get(position.0)
    }
}

impl Index<TaskPosition> for Tasks {
    type Output = Task;

    fn index(&self, position: TaskPosition) -> &Task {
        &self.0[position.0]
    }
}

impl IndexMut<TaskPosition> for Tasks {
    fn index_mut(&mut self, position: TaskPosition) -> &mut Task {
        &mut self.0[position.0]
    }
}

impl<'a> IntoIterator for &'a mut Tasks {
    type Item = &'a mut Task;
    type IntoIter = std::slice::IterMut<'a, Task>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter_mut()
    }
}
