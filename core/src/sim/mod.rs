//! The simulated region: one state on one virtual clock, driven by AWS-shaped calls.
//!
//! `call(service, action, input)` takes and returns the AWS API's JSON shapes; the bindings turn
//! `sim.client("ecs").register_task_definition(...)` (Python) or `registerTaskDefinition(...)`
//! (JS) into it. A call that fails leaves the state exactly as it was.

mod clock;
mod ecs;
mod elbv2;
mod events;
pub mod quotas;
mod request;
mod snapshot;
pub mod subnets;

use crate::cluster::lifecycle::{ImageBehavior, TaskTimings};
use crate::error::{EcsimError, ErrorCode};
use crate::guard::guarded;
use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// The services `Simulation::client` knows, by their boto3 names, plus `ecsim` for what only a
/// simulation has (bulk placement now; faults and load traces later).
pub const SERVICES: [&str; 4] = ["ecs", "elbv2", "events", "ecsim"];

/// How a simulation starts. Defaults: seed 0, clock at 2025-01-01T00:00:00Z, us-east-1,
/// account 123456789012 (the account moto and the AWS docs' examples use).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct SimulationConfig {
    pub seed: u64,
    /// Seconds since the Unix epoch at which the virtual clock starts.
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
        }
    }
}

pub struct Simulation {
    config: SimulationConfig,
    now: f64,
    ecs: ecs::EcsState,
    subnets: subnets::Subnets,
    elbv2: elbv2::Elbv2State,
    events: events::EventsState,
    /// What running each image does (PutImage); images not here pull in the default time and
    /// run until stopped.
    images: BTreeMap<String, ImageBehavior>,
    clock: clock::Queue,
    /// Set when a call panicked: the state may be half-changed, so later calls refuse.
    poisoned: bool,
    /// Every random choice (ids, ties) draws from this, seeded: same seed, same answers everywhere.
    rng: ChaCha8Rng,
    /// Every call and clock move, for snapshots.
    journal: Vec<snapshot::Entry>,
}

impl Simulation {
    pub fn new(config: SimulationConfig) -> Self {
        let rng = ChaCha8Rng::seed_from_u64(config.seed);
        Simulation {
            now: config.start_time,
            config,
            ecs: ecs::EcsState::default(),
            subnets: subnets::Subnets::default(),
            elbv2: elbv2::Elbv2State::default(),
            events: events::EventsState::default(),
            images: BTreeMap::new(),
            clock: clock::Queue::default(),
            poisoned: false,
            rng,
            journal: Vec::new(),
        }
    }

    pub fn config(&self) -> &SimulationConfig {
        &self.config
    }

    /// A cluster's state as the simulation keeps it (read only; calls change it), by name or
    /// ARN: for Rust code that inspects a simulation without going through JSON.
    pub fn cluster(&self, reference: &str) -> Option<&crate::cluster::Cluster> {
        self.ecs.cluster(reference)
    }

    /// The virtual clock, in seconds since the Unix epoch.
    pub fn now(&self) -> f64 {
        self.now
    }

    /// `digits` random lowercase hex digits, for ids such as container instance ids.
    fn random_hex(&mut self, digits: usize) -> String {
        let mut out = String::with_capacity(digits);
        while out.len() < digits {
            out.push_str(&format!("{:016x}", self.rng.next_u64()));
        }
        out.truncate(digits);
        out
    }

    /// Runs the virtual clock forward by `seconds`, with everything that falls due on the way.
    pub fn advance(&mut self, seconds: f64) -> Result<(), EcsimError> {
        if !(seconds.is_finite() && seconds >= 0.0) {
            return Err(EcsimError::invalid_parameter(format!(
                "seconds must be a finite number >= 0, got {seconds}."
            )));
        }
        self.run_until(self.now + seconds)
    }

    /// Runs the virtual clock to `time` (seconds since the Unix epoch, not before `now`).
    pub fn run_until(&mut self, time: f64) -> Result<(), EcsimError> {
        if !(time.is_finite() && time >= self.now) {
            return Err(EcsimError::invalid_parameter(format!(
                "time must be a finite number of seconds since the epoch, not before now ({}), got {time}.",
                self.now
            )));
        }
        self.journal.push(snapshot::Entry::RunUntil(time));
        self.guarded_step(|sim| {
            sim.run_due(time);
            Ok(())
        })
    }

