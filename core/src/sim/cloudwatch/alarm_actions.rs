//! The alarm actions: PutMetricAlarm, DescribeAlarms, DeleteAlarms, SetAlarmState,
//! DescribeAlarmHistory.

use super::alarms::{change_state, schedule_evaluation, Alarm};
use super::handlers::{next_token_error, DESCRIBE_ALARMS};
use super::metrics::MetricKey;
use super::queries::{self, returned, Planned};
use super::reasons::Reason;
use super::{history, invalid, missing};
use crate::api::cloudwatch as api;
use crate::error::EcsimError;
use crate::sim::request::Empty;
use crate::sim::World;

pub fn put_metric_alarm(
    world: &mut World,
    request: api::PutMetricAlarmInput,
) -> Result<Empty, EcsimError> {
    let name = request.alarm_name.clone().unwrap_or_default();
    let math = check_alarm(&request)?;
    let key = MetricKey::new(
        request.namespace.as_deref().unwrap_or_default(),
        request.metric_name.as_deref().unwrap_or_default(),
        request.dimensions.as_deref().unwrap_or_default(),
    );
    let now = world.now;
    let arn = world.arn("cloudwatch", &format!("alarm:{name}"));
    let (previous, reason) = match world.cloudwatch.alarms.get(&name) {
        Some(alarm) => (Some(alarm.described.clone()), alarm.reason.clone()),
        None => (None, Reason::initial()),
    };
    world.cloudwatch.generations += 1;
    let described = api::MetricAlarm {
        alarm_name: Some(name.clone()),
        alarm_arn: Some(arn),
        alarm_description: request.alarm_description,
        alarm_configuration_updated_timestamp: Some(now),
        actions_enabled: Some(request.actions_enabled.unwrap_or(true)),
        ok_actions: Some(request.ok_actions.unwrap_or_default()),
        alarm_actions: Some(request.alarm_actions.unwrap_or_default()),
        insufficient_data_actions: Some(request.insufficient_data_actions.unwrap_or_default()),
        state_value: Some(
            previous
                .as_ref()
                .and_then(|p| p.state_value)
                .unwrap_or(api::StateValue::InsufficientData),
        ),
        state_updated_timestamp: Some(
            previous
                .as_ref()
                .and_then(|p| p.state_updated_timestamp)
                .unwrap_or(now),
        ),
        state_transitioned_timestamp: Some(
            previous
                .as_ref()
                .and_then(|p| p.state_transitioned_timestamp)
                .unwrap_or(now),
        ),
        metrics: request.metrics,
        metric_name: request.metric_name,
        namespace: request.namespace,
        statistic: request.statistic,
        dimensions: math
            .is_none()
            .then(|| request.dimensions.unwrap_or_default()),
        period: request.period,
        unit: request.unit,
        evaluation_periods: request.evaluation_periods,
        datapoints_to_alarm: request.datapoints_to_alarm,
        threshold: request.threshold,
        comparison_operator: request.comparison_operator,
        treat_missing_data: Some(
            request
                .treat_missing_data
                .unwrap_or_else(|| "missing".into()),
        ),
        ..Default::default()
    };
    let summary = format!(
        "Alarm \"{name}\" {}",
        if previous.is_some() {
            "updated"
        } else {
            "created"
        }
    );
    let data = serde_json::json!({ "version": "1.0", "type": if previous.is_some() { "Update" } else { "Create" } });
    let alarm = Alarm {
        name: name.as_str().into(),
        described,
        series: world.cloudwatch.metrics.id(&key),
        metric: key,
        queries: math.map(std::sync::Arc::new),
        generation: world.cloudwatch.generations,
        values: Vec::new(),
        reason,
    };
    world.cloudwatch.alarms.insert(name.clone(), alarm);
    history::record(
        &mut world.cloudwatch,
        &name,
        now,
        api::HistoryItemType::ConfigurationUpdate,
        summary,
        history::Data::Written(data.to_string()),
    );
    schedule_evaluation(world, &name);
    Ok(Empty {})
}

