//! CloudWatch: metrics (published with PutMetricData) and their statistics (GetMetricStatistics,
//! GetMetricData), and metric alarms evaluated on the virtual clock (`alarms.rs`), with their
//! history. State stays bounded: samples are kept 15 days, alarm history 30 days, as CloudWatch
//! keeps them.

mod alarm_actions;
mod alarms;
pub mod handlers;
mod math;
mod metrics;
mod queries;
mod reasons;
pub(crate) mod tracking;

use crate::api::cloudwatch as api;
use crate::error::EcsimError;
use std::collections::{BTreeMap, VecDeque};

pub(crate) use alarm_actions::check_alarm_queries;
use alarms::Alarm;
pub(crate) use alarms::{evaluate, latest_value};
pub(crate) use metrics::MetricKey;
use metrics::Metrics;

/// How long alarm history is kept: CloudWatch's 30 days.
pub const HISTORY_RETENTION: f64 = 30.0 * 86_400.0;

#[derive(Clone, Default)]
pub struct CloudWatchState {
    pub metrics: Metrics,
    pub alarms: BTreeMap<String, Alarm>,
    /// Alarm history, oldest first.
    pub history: VecDeque<history::Entry>,
    /// Alarm generations are unique across the state.
    pub generations: u64,
}

/// The id of a metric the simulation itself publishes (the load model's), its unit set.
pub(crate) fn produced_series(state: &mut CloudWatchState, key: &MetricKey) -> usize {
    let id = state.metrics.id_or_insert(key);
    state.metrics.series_mut(id).unit = Some(
        if key.name.ends_with("Utilization") || key.name.ends_with("Reservation") {
            api::StandardUnit::Percent
        } else {
            api::StandardUnit::Count
        },
    );
    id
}

/// Publishes one statistic set of `values` at `now` to the series `id` (nothing when there are
/// no values).
pub(crate) fn publish(
    state: &mut CloudWatchState,
    now: f64,
    id: usize,
    values: impl IntoIterator<Item = f64>,
) {
    let mut values = values.into_iter();
    let Some(first) = values.next() else {
        return;
    };
    let mut sample = metrics::Sample {
        at: now,
        count: 1.0,
        sum: first,
        min: first,
        max: first,
    };
    for value in values {
        sample.count += 1.0;
        sample.sum += value;
        sample.min = sample.min.min(value);
        sample.max = sample.max.max(value);
    }
    let series = state.metrics.series_mut(id);
    series.add(sample, now);
    series.forget_before(now - metrics::METRIC_RETENTION);
}

pub(crate) fn invalid(message: impl Into<String>) -> EcsimError {
    api::Error::InvalidParameterValueException.with(message)
}

pub(crate) fn missing(member: &str) -> EcsimError {
    api::Error::MissingRequiredParameterException
        .with(format!("The parameter {member} is required."))
}

mod history {
    use super::reasons::Reason;
    use super::{api, CloudWatchState, HISTORY_RETENTION};

    /// A history item; a state update's data is written when the history is read.
    #[derive(Clone)]
    pub struct Entry {
        pub item: api::AlarmHistoryItem,
        pub data: Data,
    }

    #[derive(Clone)]
    pub enum Data {
        Written(String),
        StateUpdate {
            reason: Reason,
            from: api::StateValue,
            to: api::StateValue,
        },
    }

    impl Entry {
        /// The item as DescribeAlarmHistory answers it.
        pub fn described(&self) -> api::AlarmHistoryItem {
            let data = match &self.data {
                Data::Written(text) => text.clone(),
                Data::StateUpdate { reason, from, to } => reason.history_data(*from, *to),
            };
            api::AlarmHistoryItem {
                history_data: Some(data),
                ..self.item.clone()
            }
        }
    }

    /// Adds a history item, forgetting those older than the retention.
    pub fn record(
        state: &mut CloudWatchState,
        alarm: &str,
        now: f64,
        kind: api::HistoryItemType,
        summary: String,
        data: Data,
    ) {
        while state
            .history
            .front()
            .is_some_and(|entry| entry.item.timestamp.unwrap_or(0.0) < now - HISTORY_RETENTION)
        {
            state.history.pop_front();
        }
        let item = api::AlarmHistoryItem {
            alarm_name: Some(alarm.to_string()),
            alarm_type: Some(api::AlarmType::MetricAlarm),
            timestamp: Some(now),
            history_item_type: Some(kind),
            history_summary: Some(summary),
            ..Default::default()
        };
        state.history.push_back(Entry { item, data });
    }
}
