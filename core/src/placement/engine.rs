//! One placement decision over a cluster's container instances.

use super::Candidate;
use super::Requirement;
use crate::query;
use rand_core::Rng;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq)]
pub enum Strategy {
    /// Least remaining of the resource that still fits.
    BinpackCpu,
    BinpackMemory,
    /// Fewest tasks of the same group per value of the field (`instanceId`/`host`, or an attribute).
    SpreadInstance,
    SpreadAttribute(String),
    Random,
}

impl Strategy {
    /// The strategy as the API writes it: (`type`, `field`).
    pub fn type_and_field(&self) -> (&'static str, Option<String>) {
        match self {
            Strategy::BinpackCpu => ("binpack", Some("cpu".into())),
            Strategy::BinpackMemory => ("binpack", Some("memory".into())),
            Strategy::SpreadInstance => ("spread", Some("instanceId".into())),
            Strategy::SpreadAttribute(name) => ("spread", Some(format!("attribute:{name}"))),
            Strategy::Random => ("random", None),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Constraint {
    MemberOf(query::Expr),
    /// A memberOf whose expression reads nothing that placing tasks changes, evaluated once
    /// for each instance (by index) instead of once per task.
    MemberOfEvaluated(Vec<bool>),
    DistinctInstance,
    /// Only the instances of this capacity provider (a strategy's share of the tasks).
    CapacityProvider(std::sync::Arc<str>),
}

impl Constraint {
    /// Evaluates static memberOf expressions over `instances` once; the rest stay as they are.
    pub fn evaluated(self, instances: &[impl Candidate]) -> Constraint {
        match self {
            Constraint::MemberOf(expr) if expr.is_static() => {
                Constraint::MemberOfEvaluated(instances.iter().map(|i| expr.matches(i)).collect())
            }
            other => other,
        }
    }
}

/// Why an instance cannot take the task, first failing check first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rejection {
    Draining,
    Agent,
    Attribute,
    Cpu,
    Memory,
    Gpu,
    Ports,
    Eni,
    MemberOf,
    DistinctInstance,
    /// The instance belongs to another capacity provider than the task's.
    CapacityProvider,
}

impl Rejection {
    /// The failure reason ECS reports.
    pub fn reason(self) -> &'static str {
        match self {
            Rejection::Draining => "DRAINING",
            Rejection::Agent => "AGENT",
            Rejection::Attribute => "ATTRIBUTE",
            Rejection::Cpu => "RESOURCE:CPU",
            Rejection::Memory => "RESOURCE:MEMORY",
            Rejection::Gpu => "RESOURCE:GPU",
            Rejection::Ports => "RESOURCE:PORTS",
            Rejection::Eni => "RESOURCE:ENI",
            Rejection::MemberOf => "MemberOf placement constraint unsatisfied.",
            Rejection::DistinctInstance => "DistinctInstance placement constraint unsatisfied.",
            Rejection::CapacityProvider => "CAPACITY_PROVIDER",
        }
    }
}

pub struct Request<'a> {
    pub requirement: &'a Requirement,
    pub group: &'a str,
    pub constraints: &'a [Constraint],
    pub strategies: &'a [Strategy],
}

/// The decision: the chosen instance (an index), every rejected instance's verdict, and the
/// candidates each strategy kept, in order.
#[derive(Debug, Default)]
pub struct Placement {
    pub chosen: Option<usize>,
    pub rejections: Vec<(usize, Rejection)>,
    pub kept: Vec<Vec<usize>>,
}

