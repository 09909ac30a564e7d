//! `place` for many tasks of one request, in O(log n) per task instead of O(n), kept between
//! calls (`cache.rs`) so that a call's cost does not grow with the cluster.
//!
//! Placing a task changes only the chosen instance, and the task-group count of the value it
//! has for a leading `spread(attribute:…)`. So the candidates are kept in ordered maps, one per
//! spread value, keyed by what the other strategies compare (all of it the instance's own:
//! remaining CPU or memory, its count of the group) with the instances that tie on it as a
//! `TieSet`, and only the chosen instance is checked again after each task (and between calls,
//! only the instances that changed: `sync`). Each task costs O(log n), plus O(t/64) when t
//! instances tie on every strategy and a draw picks among them. Answers, including every draw
//! from the RNG, are exactly `place`'s: the property tests compare the two. Chains it cannot
//! index (a spread by attribute after another strategy, or two of them) fall back to `place`
//! (`Placer::new` returns None).

use super::engine::{fits, satisfies, Request, Strategy};
use super::ties::{nth_of_union, TieSet};
use super::Candidate;
use rand_core::Rng;
use std::collections::{BTreeMap, BTreeSet};

/// At most 5 strategies: one key element each.
type Key = [i64; 5];

/// What a strategy after the spread compares on one instance.
#[derive(Clone, Copy, Debug)]
enum LocalKey {
    Cpu,
    Memory,
    GroupCount,
}

#[derive(Clone, Debug)]
pub struct Placer {
    local: Vec<LocalKey>,
    /// A `random` strategy ends the chain: one draw among what the strategies before it kept.
    random: bool,
    /// The attribute of a leading spread.
    spread: Option<String>,
    /// Each spread value's number.
    values: BTreeMap<String, usize>,
    /// Each instance's spread value, as an index into `group_counts` and `candidates`.
    value_of: Vec<usize>,
    /// Each instance's count of the group, as last filed.
    counted: Vec<u64>,
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

impl PartialEq for Placer {
    /// The same decisions ahead (`scratch` is only reused memory).
    fn eq(&self, other: &Self) -> bool {
        self.value_of == other.value_of
            && self.counted == other.counted
            && self.group_counts == other.group_counts
            && self.candidates == other.candidates
            && self.filed == other.filed
            && self.live == other.live
    }
}

impl Placer {
    /// None when the strategy chain needs `place`'s general path.
    pub fn new(instances: &[impl Candidate], request: &Request) -> Option<Placer> {
        let mut spread = None;
        let mut local = Vec::new();
        let mut random = false;
        for (position, strategy) in request.strategies.iter().enumerate() {
            match strategy {
                Strategy::Random => {
                    random = true;
                    break;
                }
                Strategy::SpreadAttribute(name) if position == 0 => spread = Some(name.clone()),
                Strategy::SpreadAttribute(_) => return None,
                Strategy::BinpackCpu => local.push(LocalKey::Cpu),
                Strategy::BinpackMemory => local.push(LocalKey::Memory),
                Strategy::SpreadInstance => local.push(LocalKey::GroupCount),
            }
        }
        let mut placer = Placer {
            local,
            random,
            spread,
            values: BTreeMap::new(),
            value_of: Vec::with_capacity(instances.len()),
            counted: Vec::with_capacity(instances.len()),
            group_counts: Vec::new(),
            candidates: Vec::new(),
            filed: Vec::with_capacity(instances.len()),
            live: BTreeSet::new(),
            scratch: Vec::new(),
        };
        placer.extend(instances, request);
        Some(placer)
    }

