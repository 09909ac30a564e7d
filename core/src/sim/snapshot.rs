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

use super::fnv::Fnv;
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

/// The format of a snapshot: 2 adds the checksums; format 1 (without them) is still read.
const VERSION: u32 = 2;
const FORMATS: std::ops::RangeInclusive<u32> = 1..=2;

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Snapshot {
    ecsim_snapshot: u32,
    config: SimulationConfig,
    journal: Vec<Entry>,
    /// The clock when the snapshot was taken (checked after the replay).
    now: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    checksums: Option<Checksums>,
}

/// FNV-1a of each part, so that an edited snapshot is refused naming the part that changed.
/// Numbers are hashed by value (`5` and `5.0` alike): snapshots cross JavaScript, which keeps no
/// difference between them.
#[derive(Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Checksums {
    config: String,
    journal: String,
}

impl Fnv {
    fn value(&mut self, value: &Value) {
        match value {
            Value::Null => self.bytes(b"n"),
            Value::Bool(b) => self.bytes(if *b { b"t" } else { b"f" }),
            Value::Number(n) => {
                self.bytes(b"#");
                self.bytes(&n.as_f64().unwrap_or(f64::NAN).to_bits().to_le_bytes());
            }
            Value::String(s) => {
                self.bytes(b"\"");
                self.bytes(&(s.len() as u64).to_le_bytes());
                self.bytes(s.as_bytes());
            }
            Value::Array(items) => {
                self.bytes(b"[");
                items.iter().for_each(|item| self.value(item));
                self.bytes(b"]");
            }
            Value::Object(members) => {
                self.bytes(b"{");
                for (key, member) in members {
                    self.value(&Value::String(key.clone()));
                    self.value(member);
                }
                self.bytes(b"}");
            }
        }
    }
}

fn checksum(part: &impl Serialize) -> String {
    let mut hash = Fnv::new();
    hash.value(&serde_json::to_value(part).unwrap_or_default());
    format!("{:016x}", hash.0)
}

fn checksums(config: &SimulationConfig, journal: &[Entry]) -> Checksums {
    Checksums {
        config: checksum(config),
        journal: checksum(&journal),
    }
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
        let config = (*self.world.config).clone();
        let journal: Vec<Entry> = self.journal.iter().map(|entry| (**entry).clone()).collect();
        let snapshot = Snapshot {
            ecsim_snapshot: VERSION,
            checksums: Some(checksums(&config, &journal)),
            config,
            journal,
            now: self.world.now,
        };
        serde_json::to_value(snapshot).map_err(|e| invalid(format!("snapshot: {e}")))
    }

    /// The simulation a snapshot was taken of, in the same state, with the same future.
    pub fn restore(snapshot: Value) -> Result<Simulation, EcsimError> {
        let snapshot: Snapshot = serde_json::from_value(snapshot)
            .map_err(|e| invalid(format!("Not an ecsim snapshot: {e}")))?;
        if !FORMATS.contains(&snapshot.ecsim_snapshot) {
            return Err(invalid(format!(
                "Snapshot format {} is not supported (this ecsim reads formats {} to {}).",
                snapshot.ecsim_snapshot,
                FORMATS.start(),
                FORMATS.end()
            )));
        }
        if snapshot.ecsim_snapshot >= 2 {
            let found = checksums(&snapshot.config, &snapshot.journal);
            let Some(given) = &snapshot.checksums else {
                return Err(invalid(
                    "The snapshot has no checksums (format 2 has them).".into(),
                ));
            };
            for (part, ok) in [
                ("config", given.config == found.config),
                ("journal", given.journal == found.journal),
            ] {
                if !ok {
                    return Err(invalid(format!(
                        "The snapshot's {part} does not match its checksum: it was edited or damaged."
                    )));
                }
            }
        }
        let mut sim = Simulation::new(snapshot.config);
        for (index, entry) in snapshot.journal.into_iter().enumerate() {
            // The journal holds only calls that succeeded: one that fails now was not made this way.
            let (what, result) = match entry {
                Entry::Call {
                    service,
                    action,
                    input,
                } => (
                    format!("{service} {action}"),
                    sim.call(&service, &action, input).map(drop),
                ),
                Entry::RunUntil(time) => (format!("runUntil {time}"), sim.run_until(time)),
            };
            if sim.poisoned {
                return Err(EcsimError::new(
                    ErrorCode::InternalError,
                    "Replaying the snapshot hit an internal error.",
                ));
            }
            if let Err(error) = result {
                return Err(invalid(format!(
                    "The snapshot's journal entry {index} ({what}) fails on replay ({}: {}): it was edited or comes from another ecsim version.",
                    error.code, error.message
                )));
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
        snapshot["ecsimSnapshot"] = json!(9);
        let error = Simulation::restore(snapshot).err().unwrap();
        assert!(error.message.contains("format 9"));
        assert!(Simulation::restore(json!({"journal": []})).is_err());
    }

    #[test]
    fn the_checksums_name_the_edited_part() {
        let snapshot = busy().snapshot().unwrap();
        let mut seed = snapshot.clone();
        seed["config"]["seed"] = json!(7);
        let error = Simulation::restore(seed).err().unwrap();
        assert!(
            error.message.contains("config does not match"),
            "{}",
            error.message
        );
        let mut reordered = snapshot.clone();
        reordered["journal"].as_array_mut().unwrap().swap(0, 1);
        let error = Simulation::restore(reordered).err().unwrap();
        assert!(
            error.message.contains("journal does not match"),
            "{}",
            error.message
        );
        // Numbers as JavaScript writes them (5.0 as 5) keep the checksum.
        let through_js: Value =
            serde_json::from_str(&snapshot.to_string().replace(".0,", ",")).unwrap();
        assert!(Simulation::restore(through_js).is_ok());
        // Format 1 (no checksums) is still read.
        let mut old = snapshot;
        old["ecsimSnapshot"] = json!(1);
        old.as_object_mut().unwrap().remove("checksums");
        assert!(Simulation::restore(old).is_ok());
    }

    #[test]
    fn reads_and_failures_leave_the_journal_as_it_was() {
        let mut sim = busy();
        let length = sim.journal.len();
        for _ in 0..1000 {
            sim.call("ecs", "DescribeClusters", json!({"clusters": ["c"]}))
                .unwrap();
            let _ = sim.call(
                "ecs",
                "RunTask",
                json!({"cluster": "nope", "taskDefinition": "w"}),
            );
        }
        assert_eq!(sim.journal.len(), length);
    }
}
