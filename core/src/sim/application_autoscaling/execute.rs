//! A scaling policy run by the CloudWatch alarm that names it, as Application Auto Scaling
//! documents (conventions C4–C12, docs/conventions.md): step scaling adjusts by the step the
//! alarm's metric falls in; target tracking proposes ceil(capacity × metric / target) from the
//! running task count; cooldowns, several policies, min and max, and the scale-in held while an
//! ECS deployment runs. Each change is an activity whose cause states the numbers.

use super::{ecs_service, set_desired, Policy, ScaleOut};
use crate::api::application_autoscaling as api;
use crate::scaling::math::{
    apply_adjustment, step_adjustment, target_tracking_capacity, AdjustmentType, Step,
};
use crate::sim::World;

/// What an alarm passes to the policy it invokes.
pub(crate) struct Invocation<'a> {
    pub alarm: &'a str,
    /// The values of the alarm's datapoints, oldest first.
    pub values: &'a [f64],
    pub threshold: f64,
}

/// Default cooldowns for ECS services (seconds).
const DEFAULT_COOLDOWN: f64 = 300.0;

/// Runs the policy `arn` names; Err says why nothing could run (CloudWatch's history reports it).
pub(crate) fn run_policy(
    world: &mut World,
    arn: &str,
    invocation: &Invocation<'_>,
) -> Result<(), String> {
    let (resource_id, name) =
        find(world, arn).ok_or_else(|| format!("No scaling policy found for {arn}"))?;
    let policy = world.application_autoscaling.targets[&resource_id].policies[&name].clone();
    let Some(now_state) = capacity(world, &resource_id) else {
        return Err(format!("ECS service doesn't exist: {resource_id}"));
    };
    match policy.described.policy_type {
        Some(api::PolicyType::TargetTrackingScaling) => {
            track(world, &resource_id, &name, &policy, invocation, now_state)
        }
        _ => step(world, &resource_id, &name, &policy, invocation, now_state),
    }
    Ok(())
}

fn find(world: &World, arn: &str) -> Option<(String, String)> {
    world
        .application_autoscaling
        .targets
        .iter()
        .find_map(|(id, target)| {
            target
                .policies
                .iter()
                .find(|(_, p)| p.described.policy_arn.as_deref() == Some(arn))
                .map(|(name, _)| (id.clone(), name.clone()))
        })
}

/// The service's desired and running counts, and whether a deployment is under way.
#[derive(Clone, Copy)]
struct Capacity {
    desired: i32,
    running: i32,
    deploying: bool,
}

fn capacity(world: &World, resource_id: &str) -> Option<Capacity> {
    let (cluster, service) = ecs_service(resource_id)?;
    let service = world
        .ecs
        .services
        .get(&(cluster.to_string(), service.to_string()))?;
    let cluster = world.ecs.cluster(cluster)?;
    let running = service
        .deployments
        .iter()
        .map(|d| crate::sim::ecs::services::scheduler::counts(cluster, d, world.now).running)
        .sum::<u32>();
    let deploying = service.deployments.len() > 1
        || service.deployments.first().is_some_and(|d| {
            d.rollout_state == crate::api::ecs::DeploymentRolloutState::InProgress
        });
    Some(Capacity {
        desired: service.desired_count as i32,
        running: running as i32,
        deploying,
    })
}

fn bounds(world: &World, resource_id: &str) -> (i32, i32, api::SuspendedState) {
    let target = &world.application_autoscaling.targets[resource_id].described;
    (
        target.min_capacity.unwrap_or(0),
        target.max_capacity.unwrap_or(0),
        target.suspended_state.clone().unwrap_or_default(),
    )
}

fn policy_mut<'w>(world: &'w mut World, resource_id: &str, name: &str) -> Option<&'w mut Policy> {
    world
        .application_autoscaling
        .targets
        .get_mut(resource_id)?
        .policies
        .get_mut(name)
}

/// A scale-out ends every policy's scale-in cooldown on the target (C6).
fn end_scale_in_cooldowns(world: &mut World, resource_id: &str) {
    if let Some(target) = world.application_autoscaling.targets.get_mut(resource_id) {
        for policy in target.policies.values_mut() {
            policy.last_scale_in = None;
        }
    }
}

