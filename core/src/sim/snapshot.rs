//! Snapshots: a simulation serialises to JSON and restores to an identical simulation that goes
//! on with the same future.
//!
//! A snapshot is the simulation's configuration and its journal — every call and every clock
//! move since it was created, in order — and restoring replays them. The simulation is a pure
//! function of its seed and what was done to it, so the replay rebuilds the same state down to
//! the RNG and the clock queue. ecsim's choice over dumping the state itself: nothing (indexes,
//! shared task specs, the RNG's position) can be left out by mistake as the model grows, and a
//! snapshot stays readable (what was done, not how it is stored). The cost: restoring takes as
//! long as the calls took, and a snapshot grows with the history.

use super::{Simulation, SimulationConfig};
use crate::error::{EcsimError, ErrorCode};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What was done to a simulation, in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Entry {
    Call {
        service: String,
        action: String,
        input: Value,
    },
    /// `advance` and `run_until` both come down to this.
    RunUntil(f64),
}

/// The format of a snapshot; bumped if it ever changes.
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Snapshot {
    ecsim_snapshot: u32,
    config: SimulationConfig,
    journal: Vec<Entry>,
    /// The clock when the snapshot was taken (checked after the replay).
    now: f64,
}

fn invalid(message: String) -> EcsimError {
    EcsimError::invalid_parameter(message)
}

impl Simulation {
    /// The whole simulation as JSON: `{"ecsimSnapshot": 1, "config", "journal", "now"}`.
    pub fn snapshot(&self) -> Result<Value, EcsimError> {
        if self.poisoned {
            return Err(EcsimError::new(
                ErrorCode::InternalError,
                "This simulation stopped at an earlier internal error; it cannot be snapshotted.",
            ));
        }
        let snapshot = Snapshot {
            ecsim_snapshot: VERSION,
            config: (*self.world.config).clone(),
            journal: self.journal.iter().map(|entry| (**entry).clone()).collect(),
            now: self.world.now,
        };
        serde_json::to_value(snapshot).map_err(|e| invalid(format!("snapshot: {e}")))
    }

    /// The simulation a snapshot was taken of, in the same state, with the same future.
    pub fn restore(snapshot: Value) -> Result<Simulation, EcsimError> {
        let snapshot: Snapshot = serde_json::from_value(snapshot)
            .map_err(|e| invalid(format!("Not an ecsim snapshot: {e}")))?;
        if snapshot.ecsim_snapshot != VERSION {
            return Err(invalid(format!(
                "Snapshot format {} is not supported (this ecsim reads format {VERSION}).",
                snapshot.ecsim_snapshot
            )));
        }
        let mut sim = Simulation::new(snapshot.config);
        for entry in snapshot.journal {
            // A call that failed when it was made fails the same way now, and is kept.
            let _ = match entry {
                Entry::Call {
                    service,
                    action,
                    input,
                } => sim.call(&service, &action, input).map(drop),
                Entry::RunUntil(time) => sim.run_until(time),
            };
            if sim.poisoned {
                return Err(EcsimError::new(
                    ErrorCode::InternalError,
                    "Replaying the snapshot hit an internal error.",
                ));
            }
        }
        if sim.world.now != snapshot.now {
            return Err(invalid(format!(
                "The snapshot says the clock was at {}, its journal leads to {}: it was edited or comes from another ecsim version.",
                snapshot.now, sim.world.now
            )));
        }
        Ok(sim)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn busy() -> Simulation {
        let mut sim = Simulation::default();
        let calls = [
            ("CreateCluster", json!({"clusterName": "c"})),
            (
                "RegisterContainerInstance",
                json!({"cluster": "c", "instanceType": "m5.large", "availabilityZone": "us-east-1a"}),
            ),
            (
                "RegisterTaskDefinition",
                json!({"family": "w", "containerDefinitions": [{"name": "a", "image": "x", "memory": 64}]}),
            ),
            (
                "CreateService",
                json!({"cluster": "c", "serviceName": "web", "taskDefinition": "w", "desiredCount": 3}),
            ),
            ("RunTask", json!({"cluster": "nope", "taskDefinition": "w"})),
        ];
        for (action, input) in calls {
            let _ = sim.call("ecs", action, input);
        }
        sim.advance(30.0).unwrap();
        sim
    }

    #[test]
    fn a_restored_simulation_has_the_same_future() {
        let mut original = busy();
        let snapshot = original.snapshot().unwrap();
        let mut restored = Simulation::restore(snapshot.clone()).unwrap();
        assert_eq!(restored.snapshot().unwrap(), snapshot);
        for sim in [&mut original, &mut restored] {
            sim.call(
                "ecs",
                "UpdateService",
                json!({"cluster": "c", "service": "web", "desiredCount": 5}),
            )
            .unwrap();
            sim.advance(120.0).unwrap();
        }
        let events = |sim: &mut Simulation| sim.call("ecsim", "ListEvents", json!({})).unwrap();
        assert_eq!(events(&mut original), events(&mut restored));
        let tasks = |sim: &mut Simulation| {
            sim.call("ecs", "ListTasks", json!({"cluster": "c"}))
                .unwrap()
        };
        assert_eq!(
            tasks(&mut original)["taskArns"].as_array().unwrap().len(),
            5
        );
        assert_eq!(tasks(&mut original), tasks(&mut restored));
    }

    #[test]
    fn an_edited_or_foreign_snapshot_is_refused() {
        let mut snapshot = busy().snapshot().unwrap();
        snapshot["now"] = json!(1.0);
        assert!(Simulation::restore(snapshot.clone()).is_err());
        snapshot["ecsimSnapshot"] = json!(2);
        let error = Simulation::restore(snapshot).err().unwrap();
        assert!(error.message.contains("format 2"));
        assert!(Simulation::restore(json!({"journal": []})).is_err());
    }
}
