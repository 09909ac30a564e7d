//! The placement index kept between calls: one request's `Placer` with the request it was
//! built for, brought up to date with the instances that changed since (`Cached::sync`), so a
//! RunTask's cost is its tasks', not its cluster's. One request is kept (the last one asked
//! for), whatever its task group (`Cached::regroup`); another request builds its own.

use super::engine::{Constraint, Request, Strategy};
use super::{Candidate, Placer, Requirement};

/// What a placement request is, owned: what the index was built for.
#[derive(Clone, Debug, PartialEq)]
pub struct Owned {
    pub requirement: Requirement,
    pub group: String,
    /// As given (static memberOf expressions not yet evaluated).
    pub constraints: Vec<Constraint>,
    pub strategies: Vec<Strategy>,
}

#[derive(Clone, Debug)]
pub struct Cached {
    owned: Owned,
    /// `owned.constraints` with static memberOf expressions evaluated per instance.
    evaluated: Vec<Constraint>,
    placer: Placer,
}

impl Owned {
    /// The constraints evaluated over `instances` (static memberOf expressions once each).
    pub fn evaluated(&self, instances: &[impl Candidate]) -> Vec<Constraint> {
        self.constraints
            .iter()
            .cloned()
            .map(|c| c.evaluated(instances))
            .collect()
    }
}

impl Cached {
    /// None when the request's strategies need `place`'s general path.
    pub fn build(owned: Owned, instances: &[impl Candidate]) -> Option<Cached> {
        let evaluated = owned.evaluated(instances);
        let request = Request {
            requirement: &owned.requirement,
            group: &owned.group,
            constraints: &evaluated,
            strategies: &owned.strategies,
        };
        let placer = Placer::new(instances, &request)?;
        Some(Cached {
            owned,
            evaluated,
            placer,
        })
    }

    /// The request it was built for.
    pub fn request(&self) -> &Owned {
        &self.owned
    }

    /// Whether it can serve `owned`: the same request but maybe for another task group, which
    /// `regroup` switches to.
    pub fn serves(&self, owned: &Owned) -> bool {
        self.owned.requirement == owned.requirement
            && self.owned.constraints == owned.constraints
            && self.owned.strategies == owned.strategies
    }

    /// Switches to the task group `group`, whose tasks run on the instances at `hosting`;
    /// returns the positions of the instances whose count of the group (and so their key and
    /// distinctInstance verdict) may differ, for `sync`: those that ran tasks of the old group
    /// or run tasks of the new one. Every service of a cluster with the same needs and
    /// strategies shares one index this way instead of building its own.
    pub fn regroup(&mut self, group: &str, hosting: impl Iterator<Item = usize>) -> Vec<usize> {
        if self.owned.group == group {
            return Vec::new();
        }
        self.owned.group = group.to_string();
        self.placer.counted_positions().chain(hosting).collect()
    }

    /// Brings the index up to date with the instances that left (`removed`, in order), those
    /// at `changed` and any registered since; false when only a new one is right (see
    /// `Placer::sync`).
    pub fn sync(
        &mut self,
        removed: &[usize],
        changed: &[usize],
        instances: &[impl Candidate],
    ) -> bool {
        for &gone in removed {
            for evaluated in &mut self.evaluated {
                if let Constraint::MemberOfEvaluated(members) = evaluated {
                    if gone < members.len() {
                        members.remove(gone);
                    }
                }
            }
        }
        for (given, evaluated) in self.owned.constraints.iter().zip(&mut self.evaluated) {
            if let (Constraint::MemberOf(expression), Constraint::MemberOfEvaluated(members)) =
                (given, evaluated)
            {
                let known = members.len();
                for &index in changed.iter().filter(|&&i| i < known) {
                    members[index] = expression.matches(&instances[index]);
                }
                for instance in instances.iter().skip(members.len()) {
                    members.push(expression.matches(instance));
                }
            }
        }
        let Cached {
            owned,
            evaluated,
            placer,
        } = self;
        let request = Request {
            requirement: &owned.requirement,
            group: &owned.group,
            constraints: evaluated,
            strategies: &owned.strategies,
        };
        placer.sync(removed, changed, instances, &request)
    }

    /// The request, with its constraints evaluated, and the index to place it with.
    pub fn parts(&mut self) -> (Request<'_>, &mut Placer) {
        let Cached {
            owned,
            evaluated,
            placer,
        } = self;
        (
            Request {
                requirement: &owned.requirement,
                group: &owned.group,
                constraints: evaluated,
                strategies: &owned.strategies,
            },
            placer,
        )
    }

    /// Whether it is what a new index for the same request over `instances` would be.
    pub fn is_current(&self, instances: &[impl Candidate]) -> bool {
        Cached::build(self.owned.clone(), instances)
            .is_some_and(|fresh| fresh.evaluated == self.evaluated && fresh.placer == self.placer)
    }
}
