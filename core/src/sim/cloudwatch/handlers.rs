//! One function per CloudWatch action, as the registry calls them.

use super::alarms::{change_state, schedule_evaluation, Alarm};
use super::metrics::{period_starts, valid_period, MetricKey, Sample, METRIC_RETENTION};
use super::{history, invalid, missing};
use crate::api::cloudwatch as api;
use crate::error::EcsimError;
use crate::sim::events::Empty;
use crate::sim::World;

/// How far back and ahead PutMetricData accepts timestamps (two weeks, two hours).
const PAST_LIMIT: f64 = 14.0 * 86_400.0;
const FUTURE_LIMIT: f64 = 2.0 * 3_600.0;
/// GetMetricStatistics answers at most 1,440 datapoints.
const MOST_DATAPOINTS: usize = 1_440;
/// ListMetrics pages by 500, DescribeAlarms by up to 100 (50 by default).
const LIST_METRICS: crate::sim::paging::Paging = crate::sim::paging::Paging {
    size_member: "MaxResults",
    token_member: "NextToken",
    default: 500,
    max: 500,
};
const DESCRIBE_ALARMS: crate::sim::paging::Paging = crate::sim::paging::Paging {
    size_member: "MaxRecords",
    token_member: "NextToken",
    default: 50,
    max: 100,
};

fn next_token_error(message: String) -> EcsimError {
    api::Error::InvalidNextToken.with(message)
}

pub fn put_metric_data(
    world: &mut World,
    request: api::PutMetricDataInput,
) -> Result<Empty, EcsimError> {
    let namespace = request.namespace.unwrap_or_default();
    if namespace.starts_with("AWS/") {
        return Err(invalid(format!(
            "The value {namespace} for parameter Namespace is invalid: namespaces starting with AWS/ are reserved for AWS services."
        )));
    }
    let now = world.now;
    let mut samples = Vec::new();
    for (index, datum) in request
        .metric_data
        .unwrap_or_default()
        .into_iter()
        .enumerate()
    {
        let member = format!("MetricData.member.{}", index + 1);
        let name = datum
            .metric_name
            .clone()
            .ok_or_else(|| missing(&format!("{member}.MetricName")))?;
        let at = datum.timestamp.unwrap_or(now);
        if at > now + FUTURE_LIMIT || at < now - PAST_LIMIT {
            return Err(invalid(format!(
                "The parameter {member}.Timestamp must specify a time within the past two weeks and no more than two hours in the future."
            )));
        }
        let key = MetricKey::new(
            &namespace,
            &name,
            datum.dimensions.as_deref().unwrap_or_default(),
        );
        for sample in datum_samples(&datum, at, &member)? {
            samples.push((key.clone(), sample, datum.unit));
        }
    }
    for (key, sample, unit) in samples {
        let series = world.cloudwatch.metrics.entry(key).or_default();
        series.add(sample, now);
        series.unit = unit.or(series.unit);
        series.forget_before(now - METRIC_RETENTION);
    }
    Ok(Empty {})
}

/// A datum's samples: its `Value`, its `StatisticValues`, or each of its `Values` with its count.
fn datum_samples(
    datum: &api::MetricDatum,
    at: f64,
    member: &str,
) -> Result<Vec<Sample>, EcsimError> {
    let single = |value: f64, count: f64| Sample {
        at,
        count,
        sum: value * count,
        min: value,
        max: value,
    };
    match (datum.value, &datum.statistic_values, &datum.values) {
        (Some(value), None, None) => Ok(vec![single(value, 1.0)]),
        (None, Some(set), None) => {
            let (Some(count), Some(sum), Some(min), Some(max)) = (set.sample_count, set.sum, set.minimum, set.maximum) else {
                return Err(missing(&format!("{member}.StatisticValues (SampleCount, Sum, Minimum and Maximum)")));
            };
            if count <= 0.0 || min > max {
                return Err(invalid(format!("The parameter {member}.StatisticValues is not a consistent statistic set.")));
            }
            Ok(vec![Sample { at, count, sum, min, max }])
        }
        (None, None, Some(values)) => {
            let counts = datum.counts.clone().unwrap_or_else(|| vec![1.0; values.len()]);
            if counts.len() != values.len() {
                return Err(invalid(format!("The parameters {member}.Values and {member}.Counts must be of the same size.")));
            }
            Ok(values.iter().zip(counts).map(|(v, c)| single(*v, c)).collect())
        }
        (None, None, None) => Err(missing(&format!("{member}.Value"))),
        _ => Err(api::Error::InvalidParameterCombinationException.with(format!(
            "The parameters {member}.Value, {member}.StatisticValues and {member}.Values are mutually exclusive."
        ))),
    }
}