/// What CloudWatch refuses in a metric alarm, and what ecsim does not simulate; a metric math
/// alarm's queries, planned.
fn check_alarm(request: &api::PutMetricAlarmInput) -> Result<Option<Vec<Planned>>, EcsimError> {
    if request.threshold_metric_id.is_some() {
        return Err(invalid(
            "ThresholdMetricId (anomaly detection bands) is not simulated.",
        ));
    }
    if request.extended_statistic.is_some() {
        return Err(invalid("ExtendedStatistic (percentiles) is not simulated: ecsim keeps statistic sets, not every value."));
    }
    let math = match &request.metrics {
        None => None,
        Some(metrics) => Some(metric_math(request, metrics)?),
    };
    let single = [
        ("MetricName", request.metric_name.is_some()),
        ("Namespace", request.namespace.is_some()),
        ("Statistic", request.statistic.is_some()),
        ("Period", request.period.is_some()),
    ];
    let common = [
        ("EvaluationPeriods", request.evaluation_periods.is_some()),
        ("ComparisonOperator", request.comparison_operator.is_some()),
        ("Threshold", request.threshold.is_some()),
    ];
    let needed = if math.is_some() {
        &common[..]
    } else {
        &[&single[..], &common[..]].concat()
    };
    for &(member, present) in needed {
        if !present {
            return Err(missing(member));
        }
    }
    let period = match &math {
        Some(planned) => returned(planned).map_or(60, |q| q.period as i32),
        None => request.period.unwrap_or(60),
    };
    if !matches!(period, 10 | 20 | 30) && (period < 60 || period % 60 != 0) {
        return Err(invalid(format!(
            "The parameter Period must be 10, 20, 30 or a multiple of 60 (got {period})."
        )));
    }
    let periods = request.evaluation_periods.unwrap_or(1);
    if i64::from(periods) * i64::from(period) > 86_400 {
        return Err(invalid("The evaluation period (EvaluationPeriods × Period) must not exceed one day (86,400 seconds)."));
    }
    if request.datapoints_to_alarm.is_some_and(|m| m > periods) {
        return Err(invalid(
            "DatapointsToAlarm must be less than or equal to EvaluationPeriods.",
        ));
    }
    if let Some(treat) = request.treat_missing_data.as_deref() {
        if !matches!(treat, "missing" | "notBreaching" | "breaching" | "ignore") {
            return Err(invalid(format!(
                "The value {treat} for parameter TreatMissingData is invalid: use missing, notBreaching, breaching or ignore."
            )));
        }
    }
    let band = !matches!(
        request.comparison_operator,
        Some(
            api::ComparisonOperator::GreaterThanOrEqualToThreshold
                | api::ComparisonOperator::GreaterThanThreshold
                | api::ComparisonOperator::LessThanThreshold
                | api::ComparisonOperator::LessThanOrEqualToThreshold
        )
    );
    if band {
        return Err(invalid("Anomaly detection comparison operators need a band from Metrics, which is not simulated yet."));
    }
    Ok(math)
}

/// A metric math alarm's queries checked as PutMetricAlarm checks them; the error's message.
pub(crate) fn check_alarm_queries(metrics: &[api::MetricDataQuery]) -> Result<(), String> {
    let request = api::PutMetricAlarmInput::default();
    metric_math(&request, metrics)
        .map(|_| ())
        .map_err(|e| e.message)
}

/// A metric math alarm: its queries instead of a single metric, one of them returning data.
fn metric_math(
    request: &api::PutMetricAlarmInput,
    metrics: &[api::MetricDataQuery],
) -> Result<Vec<Planned>, EcsimError> {
    if request.metric_name.is_some()
        || request.namespace.is_some()
        || request.statistic.is_some()
        || request.period.is_some()
    {
        return Err(invalid("Metrics cannot be given with MetricName, Namespace, Statistic or Period: the queries say what the alarm watches."));
    }
    let planned = queries::plan(metrics, "Metrics")?;
    if planned.iter().filter(|q| q.return_data).count() != 1 {
        return Err(invalid(
            "Exactly one of the Metrics must have ReturnData true: the alarm watches that one.",
        ));
    }
    Ok(planned)
}