    /// Files the instances past the ones it knows (newly registered).
    fn extend(&mut self, instances: &[impl Candidate], request: &Request) {
        let known = self.value_of.len();
        for (index, instance) in instances.iter().enumerate().skip(known) {
            let value = self.value_number(instance);
            let count = group_count(instance, request);
            self.value_of.push(value);
            self.counted.push(count);
            self.filed.push(None);
            self.set_group_count(value, self.group_counts[value] + count);
            debug_assert_eq!(self.value_of.len(), index + 1);
        }
        for (index, instance) in instances.iter().enumerate().skip(known) {
            self.refile(index, instance, request);
        }
    }

    /// The number of the instance's spread value, a new one when nobody had it yet.
    fn value_number(&mut self, instance: &impl Candidate) -> usize {
        let value = self
            .spread
            .as_deref()
            .and_then(|name| instance.attribute(name))
            .unwrap_or("");
        if let Some(&number) = self.values.get(value) {
            return number;
        }
        let number = self.values.len();
        self.values.insert(value.to_string(), number);
        self.group_counts.push(0);
        self.candidates.push(BTreeMap::new());
        number
    }

    /// Sets a spread value's group count, keeping its place in `live`.
    fn set_group_count(&mut self, value: usize, count: u64) {
        let old = self.group_counts[value];
        if old != count && self.live.remove(&(old, value)) {
            self.live.insert((count, value));
        }
        self.group_counts[value] = count;
    }

    /// Forgets the instances at `removed` (in order, each numbered as the list was when it
    /// left), then files again those at `changed` (and any new ones) as they are now; false
    /// when one of them changed its spread value: then only a new `Placer` is right.
    pub fn sync(
        &mut self,
        removed: &[usize],
        changed: &[usize],
        instances: &[impl Candidate],
        request: &Request,
    ) -> bool {
        for &gone in removed {
            self.remove(gone);
        }
        if !removed.is_empty() {
            self.renumber_values();
        }
        if instances.len() < self.value_of.len() {
            return false;
        }
        let known = self.value_of.len();
        for &index in changed.iter().filter(|&&i| i < known) {
            let instance = &instances[index];
            let value = self.value_of[index];
            let same_value = self
                .spread
                .as_deref()
                .and_then(|name| instance.attribute(name))
                .unwrap_or("");
            if self.values.get(same_value) != Some(&value) {
                return false;
            }
            let count = group_count(instance, request);
            if count != self.counted[index] {
                let total = self.group_counts[value] - self.counted[index] + count;
                self.counted[index] = count;
                self.set_group_count(value, total);
            }
            self.refile(index, instance, request);
        }
        self.extend(instances, request);
        true
    }

    /// The instances that had tasks of the group when last filed.
    pub fn counted_positions(&self) -> impl Iterator<Item = usize> + '_ {
        self.counted
            .iter()
            .enumerate()
            .filter(|(_, &count)| count > 0)
            .map(|(position, _)| position)
    }

    /// The key of `instances[index]`, whose group count is `counted[index]` (kept current by
    /// every caller, so that it is looked up once).
    fn key(&self, index: usize, instance: &impl Candidate) -> Key {
        let mut key = [0; 5];
        for (slot, local) in key.iter_mut().zip(&self.local) {
            *slot = match local {
                LocalKey::Cpu => instance.remaining().cpu,
                LocalKey::Memory => instance.remaining().memory,
                LocalKey::GroupCount => self.counted[index] as i64,
            };
        }
        key
    }

    /// The instance at `gone` left the cluster: the ones after it move up by one.
    fn remove(&mut self, gone: usize) {
        if gone >= self.value_of.len() {
            // Registered and gone since the index last looked: it was never filed.
            return;
        }
        self.unfile(gone);
        let value = self.value_of[gone];
        self.set_group_count(value, self.group_counts[value] - self.counted[gone]);
        self.value_of.remove(gone);
        self.counted.remove(gone);
        self.filed.remove(gone);
        for ties in self.candidates.iter_mut().flat_map(BTreeMap::values_mut) {
            ties.close_gap(gone);
        }
    }

