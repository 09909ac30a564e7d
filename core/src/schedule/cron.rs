//! The six-field cron of EventBridge: minutes, hours, day of month, month, day of week (1 =
//! SUN), year. Day of month takes `? L W` (`L`, `L-2`, `15W`, `LW`), day of week `? L #`
//! (`L` is Saturday, `6L` the month's last Friday, `2#1` its first Monday); exactly one of the
//! two is `?`.

use jiff::civil::{Date, DateTime, Weekday};
use jiff::{Timestamp, ToSpan, ZonedDateTime};

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const LAST_YEAR: i16 = 2199;

#[derive(Clone, Debug, PartialEq)]
enum DayOfMonth {
    Any,
    Days(Vec<bool>),
    /// `L` or `L-n`: n days before the last.
    Last(i8),
    /// `nW`: the weekday nearest day n, within the month.
    NearestWeekday(i8),
    /// `LW`: the month's last weekday.
    LastWeekday,
}

#[derive(Clone, Debug, PartialEq)]
enum DayOfWeek {
    Any,
    /// Indexed 1..=7 from Sunday.
    Days(Vec<bool>),
    /// `nL`: the month's last day n of the week.
    Last(i8),
    /// `n#k`: the month's k-th day n.
    Nth(i8, i8),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Cron {
    minutes: Vec<bool>,
    hours: Vec<bool>,
    day_of_month: DayOfMonth,
    months: Vec<bool>,
    day_of_week: DayOfWeek,
    years: Vec<bool>,
}

/// A field of numbers in `low..=high` (names allowed, counted from `low`): `*`, `a`, `a-b`,
/// with `/step`, comma-separated. The result is indexed by the number.
fn numbers(
    field: &str,
    what: &str,
    low: i32,
    high: i32,
    names: &[&str],
) -> Result<Vec<bool>, String> {
    let value = |text: &str| -> Result<i32, String> {
        let upper = text.to_ascii_uppercase();
        if let Some(index) = names.iter().position(|n| *n == upper) {
            return Ok(low + index as i32);
        }
        text.parse::<i32>()
            .ok()
            .filter(|v| (low..=high).contains(v))
            .ok_or_else(|| format!("{what}: '{text}' is not a value from {low} to {high}."))
    };
    let mut set = vec![false; high as usize + 1];
    for item in field.split(',') {
        let (range, step) = match item.split_once('/') {
            Some((range, step)) => {
                let step = step
                    .parse::<i32>()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or_else(|| format!("{what}: '{step}' is not a step above 0."))?;
                (range, step)
            }
            None => (item, 1),
        };
        let (from, to) = match range {
            "*" => (low, high),
            _ => match range.split_once('-') {
                Some((a, b)) => (value(a)?, value(b)?),
                // `a/step` runs to the end of the field.
                None if item.contains('/') => (value(range)?, high),
                None => (value(range)?, value(range)?),
            },
        };
        if from > to {
            return Err(format!("{what}: the range {range} runs backwards."));
        }
        for v in (from..=to).step_by(step as usize) {
            set[v as usize] = true;
        }
    }
    Ok(set)
}

fn day_of_month(field: &str) -> Result<DayOfMonth, String> {
    let what = "day of month";
    let day = |text: &str| {
        text.parse::<i8>()
            .ok()
            .filter(|d| (1..=31).contains(d))
            .ok_or_else(|| format!("{what}: '{text}' is not a day from 1 to 31."))
    };
    Ok(match field {
        "?" => DayOfMonth::Any,
        "L" => DayOfMonth::Last(0),
        "LW" => DayOfMonth::LastWeekday,
        _ if field.starts_with("L-") => DayOfMonth::Last(day(&field[2..])?),
        _ if field.ends_with('W') => DayOfMonth::NearestWeekday(day(&field[..field.len() - 1])?),
        _ => DayOfMonth::Days(numbers(field, what, 1, 31, &[])?),
    })
}

fn day_of_week(field: &str) -> Result<DayOfWeek, String> {
    let what = "day of week";
    let day = |text: &str| -> Result<i8, String> {
        let set = numbers(text, what, 1, 7, &DAYS)?;
        let days: Vec<usize> = (1..=7).filter(|&d| set[d]).collect();
        match days.as_slice() {
            [one] => Ok(*one as i8),
            _ => Err(format!("{what}: '{text}' must be one day.")),
        }
    };
    Ok(match field {
        "?" => DayOfWeek::Any,
        "L" => DayOfWeek::Days((0..=7).map(|d| d == 7).collect()),
        _ if field.ends_with('L') => DayOfWeek::Last(day(&field[..field.len() - 1])?),
        _ => match field.split_once('#') {
            Some((weekday, nth)) => {
                let nth = nth
                    .parse::<i8>()
                    .ok()
                    .filter(|n| (1..=5).contains(n))
                    .ok_or_else(|| format!("{what}: '#{nth}' must be #1 to #5."))?;
                DayOfWeek::Nth(day(weekday)?, nth)
            }
            None => DayOfWeek::Days(numbers(field, what, 1, 7, &DAYS)?),
        },
    })
}

/// 1 = Sunday … 7 = Saturday, as the cron counts.
fn cron_weekday(date: Date) -> i8 {
    date.weekday().to_sunday_one_offset()
}

impl Cron {
    pub fn parse(body: &str) -> Result<Cron, String> {
        let fields: Vec<&str> = body.split_whitespace().collect();
        let [minutes, hours, dom, months, dow, years] = fields.as_slice() else {
            return Err(format!(
                "cron({body}): expected 6 fields (minutes hours day-of-month month day-of-week year), found {}.",
                fields.len()
            ));
        };
        if (*dom == "?") == (*dow == "?") {
            return Err(format!(
                "cron({body}): one of day-of-month and day-of-week must be '?', and only one."
            ));
        }
        Ok(Cron {
            minutes: numbers(minutes, "minutes", 0, 59, &[])?,
            hours: numbers(hours, "hours", 0, 23, &[])?,
            day_of_month: day_of_month(dom)?,
            months: numbers(months, "month", 1, 12, &MONTHS)?,
            day_of_week: day_of_week(dow)?,
            years: numbers(years, "year", 1970, i32::from(LAST_YEAR), &[])?,
        })
    }

