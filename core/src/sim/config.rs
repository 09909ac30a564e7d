//! How a simulation starts: its seed, clock, region, and the switches where AWS is silent.
//! The bindings' declarations of these members are generated from
//! `core/models/simulation-config.json`; a test holds the two equal.

use super::quotas;
use crate::cluster::lifecycle::TaskTimings;
use crate::sim::ecsim::subnets;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How a simulation starts. Defaults: seed 0, clock at 2025-01-01T00:00:00Z, us-east-1,
/// account 123456789012 (the account moto and the AWS docs' examples use).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct SimulationConfig {
    pub seed: u64,
    /// Seconds since the Unix epoch at which the virtual clock starts (within [`LATEST_TIME`]).
    #[serde(deserialize_with = "start_time")]
    pub start_time: f64,
    pub region: String,
    pub account_id: String,
    /// Subnets that FARGATE requests name without a CreateSubnet: `assign` (default) gives them
    /// zones a, b, c in turn; `reject` refuses them as AWS would.
    pub undeclared_subnets: subnets::UndeclaredSubnets,
    /// How long each task lifecycle step takes: an object of seconds per step, or `"instant"`
    /// (tasks run, and stop, within the call) or `"default"`.
    #[serde(deserialize_with = "task_timings")]
    pub task_timings: TaskTimings,
    /// ECS's quotas: `{"containerInstancesPerCluster": 5000, "servicesPerCluster": 5000,
    /// "tasksPerService": 5000, "clusters": 10000}` unless changed.
    pub quotas: quotas::Quotas,
    /// Seconds a STOPPED task stays in DescribeTasks and ListTasks (3600: ECS documents "at
    /// least one hour"); then the simulation forgets it.
    #[serde(deserialize_with = "stopped_task_retention")]
    pub stopped_task_retention: f64,
    /// Seconds before a custom health status reported to Cloud Map takes effect (30: Cloud Map
    /// documents "about 30 seconds").
    #[serde(deserialize_with = "custom_health_delay")]
    pub custom_health_delay: f64,
    /// A target tracking policy's low alarm is below this fraction of the target (0.9: AWS
    /// documents scale-in once the metric is "usually more than 10%" below the target).
    #[serde(deserialize_with = "scale_in_threshold_ratio")]
    pub scale_in_threshold_ratio: f64,
    /// ECS's service throttle: a service whose tasks repeatedly fail to start waits longer
    /// between attempts (`services/throttle.rs`). On unless turned off.
    pub service_throttle: bool,
    /// How many of ECS's EventBridge events the default bus keeps for ecsim's ListBusEvents,
    /// newest kept (10,000). 0 keeps none: events are then worded only while a rule with an
    /// event pattern exists.
    pub event_bus_retention: usize,
    /// Seconds between an event and its delivery to the targets of the rules it matches (0.5:
    /// EventBridge delivers within about half a second).
    #[serde(deserialize_with = "event_delivery_delay")]
    pub event_delivery_delay: f64,
    /// How long an EC2 instance takes to boot, then for its ECS agent to register it, and to
    /// shut down, in seconds (`{"boot": 30, "agentRegistration": 15, "shutdown": 30}` unless
    /// changed; AWS documents none of them).
    #[serde(deserialize_with = "instance_timings")]
    pub instance_timings: InstanceTimings,
}

/// The latest time the clock can show: 9999-12-30T22:00:00Z, the last second that AWS's timestamps
/// and the time zone library behind schedules both represent in every zone.
pub const LATEST_TIME: f64 = 253_402_207_200.0;

/// Whether `time` (seconds since the Unix epoch) is one the clock can show.
pub fn representable(time: f64) -> bool {
    (0.0..=LATEST_TIME).contains(&time)
}

fn start_time<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    let time = f64::deserialize(deserializer)?;
    if !representable(time) {
        return Err(serde::de::Error::custom(format!(
            "startTime must be between 0 and {LATEST_TIME} seconds since the epoch (9999-12-30T22:00:00Z), got {time}"
        )));
    }
    Ok(time)
}

/// A number of seconds from 0 to `LATEST_TIME`, named `member` in the error.
fn seconds<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
    member: &str,
) -> Result<f64, D::Error> {
    let seconds = f64::deserialize(deserializer)?;
    if !(0.0..=LATEST_TIME).contains(&seconds) {
        return Err(serde::de::Error::custom(format!(
            "{member} must be between 0 and {LATEST_TIME} seconds, got {seconds}"
        )));
    }
    Ok(seconds)
}

