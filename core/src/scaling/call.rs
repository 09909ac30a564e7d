//! The scaling math as one JSON call, which every binding offers as functions (`ecsim.math` in
//! Python, `math` in JS): a function's name and its arguments as an object (camelCase, AWS's
//! shapes for step adjustments and strategies); the answer as JSON. Bad arguments are refused
//! with InvalidParameterException naming the argument.

use super::hpa;
use super::math::{self, AdjustmentType, Step};
use crate::error::EcsimError;
use crate::schedule::{zones, Schedule};
use jiff::Timestamp;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The functions, by their JS names (Python's are the snake_case forms).
pub const FUNCTIONS: [&str; 10] = [
    "targetTrackingCapacity",
    "stepAdjustment",
    "applyAdjustment",
    "rollingUpdateBounds",
    "circuitBreakerThreshold",
    "capacityProviderReservation",
    "capacityProviderSplit",
    "fireTimes",
    "hpaDesiredReplicas",
    "hpaReplay",
];

/// fireTimes answers at most this many times: a wider range is refused rather than filling memory.
const MAX_FIRE_TIMES: usize = 100_000;

fn invalid(function: &str, message: impl std::fmt::Display) -> EcsimError {
    EcsimError::invalid_parameter(format!("math.{function}: {message}"))
}

fn args<T: DeserializeOwned>(function: &str, input: Value) -> Result<T, EcsimError> {
    serde_json::from_value(input).map_err(|e| invalid(function, e))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TargetTracking {
    capacity: u64,
    metric_value: f64,
    target_value: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepAdjustmentShape {
    #[serde(rename = "MetricIntervalLowerBound")]
    lower: Option<f64>,
    #[serde(rename = "MetricIntervalUpperBound")]
    upper: Option<f64>,
    #[serde(rename = "ScalingAdjustment")]
    adjustment: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct StepArgs {
    step_adjustments: Vec<StepAdjustmentShape>,
    metric_value: f64,
    threshold: f64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Adjustment {
    capacity: u64,
    adjustment: f64,
    adjustment_type: String,
    min_adjustment_magnitude: Option<u64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Rolling {
    desired_count: u64,
    minimum_healthy_percent: u64,
    maximum_percent: u64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Breaker {
    desired_count: u64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Reservation {
    instances_needed: u64,
    instances_running: u64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct StrategyItem {
    capacity_provider: String,
    #[serde(default)]
    base: u64,
    #[serde(default)]
    weight: u64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Split {
    total: u64,
    capacity_provider_strategy: Vec<StrategyItem>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct FireTimes {
    expression: String,
    start: Value,
    end: Value,
    timezone: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct HpaDesired {
    current_replicas: u32,
    metric_value: f64,
    target_value: f64,
    tolerance: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HpaPoint {
    at: f64,
    cpu: f64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct HpaReplay {
    trace: Vec<HpaPoint>,
    pod_cpu: f64,
    target_utilization: f64,
    replicas: u32,
    min_replicas: Option<u32>,
    max_replicas: u32,
    behavior: Option<hpa::Behavior>,
    tolerance: Option<f64>,
    sync_period: Option<f64>,
    until: Option<f64>,
}

/// The most sync periods one replay runs (a year of 15-second periods).
const MAX_HPA_SYNCS: f64 = 2_200_000.0;

/// Syncs times the recommendations each looks back over, at most (a year of 15-second syncs
/// with a 5-minute window is 44 million).
const MAX_HPA_WORK: f64 = 200_000_000.0;

fn hpa_replay(f: &str, a: HpaReplay) -> Result<Value, EcsimError> {
    let positive = |name: &str, v: f64| {
        if v.is_finite() && v > 0.0 {
            Ok(())
        } else {
            Err(invalid(
                f,
                format!("{name} must be a positive number, got {v}"),
            ))
        }
    };
    positive("podCpu", a.pod_cpu)?;
    positive("targetUtilization", a.target_utilization)?;
    let sync_period = a.sync_period.unwrap_or(15.0);
    if !(sync_period.is_finite() && sync_period >= 1.0) {
        return Err(invalid(
            f,
            format!("syncPeriod must be 1 second or more, got {sync_period}"),
        ));
    }
    let tolerance = a.tolerance.unwrap_or(0.1);
    if !(tolerance.is_finite() && tolerance >= 0.0) {
        return Err(invalid(
            f,
            format!("tolerance must be 0 or more, got {tolerance}"),
        ));
    }
    let min_replicas = a.min_replicas.unwrap_or(1);
    if min_replicas > a.max_replicas {
        return Err(invalid(f, "minReplicas must not be above maxReplicas"));
    }
    let mut trace = Vec::with_capacity(a.trace.len());
    for (index, point) in a.trace.iter().enumerate() {
        if !(point.at.is_finite() && point.cpu.is_finite() && point.cpu >= 0.0) {
            return Err(invalid(
                f,
                format!("trace[{index}] needs a finite at and a cpu of 0 or more"),
            ));
        }
        if trace.last().is_some_and(|(at, _)| point.at <= *at) {
            return Err(invalid(
                f,
                format!("trace[{index}].at must be later than the point before it"),
            ));
        }
        trace.push((point.at, point.cpu));
    }
    let start = trace.first().map_or(0.0, |p| p.0);
    let until = a.until.unwrap_or_else(|| trace.last().map_or(0.0, |p| p.0));
    if !until.is_finite() || (until - start) / sync_period > MAX_HPA_SYNCS {
        return Err(invalid(
            f,
            format!("until is more than {MAX_HPA_SYNCS} sync periods after the trace starts"),
        ));
    }
    let behavior = a.behavior.unwrap_or_default();
    let mut horizon: f64 = 0.0;
    for (direction, rules) in [
        ("scaleUp", &behavior.scale_up),
        ("scaleDown", &behavior.scale_down),
    ] {
        let policies = rules
            .as_ref()
            .and_then(|r| r.policies.as_deref())
            .unwrap_or_default();
        if policies
            .iter()
            .any(|p| p.period_seconds == 0 || p.period_seconds > 1800)
        {
            return Err(invalid(
                f,
                format!("behavior.{direction}.policies[].periodSeconds must be 1 to 1800"),
            ));
        }
        let rules = rules.clone().unwrap_or_default();
        // Kubernetes' own bound; it also bounds the recommendations a replay keeps.
        if rules.stabilization_window_seconds.is_some_and(|w| w > 3600) {
            return Err(invalid(
                f,
                format!("behavior.{direction}.stabilizationWindowSeconds must be 0 to 3600"),
            ));
        }
        if rules
            .tolerance
            .is_some_and(|t| !(t.is_finite() && t >= 0.0))
        {
            return Err(invalid(
                f,
                format!("behavior.{direction}.tolerance must be 0 or more"),
            ));
        }
        let longest = policies
            .iter()
            .map(|p| p.period_seconds)
            .max()
            .unwrap_or(15);
        horizon = horizon.max(f64::from(
            rules
                .stabilization_window_seconds
                .unwrap_or(300)
                .max(longest),
        ));
    }
    // Each sync looks back over the horizon's recommendations: the replay's work is bounded.
    if (until - start) / sync_period * (horizon / sync_period) > MAX_HPA_WORK {
        return Err(invalid(
            f,
            "the replay is too long for its sync period and windows: give a longer syncPeriod or an earlier until",
        ));
    }
    let changes = hpa::replay(&hpa::Replay {
        trace: &trace,
        pod_cpu: a.pod_cpu,
        target_utilization: a.target_utilization,
        replicas: a.replicas,
        min_replicas,
        max_replicas: a.max_replicas,
        behavior: &behavior,
        tolerance,
        sync_period,
        until,
    });
    Ok(json!(changes))
}

/// A time given as epoch seconds or as an RFC 3339 timestamp (`2026-03-29T00:00:00Z`).
fn time(function: &str, name: &str, value: &Value) -> Result<Timestamp, EcsimError> {
    let parsed = match value {
        Value::Number(n) => n
            .as_f64()
            .and_then(|s| Timestamp::from_second(s.floor() as i64).ok()),
        Value::String(text) => text.parse::<Timestamp>().ok(),
        _ => None,
    };
    parsed.ok_or_else(|| {
        invalid(
            function,
            format!("{name} must be epoch seconds or an RFC 3339 time, got {value}"),
        )
    })
}

/// Runs math function `function` on `input`.
pub fn call(function: &str, input: Value) -> Result<Value, EcsimError> {
    let f = function;
    Ok(match function {
        "targetTrackingCapacity" => {
            let a: TargetTracking = args(f, input)?;
            if a.target_value <= 0.0 {
                return Err(invalid(f, "targetValue must be greater than 0"));
            }
            json!(math::target_tracking_capacity(
                a.capacity,
                a.metric_value,
                a.target_value
            ))
        }
        "stepAdjustment" => {
            let a: StepArgs = args(f, input)?;
            let steps: Vec<Step> = a
                .step_adjustments
                .iter()
                .map(|s| Step {
                    lower: s.lower,
                    upper: s.upper,
                    adjustment: s.adjustment,
                })
                .collect();
            json!(math::step_adjustment(&steps, a.metric_value, a.threshold))
        }
        "applyAdjustment" => {
            let a: Adjustment = args(f, input)?;
            let kind = match a.adjustment_type.as_str() {
                "ChangeInCapacity" => AdjustmentType::ChangeInCapacity,
                "ExactCapacity" => AdjustmentType::ExactCapacity,
                "PercentChangeInCapacity" => AdjustmentType::PercentChangeInCapacity,
                other => return Err(invalid(f, format!(
                    "adjustmentType must be ChangeInCapacity, ExactCapacity or PercentChangeInCapacity, got '{other}'"
                ))),
            };
            json!(math::apply_adjustment(
                a.capacity,
                a.adjustment,
                kind,
                a.min_adjustment_magnitude
            ))
        }
        "rollingUpdateBounds" => {
            let a: Rolling = args(f, input)?;
            let (minimum, maximum) = math::rolling_update_bounds(
                a.desired_count,
                a.minimum_healthy_percent,
                a.maximum_percent,
            );
            json!({"minimum": minimum, "maximum": maximum})
        }
        "circuitBreakerThreshold" => {
            let a: Breaker = args(f, input)?;
            json!(math::circuit_breaker_threshold(a.desired_count))
        }
        "capacityProviderReservation" => {
            let a: Reservation = args(f, input)?;
            json!(math::capacity_provider_reservation(
                a.instances_needed,
                a.instances_running
            ))
        }
        "capacityProviderSplit" => {
            let a: Split = args(f, input)?;
            let items = &a.capacity_provider_strategy;
            if items.iter().filter(|i| i.base > 0).count() > 1 {
                return Err(invalid(f, "only one capacity provider may have a base"));
            }
            if items.iter().all(|i| i.weight == 0) && a.total > items.iter().map(|i| i.base).sum() {
                return Err(invalid(
                    f,
                    "at least one capacity provider needs a weight above 0",
                ));
            }
            let pairs: Vec<(u64, u64)> = items.iter().map(|i| (i.base, i.weight)).collect();
            let counts = math::capacity_provider_split(&pairs, a.total);
            let split: BTreeMap<&str, u64> = items
                .iter()
                .map(|i| i.capacity_provider.as_str())
                .zip(counts)
                .collect();
            json!(split)
        }
        "fireTimes" => {
            let a: FireTimes = args(f, input)?;
            let schedule = Schedule::parse(&a.expression).map_err(|e| invalid(f, e))?;
            let name = a.timezone.as_deref().unwrap_or("UTC");
            let zone = zones::time_zone(name)
                .ok_or_else(|| invalid(f, format!("unknown time zone '{name}'")))?;
            let (start, end) = (time(f, "start", &a.start)?, time(f, "end", &a.end)?);
            let mut times = Vec::new();
            let mut cursor = start;
            while let Some(next) = schedule.next_after(cursor, start, &zone) {
                if next > end {
                    break;
                }
                if times.len() == MAX_FIRE_TIMES {
                    return Err(invalid(f, format!(
                        "more than {MAX_FIRE_TIMES} fire times between start and end: narrow the range"
                    )));
                }
                times.push(next.as_second());
                cursor = next;
            }
            json!(times)
        }
        "hpaDesiredReplicas" => {
            let a: HpaDesired = args(f, input)?;
            if a.target_value <= 0.0 {
                return Err(invalid(f, "targetValue must be greater than 0"));
            }
            json!(hpa::desired_replicas(
                a.current_replicas,
                a.metric_value,
                a.target_value,
                a.tolerance.unwrap_or(0.1)
            ))
        }
        "hpaReplay" => hpa_replay(f, args(f, input)?)?,
        other => {
            return Err(EcsimError::invalid_parameter(format!(
                "math has no function '{other}'; it has {}",
                FUNCTIONS.join(", ")
            )))
        }
    })
}
