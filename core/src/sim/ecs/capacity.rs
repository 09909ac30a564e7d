//! Capacity provider strategies over the two Fargate capacity providers, FARGATE and
//! FARGATE_SPOT, and the Auto Scaling group providers of CreateCapacityProvider
//! (`capacity_providers.rs`).
//!
//! How tasks split (documented): each provider's `base` is filled first, in the strategy's
//! order (only one provider may have a base), and the rest split by `weight`. Where the split
//! is not exact, ecsim gives the leftover tasks by largest remainder, the higher weight first,
//! then the strategy's order (docs/conventions.md; AWS does not say). A service keeps the split over
//! its desired count: new tasks go where the service is short of its split. A strategy holds
//! Fargate providers or group providers, never both (documented).

use crate::api::ecs::{self as api, LaunchType};
use crate::error::EcsimError;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The capacity providers every cluster can associate.
pub const FARGATE_PROVIDERS: [&str; 2] = ["FARGATE", "FARGATE_SPOT"];

/// One provider of a strategy, by name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Share {
    pub provider: Arc<str>,
    pub base: u64,
    pub weight: u64,
}

impl Share {
    pub fn is_fargate(&self) -> bool {
        FARGATE_PROVIDERS.contains(&&*self.provider)
    }
}

/// A strategy holds at most 6 providers (documented).
const MAX_PROVIDERS: usize = 6;

fn invalid(message: impl Into<String>) -> EcsimError {
    api::Error::InvalidParameterException.with(message)
}

/// Checks that the cluster `cluster` may associate these providers: Fargate's, or group
/// providers that exist and no other cluster has.
pub fn check_providers(
    names: &[String],
    groups: &BTreeMap<String, super::capacity_providers::GroupProvider>,
    cluster: &str,
) -> Result<(), EcsimError> {
    for name in names {
        if FARGATE_PROVIDERS.contains(&name.as_str()) {
            continue;
        }
        let Some(provider) = groups.get(name) else {
            return Err(invalid(format!(
                "The specified capacity provider {name} does not exist. Create it with CreateCapacityProvider first."
            )));
        };
        if let Some(other) = provider.cluster.as_deref().filter(|c| *c != cluster) {
            return Err(invalid(format!(
                "The specified capacity provider {name} is already associated with cluster {other}. An Auto Scaling group capacity provider can be associated with one cluster only."
            )));
        }
    }
    Ok(())
}

/// Reads a strategy as ECS checks it, against the providers associated with the cluster.
pub fn parse(
    items: &[api::CapacityProviderStrategyItem],
    associated: &[String],
) -> Result<Vec<Share>, EcsimError> {
    if items.len() > MAX_PROVIDERS {
        return Err(invalid(format!(
            "A capacity provider strategy can contain at most {MAX_PROVIDERS} capacity providers."
        )));
    }
    let mut shares: Vec<Share> = Vec::new();
    for item in items {
        let name = item.capacity_provider.as_deref().unwrap_or_default();
        if !associated.iter().any(|a| a == name) {
            return Err(invalid("The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again."));
        }
        if shares.iter().any(|s| &*s.provider == name) {
            return Err(invalid(format!(
                "The capacity provider {name} appears more than once in the strategy."
            )));
        }
        let base = item.base.unwrap_or(0);
        let weight = item.weight.unwrap_or(0);
        if !(0..=100_000).contains(&base) || !(0..=1_000).contains(&weight) {
            return Err(invalid(format!(
                "Capacity provider {name}: base must be between 0 and 100000 and weight between 0 and 1000."
            )));
        }
        shares.push(Share {
            provider: name.into(),
            base: base as u64,
            weight: weight as u64,
        });
    }
    if shares.iter().any(Share::is_fargate) && !shares.iter().all(Share::is_fargate) {
        return Err(invalid(
            "A capacity provider strategy cannot contain both Fargate capacity providers and Auto Scaling group capacity providers.",
        ));
    }
    if shares.iter().filter(|s| s.base > 0).count() > 1 {
        return Err(invalid(
            "A base value can be specified for only one capacity provider in a strategy.",
        ));
    }
    if !shares.is_empty() && shares.iter().all(|s| s.weight == 0) {
        return Err(invalid(
            "At least one capacity provider in a strategy must have a weight greater than zero.",
        ));
    }
    Ok(shares)
}