pub fn get_metric_statistics(
    world: &mut World,
    request: api::GetMetricStatisticsInput,
) -> Result<api::GetMetricStatisticsOutput, EcsimError> {
    let period = request.period.unwrap_or(60);
    check_period(period, "Period")?;
    if request.extended_statistics.is_some() {
        return Err(invalid("ExtendedStatistics (percentiles) are not simulated: ecsim keeps statistic sets, not every value."));
    }
    let statistics = request.statistics.unwrap_or_default();
    if statistics.is_empty() {
        return Err(missing("Statistics"));
    }
    let (start, end) = (
        request.start_time.unwrap_or(0.0),
        request.end_time.unwrap_or(0.0),
    );
    if start >= end {
        return Err(invalid(
            "The parameter StartTime must be less than the parameter EndTime.",
        ));
    }
    let name = request.metric_name.unwrap_or_default();
    let key = MetricKey::new(
        &request.namespace.unwrap_or_default(),
        &name,
        request.dimensions.as_deref().unwrap_or_default(),
    );
    let period = f64::from(period);
    if period_starts(start, end, period).count() > MOST_DATAPOINTS {
        return Err(invalid(format!(
            "You have requested up to {} datapoints, which exceeds the limit of {MOST_DATAPOINTS}.",
            period_starts(start, end, period).count()
        )));
    }
    let series = world.cloudwatch.metrics.get(&key);
    // Samples are forgotten after the retention, whether or not the series was written since.
    let start = start.max(world.now - METRIC_RETENTION);
    let datapoints = period_starts(start, end, period)
        .filter_map(|from| {
            let summary = series?.summary(from, from + period)?;
            let wants = |s: api::Statistic| statistics.contains(&s).then(|| summary.statistic(s));
            Some(api::Datapoint {
                timestamp: Some(from),
                sample_count: wants(api::Statistic::SampleCount),
                average: wants(api::Statistic::Average),
                sum: wants(api::Statistic::Sum),
                minimum: wants(api::Statistic::Minimum),
                maximum: wants(api::Statistic::Maximum),
                unit: Some(series?.unit.unwrap_or(api::StandardUnit::None)),
                extended_statistics: None,
            })
        })
        .collect();
    Ok(api::GetMetricStatisticsOutput {
        label: Some(name),
        datapoints: Some(datapoints),
    })
}

fn check_period(period: i32, member: &str) -> Result<(), EcsimError> {
    if valid_period(period) {
        Ok(())
    } else {
        Err(invalid(format!(
            "The parameter {member} must be 1, 5, 10, 20, 30, 60, or any multiple of 60 (got {period})."
        )))
    }
}