    /// Numbers the spread values again in the order the instances first have them, forgetting
    /// those no instance has any more: as `new` numbers them, so that an index that followed
    /// removals is the one a new build would be.
    fn renumber_values(&mut self) {
        const NONE: usize = usize::MAX;
        let mut renumbered = vec![NONE; self.group_counts.len()];
        let mut next = 0;
        for &value in &self.value_of {
            if renumbered[value] == NONE {
                renumbered[value] = next;
                next += 1;
            }
        }
        if renumbered.iter().enumerate().all(|(old, &new)| old == new) {
            return;
        }
        let mut group_counts = vec![0; next];
        let mut candidates = vec![BTreeMap::new(); next];
        for (old, &new) in renumbered.iter().enumerate() {
            if new != NONE {
                group_counts[new] = self.group_counts[old];
                candidates[new] = std::mem::take(&mut self.candidates[old]);
            }
        }
        self.group_counts = group_counts;
        self.candidates = candidates;
        self.values.retain(|_, number| renumbered[*number] != NONE);
        for number in self.values.values_mut() {
            *number = renumbered[*number];
        }
        for value in &mut self.value_of {
            *value = renumbered[*value];
        }
        self.live = std::mem::take(&mut self.live)
            .into_iter()
            .map(|(count, value)| (count, renumbered[value]))
            .collect();
    }

    /// Takes the instance at `index` out of the candidates, if it was one.
    fn unfile(&mut self, index: usize) {
        let value = self.value_of[index];
        if let Some(key) = self.filed[index].take() {
            if let Some(ties) = self.candidates[value].get_mut(&key) {
                ties.remove(index);
                if ties.is_empty() {
                    self.candidates[value].remove(&key);
                }
            }
            if self.candidates[value].is_empty() {
                self.live.remove(&(self.group_counts[value], value));
            }
        }
    }

    /// Files `instance` again under its current key, or takes it out if it no longer qualifies.
    fn refile(&mut self, index: usize, instance: &impl Candidate, request: &Request) {
        let eligible = fits(instance, request.requirement).is_none()
            && request
                .constraints
                .iter()
                .all(|c| satisfies(instance, index, c, request.group).is_none());
        let key = eligible.then(|| self.key(index, instance));
        if key == self.filed[index] {
            // Filed where it belongs already: an instance this placer refiled after placing on
            // it comes back as changed at the next call.
            return;
        }
        self.unfile(index);
        if let Some(key) = key {
            let value = self.value_of[index];
            if self.candidates[value].is_empty() {
                self.live.insert((self.group_counts[value], value));
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
        // One spread value (no spread field, or one value least used) needs no list of sets.
        if let [value] = spread_tied {
            let ties = self.candidates[*value].get(best)?;
            return self.draw(std::slice::from_ref(&ties), rng);
        }
        let tied: Vec<&TieSet> = spread_tied
            .iter()
            .filter_map(|&value| self.candidates[value].get(best))
            .collect();
        self.draw(&tied, rng)
    }

    fn draw(&self, tied: &[&TieSet], rng: &mut impl Rng) -> Option<usize> {
        let count: usize = tied.iter().map(|ties| ties.len()).sum();
        // `place` draws only when more than one candidate is left, and always for `random`.
        let nth = if count == 1 && !self.random {
            0
        } else {
            (rng.next_u64() % count as u64) as usize
        };
        nth_of_union(tied, nth)
    }

    /// Takes note that a task of the request now runs on `instances[index]`.
    pub fn placed(&mut self, index: usize, instances: &[impl Candidate], request: &Request) {
        let instance = &instances[index];
        let count = group_count(instance, request);
        let value = self.value_of[index];
        let total = self.group_counts[value] - self.counted[index] + count;
        self.counted[index] = count;
        self.set_group_count(value, total);
        self.refile(index, instance, request);
    }
}

fn group_count(instance: &impl Candidate, request: &Request) -> u64 {
    u64::from(instance.group_count(request.group).unwrap_or(0))
}