fn stopped_task_retention<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<f64, D::Error> {
    seconds(deserializer, "stoppedTaskRetention")
}

/// Above 0: a rule whose target's events match it again would otherwise run at one instant
/// forever, and the clock would never move on.
fn event_delivery_delay<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<f64, D::Error> {
    use serde::de::Error;
    let delay = seconds(deserializer, "eventDeliveryDelay")?;
    if delay > 0.0 {
        Ok(delay)
    } else {
        Err(D::Error::custom(
            "eventDeliveryDelay must be above 0 seconds (a delivery at the instant of its event could loop there forever)",
        ))
    }
}

fn custom_health_delay<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    seconds(deserializer, "customHealthDelay")
}

fn scale_in_threshold_ratio<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<f64, D::Error> {
    use serde::de::Error;
    let ratio = f64::deserialize(deserializer)?;
    if ratio > 0.0 && ratio <= 1.0 {
        Ok(ratio)
    } else {
        Err(D::Error::custom(format!(
            "scaleInThresholdRatio must be above 0 and at most 1, got {ratio}"
        )))
    }
}

/// `taskTimings`: a preset name or the seconds per step.
fn task_timings<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<TaskTimings, D::Error> {
    use serde::de::Error;
    let timings = match Value::deserialize(deserializer)? {
        Value::String(name) if name == "instant" => TaskTimings::instant(),
        Value::String(name) if name == "default" => TaskTimings::default(),
        Value::String(name) => {
            return Err(D::Error::custom(format!(
                "taskTimings: unknown preset '{name}' (instant or default)"
            )))
        }
        // Read from the value so that a misspelt member is named in the error.
        seconds => serde_json::from_value(seconds)
            .map_err(|e| D::Error::custom(format!("taskTimings: {e}")))?,
    };
    timings.check().map_err(D::Error::custom)?;
    Ok(timings)
}

fn instance_timings<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<InstanceTimings, D::Error> {
    use serde::de::Error;
    let timings = InstanceTimings::deserialize(deserializer)
        .map_err(|e| D::Error::custom(format!("instanceTimings: {e}")))?;
    for (member, value) in [
        ("boot", timings.boot),
        ("agentRegistration", timings.agent_registration),
        ("shutdown", timings.shutdown),
    ] {
        if !(0.0..=LATEST_TIME).contains(&value) {
            return Err(D::Error::custom(format!(
                "instanceTimings.{member} must be between 0 and {LATEST_TIME} seconds, got {value}"
            )));
        }
    }
    Ok(timings)
}

/// How long an EC2 instance's steps take, in seconds (`sim::ec2::instances`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct InstanceTimings {
    pub boot: f64,
    pub agent_registration: f64,
    pub shutdown: f64,
}

impl Default for InstanceTimings {
    fn default() -> Self {
        InstanceTimings {
            boot: 30.0,
            agent_registration: 15.0,
            shutdown: 30.0,
        }
    }
}

impl Default for SimulationConfig {
    fn default() -> Self {
        SimulationConfig {
            seed: 0,
            start_time: 1_735_689_600.0,
            region: "us-east-1".into(),
            account_id: "123456789012".into(),
            undeclared_subnets: subnets::UndeclaredSubnets::Assign,
            task_timings: TaskTimings::default(),
            quotas: quotas::Quotas::default(),
            stopped_task_retention: 3600.0,
            custom_health_delay: 30.0,
            scale_in_threshold_ratio: 0.9,
            service_throttle: true,
            event_bus_retention: 10_000,
            event_delivery_delay: 0.5,
            instance_timings: InstanceTimings::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SimulationConfig;

    #[test]
    fn an_event_is_never_delivered_at_its_own_instant() {
        let config = |delay: f64| {
            serde_json::from_value::<SimulationConfig>(
                serde_json::json!({ "eventDeliveryDelay": delay }),
            )
        };
        assert_eq!(config(2.0).unwrap().event_delivery_delay, 2.0);
        let refused = config(0.0).unwrap_err().to_string();
        assert!(
            refused.contains("eventDeliveryDelay must be above 0"),
            "{refused}"
        );
        assert!(config(-1.0).is_err());
    }
}
