//! Scenarios: a simulation described as data, the format the playground shares by URL and
//! exports, and the Python and Node packages read (`Simulation.from_scenario`). A scenario is a
//! configuration, a fleet (groups of container instances by type and zone), task definitions and
//! timed steps (any client call, at seconds after the start). Loading one replays it: the same
//! scenario gives the same simulation, in every binding.

use super::{Simulation, SimulationConfig};
use crate::error::EcsimError;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The scenario format's version; older versions stay readable when it changes.
pub const SCENARIO_VERSION: u32 = 1;
/// Container instances one fleet group may register (ECS's per-cluster quota is 5,000).
const MAX_GROUP_COUNT: u32 = 5_000;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Scenario {
    pub version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default)]
    pub config: Option<Value>,
    /// The cluster the fleet registers in; created by the loader.
    #[serde(default = "default_cluster")]
    pub cluster: String,
    #[serde(default)]
    pub fleet: Vec<FleetGroup>,
    /// RegisterTaskDefinition inputs.
    #[serde(default)]
    pub task_definitions: Vec<Value>,
    #[serde(default)]
    pub steps: Vec<Step>,
}

fn default_cluster() -> String {
    "default".into()
}

/// `count` container instances of one type in one zone.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FleetGroup {
    pub instance_type: String,
    pub availability_zone: String,
    #[serde(default = "one")]
    pub count: u32,
    /// Custom attributes (name to value), as PutAttributes would set them.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
}

fn one() -> u32 {
    1
}

/// One client call, `at` seconds after the scenario's start (after the previous step if absent).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<f64>,
    pub service: String,
    pub action: String,
    #[serde(default)]
    pub input: Value,
}

/// A loaded scenario: the simulation, and each step's answer, in order.
pub struct Loaded {
    pub simulation: Simulation,
    pub outputs: Vec<Value>,
}

fn invalid(message: String) -> EcsimError {
    EcsimError::invalid_parameter(message)
}

/// Names the part of the scenario an error came from: `steps[2] (ecs RunTask): ...`.
fn at_part(part: String) -> impl FnOnce(EcsimError) -> EcsimError {
    move |error| EcsimError {
        message: format!("{part}: {}", error.message),
        ..error
    }
}

impl Scenario {
    pub fn from_json(value: Value) -> Result<Scenario, EcsimError> {
        let scenario: Scenario = serde_json::from_value(value)
            .map_err(|e| invalid(format!("Not an ecsim scenario: {e}")))?;
        if scenario.version != SCENARIO_VERSION {
            return Err(invalid(format!(
                "Scenario version {} is not one this ecsim reads (it reads {SCENARIO_VERSION}).",
                scenario.version
            )));
        }
        for (index, group) in scenario.fleet.iter().enumerate() {
            if !(1..=MAX_GROUP_COUNT).contains(&group.count) {
                return Err(invalid(format!(
                    "fleet[{index}].count must be from 1 to {MAX_GROUP_COUNT}, got {}.",
                    group.count
                )));
            }
        }
        let mut previous = 0.0;
        for (index, step) in scenario.steps.iter().enumerate() {
            if let Some(at) = step.at {
                if !(at.is_finite() && at >= previous) {
                    return Err(invalid(format!(
                        "steps[{index}].at must be a finite number of seconds, not before the previous step's ({previous}), got {at}."
                    )));
                }
                previous = at;
            }
        }
        Ok(scenario)
    }

    /// Builds the simulation: the cluster, the fleet, the task definitions, then every step at
    /// its time. Any failed call refuses the whole scenario, naming the part that failed.
    pub fn load(&self) -> Result<Loaded, EcsimError> {
        let config: SimulationConfig = match &self.config {
            None => SimulationConfig::default(),
            Some(config) => serde_json::from_value(config.clone())
                .map_err(|e| invalid(format!("config: {e}")))?,
        };
        let start = config.start_time;
        let mut simulation = Simulation::new(config);
        simulation
            .call(
                "ecs",
                "CreateCluster",
                json!({ "clusterName": self.cluster }),
            )
            .map_err(at_part("cluster".into()))?;
        for (index, group) in self.fleet.iter().enumerate() {
            let attributes: Vec<Value> = group
                .attributes
                .iter()
                .map(|(name, value)| json!({ "name": name, "value": value }))
                .collect();
            let input = json!({
                "cluster": self.cluster,
                "instanceType": group.instance_type,
                "availabilityZone": group.availability_zone,
                "attributes": attributes,
            });
            for _ in 0..group.count {
                simulation
                    .call("ecs", "RegisterContainerInstance", input.clone())
                    .map_err(at_part(format!("fleet[{index}]")))?;
            }
        }
        for (index, definition) in self.task_definitions.iter().enumerate() {
            simulation
                .call("ecs", "RegisterTaskDefinition", definition.clone())
                .map_err(at_part(format!("taskDefinitions[{index}]")))?;
        }
        let mut outputs = Vec::with_capacity(self.steps.len());
        for (index, step) in self.steps.iter().enumerate() {
            let part = format!("steps[{index}] ({} {})", step.service, step.action);
            if let Some(at) = step.at {
                simulation
                    .run_until((start + at).max(simulation.now()))
                    .map_err(at_part(part.clone()))?;
            }
            let input = match &step.input {
                Value::Null => json!({}),
                input => input.clone(),
            };
            outputs.push(
                simulation
                    .call(&step.service, &step.action, input)
                    .map_err(at_part(part))?,
            );
        }
        Ok(Loaded {
            simulation,
            outputs,
        })
    }
}

impl Simulation {
    /// A simulation built from a scenario (see [`Scenario`]), with each step's answer.
    pub fn from_scenario(scenario: Value) -> Result<Loaded, EcsimError> {
        Scenario::from_json(scenario)?.load()
    }
}
