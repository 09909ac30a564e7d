//! The Kubernetes Horizontal Pod Autoscaler's algorithm, for comparing ECS's answer with
//! Kubernetes' on the same load (`math.hpaReplay`). As the HPA documentation and its controller
//! describe it: every sync period the desired replicas are `ceil(current × metric / target)`,
//! unless the ratio is within the tolerance (0.1); the recommendation is then stabilized (the
//! lowest of the scale-up window's recommendations, the highest of the scale-down window's:
//! 0 s and 300 s by default) and limited by the behaviour's policies (`Pods` or `Percent` per
//! `periodSeconds`, the policy allowing the largest change unless `selectPolicy` says `Min` or
//! `Disabled`), then clamped to [minReplicas, maxReplicas].
//!
//! ecsim's choices where Kubernetes depends on the cluster (docs/conventions.md, "HPA replay"):
//! a new pod is ready, and shares the load, from the sync that created it; the utilization is
//! the demand in force spread over the replicas, against each pod's CPU request, in whole
//! percent as the controller computes it.

use serde::Deserialize;

/// One HPA policy: at most `value` pods, or `value` percent, of change per `periodSeconds`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Policy {
    #[serde(rename = "type")]
    pub kind: PolicyKind,
    pub value: u32,
    pub period_seconds: u32,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
pub enum PolicyKind {
    Pods,
    Percent,
}

#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
pub enum SelectPolicy {
    #[default]
    Max,
    Min,
    Disabled,
}

/// A direction's rules (`behavior.scaleUp` or `behavior.scaleDown`); what is left out takes
/// Kubernetes' default for that direction.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Rules {
    pub stabilization_window_seconds: Option<u32>,
    pub select_policy: Option<SelectPolicy>,
    pub policies: Option<Vec<Policy>>,
    /// Per-direction tolerance (Kubernetes 1.33's configurable tolerance).
    pub tolerance: Option<f64>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Behavior {
    pub scale_up: Option<Rules>,
    pub scale_down: Option<Rules>,
}

/// A direction's rules with Kubernetes' defaults filled in.
struct Direction {
    window: f64,
    select: SelectPolicy,
    policies: Vec<Policy>,
    tolerance: f64,
}

impl Direction {
    fn up(rules: Option<&Rules>, tolerance: f64) -> Direction {
        let default = vec![
            Policy {
                kind: PolicyKind::Pods,
                value: 4,
                period_seconds: 15,
            },
            Policy {
                kind: PolicyKind::Percent,
                value: 100,
                period_seconds: 15,
            },
        ];
        Direction::with(rules, 0, default, tolerance)
    }

    fn down(rules: Option<&Rules>, tolerance: f64) -> Direction {
        let default = vec![Policy {
            kind: PolicyKind::Percent,
            value: 100,
            period_seconds: 15,
        }];
        Direction::with(rules, 300, default, tolerance)
    }

    fn with(
        rules: Option<&Rules>,
        window: u32,
        policies: Vec<Policy>,
        tolerance: f64,
    ) -> Direction {
        let rules = rules.cloned().unwrap_or_default();
        Direction {
            window: f64::from(rules.stabilization_window_seconds.unwrap_or(window)),
            select: rules.select_policy.unwrap_or_default(),
            policies: rules.policies.unwrap_or(policies),
            tolerance: rules.tolerance.unwrap_or(tolerance),
        }
    }
}

/// The replicas the metric asks for, before stabilization and policies:
/// `ceil(current × metric / target)`, or `current` while the ratio is within the tolerance.
pub fn desired_replicas(current: u32, metric: f64, target: f64, tolerance: f64) -> u32 {
    desired_with(current, metric / target, tolerance, tolerance)
}

fn desired_with(current: u32, ratio: f64, up_tolerance: f64, down_tolerance: f64) -> u32 {
    let within = if ratio >= 1.0 {
        ratio - 1.0 <= up_tolerance
    } else {
        1.0 - ratio <= down_tolerance
    };
    if within {
        current
    } else {
        (f64::from(current) * ratio)
            .ceil()
            .clamp(0.0, f64::from(u32::MAX)) as u32
    }
}

