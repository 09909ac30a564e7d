//! Metric alarms on the virtual clock. An alarm is evaluated at the end of each of its periods
//! (multiples of the period since the epoch): the last `EvaluationPeriods` periods give one
//! value each (the statistic of their samples); `DatapointsToAlarm` of them breaching the
//! threshold put it in ALARM. Missing periods follow `TreatMissingData`: `breaching` and
//! `notBreaching` count them as such; with `missing` (the default) they do not count, and an
//! alarm with no data at all is INSUFFICIENT_DATA; with `ignore` it keeps its state
//! (docs/conventions.md, "CloudWatch alarms"). Alarm actions run when the state changes; Auto
//! Scaling actions also at every evaluation while the alarm stays in ALARM.

use super::metrics::{period_summaries, MetricKey, Metrics, Series};
use super::queries::{self, returned, Planned};
use super::reasons::{Datapoint, Evaluation, Reason, Tally};
use super::{history, CloudWatchState};
use crate::api::cloudwatch as api;
use crate::sim::clock::Event;
use crate::sim::World;
use std::sync::Arc;

#[derive(Clone)]
pub struct Alarm {
    /// Its name, shared with its evaluations on the clock.
    pub name: Arc<str>,
    pub described: api::MetricAlarm,
    pub metric: MetricKey,
    /// Its metric's series, once the metric exists.
    pub series: Option<usize>,
    /// A metric math alarm's queries (`metric` and `series` are then unused).
    pub queries: Option<Arc<Vec<Planned>>>,
    /// Bumped when the alarm changes or goes: older evaluations on the clock are stale.
    pub generation: u64,
    /// The values of the datapoints of its last evaluation, oldest first (what the scaling
    /// policies it invokes read).
    pub values: Vec<f64>,
    /// Why it is in its state (`StateReason` and `StateReasonData` are worded from it when
    /// described).
    pub reason: Reason,
}

/// The newest value an alarm evaluated.
pub fn latest_value(alarm: &Alarm) -> Option<f64> {
    alarm.values.last().copied()
}

impl Alarm {
    fn period(&self) -> f64 {
        match self.queries.as_deref().and_then(|q| returned(q)) {
            Some(query) => query.period,
            None => f64::from(self.described.period.unwrap_or(60)),
        }
    }
}

/// Puts the alarm's next evaluation on the clock: the end of the period `now` falls in.
pub(super) fn schedule_evaluation(world: &mut World, name: &str) {
    if let Some(alarm) = world.cloudwatch.alarms.get(name) {
        let (at, event) = next_evaluation(alarm, world.now);
        world.clock.schedule(at, event);
    }
}

fn next_evaluation(alarm: &Alarm, now: f64) -> (f64, Event) {
    let period = alarm.period();
    let event = Event::AlarmEvaluates {
        name: Arc::clone(&alarm.name),
        generation: alarm.generation,
    };
    (((now / period).floor() + 1.0) * period, event)
}

/// One evaluation, when the clock reaches it.
pub(crate) fn evaluate(world: &mut World, name: &str, generation: u64) {
    let now = world.now;
    let CloudWatchState {
        metrics, alarms, ..
    } = &mut world.cloudwatch;
    let Some(alarm) = alarms
        .get_mut(name)
        .filter(|alarm| alarm.generation == generation)
    else {
        return;
    };
    if alarm.series.is_none() {
        alarm.series = metrics.id(&alarm.metric);
    }
    let points = match &alarm.queries {
        Some(planned) => math_datapoints(metrics, planned, alarm, now),
        None => datapoints(alarm.series.map(|id| metrics.series(id)), alarm, now),
    };
    let tally = Tally::of(alarm, &points);
    let decided = tally.decide(alarm);
    let current_state = alarm.described.state_value;
    alarm.values.clear();
    alarm.values.extend(points.iter().filter_map(|p| p.1));
    let (next_at, next) = next_evaluation(alarm, now);
    let acted = match decided {
        Some(state) if Some(state) != current_state => {
            let reason = Reason::Evaluated(Arc::new(explained(alarm, points, tally, state, now)));
            change_state(world, name, state, reason);
            true
        }
        Some(api::StateValue::Alarm) => {
            repeat_scaling_actions(world, name);
            true
        }
        _ => false,
    };
    // Unless its actions changed or removed it.
    if !acted
        || world
            .cloudwatch
            .alarms
            .get(name)
            .is_some_and(|alarm| alarm.generation == generation)
    {
        world.clock.schedule(next_at, next);
    }
}

