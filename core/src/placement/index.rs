//! `place` for many tasks of one request, in O(log n) per task instead of O(n).
//!
//! Placing a task changes only the chosen instance, and the task-group count of the value it
//! has for a leading `spread(attribute:…)`. So the candidates are kept in ordered maps, one per
//! spread value, keyed by what the other strategies compare (all of it the instance's own:
//! remaining CPU or memory, its count of the group) with the instances that tie on it as a
//! `TieSet`, and only the chosen instance is checked again after each task. Each task costs
//! O(log n), plus O(t/64) when t instances tie on every strategy and a draw picks among them. Answers, including every draw from the RNG, are exactly `place`'s: the
//! property tests compare the two. Chains it cannot index (a spread by attribute after another
//! strategy, or two of them) fall back to `place` (`Placer::new` returns None).

use super::engine::{fits, satisfies, Request, Strategy};
use super::ties::{nth_of_union, TieSet};
use super::Candidate;
use rand_core::Rng;
use std::collections::{BTreeMap, BTreeSet};

/// At most 5 strategies: one key element each.
type Key = [i64; 5];

/// What a strategy after the spread compares on one instance.
#[derive(Clone, Copy)]
enum LocalKey {
    Cpu,
    Memory,
    GroupCount,
}

pub struct Placer<'r> {
    request: &'r Request<'r>,
    local: Vec<LocalKey>,
    /// A `random` strategy ends the chain: one draw among what the strategies before it kept.
    random: bool,
    /// Each instance's spread value, as an index into `group_counts` and `candidates`.
    value_of: Vec<usize>,
    /// Tasks of the group per spread value, over every instance of the cluster.
    group_counts: Vec<u64>,
    /// Per spread value, the instances that can take the task now, by key.
    candidates: Vec<BTreeMap<Key, TieSet>>,
    /// The key each instance is filed under in `candidates`, when it is a candidate.
    filed: Vec<Option<Key>>,
    /// Spread values with at least one candidate, by (group count, value).
    live: BTreeSet<(u64, usize)>,
    /// Reused by `choose`, which runs once per task.
    scratch: Vec<usize>,
}

impl<'r> Placer<'r> {
    /// None when the strategy chain needs `place`'s general path.
    pub fn new(instances: &[impl Candidate], request: &'r Request<'r>) -> Option<Placer<'r>> {
        let mut spread = None;
        let mut local = Vec::new();
        let mut random = false;
        for (position, strategy) in request.strategies.iter().enumerate() {
            match strategy {
                Strategy::Random => {
                    random = true;
                    break;
                }
                Strategy::SpreadAttribute(name) if position == 0 => spread = Some(name.as_str()),
                Strategy::SpreadAttribute(_) => return None,
                Strategy::BinpackCpu => local.push(LocalKey::Cpu),
                Strategy::BinpackMemory => local.push(LocalKey::Memory),
                Strategy::SpreadInstance => local.push(LocalKey::GroupCount),
            }
        }
        let mut values = BTreeMap::new();
        let value_of: Vec<usize> = instances
            .iter()
            .map(|instance| {
                let value = spread
                    .and_then(|name| instance.attribute(name))
                    .unwrap_or("");
                let next = values.len();
                *values.entry(value).or_insert(next)
            })
            .collect();
        let mut placer = Placer {
            request,
            local,
            random,
            group_counts: vec![0; values.len()],
            candidates: vec![BTreeMap::new(); values.len()],
            filed: vec![None; instances.len()],
            live: BTreeSet::new(),
            scratch: Vec::new(),
            value_of,
        };
        for (index, instance) in instances.iter().enumerate() {
            placer.group_counts[placer.value_of[index]] += placer.group_count(instance);
        }
        for (index, instance) in instances.iter().enumerate() {
            placer.refile(index, instance);
        }
        Some(placer)
    }

    fn group_count(&self, instance: &impl Candidate) -> u64 {
        let count = instance.group_count(self.request.group);
        u64::from(count.unwrap_or(0))
    }

    fn key(&self, instance: &impl Candidate) -> Key {
        let mut key = [0; 5];
        for (slot, local) in key.iter_mut().zip(&self.local) {
            *slot = match local {
                LocalKey::Cpu => instance.remaining().cpu,
                LocalKey::Memory => instance.remaining().memory,
                LocalKey::GroupCount => self.group_count(instance) as i64,
            };
        }
        key
    }

    /// Files `instance` again under its current key, or takes it out if it no longer qualifies.
    fn refile(&mut self, index: usize, instance: &impl Candidate) {
        let value = self.value_of[index];
        let set_live = |placer: &mut Self, live: bool| {
            let entry = (placer.group_counts[value], value);
            if live {
                placer.live.insert(entry);
            } else {
                placer.live.remove(&entry);
            }
        };
        if let Some(key) = self.filed[index].take() {
            if let Some(ties) = self.candidates[value].get_mut(&key) {
                ties.remove(index);
                if ties.is_empty() {
                    self.candidates[value].remove(&key);
                }
            }
            if self.candidates[value].is_empty() {
                set_live(self, false);
            }
        }
        let eligible = fits(instance, self.request.requirement).is_none()
            && self
                .request
                .constraints
                .iter()
                .all(|c| satisfies(instance, index, c, self.request.group).is_none());
        if eligible {
            let key = self.key(instance);
            if self.candidates[value].is_empty() {
                set_live(self, true);
            }
            self.candidates[value].entry(key).or_default().insert(index);
            self.filed[index] = Some(key);
        }
    }

    /// The instance `place` would choose, drawing from `rng` exactly as it does; None when no
    /// instance qualifies (then `place` itself says why, instance by instance).
    pub fn choose(&mut self, rng: &mut impl Rng) -> Option<usize> {
        let &(least, _) = self.live.first()?;
        let mut spread_tied = std::mem::take(&mut self.scratch);
        spread_tied.clear();
        spread_tied.extend(
            self.live
                .iter()
                .take_while(|&&(count, _)| count == least)
                .map(|&(_, value)| value),
        );
        let chosen = self.choose_among(&spread_tied, rng);
        self.scratch = spread_tied;
        chosen
    }

    fn choose_among(&self, spread_tied: &[usize], rng: &mut impl Rng) -> Option<usize> {
        let best = spread_tied
            .iter()
            .filter_map(|&value| self.candidates[value].keys().next())
            .min()?;
        let tied: Vec<&TieSet> = spread_tied
            .iter()
            .filter_map(|&value| self.candidates[value].get(best))
            .collect();
        let count: usize = tied.iter().map(|ties| ties.len()).sum();
        // `place` draws only when more than one candidate is left, and always for `random`.
        let nth = if count == 1 && !self.random {
            0
        } else {
            (rng.next_u64() % count as u64) as usize
        };
        nth_of_union(&tied, nth)
    }

    /// Takes note that a task of the request now runs on `instances[index]`.
    pub fn placed(&mut self, index: usize, instances: &[impl Candidate]) {
        let value = self.value_of[index];
        if !self.candidates[value].is_empty() {
            self.live.remove(&(self.group_counts[value], value));
            self.live.insert((self.group_counts[value] + 1, value));
        }
        self.group_counts[value] += 1;
        self.refile(index, &instances[index]);
    }
}
