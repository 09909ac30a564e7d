//! EventBridge schedule expressions: `rate(5 minutes)`, `cron(0 12 ? * MON-FRI *)` (six fields:
//! minutes, hours, day of month, month, day of week, year, with `?`, `L`, `W` and `#`) and
//! `at(2025-06-01T09:00:00)`, evaluated in an IANA time zone. `next_after` gives the first fire
//! time strictly after a moment (conventions: resolution one minute, `after` exclusive).
//!
//! A local time that a daylight-saving change skips fires at the same wall-clock offset after
//! the gap, and one that happens twice fires the first time (jiff's "compatible"
//! disambiguation) — AWS does not document it; ecsim's choice.

mod cron;
pub mod zones;

pub use cron::Cron;

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ZonedDateTime};

#[derive(Clone, Debug, PartialEq)]
pub enum Schedule {
    /// Every `seconds`, counted from when the schedule starts.
    Rate {
        seconds: i64,
    },
    Cron(Cron),
    /// Once, at a local date and time.
    At(DateTime),
}

/// Epoch seconds as a timestamp, whole seconds (the schedules' resolution); past what jiff
/// represents, its latest.
pub fn timestamp(seconds: f64) -> Timestamp {
    Timestamp::from_second(seconds.floor() as i64).unwrap_or(Timestamp::MAX)
}

impl Schedule {
    /// Reads a schedule expression; the error says what is wrong and where.
    pub fn parse(expression: &str) -> Result<Schedule, String> {
        let expression = expression.trim();
        let inner = |prefix: &str| {
            expression
                .strip_prefix(prefix)
                .and_then(|rest| rest.strip_suffix(')'))
        };
        if let Some(body) = inner("rate(") {
            return rate(body);
        }
        if let Some(body) = inner("cron(") {
            return Cron::parse(body).map(Schedule::Cron);
        }
        if let Some(body) = inner("at(") {
            return body
                .parse::<DateTime>()
                .map(Schedule::At)
                .map_err(|e| format!("at(): expected yyyy-mm-ddThh:mm:ss: {e}"));
        }
        Err(format!(
            "'{expression}' is not a schedule expression: expected rate(value unit), cron(minutes hours day-of-month month day-of-week year) or at(yyyy-mm-ddThh:mm:ss)."
        ))
    }

    /// The first fire time strictly after `after`, in `zone`; `start` anchors rates (the moment
    /// the schedule was created). None when it never fires again.
    pub fn next_after(
        &self,
        after: Timestamp,
        start: Timestamp,
        zone: &TimeZone,
    ) -> Option<Timestamp> {
        match self {
            Schedule::Rate { seconds } => {
                let elapsed = after.as_second() - start.as_second();
                let periods = if elapsed < 0 {
                    0
                } else {
                    elapsed / seconds + 1
                };
                let offset = periods.checked_mul(*seconds)?;
                Timestamp::from_second(start.as_second().checked_add(offset)?).ok()
            }
            Schedule::At(local) => {
                let at = zone.to_ambiguous_zoned_datetime(*local).compatible().ok()?;
                (at.timestamp() > after).then(|| at.timestamp())
            }
            Schedule::Cron(cron) => cron.next_after(&ZonedDateTime::new(after, zone.clone())),
        }
    }
}

