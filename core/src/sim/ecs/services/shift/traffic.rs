//! The target groups a blue/green service's revisions take turns in, and the listener rules'
//! weights a shift writes. Weights are whole numbers that sum to 100 (docs/conventions.md):
//! green's share rounded, at least 1 once it has any traffic and at most 99 until it has all.

use crate::api::ecs as api;
use crate::sim::elbv2::Elbv2State;

/// The load balancers a new deployment's tasks register with: for each one with an
/// `advancedConfiguration`, the target group the blue revision is not in (`other`, when the
/// deployment shifts traffic) or the one it is in; with no blue revision, the one the
/// production rule forwards the most to.
pub fn balancers_for(
    elbv2: &Elbv2State,
    service: &[api::LoadBalancer],
    blue: Option<&[api::LoadBalancer]>,
    other: bool,
) -> Vec<api::LoadBalancer> {
    service
        .iter()
        .enumerate()
        .map(|(index, balancer)| {
            let Some((primary, alternate)) = pair(balancer) else {
                return balancer.clone();
            };
            let group = match blue.and_then(|b| b.get(index)) {
                Some(blue) => {
                    let live = blue.target_group_arn.as_deref().unwrap_or(primary);
                    match (other, live == primary) {
                        (false, _) => live,
                        (true, true) => alternate,
                        (true, false) => primary,
                    }
                }
                None => live_group(elbv2, balancer, primary, alternate),
            };
            api::LoadBalancer {
                target_group_arn: Some(group.to_string()),
                ..balancer.clone()
            }
        })
        .collect()
}

/// The target group pair of a load balancer with an `advancedConfiguration`.
fn pair(balancer: &api::LoadBalancer) -> Option<(&str, &str)> {
    let advanced = balancer.advanced_configuration.as_ref()?;
    Some((
        balancer.target_group_arn.as_deref()?,
        advanced.alternate_target_group_arn.as_deref()?,
    ))
}

/// Of the pair, the one the production rule forwards the most to (the primary on a tie).
fn live_group<'a>(
    elbv2: &Elbv2State,
    balancer: &api::LoadBalancer,
    primary: &'a str,
    alternate: &'a str,
) -> &'a str {
    let rule = balancer
        .advanced_configuration
        .as_ref()
        .and_then(|a| a.production_listener_rule.as_deref())
        .unwrap_or_default();
    let weights = elbv2.weights(rule);
    let weight = |group: &str| {
        weights
            .iter()
            .filter(|(g, _)| g == group)
            .map(|(_, w)| *w)
            .sum::<i32>()
    };
    if weight(alternate) > weight(primary) {
        alternate
    } else {
        primary
    }
}

/// The weights (blue, green) of a share of traffic, in percent, given to green.
pub fn weights(green_share: f64) -> (i32, i32) {
    let green = if green_share <= 0.0 {
        0
    } else if green_share >= 100.0 {
        100
    } else {
        (green_share.round() as i32).clamp(1, 99)
    };
    (100 - green, green)
}

/// Writes green's shares of the production and test traffic into the listener rules of the
/// service's load balancers (`green`: the target groups its tasks are in).
pub fn write(
    elbv2: &mut Elbv2State,
    service: &[api::LoadBalancer],
    green: &[api::LoadBalancer],
    production_share: f64,
    test_share: f64,
) {
    for (balancer, green) in service.iter().zip(green) {
        let (Some((primary, alternate)), Some(advanced)) =
            (pair(balancer), &balancer.advanced_configuration)
        else {
            continue;
        };
        let green_is_primary = green.target_group_arn.as_deref() == Some(primary);
        let rules = [
            (
                advanced.production_listener_rule.as_deref(),
                production_share,
            ),
            (advanced.test_listener_rule.as_deref(), test_share),
        ];
        for (rule, share) in rules {
            let Some(rule) = rule else { continue };
            let (blue, green) = weights(share);
            let (to_primary, to_alternate) = if green_is_primary {
                (green, blue)
            } else {
                (blue, green)
            };
            elbv2.shift_weights(rule, &[(primary, to_primary), (alternate, to_alternate)]);
        }
    }
}
