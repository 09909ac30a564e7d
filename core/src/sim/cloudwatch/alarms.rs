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
    match decided {
        // The reason is worded only when the state changes, as CloudWatch updates it.
        Some(state) if Some(state) != current_state => {
            let (reason, text) = explain(&world.cloudwatch, name, &points, &tally, state, now);
            let compact = text.clone();
            change_state(world, name, state, reason, ReasonData { text, compact });
        }
        Some(api::StateValue::Alarm) => repeat_scaling_actions(world, name),
        _ => {}
    }
    // Unless its actions changed or removed it.
    if world
        .cloudwatch
        .alarms
        .get(name)
        .is_some_and(|alarm| alarm.generation == generation)
    {
        world.clock.schedule(next_at, next);
    }
}

/// A period's value, oldest period first: its start and its statistic (None when missing).
type Datapoint = (f64, Option<f64>);

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

/// What an evaluation's datapoints add up to.
#[derive(Clone, Copy)]
struct Tally {
    breaching: usize,
    present: usize,
    periods: i32,
    needed: i32,
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

/// The reason for moving to `to`, in CloudWatch's words, and the reason as data.
fn explain(
    state: &CloudWatchState,
    name: &str,
    points: &[Datapoint],
    tally: &Tally,
    to: api::StateValue,
    now: f64,
) -> (String, String) {
    let Some(alarm) = state.alarms.get(name) else {
        return (String::new(), "null".into());
    };
    let described = &alarm.described;
    let statistic = described.statistic.unwrap_or(api::Statistic::Average);
    let threshold = described.threshold.unwrap_or(0.0);
    let operator = operator_words(
        described
            .comparison_operator
            .unwrap_or(api::ComparisonOperator::GreaterThanThreshold),
    );
    let data = reason_data(now, statistic, alarm.period(), threshold, points);
    let Tally {
        breaching,
        present,
        periods,
        needed,
    } = *tally;
    let treat = treatment(alarm);
    let missing_count = periods as usize - present;
    let treated = match treat {
        "breaching" | "notBreaching" if missing_count > 0 => format!(
            " and {missing_count} missing datapoint{} treated as [{}]",
            if missing_count == 1 { " was" } else { "s were" },
            if treat == "breaching" {
                "Breaching"
            } else {
                "NonBreaching"
            }
        ),
        _ => String::new(),
    };
    let threshold_text = number(threshold);
    let verb = |n: usize| if n == 1 { "was" } else { "were" };
    let reason = match to {
        api::StateValue::Alarm => format!(
            "Threshold Crossed: {breaching} out of the last {periods} datapoints {} {} {operator} the threshold ({threshold_text}){treated} (minimum {needed} datapoint{} for OK -> ALARM transition).",
            listed(points),
            verb(breaching),
            if needed == 1 { "" } else { "s" },
        ),
        api::StateValue::InsufficientData => format!(
            "Insufficient Data: {periods} datapoint{} unknown.",
            if periods == 1 { " was" } else { "s were" }
        ),
        api::StateValue::Ok if breaching == 0 => format!(
            "Threshold Crossed: {present} datapoint{} {} {} not {operator} the threshold ({threshold_text}){treated}.",
            if present == 1 { "" } else { "s" },
            listed(points),
            verb(present)
        ),
        api::StateValue::Ok => format!(
            "Threshold Crossed: {breaching} out of the last {periods} datapoints {} {} {operator} the threshold ({threshold_text}){treated}, fewer than the {needed} needed for ALARM.",
            listed(points),
            verb(breaching)
        ),
    };
    (reason, data)
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
    crate::sim::application_autoscaling::run_policy(world, action, &invocation)
}

/// A state's reason as data: the text the alarm shows (SetAlarmState's, as given) and the same
/// JSON written compactly with sorted keys, as the history item holds it.
pub(super) struct ReasonData {
    pub text: String,
    pub compact: String,
}

/// Moves the alarm to `state`: its reason, and when the state changes a history item and the
/// state's actions.
pub(super) fn change_state(
    world: &mut World,
    name: &str,
    state: api::StateValue,
    reason: String,
    data: ReasonData,
) {
    let now = world.now;
    let Some(alarm) = world.cloudwatch.alarms.get_mut(name) else {
        return;
    };
    let previous = alarm
        .described
        .state_value
        .unwrap_or(api::StateValue::InsufficientData);
    let described = &mut alarm.described;
    described.state_reason = Some(reason.clone());
    described.state_reason_data = Some(data.text);
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
    // As serde_json writes the object (keys sorted), without building it.
    let history_data = format!(
        r#"{{"newState":{{"stateReason":{},"stateReasonData":{},"stateValue":"{}"}},"oldState":{{"stateValue":"{}"}},"version":"1.0"}}"#,
        serde_json::to_string(&reason).unwrap_or_default(),
        data.compact,
        state.as_str(),
        previous.as_str(),
    );
    history::record(
        &mut world.cloudwatch,
        name,
        now,
        api::HistoryItemType::StateUpdate,
        summary,
        history_data,
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
            Err("ecsim runs SNS notifications and Application Auto Scaling policies".to_string())
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
            data,
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

fn operator_words(operator: api::ComparisonOperator) -> &'static str {
    match operator {
        api::ComparisonOperator::GreaterThanOrEqualToThreshold => "greater than or equal to",
        api::ComparisonOperator::GreaterThanThreshold => "greater than",
        api::ComparisonOperator::LessThanThreshold => "less than",
        api::ComparisonOperator::LessThanOrEqualToThreshold => "less than or equal to",
        _ => "outside",
    }
}

/// `[80.0 (30/11/26 09:02:00), 75.5 (30/11/26 09:01:00)]`: the present datapoints, newest first,
/// as CloudWatch lists them in a state reason.
fn listed(points: &[Datapoint]) -> String {
    let items: Vec<String> = points
        .iter()
        .rev()
        .filter_map(|(start, value)| {
            value.map(|v| format!("{} ({})", number(v), reason_time(*start)))
        })
        .collect();
    format!("[{}]", items.join(", "))
}

fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.1}")
    } else {
        format!("{value}")
    }
}

