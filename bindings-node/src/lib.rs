//! The napi-rs glue of the `ecsim` npm package: converts JS values to and from the core's JSON
//! values. Failed calls come back as data (`{ error }`), and `lib/api.js` throws them as typed
//! errors, the same way for this module and for the WASM bundle.

use ecsim_core::guard::{guarded, panic_probe};
use ecsim_core::sim::budget::within_budget;
use ecsim_core::{EcsimError, ErrorCode, SimulationConfig, ValidationOptions};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;
use std::sync::{Arc, Mutex, MutexGuard};

/// One finding about an input.
#[napi(object)]
pub struct Diagnostic {
    /// The rule's stable code, e.g. `TD301`.
    pub code: String,
    #[napi(ts_type = "'error' | 'warning' | 'security'")]
    pub severity: String,
    /// A JSON path into the input, e.g. `$.containerDefinitions[0].portMappings[1].hostPort`.
    pub path: String,
    pub message: String,
    pub help: Option<String>,
    /// The fix as an edit an editor can apply.
    #[napi(
        ts_type = "{ kind: 'set' | 'remove' | 'rename'; title: string; path: string; value?: unknown; to?: string }"
    )]
    pub fix: Option<Value>,
}

/// A failed call, as data: `code` is the AWS error name.
#[napi(object)]
pub struct CallError {
    pub code: String,
    pub message: String,
    pub diagnostics: Vec<Diagnostic>,
}

/// The outcome of a call: exactly one of `output`, `output_json` and `error` is set.
#[napi(object)]
pub struct CallResult {
    pub output: Option<Value>,
    /// A simulation call's answer as JSON text: `JSON.parse` builds it several times faster
    /// than objects converted member by member.
    pub output_json: Option<String>,
    pub error: Option<CallError>,
}

fn diagnostics(found: Vec<ecsim_core::Diagnostic>) -> Vec<Diagnostic> {
    found
        .into_iter()
        .map(|d| Diagnostic {
            code: d.code,
            severity: d.severity.as_str().to_string(),
            path: d.path,
            message: d.message,
            help: d.help,
            fix: d.fix.and_then(|fix| serde_json::to_value(fix).ok()),
        })
        .collect()
}

fn outcome(result: std::result::Result<Value, EcsimError>) -> CallResult {
    match result {
        Ok(output) => CallResult {
            output: Some(output),
            output_json: None,
            error: None,
        },
        Err(error) => CallResult {
            output: None,
            output_json: None,
            error: Some(CallError {
                code: error.code.as_str().to_string(),
                message: error.message,
                diagnostics: diagnostics(error.diagnostics),
            }),
        },
    }
}

/// Which findings to report: warnings (default true), security (default false), rule codes to ignore.
#[napi(object, js_name = "ValidationOptions")]
pub struct ValidationOptionsJs {
    pub warnings: Option<bool>,
    pub security: Option<bool>,
    pub ignore: Option<Vec<String>>,
    /// The input's shape; `auto` (default) reads PascalCase top-level members as CloudFormation.
    #[napi(ts_type = "'auto' | 'api' | 'cloudformation'")]
    pub shape: Option<String>,
    /// Templates: also run the template's ECS world in a simulation (the SIM rules). Default off.
    pub simulate: Option<bool>,
    /// With `simulate`: seconds the simulation's clock runs before the services are examined (900).
    pub simulate_seconds: Option<f64>,
}

/// The outcome of a validation: `diagnostics`, or `error` if ecsim itself failed.
#[napi(object)]
pub struct ValidationResult {
    pub diagnostics: Option<Vec<Diagnostic>>,
    pub error: Option<CallError>,
}

/// Validates a task definition (RegisterTaskDefinition input shape), given as JSON text.
#[napi(ts_args_type = "taskDefinitionJson: string, options?: ValidationOptions")]
pub fn validate_task_definition(
    task_definition_json: String,
    options: Option<Value>,
) -> ValidationResult {
    let found = guarded(|| {
        let options = options_from(options)?;
        let input = ecsim_core::api::parse_json(&task_definition_json)?;
        Ok(ecsim_core::validate_task_definition_with(&input, &options))
    });
    match found {
        Ok(found) => ValidationResult {
            diagnostics: Some(diagnostics(found)),
            error: None,
        },
        Err(error) => ValidationResult {
            diagnostics: None,
            error: outcome(Err(error)).error,
        },
    }
}

