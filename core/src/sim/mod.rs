//! The simulated region: one state on one virtual clock, driven by AWS-shaped calls.
//!
//! `call(service, action, input)` takes and returns the AWS API's JSON shapes; the bindings turn
//! `sim.client("ecs").register_task_definition(...)` (Python) or `registerTaskDefinition(...)`
//! (JS) into it. JSON exists only here: the generated operation table (`registry.rs`) checks
//! the input against the action's shape, reads it into the request type and calls the typed
//! handler in the service's folder. A call that fails leaves the state exactly as it was.

mod application_autoscaling;
pub mod arn;
mod autoscaling;
pub mod budget;
mod clock;
mod cloudwatch;
pub mod config;
mod ec2;
mod ecs;
mod ecsim;
mod elbv2;
mod events;
mod fnv;
mod paging;
#[rustfmt::skip]
mod registry;
mod request;
pub use request::Answer;
pub mod scenario;
mod servicediscovery;
mod snapshot;
#[cfg(feature = "answer-serializers")]
pub mod tape;
pub mod template_world;
pub(crate) mod world;

/// What DNS answers for Cloud Map's DNS namespaces (`Simulation::resolve_dns`).
pub use servicediscovery::resolve as dns;

pub use config::SimulationConfig;
pub use ecs::quotas;
pub use ecsim::subnets;
pub(crate) use world::World;

use crate::api::shape::Operation;
use crate::error::{EcsimError, ErrorCode};
use crate::guard::guarded;
use serde_json::Value;
use std::sync::Arc;

/// One simulated AWS service, as the generated registry describes it.
pub struct Service {
    /// Its boto3 client name (`ecs`, `elbv2`, `events`, `ecsim`).
    pub name: &'static str,
    /// The actions ecsim implements, with their request shapes.
    pub operations: &'static [Operation],
    /// Every error its client knows (`client.exceptions` in Python).
    pub errors: &'static [ErrorCode],
    /// The error a malformed request is answered with.
    pub validation_error: ErrorCode,
    /// Runs one of its actions; `None` when it has no such action.
    pub(crate) dispatch: fn(&mut World, &str, Value) -> Option<Result<request::Answer, EcsimError>>,
}

/// Every simulated service, in registry order.
pub fn services() -> &'static [Service] {
    registry::SERVICES
}

/// The registry as data, for the bindings' drift tests: `[{"name", "operations", "errors"}]`
/// (operations by AWS name, errors by AWS error name).
pub fn services_as_json() -> Value {
    let services: Vec<Value> = services()
        .iter()
        .map(|service| {
            serde_json::json!({
                "name": service.name,
                "operations": service.operations.iter().map(|o| o.name).collect::<Vec<_>>(),
                "errors": service.errors.iter().map(|e| e.as_str()).collect::<Vec<_>>(),
            })
        })
        .collect();
    Value::Array(services)
}

/// An action's request shape as data: `{"shape", "members": [{"name", "type", "required"}]}`,
/// `type` as the messages word it ("a string", "an integer", …); for the bindings' tests and
/// for users who look an action up.
pub fn operation_input(service: &str, action: &str) -> Result<Value, EcsimError> {
    let found = self::service(service)?;
    let operation = found
        .operations
        .iter()
        .find(|o| o.name == action)
        .ok_or_else(|| unknown_action(service, action))?;
    let members: Vec<Value> = match &operation.input.kind {
        crate::api::shape::Kind::Structure(members) => members
            .iter()
            .map(|m| {
                serde_json::json!({"name": m.name, "type": m.shape.kind.expected(), "required": m.required})
            })
            .collect(),
        _ => Vec::new(),
    };
    Ok(serde_json::json!({ "shape": operation.input.name, "members": members }))
}

/// The error for an action a service does not have (as AWS's JSON protocol names it).
fn unknown_action(service: &str, action: &str) -> EcsimError {
    EcsimError::new(
        ErrorCode::UnknownOperationException,
        format!("{service} has no action '{action}'."),
    )
}

