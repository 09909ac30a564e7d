//! The formulas, in AWS's terms, each as documented (or as docs/conventions.md reads it where
//! the documentation is silent). The simulation's decisions call these same functions.

/// A step of a step scaling policy (AWS's StepAdjustment): bounds relative to the alarm
/// threshold, None for infinity.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Step {
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub adjustment: i64,
}

/// How a step scaling policy's adjustment applies (AWS's AdjustmentType).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AdjustmentType {
    ChangeInCapacity,
    ExactCapacity,
    PercentChangeInCapacity,
}

/// A target tracking policy's proposal: ceil(capacity × metric / target). From 0 tasks a metric
/// above the target proposes 1 (the scale-out from zero Application Auto Scaling documents).
pub fn target_tracking_capacity(capacity: u64, metric_value: f64, target_value: f64) -> u64 {
    if capacity == 0 {
        return u64::from(metric_value > target_value);
    }
    let proposal = (capacity as f64 * metric_value / target_value).ceil();
    if proposal <= 0.0 {
        0
    } else {
        proposal.min(u64::MAX as f64) as u64
    }
}

/// The step that matches `metric_value` against the alarm's `threshold`: with d = value −
/// threshold, at or above the threshold a step's lower bound is inclusive and its upper bound
/// exclusive; below it, the lower bound is exclusive and the upper inclusive.
pub fn step_adjustment(steps: &[Step], metric_value: f64, threshold: f64) -> Option<i64> {
    let d = metric_value - threshold;
    steps
        .iter()
        .find(|step| {
            let lower = step.lower.unwrap_or(f64::NEG_INFINITY);
            let upper = step.upper.unwrap_or(f64::INFINITY);
            if d >= 0.0 {
                lower <= d && d < upper
            } else {
                lower < d && d <= upper
            }
        })
        .map(|step| step.adjustment)
}

/// The capacity an adjustment gives. PercentChangeInCapacity rounds as documented: above 1 down,
/// between 0 and 1 up to 1, between −1 and 0 to −1, below −1 toward zero; a
/// `min_adjustment_magnitude` is a floor on the size of a percent change. Never below 0 (the
/// scalable target's min and max clamp it afterwards).
pub fn apply_adjustment(
    capacity: u64,
    adjustment: f64,
    kind: AdjustmentType,
    min_adjustment_magnitude: Option<u64>,
) -> u64 {
    let change = match kind {
        AdjustmentType::ExactCapacity => return adjustment.max(0.0) as u64,
        AdjustmentType::ChangeInCapacity => adjustment.trunc(),
        AdjustmentType::PercentChangeInCapacity => {
            let raw = capacity as f64 * adjustment / 100.0;
            let rounded = if !(-1.0..=1.0).contains(&raw) {
                raw.trunc()
            } else if raw > 0.0 {
                1.0
            } else if raw < 0.0 {
                -1.0
            } else {
                0.0
            };
            match min_adjustment_magnitude {
                Some(floor) if rounded != 0.0 && rounded.abs() < floor as f64 => {
                    floor as f64 * rounded.signum()
                }
                _ => rounded,
            }
        }
    };
    (capacity as f64 + change).max(0.0) as u64
}

/// A rolling update's bounds: at least ceil(desired × minimumHealthyPercent / 100) tasks RUNNING
/// and healthy, at most floor(desired × maximumPercent / 100) tasks in all.
pub fn rolling_update_bounds(
    desired_count: u64,
    minimum_healthy_percent: u64,
    maximum_percent: u64,
) -> (u64, u64) {
    let wide = |n: u128| u64::try_from(n).unwrap_or(u64::MAX);
    let desired = u128::from(desired_count);
    (
        wide((desired * u128::from(minimum_healthy_percent)).div_ceil(100)),
        wide(desired * u128::from(maximum_percent) / 100),
    )
}

/// The deployment circuit breaker's threshold: half the desired count, rounded up, within
/// [3, 200] (the API reference's minimum of 3).
pub fn circuit_breaker_threshold(desired_count: u64) -> u64 {
    desired_count.div_ceil(2).clamp(3, 200)
}

