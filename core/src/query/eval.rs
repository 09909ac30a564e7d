//! Evaluating an expression against one container instance.

use super::{Argument, Comparison, Expr, Operator, Subject};
use std::borrow::Cow;
use std::cmp::Ordering;

/// What the query language can ask of a container instance.
pub trait Instance {
    fn attribute(&self, name: &str) -> Option<&str>;
    fn agent_connected(&self) -> bool;
    fn agent_version(&self) -> Option<&str>;
    fn ec2_instance_id(&self) -> Option<&str>;
    /// Seconds since the Unix epoch.
    fn registered_at(&self) -> f64;
    fn running_tasks_count(&self) -> u32;
    /// The task groups of the tasks on the instance, each once.
    fn task_groups(&self) -> Vec<&str>;
}

impl Expr {
    /// Whether the expression reads only what placing tasks does not change (not
    /// `runningTasksCount`, not `task:group`), so its answer for an instance holds for a whole call.
    pub fn is_static(&self) -> bool {
        match self {
            Expr::And(terms) | Expr::Or(terms) => terms.iter().all(Expr::is_static),
            Expr::Not(inner) => inner.is_static(),
            Expr::Compare(comparison) => !matches!(
                comparison.subject,
                Subject::RunningTasksCount | Subject::TaskGroup
            ),
        }
    }

    pub fn matches(&self, instance: &dyn Instance) -> bool {
        match self {
            Expr::And(terms) => terms.iter().all(|t| t.matches(instance)),
            Expr::Or(terms) => terms.iter().any(|t| t.matches(instance)),
            Expr::Not(inner) => !inner.matches(instance),
            Expr::Compare(comparison) => comparison.matches(instance),
        }
    }
}

/// A date as the query language writes it: with an offset, `Z`, no zone (UTC), or a bare day.
pub fn parse_date(text: &str) -> Option<f64> {
    if let Ok(timestamp) = text.parse::<jiff::Timestamp>() {
        return Some(timestamp.as_millisecond() as f64 / 1000.0);
    }
    let civil = text.parse::<jiff::civil::DateTime>().ok().or_else(|| {
        text.parse::<jiff::civil::Date>()
            .ok()
            .map(|d| d.to_datetime(jiff::civil::Time::midnight()))
    })?;
    civil
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp().as_millisecond() as f64 / 1000.0)
}

/// Dotted numbers ("1.14.5") as a list of numbers, to compare agent versions as versions.
fn version(text: &str) -> Option<Vec<u64>> {
    let text = text.strip_prefix('v').unwrap_or(text);
    text.split('.').map(|part| part.parse().ok()).collect()
}

/// Numbers as numbers, dotted versions as versions, anything else as text.
fn compare(left: &str, right: &str) -> Ordering {
    // Equal text is equal under every reading; this spares parsing in the common `==` case.
    if left == right {
        return Ordering::Equal;
    }
    if let (Ok(a), Ok(b)) = (left.parse::<f64>(), right.parse::<f64>()) {
        return a.partial_cmp(&b).unwrap_or(Ordering::Equal);
    }
    if let (Some(a), Some(b)) = (version(left), version(right)) {
        return a.cmp(&b);
    }
    left.cmp(right)
}

impl Comparison {
    /// The subject's values on this instance: none (it does not exist), one, or for task:group one
    /// per group of the tasks there.
    fn values<'a>(&self, instance: &'a dyn Instance) -> Vec<Cow<'a, str>> {
        match &self.subject {
            Subject::AgentConnected => vec![Cow::Borrowed(if instance.agent_connected() {
                "true"
            } else {
                "false"
            })],
            Subject::AgentVersion => instance
                .agent_version()
                .map(Cow::Borrowed)
                .into_iter()
                .collect(),
            Subject::Attribute(name) => instance
                .attribute(name)
                .map(Cow::Borrowed)
                .into_iter()
                .collect(),
            Subject::Ec2InstanceId => instance
                .ec2_instance_id()
                .map(Cow::Borrowed)
                .into_iter()
                .collect(),
            Subject::RegisteredAt => vec![Cow::Owned(instance.registered_at().to_string())],
            Subject::RunningTasksCount => {
                vec![Cow::Owned(instance.running_tasks_count().to_string())]
            }
            Subject::TaskGroup => instance
                .task_groups()
                .into_iter()
                .map(Cow::Borrowed)
                .collect(),
        }
    }

    fn matches(&self, instance: &dyn Instance) -> bool {
        let values = self.values(instance);
        let any = |test: &dyn Fn(&str) -> bool| values.iter().any(|v| test(v));
        // The negative operators need the subject to exist, and no value may match.
        let none =
            |test: &dyn Fn(&str) -> bool| !values.is_empty() && !values.iter().any(|v| test(v));
        match (&self.operator, &self.argument) {
            (Operator::Exists, _) => !values.is_empty(),
            (Operator::NotExists, _) => values.is_empty(),
            (Operator::In, Argument::List(items)) => any(&|v| items.iter().any(|i| i == v)),
            (Operator::NotIn, Argument::List(items)) => none(&|v| items.iter().any(|i| i == v)),
            (Operator::Matches, Argument::Pattern(re)) => any(&|v| re.is_match(v)),
            (Operator::NotMatches, Argument::Pattern(re)) => none(&|v| re.is_match(v)),
            (operator, Argument::Value(argument)) => {
                let ordering = |v: &str| -> Option<Ordering> {
                    if self.subject == Subject::RegisteredAt {
                        let (Ok(at), Some(wanted)) = (v.parse::<f64>(), parse_date(argument))
                        else {
                            return None;
                        };
                        // A bare day (or a time without seconds) compares at its own precision.
                        return at.partial_cmp(&wanted);
                    }
                    Some(compare(v, argument))
                };
                let test = |v: &str| {
                    let Some(ordering) = ordering(v) else {
                        return false;
                    };
                    match operator {
                        Operator::Equals | Operator::NotEquals => ordering == Ordering::Equal,
                        Operator::GreaterThan => ordering == Ordering::Greater,
                        Operator::GreaterThanEqual => ordering != Ordering::Less,
                        Operator::LessThan => ordering == Ordering::Less,
                        Operator::LessThanEqual => ordering != Ordering::Greater,
                        _ => false,
                    }
                };
                if *operator == Operator::NotEquals {
                    none(&test)
                } else {
                    any(&test)
                }
            }
            _ => false,
        }
    }
}
