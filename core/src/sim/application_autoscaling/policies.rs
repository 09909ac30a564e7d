//! Scaling policies: PutScalingPolicy, DescribeScalingPolicies, DeleteScalingPolicy. A target
//! tracking policy creates its two CloudWatch alarms as AWS does (`TargetTracking-<resource>-
//! AlarmHigh-<uuid>`: 3 of 3 one-minute datapoints above the target; `…-AlarmLow-<uuid>`: 15 of 15
//! below `scaleInThresholdRatio` × the target, 0.9 by default; none when scale-in is disabled), whose
//! actions invoke the policy (`execute.rs`). A step scaling policy is invoked by the alarms that
//! name its ARN.

use super::{check_dimension, not_registered, validation, Policy};
use crate::api::application_autoscaling as api;
use crate::api::cloudwatch as cw;
use crate::error::EcsimError;
use crate::sim::cloudwatch::tracking::{self, TrackingAlarms};
use crate::sim::World;

/// What AWS names ECS's predefined metrics in CloudWatch: (metric type, namespace, metric,
/// statistic, period).
const PREDEFINED: [(api::MetricType, &str, &str, cw::Statistic, i32); 5] = [
    (
        api::MetricType::ECSServiceAverageCPUUtilization,
        "AWS/ECS",
        "CPUUtilization",
        cw::Statistic::Average,
        60,
    ),
    (
        api::MetricType::ECSServiceAverageMemoryUtilization,
        "AWS/ECS",
        "MemoryUtilization",
        cw::Statistic::Average,
        60,
    ),
    (
        api::MetricType::ECSServiceAverageCPUUtilizationHighResolution,
        "AWS/ECS",
        "CPUUtilization",
        cw::Statistic::Average,
        20,
    ),
    (
        api::MetricType::ECSServiceAverageMemoryUtilizationHighResolution,
        "AWS/ECS",
        "MemoryUtilization",
        cw::Statistic::Average,
        20,
    ),
    (
        api::MetricType::ALBRequestCountPerTarget,
        "AWS/ApplicationELB",
        "RequestCountPerTarget",
        cw::Statistic::Sum,
        60,
    ),
];

/// Datapoints of the high alarm and of the low one (observed on the alarms AWS creates).
const HIGH_DATAPOINTS: i32 = 3;
const LOW_DATAPOINTS: i32 = 15;

pub fn put_scaling_policy(
    world: &mut World,
    request: api::PutScalingPolicyRequest,
) -> Result<api::PutScalingPolicyResponse, EcsimError> {
    check_dimension(request.service_namespace, request.scalable_dimension)?;
    let resource_id = request.resource_id.clone().unwrap_or_default();
    if !world
        .application_autoscaling
        .targets
        .contains_key(&resource_id)
    {
        return Err(not_registered(&resource_id));
    }
    let name = request.policy_name.clone().unwrap_or_default();
    let kind = request.policy_type.unwrap_or(api::PolicyType::StepScaling);
    let alarms_wanted = match kind {
        api::PolicyType::StepScaling => {
            check_step(request.step_scaling_policy_configuration.as_ref())?;
            None
        }
        api::PolicyType::TargetTrackingScaling => {
            let configuration = request
                .target_tracking_scaling_policy_configuration
                .as_ref()
                .ok_or_else(|| validation("TargetTrackingScalingPolicyConfiguration is required for a TargetTrackingScaling policy."))?;
            Some(tracking_alarms(
                &resource_id,
                configuration,
                world.config.scale_in_threshold_ratio,
            )?)
        }
        api::PolicyType::PredictiveScaling => {
            return Err(validation(
                "Predictive scaling is not supported for ECS services.",
            ));
        }
    };
    // Checked; from here on nothing fails.
    let existing = world.application_autoscaling.targets[&resource_id]
        .policies
        .get(&name)
        .cloned();
    if let Some(old) = &existing {
        delete_alarms(world, old);
    }
    let arn = world.scaling_policy_arn(
        existing
            .as_ref()
            .and_then(|p| p.described.policy_arn.clone()),
        &format!("resource/ecs/{resource_id}"),
        &name,
    );
    let alarms: Vec<api::Alarm> = match &alarms_wanted {
        Some(wanted) => tracking::put_tracking_alarms(world, &resource_id, &arn, wanted),
        None => Vec::new(),
    }
    .into_iter()
    .map(|(name, arn)| api::Alarm {
        alarm_name: Some(name),
        alarm_arn: Some(arn),
    })
    .collect();
    let described = api::ScalingPolicy {
        policy_arn: Some(arn.clone()),
        policy_name: Some(name.clone()),
        service_namespace: request.service_namespace,
        resource_id: Some(resource_id.clone()),
        scalable_dimension: request
            .scalable_dimension
            .or(Some(api::ScalableDimension::EcsServiceDesiredCount)),
        policy_type: Some(kind),
        step_scaling_policy_configuration: request.step_scaling_policy_configuration,
        target_tracking_scaling_policy_configuration: request
            .target_tracking_scaling_policy_configuration,
        predictive_scaling_policy_configuration: None,
        alarms: Some(alarms.clone()),
        creation_time: Some(
            existing
                .as_ref()
                .and_then(|p| p.described.creation_time)
                .unwrap_or(world.now),
        ),
    };
    let policy = Policy {
        described,
        scale_out: None,
        last_scale_in: None,
    };
    if let Some(target) = world.application_autoscaling.targets.get_mut(&resource_id) {
        target.policies.insert(name, policy);
    }
    Ok(api::PutScalingPolicyResponse {
        policy_arn: Some(arn),
        alarms: Some(alarms),
    })
}