/// `rate(value unit)`: unit minute(s), hour(s) or day(s), singular exactly when value is 1.
fn rate(body: &str) -> Result<Schedule, String> {
    let mut words = body.split_whitespace();
    let (Some(value), Some(unit), None) = (words.next(), words.next(), words.next()) else {
        return Err(format!(
            "rate({body}): expected rate(value unit), such as rate(5 minutes)."
        ));
    };
    let value: i64 = value
        .parse()
        .ok()
        .filter(|v| *v > 0)
        .ok_or_else(|| format!("rate({body}): the value must be a whole number above 0."))?;
    let seconds = match unit {
        "minute" | "minutes" => 60,
        "hour" | "hours" => 3_600,
        "day" | "days" => 86_400,
        _ => {
            return Err(format!(
                "rate({body}): the unit must be minute(s), hour(s) or day(s)."
            ))
        }
    };
    if (value == 1) == unit.ends_with('s') {
        return Err(format!(
            "rate({body}): use the singular unit for 1 and the plural for more (rate(1 minute), rate(5 minutes))."
        ));
    }
    let seconds = value
        .checked_mul(seconds)
        .ok_or_else(|| format!("rate({body}): the value is too large."))?;
    Ok(Schedule::Rate { seconds })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn next(expression: &str, zone: &str, after: &str, count: usize) -> Vec<String> {
        let zone = TimeZone::get(zone).unwrap();
        let schedule = Schedule::parse(expression).unwrap();
        let start: Timestamp = after.parse().unwrap();
        let mut cursor = start;
        let mut out = Vec::new();
        for _ in 0..count {
            let Some(at) = schedule.next_after(cursor, start, &zone) else {
                break;
            };
            out.push(at.to_zoned_datetime(zone.clone()).datetime().to_string());
            cursor = at;
        }
        out
    }

    #[test]
    fn the_documented_examples() {
        // 2025-01-01 is a Wednesday; 15 February 2025 a Saturday (15W: Friday the 14th); 1 March
        // 2025 a Saturday (1W stays in the month: Monday the 3rd).
        let jan = "2025-01-01T00:00:00Z";
        let cases: [(&str, &str, usize, &[&str]); 14] = [
            (
                "cron(15 12 * * ? *)",
                jan,
                2,
                &["2025-01-01T12:15:00", "2025-01-02T12:15:00"],
            ),
            (
                "cron(0 18 ? * MON-FRI *)",
                "2025-01-03T19:00:00Z",
                2,
                &["2025-01-06T18:00:00", "2025-01-07T18:00:00"],
            ),
            (
                "cron(0 8 1 * ? *)",
                jan,
                2,
                &["2025-01-01T08:00:00", "2025-02-01T08:00:00"],
            ),
            (
                "cron(0/15 * * * ? *)",
                jan,
                3,
                &[
                    "2025-01-01T00:15:00",
                    "2025-01-01T00:30:00",
                    "2025-01-01T00:45:00",
                ],
            ),
            (
                "cron(0/5 8-17 ? * MON-FRI *)",
                "2025-01-03T17:56:00Z",
                1,
                &["2025-01-06T08:00:00"],
            ),
            (
                "cron(0 9 ? * 2#1 *)",
                jan,
                2,
                &["2025-01-06T09:00:00", "2025-02-03T09:00:00"],
            ),
            (
                "cron(0 0 L * ? 2025)",
                jan,
                2,
                &["2025-01-31T00:00:00", "2025-02-28T00:00:00"],
            ),
            ("cron(0 0 L-2 2 ? *)", jan, 1, &["2025-02-26T00:00:00"]),
            ("cron(0 0 15W 2 ? *)", jan, 1, &["2025-02-14T00:00:00"]),
            ("cron(0 0 1W 3 ? *)", jan, 1, &["2025-03-03T00:00:00"]),
            ("cron(0 0 LW 5 ? *)", jan, 1, &["2025-05-30T00:00:00"]),
            ("cron(0 0 ? * 6L *)", jan, 1, &["2025-01-31T00:00:00"]),
            ("cron(0 0 ? * L *)", jan, 1, &["2025-01-04T00:00:00"]),
            ("cron(0 0 1 1 ? 2026)", jan, 2, &["2026-01-01T00:00:00"]),
        ];
        for (expression, after, count, expected) in cases {
            assert_eq!(
                next(expression, "UTC", after, count),
                expected,
                "{expression}"
            );
        }
    }

    #[test]
    fn time_zones_follow_daylight_saving() {
        // New York moves to EDT on 9 March 2025: 09:00 local is 14:00 UTC, then 13:00 UTC.
        let zone = TimeZone::get("America/New_York").unwrap();
        let schedule = Schedule::parse("cron(0 9 * * ? *)").unwrap();
        let start: Timestamp = "2025-03-08T00:00:00Z".parse().unwrap();
        let first = schedule.next_after(start, start, &zone).unwrap();
        let second = schedule.next_after(first, start, &zone).unwrap();
        assert_eq!(first.to_string(), "2025-03-08T14:00:00Z");
        assert_eq!(second.to_string(), "2025-03-09T13:00:00Z");
        // 02:30 does not exist on 9 March: it fires at 03:30 EDT.
        let gap = Schedule::parse("cron(30 2 9 3 ? 2025)").unwrap();
        assert_eq!(
            gap.next_after(start, start, &zone).unwrap().to_string(),
            "2025-03-09T07:30:00Z"
        );
    }

    #[test]
    fn rates_and_at() {
        let cases: [(&str, &str, &[&str]); 3] = [
            (
                "rate(5 minutes)",
                "UTC",
                &["2025-01-01T00:05:00", "2025-01-01T00:10:00"],
            ),
            (
                "rate(1 day)",
                "UTC",
                &["2025-01-02T00:00:00", "2025-01-03T00:00:00"],
            ),
            (
                "at(2025-06-01T09:00:00)",
                "Europe/Paris",
                &["2025-06-01T09:00:00"],
            ),
        ];
        for (expression, zone, expected) in cases {
            assert_eq!(next(expression, zone, "2025-01-01T00:00:00Z", 2), expected);
        }
    }

    #[test]
    fn mistakes_are_named() {
        let error = |e: &str| Schedule::parse(e).unwrap_err();
        assert!(error("rate(1 minutes)").contains("singular"));
        assert!(error("rate(5 minute)").contains("plural"));
        assert!(error("rate(0 hours)").contains("above 0"));
        assert!(error("rate(9223372036854775807 days)").contains("too large"));
        assert!(error("rate(5 weeks)").contains("minute(s), hour(s) or day(s)"));
        assert!(error("cron(0 12 * * * *)").contains("must be '?'"));
        assert!(error("cron(0 12 ? * ? *)").contains("must be '?'"));
        assert!(error("cron(0 12 * *)").contains("expected 6 fields"));
        assert!(error("cron(61 12 * * ? *)").contains("minutes: '61'"));
        assert!(error("cron(0 12 ? * 2#6 *)").contains("#1 to #5"));
        assert!(error("cron(0 12 ? FOO * *)").contains("month: 'FOO'"));
        assert!(error("every day").contains("not a schedule expression"));
    }
}