/// The load and the autoscaler a replay runs.
pub struct Replay<'a> {
    /// `(at, cpu)`: the total CPU demand (CPU units) from `at` seconds on, in time order.
    pub trace: &'a [(f64, f64)],
    pub pod_cpu: f64,
    /// averageUtilization, percent of the pod's CPU request.
    pub target_utilization: f64,
    pub replicas: u32,
    pub min_replicas: u32,
    pub max_replicas: u32,
    pub behavior: &'a Behavior,
    pub tolerance: f64,
    pub sync_period: f64,
    pub until: f64,
}

/// One change of the replicas, with the numbers that made it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    pub at: f64,
    pub from: u32,
    pub to: u32,
    pub utilization: f64,
    /// `ceil(from × utilization / target)` (or `from` within the tolerance).
    pub desired: u32,
    /// After the stabilization window.
    pub stabilized: u32,
    /// Why `to` differs from `stabilized`, if it does: ScaleUpLimit, ScaleDownLimit,
    /// TooManyReplicas, TooFewReplicas.
    pub limited_by: Option<&'static str>,
}

/// Runs the HPA every sync period over the trace; answers each change of the replicas.
pub fn replay(r: &Replay) -> Vec<Change> {
    let up = Direction::up(r.behavior.scale_up.as_ref(), r.tolerance);
    let down = Direction::down(r.behavior.scale_down.as_ref(), r.tolerance);
    let start = r.trace.first().map_or(0.0, |p| p.0);
    let mut replicas = r.replicas;
    let mut recommendations: Vec<(f64, u32)> = Vec::new();
    // (at, change): scale-ups positive, scale-downs negative.
    let mut events: Vec<(f64, i64)> = Vec::new();
    let mut changes = Vec::new();
    let mut point = 0;
    let mut k = 0u64;
    loop {
        let now = start + k as f64 * r.sync_period;
        if now > r.until {
            break;
        }
        k += 1;
        while r.trace.get(point + 1).is_some_and(|p| p.0 <= now) {
            point += 1;
        }
        let Some(&(_, cpu)) = r.trace.get(point).filter(|p| p.0 <= now) else {
            continue;
        };
        if replicas == 0 {
            // The HPA does not act on a workload scaled to zero.
            continue;
        }
        // The controller's utilization is a whole percent (integer division of usage by requests).
        let utilization = (cpu * 100.0 / (f64::from(replicas) * r.pod_cpu)).floor();
        let desired = desired_with(
            replicas,
            utilization / r.target_utilization,
            up.tolerance,
            down.tolerance,
        );
        let stabilized = stabilize(&mut recommendations, now, replicas, desired, &up, &down);
        let (to, limited_by) = limit(r, &events, now, replicas, stabilized, &up, &down);
        if to != replicas {
            events.push((now, i64::from(to) - i64::from(replicas)));
            changes.push(Change {
                at: now,
                from: replicas,
                to,
                utilization,
                desired,
                stabilized,
                limited_by,
            });
            replicas = to;
        }
        let horizon = now - up.window.max(down.window).max(longest_period(&up, &down));
        recommendations.retain(|(at, _)| *at > horizon);
        events.retain(|(at, _)| *at > horizon);
    }
    changes
}

fn longest_period(up: &Direction, down: &Direction) -> f64 {
    up.policies
        .iter()
        .chain(&down.policies)
        .map(|p| f64::from(p.period_seconds))
        .fold(0.0, f64::max)
}

/// The recommendation held to the windows: no higher than the lowest recommendation of the
/// scale-up window, no lower than the highest of the scale-down window (each window holds the
/// new recommendation too).
fn stabilize(
    recommendations: &mut Vec<(f64, u32)>,
    now: f64,
    current: u32,
    desired: u32,
    up: &Direction,
    down: &Direction,
) -> u32 {
    recommendations.push((now, desired));
    let within = |window: f64| {
        recommendations
            .iter()
            .filter(move |(at, _)| *at > now - window || *at == now)
            .map(|(_, r)| *r)
    };
    let up_bound = within(up.window).min().unwrap_or(desired);
    let down_bound = within(down.window).max().unwrap_or(desired);
    current.max(up_bound).min(down_bound)
}