/// The simulated service of that client name.
pub fn service(name: &str) -> Result<&'static Service, EcsimError> {
    services()
        .iter()
        .find(|service| service.name == name)
        .ok_or_else(|| {
            let names: Vec<&str> = services().iter().map(|s| s.name).collect();
            EcsimError::new(
                ErrorCode::UnknownServiceError,
                format!(
                    "Unknown service: '{name}'. Valid service names are: {}",
                    names.join(", ")
                ),
            )
        })
}

/// Actions that only read the simulation (AWS's Describe, List, Get and Discover verbs, and
/// ecsim's NextFireTimes and ResolveDns): a replay does not need them.
fn reads_only(action: &str) -> bool {
    ["Describe", "List", "Get", "Discover"]
        .iter()
        .any(|verb| action.starts_with(verb))
        || action == "NextFireTimes"
        || action == "ResolveDns"
        || action == "TestEventPattern"
}

/// A simulation: the world (services, clock, RNG), the journal of what was done to it, and
/// whether an internal error stopped it. Cloning it is `fork`.
#[derive(Clone)]
pub struct Simulation {
    world: World,
    /// Every call and clock move, for snapshots; shared between forks until they diverge.
    journal: Vec<Arc<snapshot::Entry>>,
    /// Set when a call panicked: the state may be half-changed, so later calls refuse.
    poisoned: bool,
}

impl Simulation {
    pub fn new(config: SimulationConfig) -> Self {
        Simulation {
            world: World::new(config),
            journal: Vec::new(),
            poisoned: false,
        }
    }

    pub fn config(&self) -> &SimulationConfig {
        &self.world.config
    }

    /// A cluster's state as the simulation keeps it (read only; calls change it), by name or
    /// ARN: for Rust code that inspects a simulation without going through JSON.
    pub fn cluster(&self, reference: &str) -> Option<&crate::cluster::Cluster> {
        self.world.ecs.cluster(reference)
    }

    /// For the property tests: whether every cluster's kept placement index, brought up to date
    /// (as the next RunTask would), is what a new index would be. Changes no answer.
    #[doc(hidden)]
    pub fn placement_indexes_are_current(&mut self) -> bool {
        self.world.ecs.clusters_mut().all(|cluster| {
            let Some(kept) = cluster
                .placement_index
                .as_ref()
                .map(|c| c.request().clone())
            else {
                return true;
            };
            let synced = cluster.take_placement_index(&kept);
            let current = synced
                .as_ref()
                .is_some_and(|index| index.is_current(&cluster.instances));
            cluster.placement_index = synced;
            current
        })
    }

    /// The virtual clock, in seconds since the Unix epoch.
    pub fn now(&self) -> f64 {
        self.world.now
    }

    /// An independent simulation in the same state: the same clock, RNG position and journal.
    /// Given the same calls, its future is the original's; given others, it goes its own way.
    pub fn fork(&self) -> Result<Simulation, EcsimError> {
        self.refuse_if_poisoned()?;
        Ok(self.clone())
    }

    /// What Cloud Map's DNS namespaces answer now for `name` and `query` (the DNS servers of the
    /// bindings ask this).
    pub fn resolve_dns(&self, name: &str, query: dns::QueryType) -> dns::Answer {
        dns::resolve(
            &self.world.servicediscovery,
            self.world.config.seed,
            self.world.now,
            name,
            query,
        )
    }

    /// Runs the virtual clock forward by `seconds`, with everything that falls due on the way.
    pub fn advance(&mut self, seconds: f64) -> Result<(), EcsimError> {
        self.advance_while(seconds, &mut || true).map(drop)
    }

    /// Runs the virtual clock to `time` (seconds since the Unix epoch, not before `now`).
    pub fn run_until(&mut self, time: f64) -> Result<(), EcsimError> {
        self.run_until_while(time, &mut || true).map(drop)
    }

    /// `advance`, asking `keep_going` between moments of the clock (a binding checks for Ctrl-C
    /// or its time budget there). Stopped, the clock stays at the last moment run, which the
    /// journal records, and this answers false.
    pub fn advance_while(
        &mut self,
        seconds: f64,
        keep_going: &mut dyn FnMut() -> bool,
    ) -> Result<bool, EcsimError> {
        if !(seconds.is_finite() && seconds >= 0.0) {
            return Err(EcsimError::invalid_parameter(format!(
                "seconds must be a finite number >= 0, got {seconds}."
            )));
        }
        let until = self.world.now + seconds;
        if !config::representable(until) {
            return Err(EcsimError::invalid_parameter(format!(
                "advancing {seconds} seconds would take the clock past 9999-12-30T22:00:00Z, the last time ecsim represents."
            )));
        }
        self.run_until_while(until, keep_going)
    }

