//! Metrics as CloudWatch keeps them: a series of samples per namespace, name and dimension set,
//! each sample a statistic set (count, sum, minimum, maximum), so that any period's SampleCount,
//! Sum, Average, Minimum and Maximum can be answered. Samples older than the 15 days CloudWatch
//! keeps its finest data are forgotten.

use crate::api::cloudwatch as api;
use std::collections::BTreeMap;

/// How long samples are kept: the 15 days CloudWatch keeps data points of periods under an hour.
pub const METRIC_RETENTION: f64 = 15.0 * 86_400.0;

/// A metric's identity; dimensions are kept sorted by name, as CloudWatch compares them.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct MetricKey {
    pub namespace: String,
    pub name: String,
    pub dimensions: Vec<(String, String)>,
}

impl MetricKey {
    pub fn new(namespace: &str, name: &str, dimensions: &[api::Dimension]) -> MetricKey {
        let mut dimensions: Vec<(String, String)> = dimensions
            .iter()
            .map(|d| {
                (
                    d.name.clone().unwrap_or_default(),
                    d.value.clone().unwrap_or_default(),
                )
            })
            .collect();
        dimensions.sort();
        MetricKey {
            namespace: namespace.to_string(),
            name: name.to_string(),
            dimensions,
        }
    }

    pub fn described(&self) -> api::Metric {
        api::Metric {
            namespace: Some(self.namespace.clone()),
            metric_name: Some(self.name.clone()),
            dimensions: Some(
                self.dimensions
                    .iter()
                    .map(|(name, value)| api::Dimension {
                        name: Some(name.clone()),
                        value: Some(value.clone()),
                    })
                    .collect(),
            ),
        }
    }
}

/// One published value or statistic set.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    pub at: f64,
    pub count: f64,
    pub sum: f64,
    pub min: f64,
    pub max: f64,
}

/// What a period's samples add up to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    pub count: f64,
    pub sum: f64,
    pub min: f64,
    pub max: f64,
}

impl Summary {
    pub fn statistic(&self, statistic: api::Statistic) -> f64 {
        match statistic {
            api::Statistic::SampleCount => self.count,
            api::Statistic::Sum => self.sum,
            api::Statistic::Average => self.sum / self.count,
            api::Statistic::Minimum => self.min,
            api::Statistic::Maximum => self.max,
        }
    }
}

/// A metric's samples, in time order, and the unit it was last published with.
#[derive(Clone, Debug, Default)]
pub struct Series {
    samples: Vec<Sample>,
    pub unit: Option<api::StandardUnit>,
    /// When a sample was last published (ListMetrics' RecentlyActive: the last 3 hours).
    pub last_published: f64,
}

impl Series {
    pub fn add(&mut self, sample: Sample, now: f64) {
        let at = self.samples.partition_point(|s| s.at <= sample.at);
        self.samples.insert(at, sample);
        self.last_published = now;
    }

    /// The samples of `[from, to)`, summed; None when there are none.
    pub fn summary(&self, from: f64, to: f64) -> Option<Summary> {
        let start = self.samples.partition_point(|s| s.at < from);
        let end = self.samples.partition_point(|s| s.at < to);
        let window = &self.samples[start..end];
        let first = window.first()?;
        Some(window[1..].iter().fold(
            Summary {
                count: first.count,
                sum: first.sum,
                min: first.min,
                max: first.max,
            },
            |total, s| Summary {
                count: total.count + s.count,
                sum: total.sum + s.sum,
                min: total.min.min(s.min),
                max: total.max.max(s.max),
            },
        ))
    }

    pub fn forget_before(&mut self, time: f64) {
        let old = self.samples.partition_point(|s| s.at < time);
        self.samples.drain(..old);
    }

    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }
}

/// Every metric, by identity.
pub type Metrics = BTreeMap<MetricKey, Series>;

/// A period is 1, 5, 10, 20 or 30 seconds (high resolution) or a multiple of 60.
pub fn valid_period(period: i32) -> bool {
    matches!(period, 1 | 5 | 10 | 20 | 30) || (period > 0 && period % 60 == 0)
}

/// How many periods `[start, end)` holds, the start rounded down to a multiple of the period,
/// as CloudWatch rounds it (a float: a request may ask for more periods than a u64 counts).
pub fn period_count(start: f64, end: f64, period: f64) -> f64 {
    ((end - (start / period).floor() * period) / period)
        .ceil()
        .max(0.0)
}

/// The period starts of `[start, end)`; callers bound `period_count` first.
pub fn period_starts(start: f64, end: f64, period: f64) -> impl Iterator<Item = f64> {
    let first = (start / period).floor() * period;
    let count = period_count(start, end, period) as u64;
    (0..count).map(move |k| first + k as f64 * period)
}