/// The last `EvaluationPeriods` periods before `now`, oldest first.
fn datapoints(series: Option<&Series>, alarm: &Alarm, now: f64) -> Vec<Datapoint> {
    let period = alarm.period();
    let periods = alarm.described.evaluation_periods.unwrap_or(1).max(1);
    let statistic = alarm.described.statistic.unwrap_or(api::Statistic::Average);
    let start = now - f64::from(periods) * period;
    period_summaries(series, start, now, period)
        .map(|(from, summary)| (from, summary.map(|s| s.statistic(statistic))))
        .collect()
}

/// A metric math alarm's datapoints: the returned query's value in each of the last
/// `EvaluationPeriods` periods (missing where it has none, or where the expression fails).
fn math_datapoints(
    metrics: &Metrics,
    planned: &[Planned],
    alarm: &Alarm,
    now: f64,
) -> Vec<Datapoint> {
    let period = alarm.period();
    let periods = alarm.described.evaluation_periods.unwrap_or(1).max(1);
    let start = now - f64::from(periods) * period;
    let answered = queries::run(metrics, planned, start, now).unwrap_or_default();
    let series = planned
        .iter()
        .zip(answered)
        .find(|(q, _)| q.return_data)
        .map(|(_, points)| points)
        .unwrap_or_default();
    (0..periods)
        .map(|k| {
            let from = start + f64::from(k) * period;
            (
                from,
                series.iter().find(|(t, _)| *t == from).map(|(_, v)| *v),
            )
        })
        .collect()
}

impl Tally {
    fn of(alarm: &Alarm, points: &[Datapoint]) -> Tally {
        let described = &alarm.described;
        let periods = described.evaluation_periods.unwrap_or(1).max(1);
        let threshold = described.threshold.unwrap_or(0.0);
        let operator = described
            .comparison_operator
            .unwrap_or(api::ComparisonOperator::GreaterThanThreshold);
        let treat = treatment(alarm);
        Tally {
            breaching: points
                .iter()
                .filter(|(_, v)| {
                    v.map_or(treat == "breaching", |v| breaching(operator, v, threshold))
                })
                .count(),
            present: points.iter().filter(|(_, v)| v.is_some()).count(),
            periods,
            needed: described.datapoints_to_alarm.unwrap_or(periods).max(1),
        }
    }

    /// The state the datapoints give; None to keep the state (`ignore` with no data).
    fn decide(&self, alarm: &Alarm) -> Option<api::StateValue> {
        if self.breaching >= usize::try_from(self.needed).unwrap_or(usize::MAX) {
            return Some(api::StateValue::Alarm);
        }
        match (self.present, treatment(alarm)) {
            (0, "ignore") => None,
            (0, "missing") => Some(api::StateValue::InsufficientData),
            _ => Some(api::StateValue::Ok),
        }
    }
}

fn treatment(alarm: &Alarm) -> &str {
    alarm
        .described
        .treat_missing_data
        .as_deref()
        .unwrap_or("missing")
}

/// What an evaluation that moves the alarm to `to` found, with the alarm's terms.
fn explained(
    alarm: &Alarm,
    points: Vec<Datapoint>,
    tally: Tally,
    to: api::StateValue,
    now: f64,
) -> Evaluation {
    let described = &alarm.described;
    Evaluation {
        points,
        tally,
        to,
        now,
        statistic: described.statistic.unwrap_or(api::Statistic::Average),
        period: alarm.period(),
        threshold: described.threshold.unwrap_or(0.0),
        operator: described
            .comparison_operator
            .unwrap_or(api::ComparisonOperator::GreaterThanThreshold),
        treat: match treatment(alarm) {
            "breaching" => "breaching",
            "notBreaching" => "notBreaching",
            "ignore" => "ignore",
            _ => "missing",
        },
    }
}

