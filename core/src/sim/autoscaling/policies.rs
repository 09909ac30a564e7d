//! Target tracking scaling policies on groups: PutScalingPolicy, DescribePolicies,
//! DeletePolicy, and what a policy does when one of its alarms invokes it. As far as ECS's
//! managed scaling needs them: a customized metric (ECS tracks CapacityProviderReservation this
//! way); predefined EC2 metrics, metric math, step, simple and predictive policies are refused.
//!
//! A policy's alarms are CloudWatch's (`cloudwatch::tracking`): a user's as EC2 Auto Scaling
//! creates them (3 of 3 one-minute datapoints above the target; 15 of 15 below
//! `scaleInThresholdRatio` × the target), ECS's as it documents them for managed scaling (1 of 1
//! above; 15 of 15 below the target itself). Invoked, the policy proposes ceil(capacity × metric /
//! target), counting a group of no capacity as one (so a reservation of 200 % launches two
//! instances, as ECS documents for an empty group); it scales out only beyond the desired
//! capacity and not while its last scale-out warms up (`EstimatedInstanceWarmup`, else the
//! group's default cooldown), and scales in only below it.

use super::{group_not_found, validation, Group};
use crate::api::autoscaling as api;
use crate::api::cloudwatch as cw;
use crate::api::from_json::FromJson;
use crate::error::EcsimError;
use crate::sim::cloudwatch::tracking::{self, TrackingAlarms};
use crate::sim::paging::Paging;
use crate::sim::request::Empty;
use crate::sim::World;

/// EC2 Auto Scaling's quota of scaling policies per group.
const POLICIES_PER_GROUP: usize = 50;

const PAGING: Paging = Paging {
    size_member: "MaxRecords",
    token_member: "NextToken",
    default: 50,
    max: 100,
};

/// Who created a policy: its alarms differ.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Owner {
    User,
    /// ECS, for a capacity provider's managed scaling.
    Ecs,
}

#[derive(Clone)]
pub(crate) struct Policy {
    pub described: api::ScalingPolicy,
    owner: Owner,
    warmup: f64,
    last_scale_out: Option<f64>,
}

pub fn put_scaling_policy(
    world: &mut World,
    request: api::PutScalingPolicyType,
) -> Result<api::PolicyARNType, EcsimError> {
    put(world, request, Owner::User)
}

/// PutScalingPolicy for `owner`: checks everything, then replaces the policy of that name (its
/// ARN kept, its alarms new).
pub(crate) fn put(
    world: &mut World,
    request: api::PutScalingPolicyType,
    owner: Owner,
) -> Result<api::PolicyARNType, EcsimError> {
    let group_name = request.auto_scaling_group_name.clone().unwrap_or_default();
    let name = request.policy_name.clone().unwrap_or_default();
    let group = world
        .autoscaling
        .groups
        .get(&group_name)
        .filter(|g| !g.deleting)
        .ok_or_else(|| group_not_found(&group_name))?;
    let kind = request.policy_type.as_deref().unwrap_or("SimpleScaling");
    if kind != "TargetTrackingScaling" {
        let known = ["StepScaling", "SimpleScaling", "PredictiveScaling"].contains(&kind);
        return Err(validation(if known {
            format!("PolicyType {kind}: ecsim runs TargetTrackingScaling policies on groups, as ECS's managed scaling needs them.")
        } else {
            format!("Invalid PolicyType {kind}: expected TargetTrackingScaling, StepScaling, SimpleScaling or PredictiveScaling.")
        }));
    }
    let configuration = request
        .target_tracking_configuration
        .as_ref()
        .ok_or_else(|| {
            validation(
                "TargetTrackingConfiguration is required for a TargetTrackingScaling policy.",
            )
        })?;
    let existing = group.policies.get(&name).cloned();
    if existing.is_none() && group.policies.len() >= POLICIES_PER_GROUP {
        return Err(api::Error::LimitExceededFault.with(format!(
            "Auto Scaling group {group_name} has {POLICIES_PER_GROUP} scaling policies, the most it can have."
        )));
    }
    let low_ratio = match owner {
        Owner::User => world.config.scale_in_threshold_ratio,
        Owner::Ecs => 1.0,
    };
    let mut alarms = tracking_alarms(configuration, owner, low_ratio)?;
    let warmup = f64::from(
        request
            .estimated_instance_warmup
            .unwrap_or(group.default_cooldown),
    );
    // Checked; from here on nothing fails.
    if let Some(old) = &existing {
        delete_alarms(world, old);
    }
    let arn = world.scaling_policy_arn(
        existing
            .as_ref()
            .and_then(|p| p.described.policy_arn.clone()),
        &format!("autoScalingGroupName/{group_name}"),
        &name,
    );
    alarms.policy_named = arn.clone();
    let created: Vec<api::Alarm> = tracking::put_tracking_alarms(world, &group_name, &arn, &alarms)
        .into_iter()
        .map(|(alarm_name, alarm_arn)| api::Alarm {
            alarm_name: Some(alarm_name),
            alarm_arn: Some(alarm_arn),
        })
        .collect();
    let described = api::ScalingPolicy {
        auto_scaling_group_name: Some(group_name.clone()),
        policy_name: Some(name.clone()),
        policy_arn: Some(arn.clone()),
        policy_type: Some("TargetTrackingScaling".into()),
        estimated_instance_warmup: request.estimated_instance_warmup,
        alarms: Some(created.clone()),
        target_tracking_configuration: request.target_tracking_configuration,
        enabled: Some(request.enabled.unwrap_or(true)),
        ..Default::default()
    };
    let policy = Policy {
        described,
        owner,
        warmup,
        last_scale_out: existing.and_then(|p| p.last_scale_out),
    };
    if let Some(group) = world.autoscaling.groups.get_mut(&group_name) {
        group.policies.insert(name, policy);
    }
    Ok(api::PolicyARNType {
        policy_arn: Some(arn),
        alarms: Some(created),
    })
}

