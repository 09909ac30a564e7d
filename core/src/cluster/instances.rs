//! A cluster's container instances, in registration order, found by ARN in O(1), and the note
//! of which of them changed since the placement index last looked (`Cluster::placement_index`):
//! every change goes through `get_mut`, `find_mut`, `push` or `remove`, so the note is whole.

use super::ContainerInstance;
use std::collections::HashMap;
use std::ops::{Deref, Index, IndexMut};
use std::sync::Arc;

#[derive(Clone, Debug, Default)]
pub struct Instances {
    list: Vec<ContainerInstance>,
    by_arn: HashMap<Arc<str>, usize>,
    /// Positions changed since `take_changed`, while that note is wanted; when it would outgrow
    /// the list it is dropped and `renumbered` set instead (everything must be looked at again).
    changed: Vec<usize>,
    /// Positions moved (an instance left) or the note overflowed since `take_changed`.
    renumbered: bool,
    noting: bool,
}

/// What changed since the placement index last looked.
pub enum Changed {
    /// These positions (maybe repeated); positions past the index's end are new instances.
    Positions(Vec<usize>),
    /// Instances left or too much changed: build it again.
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
        self.note(self.list.len());
        self.list.push(instance);
    }

    pub fn remove(&mut self, position: usize) -> ContainerInstance {
        let instance = self.list.remove(position);
        self.by_arn.remove(&instance.arn);
        for (later, moved) in self.list.iter().enumerate().skip(position) {
            self.by_arn.insert(Arc::clone(&moved.arn), later);
        }
        self.renumbered = true;
        self.changed.clear();
        instance
    }

    fn note(&mut self, position: usize) {
        if !self.noting || self.renumbered {
            return;
        }
        if self.changed.len() > self.list.len() {
            self.changed.clear();
            self.renumbered = true;
        } else {
            self.changed.push(position);
        }
    }

    /// What changed since the last call; from now on changes are noted.
    pub fn take_changed(&mut self) -> Changed {
        let was_noting = std::mem::replace(&mut self.noting, true);
        if !was_noting || std::mem::take(&mut self.renumbered) {
            self.changed.clear();
            return Changed::Everything;
        }
        Changed::Positions(std::mem::take(&mut self.changed))
    }
}