/// What a RunTask or CreateService request runs on: a capacity provider strategy (its own, or
/// the cluster's default when it names neither a strategy nor a launch type), else a launch type.
pub fn resolve(
    launch_type: Option<LaunchType>,
    strategy: Option<&[api::CapacityProviderStrategyItem]>,
    cluster: &crate::cluster::Cluster,
) -> Result<Option<Vec<Share>>, EcsimError> {
    let strategy = strategy.filter(|s| !s.is_empty());
    match (launch_type, strategy) {
        (Some(_), Some(_)) => Err(invalid(
            "Specifying both a launch type and capacity provider strategy is not supported.",
        )),
        (None, Some(items)) => parse(items, &cluster.capacity_providers).map(Some),
        (None, None) if !cluster.default_capacity_provider_strategy.is_empty() => parse(
            &cluster.default_capacity_provider_strategy,
            &cluster.capacity_providers,
        )
        .map(Some),
        _ => Ok(None),
    }
}

/// How `count` tasks split over the strategy's providers (in the strategy's order):
/// `scaling::math::capacity_provider_split`.
pub fn split(shares: &[Share], count: u64) -> Vec<u64> {
    let pairs: Vec<(u64, u64)> = shares.iter().map(|s| (s.base, s.weight)).collect();
    crate::scaling::math::capacity_provider_split(&pairs, count)
}

/// How many of `adding` new tasks go to each provider when `live` (per provider) already run:
/// towards the split of the new total, the strategy's order first where there is a choice.
pub fn top_up(shares: &[Share], live: &[u64], adding: u64) -> Vec<u64> {
    let total = live.iter().sum::<u64>() + adding;
    let mut left = adding;
    split(shares, total)
        .iter()
        .zip(live)
        .map(|(target, live)| {
            let wanted = target.saturating_sub(*live).min(left);
            left -= wanted;
            wanted
        })
        .collect()
}

/// `counts` (per share, as `split` or `top_up` give them) as the tasks to start on each
/// provider, by name.
pub fn portions(shares: &[Share], counts: &[u64]) -> Vec<(Option<Arc<str>>, u64)> {
    shares
        .iter()
        .zip(counts)
        .map(|(share, &count)| (Some(Arc::clone(&share.provider)), count))
        .collect()
}

/// A strategy as the API shows it.
pub fn to_api(shares: &[Share]) -> Vec<api::CapacityProviderStrategyItem> {
    shares
        .iter()
        .map(|share| api::CapacityProviderStrategyItem {
            capacity_provider: Some(share.provider.to_string()),
            weight: Some(share.weight as i32),
            base: Some(share.base as i32),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strategy() -> Vec<Share> {
        vec![
            Share {
                provider: "FARGATE".into(),
                base: 1,
                weight: 1,
            },
            Share {
                provider: "FARGATE_SPOT".into(),
                base: 0,
                weight: 3,
            },
        ]
    }

    #[test]
    fn the_documented_split_base_first_then_weights() {
        let shares = strategy();
        for (count, expected) in [
            (1, [1, 0]),
            (5, [2, 3]),
            (9, [3, 6]),
            (13, [4, 9]),
            (10, [3, 7]),
        ] {
            assert_eq!(split(&shares, count), expected, "{count} tasks");
        }
        assert_eq!(split(&shares, 0), [0, 0]);
    }

    #[test]
    fn a_service_tops_up_where_it_is_short() {
        let shares = strategy();
        // 5 tasks want 2/3; one spot task was interrupted: the replacement is spot.
        assert_eq!(top_up(&shares, &[2, 2], 1), [0, 1]);
        // Growing from 5 to 9 adds 1 on demand and 3 spot.
        assert_eq!(top_up(&shares, &[2, 3], 4), [1, 3]);
        // More on demand than the split wants: everything new is spot.
        assert_eq!(top_up(&shares, &[4, 0], 2), [0, 2]);
    }
}