    fn day_matches(&self, date: Date) -> bool {
        let last = date.last_of_month();
        let by_month = match &self.day_of_month {
            DayOfMonth::Any => true,
            DayOfMonth::Days(days) => days[date.day() as usize],
            DayOfMonth::Last(before) => date.day() == last.day() - before,
            DayOfMonth::NearestWeekday(day) => {
                let target = date.with().day(*day.min(&last.day())).build().ok();
                target.is_some_and(|t| nearest_weekday(t) == date)
            }
            DayOfMonth::LastWeekday => nearest_weekday(last) == date,
        };
        let weekday = cron_weekday(date);
        let by_week = match &self.day_of_week {
            DayOfWeek::Any => true,
            DayOfWeek::Days(days) => days[weekday as usize],
            DayOfWeek::Last(day) => weekday == *day && date.day() + 7 > last.day(),
            DayOfWeek::Nth(day, nth) => weekday == *day && (date.day() - 1) / 7 + 1 == *nth,
        };
        by_month && by_week
    }

    /// The first fire time strictly after `after`, in its time zone.
    pub fn next_after(&self, after: &ZonedDateTime) -> Option<Timestamp> {
        let zone = after.time_zone();
        let mut date = after.date();
        while date.year() <= LAST_YEAR {
            if !self.years[date.year() as usize] || !self.months[date.month() as usize] {
                date = date.first_of_month().checked_add(1.month()).ok()?;
                continue;
            }
            if self.day_matches(date) {
                for hour in (0..24).filter(|&h| self.hours[h as usize]) {
                    for minute in (0..60).filter(|&m| self.minutes[m as usize]) {
                        let local =
                            DateTime::from_parts(date, jiff::civil::time(hour, minute, 0, 0));
                        let at = zone.to_ambiguous_zoned_datetime(local).compatible().ok()?;
                        if at.timestamp() > after.timestamp() {
                            return Some(at.timestamp());
                        }
                    }
                }
            }
            date = date.tomorrow().ok()?;
        }
        None
    }
}

/// The weekday nearest `date` within its month (Saturday → Friday, Sunday → Monday, unless
/// that leaves the month).
fn nearest_weekday(date: Date) -> Date {
    let shift = |days: i64| date.checked_add(days.days()).unwrap_or(date);
    match date.weekday() {
        Weekday::Saturday if date.day() == 1 => shift(2),
        Weekday::Saturday => shift(-1),
        Weekday::Sunday if date.day() == date.last_of_month().day() => shift(-2),
        Weekday::Sunday => shift(1),
        _ => date,
    }
}