pub fn describe_alarms(
    world: &mut World,
    request: api::DescribeAlarmsInput,
) -> Result<api::DescribeAlarmsOutput, EcsimError> {
    if request.alarm_names.is_some() && request.alarm_name_prefix.is_some() {
        return Err(api::Error::InvalidParameterCombinationException
            .with("AlarmNames and AlarmNamePrefix cannot be given together."));
    }
    let types = request.alarm_types.unwrap_or_default();
    let metric_alarms_wanted = types.is_empty() || types.contains(&api::AlarmType::MetricAlarm);
    let alarms: Vec<&Alarm> = world
        .cloudwatch
        .alarms
        .values()
        .filter(|alarm| {
            let a = &alarm.described;
            let name = a.alarm_name.as_deref().unwrap_or_default();
            metric_alarms_wanted
                && request
                    .alarm_names
                    .as_ref()
                    .is_none_or(|names| names.iter().any(|n| n == name))
                && request
                    .alarm_name_prefix
                    .as_ref()
                    .is_none_or(|p| name.starts_with(p.as_str()))
                && request.state_value.is_none_or(|s| a.state_value == Some(s))
                && request.action_prefix.as_ref().is_none_or(|p| {
                    let all = [
                        &a.alarm_actions,
                        &a.ok_actions,
                        &a.insufficient_data_actions,
                    ];
                    all.iter().any(|list| {
                        list.iter()
                            .flatten()
                            .any(|action| action.starts_with(p.as_str()))
                    })
                })
        })
        .collect();
    let (page, next) = DESCRIBE_ALARMS.page(
        alarms,
        request.max_records,
        request.next_token.as_deref(),
        next_token_error,
    )?;
    Ok(api::DescribeAlarmsOutput {
        composite_alarms: Some(Vec::new()),
        // Only the page's reasons are worded.
        metric_alarms: Some(
            page.into_iter()
                .map(|alarm| api::MetricAlarm {
                    state_reason: Some(alarm.reason.text()),
                    state_reason_data: alarm.reason.data(),
                    ..alarm.described.clone()
                })
                .collect(),
        ),
        log_alarms: None,
        next_token: next,
    })
}

pub fn delete_alarms(
    world: &mut World,
    request: api::DeleteAlarmsInput,
) -> Result<Empty, EcsimError> {
    let names = request.alarm_names.unwrap_or_default();
    if let Some(unknown) = names
        .iter()
        .find(|n| !world.cloudwatch.alarms.contains_key(n.as_str()))
    {
        return Err(
            api::Error::ResourceNotFound.with(format!("The alarm {unknown} does not exist."))
        );
    }
    for name in names {
        world.cloudwatch.alarms.remove(&name);
    }
    Ok(Empty {})
}

pub fn set_alarm_state(
    world: &mut World,
    request: api::SetAlarmStateInput,
) -> Result<Empty, EcsimError> {
    let name = request.alarm_name.unwrap_or_default();
    if !world.cloudwatch.alarms.contains_key(&name) {
        return Err(api::Error::ResourceNotFound.with(format!("Alarm {name} not found")));
    }
    let text = request.state_reason_data.unwrap_or_else(|| "{}".into());
    let Ok(data) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Err(api::Error::InvalidFormatFault.with("StateReasonData is not valid JSON."));
    };
    let state = request
        .state_value
        .unwrap_or(api::StateValue::InsufficientData);
    // Held until the next evaluation, which gives the state the data says.
    let reason = Reason::Given {
        text: request.state_reason.unwrap_or_default(),
        compact: data.to_string(),
        data: Some(text),
    };
    change_state(world, &name, state, reason);
    Ok(Empty {})
}

pub fn describe_alarm_history(
    world: &mut World,
    request: api::DescribeAlarmHistoryInput,
) -> Result<api::DescribeAlarmHistoryOutput, EcsimError> {
    let kept_since = world.now - super::HISTORY_RETENTION;
    // Only the page's state updates are worded.
    let mut entries: Vec<&history::Entry> = world
        .cloudwatch
        .history
        .iter()
        .filter(|entry| {
            let item = &entry.item;
            let at = item.timestamp.unwrap_or(0.0);
            at >= kept_since
                && request
                    .alarm_name
                    .as_ref()
                    .is_none_or(|n| item.alarm_name.as_ref() == Some(n))
                && request
                    .history_item_type
                    .is_none_or(|t| item.history_item_type == Some(t))
                && request.start_date.is_none_or(|s| at >= s)
                && request.end_date.is_none_or(|e| at <= e)
        })
        .collect();
    if request.scan_by != Some(api::ScanBy::TimestampAscending) {
        entries.reverse();
    }
    let history_paging = crate::sim::paging::Paging {
        default: 100,
        ..DESCRIBE_ALARMS
    };
    let (page, next) = history_paging.page(
        entries,
        request.max_records,
        request.next_token.as_deref(),
        next_token_error,
    )?;
    Ok(api::DescribeAlarmHistoryOutput {
        alarm_history_items: Some(page.into_iter().map(history::Entry::described).collect()),
        next_token: next,
    })
}