pub fn get_metric_data(
    world: &mut World,
    request: api::GetMetricDataInput,
) -> Result<api::GetMetricDataOutput, EcsimError> {
    let (start, end) = (
        request.start_time.unwrap_or(0.0),
        request.end_time.unwrap_or(0.0),
    );
    if start >= end {
        return Err(invalid(
            "The parameter StartTime must be less than the parameter EndTime.",
        ));
    }
    if request.next_token.is_some() {
        return Err(next_token_error(
            "The NextToken is not one this listing gave.".into(),
        ));
    }
    let start = start.max(world.now - METRIC_RETENTION);
    let ascending = request.scan_by == Some(api::ScanBy::TimestampAscending);
    let queries = request.metric_data_queries.unwrap_or_default();
    let mut planned = Vec::with_capacity(queries.len());
    for (index, query) in queries.iter().enumerate() {
        let member = format!("MetricDataQueries.member.{}", index + 1);
        if query.expression.is_some() {
            return Err(invalid(format!(
                "{member}.Expression: metric math is not simulated yet; give a MetricStat."
            )));
        }
        let stat = query
            .metric_stat
            .as_ref()
            .ok_or_else(|| missing(&format!("{member}.MetricStat")))?;
        let period = stat.period.unwrap_or(60);
        check_period(period, &format!("{member}.MetricStat.Period"))?;
        let statistic = statistic_named(stat.stat.as_deref().unwrap_or_default())
            .ok_or_else(|| invalid(format!("{member}.MetricStat.Stat must be SampleCount, Average, Sum, Minimum or Maximum (percentiles are not simulated).")))?;
        let metric = stat.metric.clone().unwrap_or_default();
        let key = MetricKey::new(
            metric.namespace.as_deref().unwrap_or_default(),
            metric.metric_name.as_deref().unwrap_or_default(),
            metric.dimensions.as_deref().unwrap_or_default(),
        );
        planned.push((query, key, f64::from(period), statistic));
    }
    let results = planned
        .into_iter()
        .filter(|(query, ..)| query.return_data.unwrap_or(true))
        .map(|(query, key, period, statistic)| {
            let series = world.cloudwatch.metrics.get(&key);
            let mut points: Vec<(f64, f64)> = period_starts(start, end, period)
                .filter_map(|from| {
                    Some((
                        from,
                        series?.summary(from, from + period)?.statistic(statistic),
                    ))
                })
                .collect();
            if !ascending {
                points.reverse();
            }
            api::MetricDataResult {
                id: query.id.clone(),
                label: Some(query.label.clone().unwrap_or_else(|| key.name.clone())),
                timestamps: Some(points.iter().map(|p| p.0).collect()),
                values: Some(points.iter().map(|p| p.1).collect()),
                status_code: Some(api::StatusCode::Complete),
                messages: Some(Vec::new()),
            }
        })
        .collect();
    Ok(api::GetMetricDataOutput {
        metric_data_results: Some(results),
        next_token: None,
        messages: Some(Vec::new()),
    })
}

fn statistic_named(name: &str) -> Option<api::Statistic> {
    [
        api::Statistic::SampleCount,
        api::Statistic::Average,
        api::Statistic::Sum,
        api::Statistic::Minimum,
        api::Statistic::Maximum,
    ]
    .into_iter()
    .find(|s| s.as_str() == name)
}

pub fn list_metrics(
    world: &mut World,
    request: api::ListMetricsInput,
) -> Result<api::ListMetricsOutput, EcsimError> {
    let filters = request.dimensions.unwrap_or_default();
    let recent = request.recently_active.is_some();
    let now = world.now;
    let metrics: Vec<api::Metric> = world
        .cloudwatch
        .metrics
        .iter()
        .filter(|(key, series)| {
            request
                .namespace
                .as_ref()
                .is_none_or(|n| *n == key.namespace)
                && request.metric_name.as_ref().is_none_or(|n| *n == key.name)
                && filters.iter().all(|f| {
                    key.dimensions.iter().any(|(name, value)| {
                        f.name.as_deref() == Some(name.as_str())
                            && f.value.as_ref().is_none_or(|v| v == value)
                    })
                })
                && (!recent || now - series.last_published <= 3.0 * 3_600.0)
                && !series.is_empty()
        })
        .map(|(key, _)| key.described())
        .collect();
    let (page, next) = LIST_METRICS.page(
        metrics,
        None,
        request.next_token.as_deref(),
        next_token_error,
    )?;
    Ok(api::ListMetricsOutput {
        metrics: Some(page),
        next_token: next,
        owning_accounts: None,
    })
}