/// The CapacityProviderReservation metric, in percent: instances needed over instances running.
/// With none running it is 200 when tasks wait for capacity (the "two from zero" scale-out) and
/// 100 when nothing is needed.
pub fn capacity_provider_reservation(instances_needed: u64, instances_running: u64) -> f64 {
    match (instances_needed, instances_running) {
        (0, 0) => 100.0,
        (_, 0) => 200.0,
        (needed, running) => needed as f64 / running as f64 * 100.0,
    }
}

/// How `total` tasks split over a capacity provider strategy's (base, weight) pairs, in the
/// strategy's order: the bases first, then the rest by weight, the leftover by largest remainder,
/// the higher weight first, then the strategy's order (docs/conventions.md).
pub fn capacity_provider_split(shares: &[(u64, u64)], total: u64) -> Vec<u64> {
    let mut counts = vec![0u64; shares.len()];
    let mut left = total;
    for (&(base, _), assigned) in shares.iter().zip(&mut counts) {
        let taken = base.min(left);
        *assigned += taken;
        left -= taken;
    }
    let total_weight: u64 = shares.iter().map(|&(_, weight)| weight).sum();
    if total_weight == 0 || left == 0 {
        return counts;
    }
    let mut remainders: Vec<(u64, u64, usize)> = Vec::new();
    let mut given = 0;
    for (index, &(_, weight)) in shares.iter().enumerate() {
        let exact = u128::from(left) * u128::from(weight);
        let whole = (exact / u128::from(total_weight)) as u64;
        counts[index] += whole;
        given += whole;
        remainders.push(((exact % u128::from(total_weight)) as u64, weight, index));
    }
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    for &(_, _, index) in remainders.iter().take((left - given) as usize) {
        counts[index] += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_worked_examples() {
        // Target tracking: 4 tasks at 80 % against 50 → 7; 10 at 30 % → 6; from 0 → 1.
        assert_eq!(target_tracking_capacity(4, 80.0, 50.0), 7);
        assert_eq!(target_tracking_capacity(10, 30.0, 50.0), 6);
        assert_eq!(target_tracking_capacity(0, 80.0, 50.0), 1);
        assert_eq!(target_tracking_capacity(0, 10.0, 50.0), 0);
        // The step scaling walk-through: capacity 10, threshold 50.
        let out = [
            Step {
                lower: Some(0.0),
                upper: Some(10.0),
                adjustment: 0,
            },
            Step {
                lower: Some(10.0),
                upper: Some(20.0),
                adjustment: 10,
            },
            Step {
                lower: Some(20.0),
                upper: None,
                adjustment: 30,
            },
        ];
        let inward = [
            Step {
                lower: Some(-10.0),
                upper: Some(0.0),
                adjustment: 0,
            },
            Step {
                lower: Some(-20.0),
                upper: Some(-10.0),
                adjustment: -10,
            },
            Step {
                lower: None,
                upper: Some(-20.0),
                adjustment: -30,
            },
        ];
        let percent = AdjustmentType::PercentChangeInCapacity;
        assert_eq!(step_adjustment(&out, 60.0, 50.0), Some(10));
        assert_eq!(apply_adjustment(10, 10.0, percent, None), 11);
        assert_eq!(step_adjustment(&out, 70.0, 50.0), Some(30));
        assert_eq!(apply_adjustment(11, 30.0, percent, None), 14);
        assert_eq!(step_adjustment(&inward, 40.0, 50.0), Some(-10));
        assert_eq!(apply_adjustment(14, -10.0, percent, None), 13);
        assert_eq!(step_adjustment(&inward, 30.0, 50.0), Some(-30));
        assert_eq!(apply_adjustment(13, -30.0, percent, None), 10);
        // Bounds: 10 above is the second step; 10 below is the first inward one.
        assert_eq!(step_adjustment(&out, 60.0, 50.0), Some(10));
        assert_eq!(step_adjustment(&inward, 40.0, 50.0), Some(-10));
        assert_eq!(step_adjustment(&inward, 30.0, 50.0), Some(-30));
        // MinAdjustmentMagnitude 2 turns 25 % of 4 into 2.
        assert_eq!(apply_adjustment(4, 25.0, percent, Some(2)), 6);
    }
}