/// The civil UTC time of `seconds`, formatted with `format!` rather than strftime: state
/// reasons list up to a few dozen datapoints, and strftime's parsing of its pattern each time
/// was a fifth of an alarm's evaluation.
fn utc(seconds: f64) -> jiff::civil::DateTime {
    jiff::tz::TimeZone::UTC.to_datetime(crate::schedule::timestamp(seconds))
}

fn reason_time(seconds: f64) -> String {
    let t = utc(seconds);
    format!(
        "{:02}/{:02}/{:02} {:02}:{:02}:{:02}",
        t.day(),
        t.month(),
        t.year().rem_euclid(100),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn iso(seconds: f64) -> String {
    let t = utc(seconds);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.000+0000",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// The reason as data, written as serde_json writes the object (keys sorted, compact): a
/// state change writes it twice (the alarm, its history), thousands of times a simulated week.
fn reason_data(
    now: f64,
    statistic: api::Statistic,
    period: f64,
    threshold: f64,
    points: &[Datapoint],
) -> String {
    let number = |v: f64| serde_json::to_string(&v).unwrap_or_else(|_| "null".into());
    let present = || {
        points
            .iter()
            .filter_map(|(start, v)| v.map(|v| (*start, v)))
    };
    let recent: Vec<String> = present().map(|(_, v)| number(v)).collect();
    let evaluated: Vec<String> = present()
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .map(|(start, v)| format!(r#"{{"timestamp":"{}","value":{}}}"#, iso(start), number(v)))
        .collect();
    format!(
        r#"{{"evaluatedDatapoints":[{}],"period":{},"queryDate":"{}","recentDatapoints":[{}],"startDate":"{}","statistic":"{}","threshold":{},"version":"1.0"}}"#,
        evaluated.join(","),
        number(period),
        iso(now),
        recent.join(","),
        iso(points.first().map_or(now, |p| p.0)),
        statistic.as_str(),
        number(threshold),
    )
}