/// Whether the instance can take the task now: state, agent, required attributes, then each
/// resource.
pub fn fits(instance: &impl Candidate, requirement: &Requirement) -> Option<Rejection> {
    let remaining = instance.remaining();
    let taken = |wanted: &[String], used: &[String]| wanted.iter().any(|port| used.contains(port));
    if !instance.accepts_tasks() {
        Some(Rejection::Draining)
    } else if !instance.agent_connected() {
        Some(Rejection::Agent)
    } else if requirement
        .attributes
        .iter()
        .any(|&(name, value)| instance.attribute(name) != Some(value))
    {
        Some(Rejection::Attribute)
    } else if remaining.cpu < requirement.cpu {
        Some(Rejection::Cpu)
    } else if remaining.memory < requirement.memory {
        Some(Rejection::Memory)
    } else if remaining.gpus.len() < requirement.gpus {
        Some(Rejection::Gpu)
    } else if taken(&requirement.tcp_ports, &remaining.ports)
        || taken(&requirement.udp_ports, &remaining.udp_ports)
    {
        Some(Rejection::Ports)
    } else if requirement.eni && !instance.has_eni_room() {
        Some(Rejection::Eni)
    } else {
        None
    }
}

pub(crate) fn satisfies(
    instance: &impl Candidate,
    index: usize,
    constraint: &Constraint,
    group: &str,
) -> Option<Rejection> {
    match constraint {
        Constraint::MemberOf(expr) => (!expr.matches(instance)).then_some(Rejection::MemberOf),
        Constraint::MemberOfEvaluated(matching) => {
            (!matching.get(index).copied().unwrap_or(false)).then_some(Rejection::MemberOf)
        }
        Constraint::DistinctInstance => instance
            .group_count(group)
            .is_some()
            .then_some(Rejection::DistinctInstance),
        Constraint::CapacityProvider(name) => {
            (instance.capacity_provider() != Some(&**name)).then_some(Rejection::CapacityProvider)
        }
    }
}

/// Keeps the candidates with the smallest key.
fn keep_min<K: Ord>(candidates: &mut Vec<usize>, key: impl Fn(usize) -> K) {
    if let Some(best) = candidates.iter().map(|&i| key(i)).min() {
        candidates.retain(|&i| key(i) == best);
    }
}

fn pick(candidates: &[usize], rng: &mut impl Rng) -> usize {
    let index = (rng.next_u64() % candidates.len() as u64) as usize;
    candidates[index]
}

/// Places one task. Ties that the strategies leave are settled by `rng`.
pub fn place(instances: &[impl Candidate], request: &Request, rng: &mut impl Rng) -> Placement {
    let mut placement = Placement::default();
    let mut candidates = Vec::new();
    for (index, instance) in instances.iter().enumerate() {
        let verdict = fits(instance, request.requirement).or_else(|| {
            request
                .constraints
                .iter()
                .find_map(|c| satisfies(instance, index, c, request.group))
        });
        match verdict {
            Some(rejection) => placement.rejections.push((index, rejection)),
            None => candidates.push(index),
        }
    }
    if candidates.is_empty() {
        return placement;
    }
    let group_count = |i: usize| instances[i].group_count(request.group).unwrap_or(0);
    for strategy in request.strategies {
        match strategy {
            Strategy::BinpackCpu => keep_min(&mut candidates, |i| instances[i].remaining().cpu),
            Strategy::BinpackMemory => {
                keep_min(&mut candidates, |i| instances[i].remaining().memory)
            }
            Strategy::SpreadInstance => keep_min(&mut candidates, group_count),
            Strategy::SpreadAttribute(name) => {
                // Tasks of the group per value, over the whole cluster; instances without the
                // attribute form a value of their own.
                let value = |i: usize| instances[i].attribute(name).unwrap_or("");
                let mut per_value: BTreeMap<&str, u32> = BTreeMap::new();
                // Values with no task of the group count 0 (the lookup below defaults to it).
                for i in (0..instances.len()).filter(|&i| group_count(i) > 0) {
                    *per_value.entry(value(i)).or_insert(0) += group_count(i);
                }
                keep_min(&mut candidates, |i| {
                    per_value.get(value(i)).copied().unwrap_or(0)
                });
            }
            Strategy::Random => {
                let chosen = pick(&candidates, rng);
                candidates = vec![chosen];
            }
        }
        placement.kept.push(candidates.clone());
    }
    placement.chosen = Some(if candidates.len() == 1 {
        candidates[0]
    } else {
        pick(&candidates, rng)
    });
    placement
}
