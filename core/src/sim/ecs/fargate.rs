//! RunTask and PlaceTasks with the FARGATE launch type: no container instances; each task gets
//! a network interface of its own in one of the subnets of its awsvpcConfiguration, sized by its
//! task definition.
//!
//! Which subnet: ECS says Fargate tasks are spread across Availability Zones but not how, so
//! ecsim takes the zone of the given subnets with the fewest running tasks of the task's group in
//! the cluster, then the subnet of that zone with the fewest, and settles ties with the seeded
//! RNG (zones by name, subnets in the request's order).

use super::explain::Explanation;
use super::launch::{Launch, Site};
use crate::api::ecs::{self as api, Compatibility};
use crate::cluster::Cluster;
use crate::cluster::TaskPosition;
use crate::error::EcsimError;
use crate::sim::subnets::Subnet;
use rand_chacha::ChaCha8Rng;
use rand_core::Rng;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A task's network interface is in one of at most 16 subnets (AwsVpcConfiguration).
const MAX_SUBNETS: usize = 16;

/// The subnets a FARGATE request names, after the checks ECS makes first.
pub(crate) fn requested_subnets<'r>(
    request: &'r api::RunTaskRequest,
    launch: &Launch,
) -> Result<&'r [String], EcsimError> {
    let definition = &launch.spec.task_definition;
    let compatible = definition
        .requires_compatibilities
        .iter()
        .flatten()
        .any(|c| *c == Compatibility::Fargate);
    if !compatible {
        return Err(api::Error::InvalidParameterException
            .with("Task definition does not support launch_type FARGATE."));
    }
    if request
        .placement_strategy
        .as_ref()
        .is_some_and(|s| !s.is_empty())
        || request
            .placement_constraints
            .as_ref()
            .is_some_and(|c| !c.is_empty())
    {
        return Err(api::Error::InvalidParameterException.with(
            "Task placement strategies and constraints are not supported with the FARGATE launch type.",
        ));
    }
    let subnets = request
        .network_configuration
        .as_ref()
        .and_then(|n| n.awsvpc_configuration.as_ref())
        .ok_or_else(|| {
            api::Error::InvalidParameterException.with(
                "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
            )
        })?
        .subnets
        .as_deref()
        .unwrap_or_default();
    if subnets.is_empty() {
        return Err(api::Error::InvalidParameterException.with("subnets can not be empty."));
    }
    if subnets.len() > MAX_SUBNETS {
        return Err(api::Error::InvalidParameterException
            .with(format!("subnets can have at most {MAX_SUBNETS} items.")));
    }
    Ok(subnets)
}

/// What the choice of one task's subnet needs to know: the group's running tasks per zone and
/// per subnet, kept up to date as tasks start.
pub(super) struct Spread<'s> {
    subnets: &'s [Subnet],
    per_zone: BTreeMap<String, u64>,
    per_subnet: BTreeMap<String, u64>,
}

impl<'s> Spread<'s> {
    pub fn new(cluster: &Cluster, subnets: &'s [Subnet], group: &str) -> Spread<'s> {
        let mut spread = Spread {
            subnets,
            per_zone: subnets
                .iter()
                .map(|s| (s.availability_zone.to_string(), 0))
                .collect(),
            per_subnet: subnets.iter().map(|s| (s.subnet_id.clone(), 0)).collect(),
        };
        let running = cluster
            .tasks
            .iter()
            .filter(|t| t.desired_status == "RUNNING" && t.spec.group == group);
        for task in running {
            if let Some(count) = task
                .availability_zone
                .as_ref()
                .and_then(|z| spread.per_zone.get_mut(&**z))
            {
                *count += 1;
            }
            if let Some(count) = task
                .eni
                .as_ref()
                .and_then(|e| spread.per_subnet.get_mut(&e.subnet_id))
            {
                *count += 1;
            }
        }
        spread
    }

    /// The subnet for the next task.
    fn choose(&mut self, rng: &mut ChaCha8Rng) -> &'s Subnet {
        let fewest = self.per_zone.values().copied().min().unwrap_or(0);
        let zones: Vec<&String> = self
            .per_zone
            .iter()
            .filter(|&(_, &count)| count == fewest)
            .map(|(zone, _)| zone)
            .collect();
        let zone = zones[draw(zones.len(), rng)].clone();
        let mut in_zone: Vec<&'s Subnet> = Vec::new();
        for subnet in self
            .subnets
            .iter()
            .filter(|s| *s.availability_zone == *zone)
        {
            if !in_zone.iter().any(|s| s.subnet_id == subnet.subnet_id) {
                in_zone.push(subnet);
            }
        }
        let count = |s: &Subnet| self.per_subnet.get(&s.subnet_id).copied().unwrap_or(0);
        let fewest = in_zone.iter().map(|s| count(s)).min().unwrap_or(0);
        in_zone.retain(|s| count(s) == fewest);
        let subnet = in_zone[draw(in_zone.len(), rng)];
        *self.per_zone.entry(zone).or_insert(0) += 1;
        *self.per_subnet.entry(subnet.subnet_id.clone()).or_insert(0) += 1;
        subnet
    }
}

/// An index below `len`: the RNG is drawn only when there is a choice, as in placement.
fn draw(len: usize, rng: &mut ChaCha8Rng) -> usize {
    if len > 1 {
        (rng.next_u64() % len as u64) as usize
    } else {
        0
    }
}

/// Starts FARGATE tasks, `portions` saying how many on each capacity provider (None: the
/// FARGATE launch type); returns where they are in `cluster.tasks` and, for `explain`, why each
/// went where it did.
pub(crate) fn launch(
    cluster: &mut Cluster,
    launch: &Launch,
    subnets: &[Subnet],
    portions: &[(Option<Arc<str>>, u64)],
    explain: bool,
    rng: &mut ChaCha8Rng,
) -> (Vec<TaskPosition>, Vec<Explanation>) {
    let mut spread = Spread::new(cluster, subnets, &launch.spec.group);
    let mut placed = Vec::new();
    let mut explanations = Vec::new();
    let providers = portions
        .iter()
        .flat_map(|(provider, count)| (0..*count).map(move |_| provider.clone()));
    for provider in providers {
        let zone_counts = explain.then(|| spread.per_zone.clone());
        let subnet = spread.choose(rng);
        let position = launch.start(cluster, Site::Subnet(subnet), provider.as_ref(), rng);
        placed.push(position);
        if let Some(zone_counts) = zone_counts {
            explanations.push(Explanation::Subnet {
                availability_zone: subnet.availability_zone.to_string(),
                subnet_id: subnet.subnet_id.clone(),
                tasks_per_zone: zone_counts,
            });
        }
    }
    (placed, explanations)
}
