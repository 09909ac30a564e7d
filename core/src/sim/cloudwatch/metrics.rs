//! Metrics as CloudWatch keeps them: a series of samples per namespace, name and dimension set,
//! each sample a statistic set (count, sum, minimum, maximum), so that any period's SampleCount,
//! Sum, Average, Minimum and Maximum can be answered. Samples older than the 15 days CloudWatch
//! keeps its finest data are forgotten.

use crate::api::cloudwatch as api;
use std::collections::{BTreeMap, VecDeque};

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
        let dimensions = dimensions.iter().map(|d| {
            (
                d.name.clone().unwrap_or_default(),
                d.value.clone().unwrap_or_default(),
            )
        });
        MetricKey::sorted(namespace, name, dimensions.collect())
    }

    /// A metric the simulation publishes.
    pub fn of(namespace: &str, name: &str, dimensions: &[(&str, &str)]) -> MetricKey {
        let dimensions = dimensions
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string()));
        MetricKey::sorted(namespace, name, dimensions.collect())
    }

    fn sorted(namespace: &str, name: &str, mut dimensions: Vec<(String, String)>) -> MetricKey {
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
    samples: VecDeque<Sample>,
    pub unit: Option<api::StandardUnit>,
    /// When a sample was last published (ListMetrics' RecentlyActive: the last 3 hours).
    pub last_published: f64,
}

impl Series {
    pub fn add(&mut self, sample: Sample, now: f64) {
        // Samples nearly always come in time order: the search is for those that do not.
        if self.samples.back().is_none_or(|last| last.at <= sample.at) {
            self.samples.push_back(sample);
        } else {
            let at = self.samples.partition_point(|s| s.at <= sample.at);
            self.samples.insert(at, sample);
        }
        self.last_published = now;
    }

    /// The samples of `count` consecutive periods from `first`, each summed (None when a period
    /// has none), in one walk over the samples.
    pub fn summaries(&self, first: f64, period: f64, count: usize) -> Vec<Option<Summary>> {
        let mut summaries = vec![None; count];
        if count == 0 {
            return summaries;
        }
        let start = self.first_at_or_after(first);
        let mut index = 0;
        let mut end = first + period;
        for sample in self.samples.range(start..) {
            while sample.at >= end {
                index += 1;
                if index == count {
                    return summaries;
                }
                end = first + index as f64 * period + period;
            }
            let slot: &mut Option<Summary> = &mut summaries[index];
            *slot = Some(match *slot {
                None => Summary {
                    count: sample.count,
                    sum: sample.sum,
                    min: sample.min,
                    max: sample.max,
                },
                Some(total) => Summary {
                    count: total.count + sample.count,
                    sum: total.sum + sample.sum,
                    min: total.min.min(sample.min),
                    max: total.max.max(sample.max),
                },
            });
        }
        summaries
    }

    /// The index of the first sample at or after `time`. The periods asked for are nearly
    /// always the last few, so the search gallops back from the newest sample: it touches a
    /// handful of samples instead of a binary search's walk across the whole series.
    fn first_at_or_after(&self, time: f64) -> usize {
        let len = self.samples.len();
        let mut step = 1;
        let mut high = len;
        while step <= len && self.samples[len - step].at >= time {
            high = len - step;
            step *= 2;
        }
        let mut low = len.saturating_sub(step);
        while low < high {
            let middle = low + (high - low) / 2;
            if self.samples[middle].at < time {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        low
    }

    pub fn forget_before(&mut self, time: f64) {
        while self.samples.front().is_some_and(|s| s.at < time) {
            self.samples.pop_front();
        }
    }

    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }
}

/// Every metric, by identity. A series keeps its id for good (series are emptied by the
/// retention, never removed), so the load model and alarms look a metric up once and then go
/// straight to its series.
#[derive(Clone, Debug, Default)]
pub struct Metrics {
    ids: BTreeMap<MetricKey, usize>,
    series: Vec<Series>,
}

impl Metrics {
    pub fn id(&self, key: &MetricKey) -> Option<usize> {
        self.ids.get(key).copied()
    }

    pub fn id_or_insert(&mut self, key: &MetricKey) -> usize {
        if let Some(id) = self.id(key) {
            return id;
        }
        self.series.push(Series::default());
        self.ids.insert(key.clone(), self.series.len() - 1);
        self.series.len() - 1
    }

    pub fn get(&self, key: &MetricKey) -> Option<&Series> {
        self.id(key).map(|id| &self.series[id])
    }

    pub fn series(&self, id: usize) -> &Series {
        &self.series[id]
    }

    pub fn series_mut(&mut self, id: usize) -> &mut Series {
        &mut self.series[id]
    }

    /// Every metric in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&MetricKey, &Series)> {
        self.ids.iter().map(|(key, &id)| (key, &self.series[id]))
    }
}

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
fn period_starts(start: f64, end: f64, period: f64) -> impl Iterator<Item = f64> {
    let first = (start / period).floor() * period;
    let count = period_count(start, end, period) as u64;
    (0..count).map(move |k| first + k as f64 * period)
}

/// Each period of `[start, end)` with its samples summed (None when it has none), oldest first;
/// callers bound `period_count` first.
pub fn period_summaries(
    series: Option<&Series>,
    start: f64,
    end: f64,
    period: f64,
) -> impl Iterator<Item = (f64, Option<Summary>)> {
    let first = (start / period).floor() * period;
    let count = period_count(start, end, period) as usize;
    let summaries = series.map_or_else(|| vec![None; count], |s| s.summaries(first, period, count));
    period_starts(start, end, period).zip(summaries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The one-walk summaries agree with summing each period's samples on its own, wherever
        /// the periods fall against the samples (before, among, after them).
        #[test]
        fn summaries_agree_with_each_period_summed_alone(
            times in proptest::collection::vec(0u32..2_000, 0..200),
            first in 0u32..2_200,
            period in prop::sample::select(vec![1u32, 5, 20, 60, 300]),
            count in 0usize..40,
        ) {
            let mut series = Series::default();
            for (k, &at) in times.iter().enumerate() {
                let value = k as f64;
                let sample = Sample { at: f64::from(at), count: 1.0, sum: value, min: value, max: value };
                series.add(sample, 0.0);
            }
            let (first, period) = (f64::from(first), f64::from(period));
            let walked = series.summaries(first, period, count);
            for (k, summary) in walked.iter().enumerate() {
                let from = first + k as f64 * period;
                let inside: Vec<&Sample> = series.samples.iter().filter(|s| s.at >= from && s.at < from + period).collect();
                prop_assert_eq!(summary.map(|s| s.count), (!inside.is_empty()).then_some(inside.len() as f64));
                if let Some(summary) = summary {
                    prop_assert_eq!(summary.sum, inside.iter().map(|s| s.sum).sum::<f64>());
                    prop_assert_eq!(summary.max, inside.iter().map(|s| s.max).fold(f64::MIN, f64::max));
                }
            }
            let start = series.first_at_or_after(first);
            prop_assert_eq!(start, series.samples.partition_point(|s| s.at < first));
        }
    }
}