/// The numbers behind a change, kept as the activity's Details (JSON): what the alarm saw, the
/// capacities, the proposal before and after the clamp.
struct Decision {
    /// TargetValue for target tracking; the alarm's threshold, the step's adjustment and its
    /// type for step scaling: (member, its value as JSON).
    policy_terms: Vec<(&'static str, String)>,
    metric: f64,
    base: i32,
    in_cooldown: bool,
    proposal: i32,
    bounds: (i32, i32),
}

impl Decision {
    fn details(
        &self,
        invocation: &Invocation<'_>,
        name: &str,
        now: Capacity,
        wanted: i32,
    ) -> String {
        let mut members = vec![
            ("PolicyName", json(&name)),
            ("Alarm", json(&invocation.alarm)),
            ("Datapoints", json(&invocation.values)),
            ("MetricValue", json(&self.metric)),
            ("DesiredCapacity", json(&now.desired)),
            ("RunningCapacity", json(&now.running)),
            ("BaseCapacity", json(&self.base)),
            ("InCooldown", json(&self.in_cooldown)),
            ("Proposal", json(&self.proposal)),
            ("MinCapacity", json(&self.bounds.0)),
            ("MaxCapacity", json(&self.bounds.1)),
            ("NewCapacity", json(&wanted)),
        ];
        members.extend(self.policy_terms.iter().cloned());
        // As serde_json writes an object (keys sorted), without building one: thousands of
        // activities a simulated week.
        members.sort_by_key(|(member, _)| *member);
        let written: Vec<String> = members
            .iter()
            .map(|(member, value)| format!("\"{member}\":{value}"))
            .collect();
        format!("{{{}}}", written.join(","))
    }
}

fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

fn target_terms(target: f64) -> Vec<(&'static str, String)> {
    vec![
        ("PolicyType", json(&"TargetTrackingScaling")),
        ("TargetValue", json(&target)),
    ]
}

/// Applies a scale-out: the activity, the policy's cooldown from `base`, and the end of every
/// scale-in cooldown of the target (C5, C6).
fn scale_out(
    world: &mut World,
    (resource_id, name): (&str, &str),
    invocation: &Invocation<'_>,
    change: (Capacity, i32),
    decision: &Decision,
    detail: &str,
) {
    let at = world.now;
    let base = decision.base;
    set_by_policy(
        world,
        (resource_id, name),
        invocation,
        change,
        decision,
        detail,
    );
    if let Some(p) = policy_mut(world, resource_id, name) {
        p.scale_out = Some(ScaleOut { at, base });
    }
    end_scale_in_cooldowns(world, resource_id);
}

/// Applies a scale-in: the activity and the policy's scale-in cooldown.
fn scale_in(
    world: &mut World,
    (resource_id, name): (&str, &str),
    invocation: &Invocation<'_>,
    change: (Capacity, i32),
    decision: &Decision,
    detail: &str,
) {
    let at = world.now;
    set_by_policy(
        world,
        (resource_id, name),
        invocation,
        change,
        decision,
        detail,
    );
    if let Some(p) = policy_mut(world, resource_id, name) {
        p.last_scale_in = Some(at);
    }
}

/// The desired count a policy decided, with its activity's cause and the decision as Details.
fn set_by_policy(
    world: &mut World,
    (resource_id, name): (&str, &str),
    invocation: &Invocation<'_>,
    (now, wanted): (Capacity, i32),
    decision: &Decision,
    detail: &str,
) {
    let details = decision.details(invocation, name, now, wanted);
    let cause = cause(invocation, name, detail);
    set_desired(world, resource_id, wanted, &cause, Some(details));
}

fn cause(invocation: &Invocation<'_>, policy: &str, detail: &str) -> String {
    format!(
        "monitor alarm {} in state ALARM triggered policy {policy} {detail}",
        invocation.alarm
    )
}

fn step(
    world: &mut World,
    resource_id: &str,
    name: &str,
    policy: &Policy,
    invocation: &Invocation<'_>,
    now: Capacity,
) {
    let Some(configuration) = &policy.described.step_scaling_policy_configuration else {
        return;
    };
    let values = invocation.values;
    if values.is_empty() {
        return;
    }
    let value = match configuration.metric_aggregation_type {
        Some(api::MetricAggregationType::Minimum) => {
            values.iter().copied().fold(f64::INFINITY, f64::min)
        }
        Some(api::MetricAggregationType::Maximum) => {
            values.iter().copied().fold(f64::NEG_INFINITY, f64::max)
        }
        _ => values.iter().sum::<f64>() / values.len() as f64,
    };
    let steps: Vec<Step> = configuration
        .step_adjustments
        .iter()
        .flatten()
        .map(|s| Step {
            lower: s.metric_interval_lower_bound,
            upper: s.metric_interval_upper_bound,
            adjustment: i64::from(s.scaling_adjustment.unwrap_or(0)),
        })
        .collect();
    let Some(adjustment) = step_adjustment(&steps, value, invocation.threshold) else {
        return;
    };
    let kind = match configuration.adjustment_type {
        Some(api::AdjustmentType::ExactCapacity) => AdjustmentType::ExactCapacity,
        Some(api::AdjustmentType::PercentChangeInCapacity) => {
            AdjustmentType::PercentChangeInCapacity
        }
        _ => AdjustmentType::ChangeInCapacity,
    };
    let magnitude = configuration
        .min_adjustment_magnitude
        .map(|m| m.max(0) as u64);
    let cooldown = configuration.cooldown.map_or(DEFAULT_COOLDOWN, f64::from);
    let (min, max, suspended) = bounds(world, resource_id);
    let clock = world.now;
    let in_cooldown = |at: f64| clock - at < cooldown;
    let current = now.desired;
    let proposal =
        |from: i32| apply_adjustment(from.max(0) as u64, adjustment as f64, kind, magnitude) as i32;
    let outward = if kind == AdjustmentType::ExactCapacity {
        proposal(current) > current
    } else {
        adjustment > 0
    };
    if adjustment == 0 && kind != AdjustmentType::ExactCapacity {
        return;
    }
    if outward {
        if suspended.dynamic_scaling_out_suspended == Some(true) || current >= max {
            return;
        }
        // Inside the cooldown the adjustment counts from the capacity before the last scale-out (C12).
        let running_cooldown = policy.scale_out.filter(|s| in_cooldown(s.at));
        let base = running_cooldown.map_or(current, |s| s.base);
        let wanted = proposal(base).clamp(min, max);
        if wanted <= current {
            return;
        }
        let detail = format!("changing the desired capacity from {current} to {wanted}");
        let decision = Decision {
            policy_terms: step_terms(invocation.threshold, adjustment, kind),
            metric: value,
            base,
            in_cooldown: running_cooldown.is_some(),
            proposal: proposal(base),
            bounds: (min, max),
        };
        scale_out(
            world,
            (resource_id, name),
            invocation,
            (now, wanted),
            &decision,
            &detail,
        );
        return;
    }
    let blocked = suspended.dynamic_scaling_in_suspended == Some(true)
        || now.deploying
        || current <= min
        || policy.last_scale_in.is_some_and(in_cooldown)
        || policy.scale_out.is_some_and(|s| in_cooldown(s.at));
    if blocked {
        return;
    }
    let wanted = proposal(current).clamp(min, max);
    if wanted < current {
        let detail = format!("changing the desired capacity from {current} to {wanted}");
        let decision = Decision {
            policy_terms: step_terms(invocation.threshold, adjustment, kind),
            metric: value,
            base: current,
            in_cooldown: false,
            proposal: proposal(current),
            bounds: (min, max),
        };
        scale_in(
            world,
            (resource_id, name),
            invocation,
            (now, wanted),
            &decision,
            &detail,
        );
    }
}

fn step_terms(
    threshold: f64,
    adjustment: i64,
    kind: AdjustmentType,
) -> Vec<(&'static str, String)> {
    let kind = match kind {
        AdjustmentType::ChangeInCapacity => "ChangeInCapacity",
        AdjustmentType::ExactCapacity => "ExactCapacity",
        AdjustmentType::PercentChangeInCapacity => "PercentChangeInCapacity",
    };
    vec![
        ("PolicyType", json(&"StepScaling")),
        ("Threshold", json(&threshold)),
        ("ScalingAdjustment", json(&adjustment)),
        ("AdjustmentType", json(&kind)),
    ]
}

fn track(
    world: &mut World,
    resource_id: &str,
    name: &str,
    policy: &Policy,
    invocation: &Invocation<'_>,
    now: Capacity,
) {
    let Some(configuration) = &policy
        .described
        .target_tracking_scaling_policy_configuration
    else {
        return;
    };
    let target = configuration.target_value.unwrap_or(1.0);
    let Some(&metric) = invocation.values.last() else {
        return;
    };
    let clock = world.now;
    let (min, max, suspended) = bounds(world, resource_id);
    let scale_out_cooldown = configuration
        .scale_out_cooldown
        .map_or(DEFAULT_COOLDOWN, f64::from);
    let high = invocation.alarm.contains("-AlarmHigh-");
    if high {
        if suspended.dynamic_scaling_out_suspended == Some(true) {
            return;
        }
        // During the cooldown, proposals count from the capacity before the scale-out that opened it (C4, C5).
        let running_cooldown = policy
            .scale_out
            .filter(|s| clock - s.at < scale_out_cooldown);
        let base = running_cooldown.map_or(now.running, |s| s.base);
        let proposal = target_tracking_capacity(base.max(0) as u64, metric, target) as i32;
        let wanted = proposal.min(max).max(min);
        if wanted <= now.desired {
            return;
        }
        let detail = format!(
            "changing the desired capacity from {} to {wanted} (metric {metric} against target {target}: ceil({base} × {metric} / {target}) = {proposal})",
            now.desired
        );
        let decision = Decision {
            policy_terms: target_terms(target),
            metric,
            base,
            in_cooldown: running_cooldown.is_some(),
            proposal,
            bounds: (min, max),
        };
        scale_out(
            world,
            (resource_id, name),
            invocation,
            (now, wanted),
            &decision,
            &detail,
        );
        return;
    }
    let scale_in_cooldown = configuration
        .scale_in_cooldown
        .map_or(DEFAULT_COOLDOWN, f64::from);
    let held = suspended.dynamic_scaling_in_suspended == Some(true)
        || now.deploying
        || now.desired <= min
        || policy
            .last_scale_in
            .is_some_and(|at| clock - at < scale_in_cooldown);
    if held {
        return;
    }
    // Scale in only if every target tracking policy with scale-in enabled is in its low alarm;
    // the result is the largest of their proposals (C9).
    let Some(largest) = tracking_proposals(world, resource_id, now.running) else {
        return;
    };
    let wanted = largest.max(min);
    if wanted >= now.desired {
        return;
    }
    let detail = format!(
        "changing the desired capacity from {} to {wanted} (metric {metric} against target {target}; every target tracking policy agrees)",
        now.desired
    );
    let decision = Decision {
        policy_terms: target_terms(target),
        metric,
        base: now.running,
        in_cooldown: false,
        proposal: largest,
        bounds: (min, max),
    };
    scale_in(
        world,
        (resource_id, name),
        invocation,
        (now, wanted),
        &decision,
        &detail,
    );
}

/// Each scale-in-enabled target tracking policy's proposal from its low alarm's latest datapoint;
/// None when one of those alarms is not in ALARM (insufficient data included).
fn tracking_proposals(world: &World, resource_id: &str, running: i32) -> Option<i32> {
    let target = world.application_autoscaling.targets.get(resource_id)?;
    let mut largest = 0;
    for policy in target.policies.values() {
        let Some(configuration) = &policy
            .described
            .target_tracking_scaling_policy_configuration
        else {
            continue;
        };
        if configuration.disable_scale_in == Some(true) {
            continue;
        }
        let low = policy
            .described
            .alarms
            .iter()
            .flatten()
            .filter_map(|a| a.alarm_name.as_deref())
            .find(|n| n.contains("-AlarmLow-"))?;
        let alarm = world.cloudwatch.alarms.get(low)?;
        if alarm.described.state_value != Some(crate::api::cloudwatch::StateValue::Alarm) {
            return None;
        }
        let metric = crate::sim::cloudwatch::latest_value(alarm)?;
        let proposal = target_tracking_capacity(
            running.max(0) as u64,
            metric,
            configuration.target_value.unwrap_or(1.0),
        ) as i32;
        largest = largest.max(proposal);
    }
    Some(largest)
}
