//! One function per CloudWatch action, as the registry calls them: the metric actions here,
//! the alarm actions in `alarm_actions.rs`.

pub use super::alarm_actions::{
    delete_alarms, describe_alarm_history, describe_alarms, put_metric_alarm, set_alarm_state,
};

use super::metrics::{period_count, period_summaries, MetricKey, Sample, METRIC_RETENTION};
use super::queries::{self, check_period};
use super::{invalid, missing};
use crate::api::cloudwatch as api;
use crate::error::EcsimError;
use crate::sim::request::Empty;
use crate::sim::World;

/// How far back and ahead PutMetricData accepts timestamps (two weeks, two hours).
const PAST_LIMIT: f64 = 14.0 * 86_400.0;
const FUTURE_LIMIT: f64 = 2.0 * 3_600.0;
/// GetMetricStatistics answers at most 1,440 datapoints.
const MOST_DATAPOINTS: usize = 1_440;
/// GetMetricData answers at most 100,800 datapoints a call (AWS pages beyond; ecsim refuses).
const MOST_DATA_DATAPOINTS: f64 = 100_800.0;
/// ListMetrics pages by 500, DescribeAlarms by up to 100 (50 by default).
const LIST_METRICS: crate::sim::paging::Paging = crate::sim::paging::Paging {
    size_member: "MaxResults",
    token_member: "NextToken",
    default: 500,
    max: 500,
};
pub(super) const DESCRIBE_ALARMS: crate::sim::paging::Paging = crate::sim::paging::Paging {
    size_member: "MaxRecords",
    token_member: "NextToken",
    default: 50,
    max: 100,
};

pub(super) fn next_token_error(message: String) -> EcsimError {
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
        let metrics = &mut world.cloudwatch.metrics;
        let id = metrics.id_or_insert(&key);
        let series = metrics.series_mut(id);
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
    let asked = period_count(start, end, period);
    if asked > MOST_DATAPOINTS as f64 {
        return Err(invalid(format!(
            "You have requested up to {asked} datapoints, which exceeds the limit of {MOST_DATAPOINTS}."
        )));
    }
    let series = world.cloudwatch.metrics.get(&key);
    // Samples are forgotten after the retention, whether or not the series was written since.
    let start = start.max(world.now - METRIC_RETENTION);
    let datapoints = period_summaries(series, start, end, period)
        .filter_map(|(from, summary)| {
            let summary = summary?;
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
    let planned = queries::plan(&queries, "MetricDataQueries")?;
    let asked = queries::datapoints_asked(&planned, start, end);
    if asked > MOST_DATA_DATAPOINTS {
        return Err(invalid(format!(
            "The queries ask for up to {asked} datapoints, more than the {MOST_DATA_DATAPOINTS} a GetMetricData call answers: ask for a shorter range or a longer period."
        )));
    }
    let answered = queries::run(&world.cloudwatch.metrics, &planned, start, end)?;
    let results = planned
        .iter()
        .zip(answered)
        .filter(|(query, _)| query.return_data)
        .map(|(query, mut points)| {
            if !ascending {
                points.reverse();
            }
            api::MetricDataResult {
                id: Some(query.id.clone()),
                label: Some(query.label.clone()),
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