/// The alarms the policy needs, checked; named after the policy once it has an ARN.
fn tracking_alarms(
    configuration: &api::TargetTrackingConfiguration,
    owner: Owner,
    low_ratio: f64,
) -> Result<TrackingAlarms, EcsimError> {
    let target = configuration.target_value.unwrap_or(0.0);
    if !target.is_finite() || target <= 0.0 {
        return Err(validation("TargetValue must be greater than 0."));
    }
    if let Some(predefined) = &configuration.predefined_metric_specification {
        return Err(validation(format!(
            "PredefinedMetricSpecification {}: ecsim publishes no EC2 instance or load balancer metrics for groups; track a CustomizedMetricSpecification.",
            predefined.predefined_metric_type.map_or("", |t| t.as_str())
        )));
    }
    let custom = configuration
        .customized_metric_specification
        .as_ref()
        .ok_or_else(|| {
            validation("Give a CustomizedMetricSpecification (or a PredefinedMetricSpecification).")
        })?;
    if custom.metrics.is_some() {
        return Err(validation(
            "CustomizedMetricSpecification.Metrics: ecsim's group policies track one metric, not metric math.",
        ));
    }
    let (Some(namespace), Some(metric_name), Some(statistic)) =
        (&custom.namespace, &custom.metric_name, custom.statistic)
    else {
        return Err(validation(
            "CustomizedMetricSpecification needs MetricName, Namespace and Statistic.",
        ));
    };
    let period = custom.period.unwrap_or(60);
    if !(period == 10 || period == 30 || (period >= 60 && period % 60 == 0)) {
        return Err(validation(format!(
            "CustomizedMetricSpecification.Period {period}: give 10, 30 or a multiple of 60 seconds."
        )));
    }
    let watched = cw::PutMetricAlarmInput {
        namespace: Some(namespace.clone()),
        metric_name: Some(metric_name.clone()),
        dimensions: Some(
            custom
                .dimensions
                .iter()
                .flatten()
                .map(|d| cw::Dimension {
                    name: d.name.clone(),
                    value: d.value.clone(),
                })
                .collect(),
        ),
        statistic: cw::Statistic::from_json(statistic.as_str().into()),
        period: Some(period),
        ..Default::default()
    };
    let high_datapoints = match owner {
        Owner::User => 3,
        Owner::Ecs => 1,
    };
    Ok(TrackingAlarms {
        watched,
        target,
        high_datapoints,
        low: (!configuration.disable_scale_in.unwrap_or(false)).then_some((15, target * low_ratio)),
        policy_named: String::new(),
    })
}

pub(super) fn delete_alarms(world: &mut World, policy: &Policy) {
    for alarm in policy.described.alarms.iter().flatten() {
        if let Some(name) = &alarm.alarm_name {
            world.cloudwatch.alarms.remove(name);
        }
    }
}

pub fn describe_policies(
    world: &mut World,
    request: api::DescribePoliciesType,
) -> Result<api::PoliciesType, EcsimError> {
    let names = request.policy_names.unwrap_or_default();
    let types = request.policy_types.unwrap_or_default();
    let group_name = request.auto_scaling_group_name;
    let listed: Vec<api::ScalingPolicy> = world
        .autoscaling
        .groups
        .values()
        .filter(|g| group_name.as_ref().is_none_or(|n| *n == g.name))
        .flat_map(|g| g.policies.values())
        .map(|p| &p.described)
        .filter(|p| {
            names.is_empty()
                || names
                    .iter()
                    .any(|n| Some(n) == p.policy_name.as_ref() || Some(n) == p.policy_arn.as_ref())
        })
        .filter(|p| types.is_empty() || types.iter().any(|t| Some(t) == p.policy_type.as_ref()))
        .cloned()
        .collect();
    let (policies, next_token) = PAGING.page(
        listed,
        request.max_records,
        request.next_token.as_deref(),
        validation,
    )?;
    Ok(api::PoliciesType {
        scaling_policies: Some(policies),
        next_token,
    })
}