fn check_step(
    configuration: Option<&api::StepScalingPolicyConfiguration>,
) -> Result<(), EcsimError> {
    let configuration = configuration.ok_or_else(|| {
        validation("StepScalingPolicyConfiguration is required for a StepScaling policy.")
    })?;
    if configuration.adjustment_type.is_none() {
        return Err(validation(
            "AdjustmentType is required in StepScalingPolicyConfiguration.",
        ));
    }
    let steps = configuration
        .step_adjustments
        .as_deref()
        .unwrap_or_default();
    if steps.is_empty() {
        return Err(validation(
            "StepAdjustments must contain at least one step adjustment.",
        ));
    }
    let mut bounds: Vec<(f64, f64)> = steps
        .iter()
        .map(|s| {
            (
                s.metric_interval_lower_bound.unwrap_or(f64::NEG_INFINITY),
                s.metric_interval_upper_bound.unwrap_or(f64::INFINITY),
            )
        })
        .collect();
    bounds.sort_by(|a, b| a.0.total_cmp(&b.0));
    if bounds.iter().any(|(lower, upper)| lower >= upper) {
        return Err(validation("A step adjustment's MetricIntervalLowerBound must be less than its MetricIntervalUpperBound."));
    }
    if bounds.windows(2).any(|pair| pair[0].1 != pair[1].0) {
        return Err(validation(
            "Step adjustments must not overlap and must not leave gaps between their bounds.",
        ));
    }
    Ok(())
}

/// The alarms a target tracking policy needs, checked.
fn tracking_alarms(
    resource_id: &str,
    configuration: &api::TargetTrackingScalingPolicyConfiguration,
    low_ratio: f64,
) -> Result<TrackingAlarms, EcsimError> {
    let target = configuration.target_value.unwrap_or(0.0);
    if target.is_nan() || target <= 0.0 {
        return Err(validation("TargetValue must be greater than 0."));
    }
    let watched = match (
        &configuration.predefined_metric_specification,
        &configuration.customized_metric_specification,
    ) {
        (Some(predefined), None) => predefined_metric(resource_id, predefined)?,
        (None, Some(custom)) => customized_metric(custom)?,
        _ => return Err(validation(
            "Give exactly one of PredefinedMetricSpecification and CustomizedMetricSpecification.",
        )),
    };
    Ok(TrackingAlarms {
        watched,
        target,
        high_datapoints: HIGH_DATAPOINTS,
        low: (!configuration.disable_scale_in.unwrap_or(false))
            .then_some((LOW_DATAPOINTS, target * low_ratio)),
        policy_named: resource_id.to_string(),
    })
}

/// What a target tracking policy's alarms watch: the metric members of their PutMetricAlarm.
type MetricSpec = cw::PutMetricAlarmInput;

fn single_metric(
    (namespace, metric): (&str, &str),
    dimensions: Vec<cw::Dimension>,
    statistic: cw::Statistic,
    period: i32,
) -> MetricSpec {
    cw::PutMetricAlarmInput {
        namespace: Some(namespace.into()),
        metric_name: Some(metric.into()),
        dimensions: Some(dimensions),
        statistic: Some(statistic),
        period: Some(period),
        ..Default::default()
    }
}

fn predefined_metric(
    resource_id: &str,
    predefined: &api::PredefinedMetricSpecification,
) -> Result<MetricSpec, EcsimError> {
    let kind = predefined.predefined_metric_type;
    let Some((_, namespace, metric, statistic, period)) =
        PREDEFINED.iter().find(|p| Some(p.0) == kind)
    else {
        return Err(validation(format!(
            "PredefinedMetricType {} is not one for ECS services.",
            kind.map_or("", |k| k.as_str())
        )));
    };
    let dimension = |name: &str, value: &str| cw::Dimension {
        name: Some(name.into()),
        value: Some(value.into()),
    };
    let dimensions = if kind == Some(api::MetricType::ALBRequestCountPerTarget) {
        let label = predefined.resource_label.as_deref().unwrap_or_default();
        let (_, target_group) = label
            .split_once("/targetgroup/")
            .ok_or_else(|| validation("ALBRequestCountPerTarget needs a ResourceLabel app/<load-balancer>/<id>/targetgroup/<target-group>/<id>."))?;
        vec![dimension(
            "TargetGroup",
            &format!("targetgroup/{target_group}"),
        )]
    } else {
        let (cluster, service) = super::ecs_service(resource_id).unwrap_or_default();
        vec![
            dimension("ClusterName", cluster),
            dimension("ServiceName", service),
        ]
    };
    Ok(single_metric(
        (namespace, metric),
        dimensions,
        *statistic,
        *period,
    ))
}