pub fn put_metric_alarm(
    world: &mut World,
    request: api::PutMetricAlarmInput,
) -> Result<Empty, EcsimError> {
    let name = request.alarm_name.clone().unwrap_or_default();
    check_alarm(&request)?;
    let key = MetricKey::new(
        request.namespace.as_deref().unwrap_or_default(),
        request.metric_name.as_deref().unwrap_or_default(),
        request.dimensions.as_deref().unwrap_or_default(),
    );
    let now = world.now;
    let arn = world.arn("cloudwatch", &format!("alarm:{name}"));
    let previous = world
        .cloudwatch
        .alarms
        .get(&name)
        .map(|a| a.described.clone());
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
        state_reason: Some(
            previous
                .as_ref()
                .and_then(|p| p.state_reason.clone())
                .unwrap_or_else(|| "Unchecked: Initial alarm creation".into()),
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
        metric_name: request.metric_name,
        namespace: request.namespace,
        statistic: request.statistic,
        dimensions: Some(request.dimensions.unwrap_or_default()),
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
        described,
        metric: key,
        generation: world.cloudwatch.generations,
    };
    world.cloudwatch.alarms.insert(name.clone(), alarm);
    history::record(
        &mut world.cloudwatch,
        &name,
        now,
        api::HistoryItemType::ConfigurationUpdate,
        summary,
        data.to_string(),
    );
    schedule_evaluation(world, &name);
    Ok(Empty {})
}

/// What CloudWatch refuses in a metric alarm, and what ecsim does not simulate.
fn check_alarm(request: &api::PutMetricAlarmInput) -> Result<(), EcsimError> {
    if request.metrics.is_some() || request.threshold_metric_id.is_some() {
        return Err(invalid("Metrics (metric math and anomaly detection alarms) are not simulated yet: give MetricName, Namespace, Statistic and Period."));
    }
    if request.extended_statistic.is_some() {
        return Err(invalid("ExtendedStatistic (percentiles) is not simulated: ecsim keeps statistic sets, not every value."));
    }
    for (member, present) in [
        ("MetricName", request.metric_name.is_some()),
        ("Namespace", request.namespace.is_some()),
        ("Statistic", request.statistic.is_some()),
        ("Period", request.period.is_some()),
        ("EvaluationPeriods", request.evaluation_periods.is_some()),
        ("ComparisonOperator", request.comparison_operator.is_some()),
        ("Threshold", request.threshold.is_some()),
    ] {
        if !present {
            return Err(missing(member));
        }
    }
    let period = request.period.unwrap_or(60);
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
    Ok(())
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
    let alarms: Vec<api::MetricAlarm> = world
        .cloudwatch
        .alarms
        .values()
        .map(|a| &a.described)
        .filter(|a| {
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
        .cloned()
        .collect();
    let (page, next) = DESCRIBE_ALARMS.page(
        alarms,
        request.max_records,
        request.next_token.as_deref(),
        next_token_error,
    )?;
    Ok(api::DescribeAlarmsOutput {
        composite_alarms: Some(Vec::new()),
        metric_alarms: Some(page),
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
    let data = request.state_reason_data.unwrap_or_else(|| "{}".into());
    if serde_json::from_str::<serde_json::Value>(&data).is_err() {
        return Err(api::Error::InvalidFormatFault.with("StateReasonData is not valid JSON."));
    }
    let state = request
        .state_value
        .unwrap_or(api::StateValue::InsufficientData);
    // Held until the next evaluation, which gives the state the data says.
    change_state(
        world,
        &name,
        state,
        request.state_reason.unwrap_or_default(),
        data,
    );
    Ok(Empty {})
}

pub fn describe_alarm_history(
    world: &mut World,
    request: api::DescribeAlarmHistoryInput,
) -> Result<api::DescribeAlarmHistoryOutput, EcsimError> {
    let kept_since = world.now - super::HISTORY_RETENTION;
    let mut items: Vec<api::AlarmHistoryItem> = world
        .cloudwatch
        .history
        .iter()
        .filter(|item| {
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
        .cloned()
        .collect();
    if request.scan_by != Some(api::ScanBy::TimestampAscending) {
        items.reverse();
    }
    let history_paging = crate::sim::paging::Paging {
        default: 100,
        ..DESCRIBE_ALARMS
    };
    let (page, next) = history_paging.page(
        items,
        request.max_records,
        request.next_token.as_deref(),
        next_token_error,
    )?;
    Ok(api::DescribeAlarmHistoryOutput {
        alarm_history_items: Some(page),
        next_token: next,
    })
}