    /// Takes every event due by `until` in time order, the clock at each event's time, and leaves
    /// the clock at `until`.
    fn run_due(&mut self, until: f64) {
        self.queue_due_steps();
        self.schedule_services();
        while let Some((at, event)) = self.clock.pop_due(until) {
            self.now = self.now.max(at);
            match event {
                clock::Event::TaskStep { cluster, position } => {
                    self.ecs.task_step(&cluster, position, at);
                }
                clock::Event::RuleFires { rule, generation } => {
                    events::fire(self, &rule, generation);
                }
            }
            self.queue_due_steps();
            // The scheduler looks once the events of this moment are all in.
            if self.clock.next_at().is_none_or(|next| next > at) {
                self.schedule_services();
            }
        }
        self.now = self.now.max(until);
    }

    /// The service scheduler's look at this moment, repeated while it acts (a task it stops at
    /// once frees room for the next round) up to a bound.
    fn schedule_services(&mut self) {
        const ROUNDS: usize = 64;
        for _ in 0..ROUNDS {
            let before = self.ecs.service_activity();
            ecs::reconcile_services(self);
            self.queue_due_steps();
            if self.ecs.service_activity() == before {
                break;
            }
        }
    }

    /// Puts the task steps that calls and events noted on the clock's queue.
    fn queue_due_steps(&mut self) {
        for (cluster, at, position) in self.ecs.take_due() {
            self.clock
                .schedule(at, clock::Event::TaskStep { cluster, position });
        }
    }

    /// Checks that `service` is one ecsim simulates (what `client(service)` does first).
    pub fn check_service(service: &str) -> Result<(), EcsimError> {
        if SERVICES.contains(&service) {
            return Ok(());
        }
        Err(EcsimError::new(
            ErrorCode::UnknownServiceError,
            format!(
                "Unknown service: '{service}'. Valid service names are: {}",
                SERVICES.join(", ")
            ),
        ))
    }

    /// One API call: `action` is the AWS operation name (`RegisterTaskDefinition`).
    pub fn call(&mut self, service: &str, action: &str, input: Value) -> Result<Value, EcsimError> {
        if self.poisoned {
            return Err(EcsimError::new(
                ErrorCode::InternalError,
                "This simulation stopped at an earlier internal error; create a new one.",
            ));
        }
        Self::check_service(service)?;
        self.journal.push(snapshot::Entry::Call {
            service: service.to_string(),
            action: action.to_string(),
            input: input.clone(),
        });
        self.guarded_step(|sim| {
            let output = match service {
                "ecs" => ecs::dispatch(sim, action, input),
                "ecsim" => ecs::dispatch_extension(sim, action, input),
                "elbv2" => elbv2::dispatch(sim, action, input),
                "events" => events::dispatch(sim, action, input),
                _ => Err(EcsimError::new(
                    ErrorCode::UnknownServiceError,
                    service.to_string(),
                )),
            }?;
            // What the call made due now (steps that take no time) happens before it returns.
            sim.run_due(sim.now);
            Ok(output)
        })
    }

    /// Runs `step` with panics turned into InternalError, after which the simulation refuses
    /// further calls (its state may be half-changed).
    fn guarded_step<T>(
        &mut self,
        step: impl FnOnce(&mut Self) -> Result<T, EcsimError>,
    ) -> Result<T, EcsimError> {
        if self.poisoned {
            return Err(EcsimError::new(
                ErrorCode::InternalError,
                "This simulation stopped at an earlier internal error; create a new one.",
            ));
        }
        let result = guarded(|| step(self));
        if matches!(&result, Err(error) if error.code == ErrorCode::InternalError) {
            self.poisoned = true;
        }
        result
    }
}

impl Default for Simulation {
    fn default() -> Self {
        Simulation::new(SimulationConfig::default())
    }
}

/// Reads an action's input into its request type, reporting a malformed input as AWS does.
pub(crate) fn parse_input<T: serde::de::DeserializeOwned>(
    action: &str,
    input: Value,
) -> Result<T, EcsimError> {
    serde_json::from_value(input).map_err(|error| {
        EcsimError::invalid_parameter(format!("Invalid input for {action}: {error}"))
    })
}