fn customized_metric(
    custom: &api::CustomizedMetricSpecification,
) -> Result<MetricSpec, EcsimError> {
    if let Some(queries) = &custom.metrics {
        return metric_math(queries);
    }
    let (Some(namespace), Some(metric), Some(statistic)) =
        (&custom.namespace, &custom.metric_name, custom.statistic)
    else {
        return Err(validation(
            "CustomizedMetricSpecification needs MetricName, Namespace and Statistic.",
        ));
    };
    let statistic = match statistic {
        api::MetricStatistic::Average => cw::Statistic::Average,
        api::MetricStatistic::Minimum => cw::Statistic::Minimum,
        api::MetricStatistic::Maximum => cw::Statistic::Maximum,
        api::MetricStatistic::SampleCount => cw::Statistic::SampleCount,
        api::MetricStatistic::Sum => cw::Statistic::Sum,
    };
    let dimensions = custom
        .dimensions
        .iter()
        .flatten()
        .map(|d| cw::Dimension {
            name: d.name.clone(),
            value: d.value.clone(),
        })
        .collect();
    Ok(single_metric(
        (namespace, metric),
        dimensions,
        statistic,
        60,
    ))
}

/// A customized metric given as metric math: the queries, each MetricStat a minute's
/// statistic, as the alarms' Metrics.
fn metric_math(queries: &[api::TargetTrackingMetricDataQuery]) -> Result<MetricSpec, EcsimError> {
    let metrics: Vec<cw::MetricDataQuery> = queries
        .iter()
        .map(|q| cw::MetricDataQuery {
            id: q.id.clone(),
            expression: q.expression.clone(),
            label: q.label.clone(),
            return_data: q.return_data,
            metric_stat: q.metric_stat.as_ref().map(|stat| cw::MetricStat {
                metric: stat.metric.as_ref().map(|m| cw::Metric {
                    namespace: m.namespace.clone(),
                    metric_name: m.metric_name.clone(),
                    dimensions: m.dimensions.as_ref().map(|ds| {
                        ds.iter()
                            .map(|d| cw::Dimension {
                                name: d.name.clone(),
                                value: d.value.clone(),
                            })
                            .collect()
                    }),
                }),
                period: Some(60),
                stat: stat.stat.clone(),
                unit: None,
            }),
            ..Default::default()
        })
        .collect();
    crate::sim::cloudwatch::check_alarm_queries(&metrics).map_err(|message| {
        validation(format!("CustomizedMetricSpecification.Metrics: {message}"))
    })?;
    Ok(cw::PutMetricAlarmInput {
        metrics: Some(metrics),
        ..Default::default()
    })
}

/// Deletes the alarms a target tracking policy created.
pub(super) fn delete_alarms(world: &mut World, policy: &Policy) {
    let names: Vec<String> = policy
        .described
        .alarms
        .iter()
        .flatten()
        .filter_map(|a| a.alarm_name.clone())
        .collect();
    for name in names {
        world.cloudwatch.alarms.remove(&name);
    }
}

pub fn describe_scaling_policies(
    world: &mut World,
    request: api::DescribeScalingPoliciesRequest,
) -> Result<api::DescribeScalingPoliciesResponse, EcsimError> {
    check_dimension(request.service_namespace, request.scalable_dimension)?;
    let policies: Vec<api::ScalingPolicy> = world
        .application_autoscaling
        .targets
        .iter()
        .filter(|(id, _)| request.resource_id.as_ref().is_none_or(|r| r == *id))
        .flat_map(|(_, target)| target.policies.values())
        .filter(|p| {
            request.policy_names.as_ref().is_none_or(|names| {
                names
                    .iter()
                    .any(|n| Some(n) == p.described.policy_name.as_ref())
            })
        })
        .map(|p| p.described.clone())
        .collect();
    let (page, next) =
        super::handlers::page(policies, request.max_results, request.next_token.as_deref())?;
    Ok(api::DescribeScalingPoliciesResponse {
        scaling_policies: Some(page),
        next_token: next,
    })
}

pub fn delete_scaling_policy(
    world: &mut World,
    request: api::DeleteScalingPolicyRequest,
) -> Result<api::DeleteScalingPolicyResponse, EcsimError> {
    check_dimension(request.service_namespace, request.scalable_dimension)?;
    let resource_id = request.resource_id.unwrap_or_default();
    let name = request.policy_name.unwrap_or_default();
    let removed = world
        .application_autoscaling
        .targets
        .get_mut(&resource_id)
        .and_then(|t| t.policies.remove(&name))
        .ok_or_else(|| {
            api::Error::ObjectNotFoundException.with(format!(
                "No scaling policy found for service namespace: ecs, resource ID: {resource_id}, scalable dimension: ecs:service:DesiredCount, policy name: {name}"
            ))
        })?;
    delete_alarms(world, &removed);
    Ok(api::DeleteScalingPolicyResponse {})
}