/// The stabilized recommendation held to the policies' rate and to [min, max].
fn limit(
    r: &Replay,
    events: &[(f64, i64)],
    now: f64,
    current: u32,
    wanted: u32,
    up: &Direction,
    down: &Direction,
) -> (u32, Option<&'static str>) {
    let period_start = |period: u32| {
        let changed: i64 = events
            .iter()
            .filter(|(at, _)| *at > now - f64::from(period))
            .map(|(_, change)| change)
            .sum();
        i64::from(current) - changed
    };
    let clamp = |v: i64| v.clamp(0, i64::from(u32::MAX)) as u32;
    if wanted > current {
        let proposals = up.policies.iter().map(|p| {
            let base = period_start(p.period_seconds);
            match p.kind {
                PolicyKind::Pods => base + i64::from(p.value),
                PolicyKind::Percent => {
                    (base as f64 * (1.0 + f64::from(p.value) / 100.0)).ceil() as i64
                }
            }
        });
        let limit = match up.select {
            SelectPolicy::Disabled => i64::from(current),
            SelectPolicy::Min => proposals.min().unwrap_or(i64::from(current)),
            SelectPolicy::Max => proposals.max().unwrap_or(i64::from(current)),
        };
        let limit = clamp(limit).max(current);
        let (ceiling, reason) = if r.max_replicas > limit {
            (limit, "ScaleUpLimit")
        } else {
            (r.max_replicas, "TooManyReplicas")
        };
        let to = wanted.min(ceiling);
        (to, (to < wanted).then_some(reason))
    } else if wanted < current {
        let proposals = down.policies.iter().map(|p| {
            let base = period_start(p.period_seconds);
            match p.kind {
                PolicyKind::Pods => base - i64::from(p.value),
                PolicyKind::Percent => (base as f64 * (1.0 - f64::from(p.value) / 100.0)) as i64,
            }
        });
        let limit = match down.select {
            SelectPolicy::Disabled => i64::from(current),
            SelectPolicy::Min => proposals.max().unwrap_or(i64::from(current)),
            SelectPolicy::Max => proposals.min().unwrap_or(i64::from(current)),
        };
        let limit = clamp(limit).min(current);
        let (floor, reason) = if r.min_replicas < limit {
            (limit, "ScaleDownLimit")
        } else {
            (r.min_replicas, "TooFewReplicas")
        };
        let to = wanted.max(floor);
        (to, (to > wanted).then_some(reason))
    } else {
        (wanted, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_ratio_and_tolerance() {
        // 50 pods at 90 against 75: ceil(50 × 1.2) = 60; a ratio of 1.08 is within 0.1.
        assert_eq!(desired_replicas(50, 90.0, 75.0, 0.1), 60);
        assert_eq!(desired_replicas(50, 81.0, 75.0, 0.1), 50);
    }

    #[test]
    fn scale_down_policies_take_the_largest_change_per_period() {
        // 80 pods with no load left: Pods 4 per 60 s against Percent 10 per 60 s, Max.
        let behavior: Behavior = serde_json::from_value(serde_json::json!({
            "scaleDown": {"stabilizationWindowSeconds": 0, "policies": [
                {"type": "Pods", "value": 4, "periodSeconds": 60},
                {"type": "Percent", "value": 10, "periodSeconds": 60}]}
        }))
        .unwrap_or_default();
        let trace = [(0.0, 1.0)];
        let run = Replay {
            trace: &trace,
            pod_cpu: 1000.0,
            target_utilization: 50.0,
            replicas: 80,
            min_replicas: 1,
            max_replicas: 100,
            behavior: &behavior,
            tolerance: 0.1,
            sync_period: 15.0,
            until: 300.0,
        };
        let steps: Vec<(f64, u32)> = replay(&run).iter().map(|c| (c.at, c.to)).collect();
        assert_eq!(
            steps,
            [
                (0.0, 72),
                (60.0, 64),
                (120.0, 57),
                (180.0, 51),
                (240.0, 45),
                (300.0, 40)
            ]
        );
    }
}