/// Auto Scaling actions run again at every evaluation that finds the alarm still in ALARM
/// (notifications do not, and no history item is added).
fn repeat_scaling_actions(world: &mut World, name: &str) {
    let Some(alarm) = world.cloudwatch.alarms.get(name) else {
        return;
    };
    if !alarm.described.actions_enabled.unwrap_or(true) {
        return;
    }
    let actions: Vec<String> = alarm
        .described
        .alarm_actions
        .iter()
        .flatten()
        .filter(|a| a.contains(":autoscaling:"))
        .cloned()
        .collect();
    for action in actions {
        let _ = invoke_policy(world, name, &action);
    }
}

/// Runs the scaling policy `action` names with the alarm's last datapoints.
fn invoke_policy(world: &mut World, name: &str, action: &str) -> Result<(), String> {
    let (values, threshold) = world
        .cloudwatch
        .alarms
        .get(name)
        .map(|a| (a.values.clone(), a.described.threshold.unwrap_or(0.0)))
        .unwrap_or_default();
    let invocation = crate::sim::application_autoscaling::Invocation {
        alarm: name,
        values: &values,
        threshold,
    };
    if action.contains(":autoScalingGroupName/") {
        crate::sim::autoscaling::run_policy(world, action, &invocation)
    } else {
        crate::sim::application_autoscaling::run_policy(world, action, &invocation)
    }
}

/// Moves the alarm to `state`: its reason, and when the state changes a history item and the
/// state's actions.
pub(super) fn change_state(world: &mut World, name: &str, state: api::StateValue, reason: Reason) {
    let now = world.now;
    let Some(alarm) = world.cloudwatch.alarms.get_mut(name) else {
        return;
    };
    let previous = alarm
        .described
        .state_value
        .unwrap_or(api::StateValue::InsufficientData);
    alarm.reason = reason.clone();
    let described = &mut alarm.described;
    described.state_updated_timestamp = Some(now);
    if previous == state {
        return;
    }
    described.state_value = Some(state);
    described.state_transitioned_timestamp = Some(now);
    let actions = if described.actions_enabled.unwrap_or(true) {
        match state {
            api::StateValue::Alarm => described.alarm_actions.clone(),
            api::StateValue::Ok => described.ok_actions.clone(),
            api::StateValue::InsufficientData => described.insufficient_data_actions.clone(),
        }
        .unwrap_or_default()
    } else {
        Vec::new()
    };
    let summary = format!(
        "Alarm updated from {} to {}",
        previous.as_str(),
        state.as_str()
    );
    let update = history::Data::StateUpdate {
        reason,
        from: previous,
        to: state,
    };
    history::record(
        &mut world.cloudwatch,
        name,
        now,
        api::HistoryItemType::StateUpdate,
        summary,
        update,
    );
    run_actions(world, name, &actions);
}

/// Runs each action and records it: Application Auto Scaling policies run, SNS notifications
/// are recorded as delivered, anything else as failed.
fn run_actions(world: &mut World, name: &str, actions: &[String]) {
    for action in actions {
        let outcome = if action.contains(":autoscaling:") && action.contains(":scalingPolicy:") {
            invoke_policy(world, name, action)
        } else if action.contains(":sns:") {
            Ok(())
        } else {
            Err("ecsim runs SNS notifications and Application Auto Scaling and EC2 Auto Scaling policies".to_string())
        };
        let (summary, state) = match outcome {
            Ok(()) => (
                format!("Successfully executed action {action}"),
                "Succeeded",
            ),
            Err(why) => (
                format!("Failed to execute action {action}. Received error: \"{why}\""),
                "Failed",
            ),
        };
        let data = format!(r#"{{"actionState":"{state}"}}"#);
        history::record(
            &mut world.cloudwatch,
            name,
            world.now,
            api::HistoryItemType::Action,
            summary,
            history::Data::Written(data),
        );
    }
}

pub fn breaching(operator: api::ComparisonOperator, value: f64, threshold: f64) -> bool {
    match operator {
        api::ComparisonOperator::GreaterThanOrEqualToThreshold => value >= threshold,
        api::ComparisonOperator::GreaterThanThreshold => value > threshold,
        api::ComparisonOperator::LessThanThreshold => value < threshold,
        api::ComparisonOperator::LessThanOrEqualToThreshold => value <= threshold,
        // Anomaly detection bands are refused when the alarm is put.
        _ => false,
    }
}