pub fn delete_policy(
    world: &mut World,
    request: api::DeletePolicyType,
) -> Result<Empty, EcsimError> {
    let reference = request.policy_name.unwrap_or_default();
    let found = world.autoscaling.groups.values().find_map(|g| {
        let by_arn = g
            .policies
            .iter()
            .find(|(_, p)| p.described.policy_arn.as_deref() == Some(reference.as_str()));
        let by_name = (request.auto_scaling_group_name.as_deref() == Some(g.name.as_str()))
            .then(|| g.policies.get_key_value(&reference))
            .flatten();
        by_arn
            .or(by_name)
            .map(|(name, _)| (g.name.clone(), name.clone()))
    });
    let Some((group_name, name)) = found else {
        return Err(match &request.auto_scaling_group_name {
            None if !reference.starts_with("arn:") => validation(
                "AutoScalingGroupName is required when PolicyName is a name and not an ARN.",
            ),
            Some(group) if !world.autoscaling.groups.contains_key(group) => group_not_found(group),
            _ => validation(format!("The scaling policy {reference} does not exist.")),
        });
    };
    forget(world, &group_name, &name);
    Ok(Empty {})
}

/// Deletes a policy and its alarms.
pub(crate) fn forget(world: &mut World, group_name: &str, name: &str) {
    let removed = world
        .autoscaling
        .groups
        .get_mut(group_name)
        .and_then(|g| g.policies.remove(name));
    if let Some(policy) = removed {
        delete_alarms(world, &policy);
    }
}

/// Deletes a group and its policies' alarms.
pub(super) fn forget_group(world: &mut World, group_name: &str) {
    if let Some(group) = world.autoscaling.groups.remove(group_name) {
        for policy in group.policies.values() {
            delete_alarms(world, policy);
        }
    }
}

/// Runs the policy `arn` names, invoked by one of its alarms; Err says why nothing could run
/// (CloudWatch's history reports it).
pub(crate) fn run_policy(
    world: &mut World,
    arn: &str,
    invocation: &crate::sim::application_autoscaling::Invocation<'_>,
) -> Result<(), String> {
    let (group_name, name) = world
        .autoscaling
        .groups
        .values()
        .find_map(|g| {
            g.policies
                .iter()
                .find(|(_, p)| p.described.policy_arn.as_deref() == Some(arn))
                .map(|(name, _)| (g.name.clone(), name.clone()))
        })
        .ok_or_else(|| format!("No scaling policy found for {arn}"))?;
    let group = &world.autoscaling.groups[&group_name];
    let policy = &group.policies[&name];
    let (Some(value), Some(target)) = (
        invocation.values.last().copied(),
        policy
            .described
            .target_tracking_configuration
            .as_ref()
            .and_then(|c| c.target_value),
    ) else {
        return Ok(());
    };
    if policy.described.enabled == Some(false) {
        return Ok(());
    }
    let wanted = proposed(group, value, target);
    let now = world.now;
    let scale_out = invocation.alarm.contains("-AlarmHigh-");
    let moves = if scale_out {
        wanted > i64::from(group.desired)
            && policy
                .last_scale_out
                .is_none_or(|at| now >= at + policy.warmup)
    } else {
        wanted < i64::from(group.desired)
    };
    if !moves {
        return Ok(());
    }
    let numbers = match policy.owner {
        Owner::Ecs => crate::sim::ecs::managed_scaling::explain(world, &group_name, now)
            .map(|n| format!(" ({n})"))
            .unwrap_or_default(),
        Owner::User => String::new(),
    };
    let cause = format!(
        "At {} a monitor alarm {} in state ALARM triggered policy {name}{numbers}",
        crate::schedule::timestamp(now),
        invocation.alarm
    );
    if scale_out {
        if let Some(policy) = world
            .autoscaling
            .groups
            .get_mut(&group_name)
            .and_then(|g| g.policies.get_mut(&name))
        {
            policy.last_scale_out = Some(now);
        }
    }
    let wanted = i32::try_from(wanted).unwrap_or(i32::MAX);
    super::set_desired_by_policy(world, &group_name, wanted, &cause);
    Ok(())
}

/// Target tracking's proposal: ceil(capacity × metric / target), a group of no capacity
/// counted as one.
fn proposed(group: &Group, value: f64, target: f64) -> i64 {
    let capacity = f64::from(group.capacity().max(1));
    (capacity * value / target)
        .ceil()
        .clamp(0.0, f64::from(i32::MAX)) as i64
}
