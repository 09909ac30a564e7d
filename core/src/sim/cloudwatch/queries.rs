//! Metric data queries, as GetMetricData and metric math alarms take them: each query is a
//! MetricStat (a metric's statistic per period) or an Expression over the other queries' ids
//! (`math.rs`). Planning checks them and names the member at fault; running answers every
//! query's series over a time range.

use super::math::{self, Expr, Points};
use super::metrics::{period_count, period_summaries, valid_period, MetricKey, Metrics};
use super::{invalid, missing};
use crate::api::cloudwatch as api;
use crate::error::EcsimError;

pub enum Source {
    Stat {
        key: MetricKey,
        statistic: api::Statistic,
    },
    Math(Expr),
}

pub struct Planned {
    pub id: String,
    pub label: String,
    pub return_data: bool,
    pub period: f64,
    pub source: Source,
}

pub fn statistic_named(name: &str) -> Option<api::Statistic> {
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

pub fn check_period(period: i32, member: &str) -> Result<(), EcsimError> {
    if valid_period(period) {
        Ok(())
    } else {
        Err(invalid(format!(
            "The parameter {member} must be 1, 5, 10, 20, 30, 60, or any multiple of 60 (got {period})."
        )))
    }
}

/// Checks the queries (`prefix` names them in errors: `MetricDataQueries` or `Metrics`).
pub fn plan(queries: &[api::MetricDataQuery], prefix: &str) -> Result<Vec<Planned>, EcsimError> {
    let mut planned: Vec<Planned> = Vec::with_capacity(queries.len());
    for (index, query) in queries.iter().enumerate() {
        let member = format!("{prefix}.member.{}", index + 1);
        let id = query.id.clone().unwrap_or_default();
        if !id.starts_with(|c: char| c.is_ascii_lowercase())
            || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(invalid(format!(
                "{member}.Id '{id}' must start with a lowercase letter and hold only letters, digits and underscores."
            )));
        }
        if planned.iter().any(|p| p.id == id) {
            return Err(invalid(format!(
                "{member}.Id '{id}' is used by another query."
            )));
        }
        let (source, period, label) = match (&query.metric_stat, &query.expression) {
            (Some(_), Some(_)) | (None, None) => {
                return Err(invalid(format!(
                    "{member} needs exactly one of MetricStat and Expression."
                )))
            }
            (Some(stat), None) => {
                let period = stat.period.unwrap_or(60);
                check_period(period, &format!("{member}.MetricStat.Period"))?;
                let statistic = statistic_named(stat.stat.as_deref().unwrap_or_default())
                    .ok_or_else(|| invalid(format!("{member}.MetricStat.Stat must be SampleCount, Average, Sum, Minimum or Maximum (percentiles are not simulated).")))?;
                let metric = stat
                    .metric
                    .clone()
                    .ok_or_else(|| missing(&format!("{member}.MetricStat.Metric")))?;
                let key = MetricKey::new(
                    metric.namespace.as_deref().unwrap_or_default(),
                    metric.metric_name.as_deref().unwrap_or_default(),
                    metric.dimensions.as_deref().unwrap_or_default(),
                );
                let label = key.name.clone();
                (Source::Stat { key, statistic }, period, label)
            }
            (None, Some(text)) => {
                let expr =
                    math::parse(text).map_err(|e| invalid(format!("{member}.Expression: {e}")))?;
                let period = query.period.unwrap_or(0);
                if period != 0 {
                    check_period(period, &format!("{member}.Period"))?;
                }
                (Source::Math(expr), period, id.clone())
            }
        };
        planned.push(Planned {
            id,
            label: query.label.clone().unwrap_or(label),
            return_data: query.return_data.unwrap_or(true),
            period: f64::from(period),
            source,
        });
    }
    // An expression's ids must be queries of the request, and it takes their period.
    for index in 0..planned.len() {
        let Source::Math(expr) = &planned[index].source else {
            continue;
        };
        let mut read = Vec::new();
        math::ids(expr, &mut read);
        let member = format!("{prefix}.member.{}.Expression", index + 1);
        let mut period = planned[index].period;
        for id in &read {
            let Some(other) = planned.iter().position(|p| p.id == *id) else {
                return Err(invalid(format!("{member}: no query has the id {id}.")));
            };
            if other == index {
                return Err(invalid(format!(
                    "{member}: an expression cannot read itself."
                )));
            }
            if period == 0.0 {
                period = planned[other].period;
            }
        }
        planned[index].period = if period == 0.0 { 60.0 } else { period };
    }
    Ok(planned)
}

/// The query whose data is answered (a metric math alarm's one).
pub fn returned(planned: &[Planned]) -> Option<&Planned> {
    planned.iter().find(|q| q.return_data)
}

/// How many datapoints the queries may answer over `[start, end)`.
pub fn datapoints_asked(planned: &[Planned], start: f64, end: f64) -> f64 {
    planned
        .iter()
        .map(|p| period_count(start, end, p.period))
        .sum()
}

/// Every query's series over `[start, end)`, in the queries' order.
pub fn run(
    metrics: &Metrics,
    planned: &[Planned],
    start: f64,
    end: f64,
) -> Result<Vec<Points>, EcsimError> {
    let mut done: Vec<Option<Points>> = vec![None; planned.len()];
    for index in 0..planned.len() {
        series_of(metrics, planned, index, (start, end), &mut done, 0)?;
    }
    Ok(done.into_iter().map(Option::unwrap_or_default).collect())
}

fn series_of(
    metrics: &Metrics,
    planned: &[Planned],
    index: usize,
    range: (f64, f64),
    done: &mut Vec<Option<Points>>,
    depth: usize,
) -> Result<Points, EcsimError> {
    if let Some(points) = &done[index] {
        return Ok(points.clone());
    }
    let query = &planned[index];
    let points = match &query.source {
        Source::Stat { key, statistic } => {
            period_summaries(metrics.get(key), range.0, range.1, query.period)
                .filter_map(|(from, summary)| Some((from, summary?.statistic(*statistic))))
                .collect()
        }
        Source::Math(expr) => {
            if depth > planned.len() {
                return Err(invalid(format!(
                    "The expression of {} reads itself through other expressions.",
                    query.id
                )));
            }
            let mut read = Vec::new();
            math::ids(expr, &mut read);
            let mut inputs = Vec::new();
            for id in read {
                let other = planned.iter().position(|p| p.id == id).unwrap_or(index);
                inputs.push((
                    id,
                    series_of(metrics, planned, other, range, done, depth + 1)?,
                ));
            }
            let lookup = |id: &str| inputs.iter().find(|(i, _)| i == id).map(|(_, p)| p.clone());
            let grid: Vec<f64> = period_summaries(None, range.0, range.1, query.period)
                .map(|(from, _)| from)
                .collect();
            math::evaluate(expr, &lookup, &grid)
                .and_then(|value| math::as_points(value, &grid))
                .map_err(|e| invalid(format!("The expression of {}: {e}", query.id)))?
        }
    };
    done[index] = Some(points.clone());
    Ok(points)
}