/// Validates a task definition given as JSON text (an editor's buffer): each finding carries
/// the line and column of its path.
#[napi(ts_args_type = "text: string, options?: ValidationOptions")]
pub fn validate_task_definition_text(text: String, options: Option<Value>) -> CallResult {
    outcome(guarded(|| {
        let options = options_from(options)?;
        let found = ecsim_core::template::validate_task_definition_text(&text, &options)?;
        Ok(serde_json::to_value(found).unwrap_or_default())
    }))
}

/// The AWS error names a call can fail with (each becomes an error class in `lib/api.js`).
/// The EC2 instance types of the catalog, with what ECS registers for each.
#[napi(
    ts_return_type = "{ name: string; vcpus: number; memoryMiB: number; maxEnis: number; gpus: number; architecture: 'x86_64' | 'arm64'; registeredCpu: number; registeredMemory: number }[]"
)]
pub fn instance_types() -> Value {
    ecsim_core::cluster::catalog::catalog_json()
}

/// Every rule ecsim reports, in code order.
#[napi(
    ts_return_type = "{ code: string; name: string; severity: 'error' | 'warning' | 'security'; summary: string; why: string; source: string }[]"
)]
pub fn rules() -> Value {
    ecsim_core::rules_json()
}

/// A scaling math function (the JS `math`): its name and its arguments as JSON text.
#[napi(ts_args_type = "name: string, inputJson: string")]
pub fn math(name: String, input_json: String) -> CallResult {
    outcome(
        ecsim_core::api::parse_json(&input_json)
            .and_then(|input| ecsim_core::scaling::call(&name, input)),
    )
}

/// The simulated services as the core's registry has them (for the drift tests).
#[napi(ts_return_type = "{ name: string; operations: string[]; errors: string[] }[]")]
pub fn services() -> Value {
    ecsim_core::sim::services_as_json()
}

#[napi]
pub fn error_codes() -> Vec<String> {
    ecsim_core::ErrorCode::ALL
        .iter()
        .map(|code| code.as_str().to_string())
        .collect()
}

fn options_from(options: Option<Value>) -> std::result::Result<ValidationOptions, EcsimError> {
    options.map_or_else(
        || Ok(ValidationOptions::default()),
        |value| {
            ValidationOptions::from_json(value)
                .map_err(|e| EcsimError::invalid_parameter(format!("validation options: {e}")))
        },
    )
}

/// Validates every AWS::ECS::TaskDefinition of a template: JSON or YAML text, or a parsed object.
#[napi(ts_args_type = "template: string | object, options?: ValidationOptions")]
pub fn validate_template(template: Value, options: Option<Value>) -> CallResult {
    outcome(guarded(|| {
        let options = options_from(options)?;
        let report = ecsim_core::validate_template_value(&template, &options);
        serde_json::to_value(report)
            .map_err(|e| EcsimError::new(ErrorCode::InternalError, e.to_string()))
    }))
}

/// Renders a template report as "text", "json" or "sarif".
#[napi(ts_args_type = "report: object, format: string, filename: string")]
pub fn format_report(report: Value, format: String, filename: String) -> CallResult {
    outcome(guarded(|| {
        ecsim_core::template::report::render_value(report, &format, &filename).map(Value::String)
    }))
}

/// Panics inside the core on purpose, to prove that the panic guard holds.
#[napi(js_name = "_panicProbe")]
pub fn panic_probe_js() -> CallResult {
    outcome(guarded(panic_probe).map(|()| Value::Null))
}

/// One simulated region with a virtual clock (the native half of `Simulation`).
#[napi(js_name = "NativeSimulation")]
pub struct NativeSimulation {
    /// Shared with the DNS server (`serveDns`), which answers from it between calls.
    inner: Arc<Mutex<ecsim_core::Simulation>>,
}

impl NativeSimulation {
    fn sim(&self) -> MutexGuard<'_, ecsim_core::Simulation> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[napi]
impl NativeSimulation {
    /// Fails with `{ error }` semantics by throwing only for a malformed config object.
    #[napi(constructor, ts_args_type = "config?: object")]
    pub fn new(config: Option<Value>) -> Result<Self> {
        let config: SimulationConfig = match config {
            Some(value) => ecsim_core::api::input::read_options(value)
                .map_err(|e| Error::new(Status::InvalidArg, format!("Simulation config: {e}")))?,
            None => SimulationConfig::default(),
        };
        Ok(NativeSimulation {
            inner: Arc::new(Mutex::new(ecsim_core::Simulation::new(config))),
        })
    }

    #[napi(getter)]
    pub fn seed(&self) -> f64 {
        // JS numbers hold integers exactly up to 2^53; seeds beyond that are rounded for display.
        self.sim().config().seed as f64
    }

