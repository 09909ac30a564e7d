//! Why an alarm is in its state, in CloudWatch's words. An evaluation that changes the state
//! keeps what it found (`Evaluation`); the words (the reason, its data as JSON and the history
//! item's data) are written when DescribeAlarms or DescribeAlarmHistory reads them. Wording them
//! at each change was a fifth of a simulated week of auto scaling, whose alarms change state
//! tens of thousands of times and are read a few.

use crate::api::cloudwatch as api;
use std::sync::Arc;

/// A period's value, oldest period first: its start and its statistic (None when missing).
pub type Datapoint = (f64, Option<f64>);

/// What an evaluation's datapoints add up to.
#[derive(Clone, Copy, Debug)]
pub struct Tally {
    pub breaching: usize,
    pub present: usize,
    pub periods: i32,
    pub needed: i32,
}

/// An evaluation that moved an alarm to `to`, with the alarm's terms at that moment.
#[derive(Debug)]
pub struct Evaluation {
    pub points: Vec<Datapoint>,
    pub tally: Tally,
    pub to: api::StateValue,
    pub now: f64,
    pub statistic: api::Statistic,
    pub period: f64,
    pub threshold: f64,
    pub operator: api::ComparisonOperator,
    /// `TreatMissingData`.
    pub treat: &'static str,
}

/// Why an alarm is in its state.
#[derive(Clone, Debug)]
pub enum Reason {
    /// Given as words: SetAlarmState's (its data as given, and compacted for the history), or
    /// a new alarm's.
    Given {
        text: String,
        data: Option<String>,
        compact: String,
    },
    /// An evaluation's, worded when read.
    Evaluated(Arc<Evaluation>),
}

impl Reason {
    /// A new alarm's reason.
    pub fn initial() -> Reason {
        Reason::Given {
            text: "Unchecked: Initial alarm creation".into(),
            data: None,
            compact: "null".into(),
        }
    }

    /// `StateReason`.
    pub fn text(&self) -> String {
        match self {
            Reason::Given { text, .. } => text.clone(),
            Reason::Evaluated(evaluation) => evaluation.reason(),
        }
    }

    /// `StateReasonData`, as the alarm shows it.
    pub fn data(&self) -> Option<String> {
        match self {
            Reason::Given { data, .. } => data.clone(),
            Reason::Evaluated(evaluation) => Some(evaluation.data()),
        }
    }

    /// The reason's data written compactly with sorted keys, as a history item holds it.
    fn compact(&self) -> String {
        match self {
            Reason::Given { compact, .. } => compact.clone(),
            Reason::Evaluated(evaluation) => evaluation.data(),
        }
    }

    /// A state update's `HistoryData`, as serde_json writes the object (keys sorted).
    pub fn history_data(&self, from: api::StateValue, to: api::StateValue) -> String {
        format!(
            r#"{{"newState":{{"stateReason":{},"stateReasonData":{},"stateValue":"{}"}},"oldState":{{"stateValue":"{}"}},"version":"1.0"}}"#,
            serde_json::to_string(&self.text()).unwrap_or_default(),
            self.compact(),
            to.as_str(),
            from.as_str(),
        )
    }
}

impl Evaluation {
    /// The reason for moving to `to`, in CloudWatch's words.
    fn reason(&self) -> String {
        let Tally {
            breaching,
            present,
            periods,
            needed,
        } = self.tally;
        let operator = operator_words(self.operator);
        let treat = self.treat;
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
        let threshold = number(self.threshold);
        let listed = listed(&self.points);
        let verb = |n: usize| if n == 1 { "was" } else { "were" };
        match self.to {
            api::StateValue::Alarm => format!(
                "Threshold Crossed: {breaching} out of the last {periods} datapoints {listed} {} {operator} the threshold ({threshold}){treated} (minimum {needed} datapoint{} for OK -> ALARM transition).",
                verb(breaching),
                if needed == 1 { "" } else { "s" },
            ),
            api::StateValue::InsufficientData => format!(
                "Insufficient Data: {periods} datapoint{} unknown.",
                if periods == 1 { " was" } else { "s were" }
            ),
            api::StateValue::Ok if breaching == 0 => format!(
                "Threshold Crossed: {present} datapoint{} {listed} {} not {operator} the threshold ({threshold}){treated}.",
                if present == 1 { "" } else { "s" },
                verb(present)
            ),
            api::StateValue::Ok => format!(
                "Threshold Crossed: {breaching} out of the last {periods} datapoints {listed} {} {operator} the threshold ({threshold}){treated}, fewer than the {needed} needed for ALARM.",
                verb(breaching)
            ),
        }
    }

    /// The reason as data, written as serde_json writes the object (keys sorted, compact).
    fn data(&self) -> String {
        let number = |v: f64| serde_json::to_string(&v).unwrap_or_else(|_| "null".into());
        let present = || {
            self.points
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
            number(self.period),
            iso(self.now),
            recent.join(","),
            iso(self.points.first().map_or(self.now, |p| p.0)),
            self.statistic.as_str(),
            number(self.threshold),
        )
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