    /// `run_until`, asking `keep_going` between moments, as `advance_while` does.
    pub fn run_until_while(
        &mut self,
        time: f64,
        keep_going: &mut dyn FnMut() -> bool,
    ) -> Result<bool, EcsimError> {
        if !(time.is_finite() && time >= self.world.now && config::representable(time)) {
            return Err(EcsimError::invalid_parameter(format!(
                "time must be seconds since the epoch, not before now ({}) and not past 9999-12-30T22:00:00Z ({}), got {time}.",
                self.world.now,
                config::LATEST_TIME
            )));
        }
        self.refuse_if_poisoned()?;
        let finished = self.guarded_step(|world| Ok(world.run_due_while(time, keep_going)))?;
        self.journal
            .push(Arc::new(snapshot::Entry::RunUntil(self.world.now)));
        Ok(finished)
    }

    /// Checks that `service` is one ecsim simulates (what `client(service)` does first).
    pub fn check_service(service: &str) -> Result<(), EcsimError> {
        self::service(service).map(drop)
    }

    /// One API call: `action` is the AWS operation name (`RegisterTaskDefinition`).
    pub fn call(&mut self, service: &str, action: &str, input: Value) -> Result<Value, EcsimError> {
        self.call_with(service, action, input, |answer| answer.value())
    }

    /// `call`, its answer as JSON text, written straight from the response (what the bindings
    /// hand their language's JSON parser: no `Value` is built on the way).
    pub fn call_text(
        &mut self,
        service: &str,
        action: &str,
        input: Value,
    ) -> Result<String, EcsimError> {
        self.call_with(service, action, input, |answer| answer.text())
    }

    /// `call`, its answer still typed: written as text, a value or (with the
    /// `answer-serializers` feature) a token tape, which the Python binding builds its objects
    /// from, with no JSON value between.
    pub fn call_answer(
        &mut self,
        service: &str,
        action: &str,
        input: Value,
    ) -> Result<Answer, EcsimError> {
        self.call_with(service, action, input, Ok)
    }

    fn call_with<T>(
        &mut self,
        service: &str,
        action: &str,
        input: Value,
        write: fn(Answer) -> Result<T, EcsimError>,
    ) -> Result<T, EcsimError> {
        self.refuse_if_poisoned()?;
        let service = self::service(service)?;
        // The journal keeps what a replay needs: calls that read, and calls that failed (a failed
        // call changes nothing, the RNG included), leave no trace, so a loop of Describe calls
        // does not grow a snapshot.
        let entry = (!reads_only(action)).then(|| snapshot::Entry::Call {
            service: service.name.to_string(),
            action: action.to_string(),
            input: input.clone(),
        });
        let result = self.guarded_step(|world| {
            let answer = (service.dispatch)(world, action, input)
                .unwrap_or_else(|| Err(unknown_action(service.name, action)))?;
            // What the call made due now (steps that take no time) happens before it returns.
            world.run_due(world.now);
            write(answer)
        });
        if let (Ok(_), Some(entry)) = (&result, entry) {
            self.journal.push(Arc::new(entry));
        }
        result
    }

    fn refuse_if_poisoned(&self) -> Result<(), EcsimError> {
        if self.poisoned {
            return Err(EcsimError::new(
                ErrorCode::InternalError,
                "This simulation stopped at an earlier internal error; create a new one.",
            ));
        }
        Ok(())
    }

    /// Runs `step` on the world with panics turned into InternalError, after which the
    /// simulation refuses further calls (its state may be half-changed).
    fn guarded_step<T>(
        &mut self,
        step: impl FnOnce(&mut World) -> Result<T, EcsimError>,
    ) -> Result<T, EcsimError> {
        let world = &mut self.world;
        let result = guarded(|| step(world));
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