    #[napi(getter)]
    pub fn now(&self) -> f64 {
        self.sim().now()
    }

    #[napi]
    pub fn advance(&mut self, seconds: f64) -> CallResult {
        outcome(self.sim().advance(seconds).map(|()| Value::Null))
    }

    #[napi]
    pub fn run_until(&mut self, time: f64) -> CallResult {
        outcome(self.sim().run_until(time).map(|()| Value::Null))
    }

    /// Runs the clock toward `time` for about `budgetMs` of wall time at most (stopping between
    /// two moments); answers whether it got there.
    #[napi]
    pub fn run_until_for(&mut self, time: f64, budget_ms: f64) -> CallResult {
        let started = std::time::Instant::now();
        let mut keep_going = within_budget(budget_ms, || started.elapsed().as_secs_f64() * 1000.0);
        outcome(
            self.sim()
                .run_until_while(time, &mut keep_going)
                .map(Value::Bool),
        )
    }

    #[napi]
    pub fn snapshot(&self) -> CallResult {
        outcome(self.sim().snapshot())
    }

    /// Replaces this simulation with the one `snapshot` was taken of (the JS `Simulation.restore`).
    #[napi]
    pub fn restore(&mut self, snapshot: Value) -> CallResult {
        outcome(
            guarded(|| ecsim_core::Simulation::restore(snapshot)).map(|restored| {
                *self.sim() = restored;
                Value::Null
            }),
        )
    }

    /// Replaces this simulation with the one a scenario builds; the output is each step's answer
    /// (the JS `Simulation.fromScenario`).
    #[napi]
    pub fn load_scenario(&mut self, scenario: Value) -> CallResult {
        outcome(
            guarded(|| ecsim_core::Simulation::from_scenario(scenario)).map(|loaded| {
                *self.sim() = loaded.simulation;
                Value::Array(loaded.outputs)
            }),
        )
    }

    /// Makes this simulation an independent copy of `other` (the JS `Simulation.fork`).
    #[napi]
    pub fn fork_from(&mut self, other: &NativeSimulation) -> CallResult {
        let forked = other.sim().fork();
        outcome(forked.map(|forked| {
            *self.sim() = forked;
            Value::Null
        }))
    }

    /// A DNS server on 127.0.0.1:`port` (0: a free one) over this simulation's Cloud Map
    /// registry (the JS `serveDns`).
    #[napi]
    pub fn serve_dns(&self, port: u32) -> Result<NativeDnsServer> {
        let port = u16::try_from(port).map_err(|_| {
            Error::new(
                Status::InvalidArg,
                format!("serveDns: port {port} is not a port"),
            )
        })?;
        let shared = Arc::clone(&self.inner);
        let resolve = move |name: &str, query| {
            let simulation = shared.lock().unwrap_or_else(|p| p.into_inner());
            simulation.resolve_dns(name, query)
        };
        let server = ecsim_dns::DnsServer::start(port, Arc::new(resolve)).map_err(|e| {
            Error::new(
                Status::GenericFailure,
                format!("serveDns: cannot listen on 127.0.0.1:{port}: {e}"),
            )
        })?;
        Ok(NativeDnsServer { server })
    }

    #[napi]
    pub fn check_service(&self, service: String) -> CallResult {
        outcome(ecsim_core::Simulation::check_service(&service).map(|()| Value::Null))
    }

    /// One call; the input comes as JSON text (`lib/api.js` writes it, refusing what JSON
    /// cannot hold), which crosses faster than an object walked member by member and whose
    /// nesting serde_json bounds.
    #[napi(ts_args_type = "service: string, action: string, inputJson: string")]
    pub fn call(&mut self, service: String, action: String, input_json: String) -> CallResult {
        match ecsim_core::api::parse_json(&input_json)
            .and_then(|input| self.sim().call_text(&service, &action, input))
        {
            Ok(text) => CallResult {
                output: None,
                output_json: Some(text),
                error: None,
            },
            Err(error) => outcome(Err(error)),
        }
    }
}

/// A running DNS server (the native half of what `serveDns` returns).
#[napi(js_name = "NativeDnsServer")]
pub struct NativeDnsServer {
    server: ecsim_dns::DnsServer,
}

#[napi]
impl NativeDnsServer {
    /// The port it answers on, UDP and TCP.
    #[napi(getter)]
    pub fn port(&self) -> u32 {
        u32::from(self.server.port())
    }

    /// Stops answering and frees the port.
    #[napi]
    pub fn stop(&mut self) {
        self.server.stop();
    }
}
