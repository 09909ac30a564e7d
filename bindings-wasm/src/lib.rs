//! The wasm-bindgen glue of the browser bundle: the same surface and the same `{ output } |
//! { error }` results as the napi module, so `bindings-node/lib/api.js` drives both.

use ecsim_core::guard::{guarded, panic_probe};
use ecsim_core::sim::budget::within_budget;
use ecsim_core::{EcsimError, SimulationConfig, ValidationOptions};
use serde::Serialize;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The host's wall clock in milliseconds, for time budgets (the core never reads one).
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    fn date_now() -> f64;
}

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
export interface Diagnostic {
  code: string;
  severity: 'error' | 'warning' | 'security';
  path: string;
  message: string;
  help?: string;
  fix?: { kind: 'set' | 'remove' | 'rename'; title: string; path: string; value?: unknown; to?: string };
}
export interface LocatedDiagnostic extends Diagnostic { line?: number; column?: number }
export interface CallError { code: string; message: string; diagnostics: Diagnostic[] }
export interface CallResult { output?: unknown; outputJson?: string; error?: CallError }
export interface ValidationOptions { warnings?: boolean; security?: boolean; ignore?: string[]; shape?: 'auto' | 'api' | 'cloudformation' }
export interface ValidationResult { diagnostics?: Diagnostic[]; error?: CallError }
export interface InstanceTypeInfo {
  name: string; vcpus: number; memoryMiB: number; maxEnis: number; gpus: number;
  architecture: 'x86_64' | 'arm64'; registeredCpu: number; registeredMemory: number;
}
"#;

fn to_js(value: &Value) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::NULL)
}

/// A JS value as JSON, bounded (`ecsim_core::api::input`): too deep, NaN, infinite or
/// unrepresentable values are refused naming where.
fn from_js(value: JsValue) -> Result<Value, EcsimError> {
    use ecsim_core::api::input::{read_input, InputError};
    read_input(serde_wasm_bindgen::Deserializer::from(value)).map_err(|e| match e {
        InputError::Refused(error) => error,
        InputError::NotJsonLike(why) => {
            EcsimError::invalid_parameter(format!("not a JSON-like value: {why}"))
        }
    })
}

fn outcome(result: Result<Value, EcsimError>) -> JsValue {
    to_js(&match result {
        Ok(output) => json!({ "output": output }),
        Err(error) => json!({ "error": error }),
    })
}

/// Validates a task definition (RegisterTaskDefinition input shape), given as JSON text.
#[wasm_bindgen(js_name = validateTaskDefinition, unchecked_return_type = "ValidationResult")]
pub fn validate_task_definition(
    task_definition_json: String,
    #[wasm_bindgen(unchecked_param_type = "ValidationOptions | undefined")] options: JsValue,
) -> JsValue {
    let found = guarded(|| {
        let options = options_from(options)?;
        let input = ecsim_core::api::parse_json(&task_definition_json)?;
        Ok(ecsim_core::validate_task_definition_with(&input, &options))
    });
    to_js(&match found {
        Ok(diagnostics) => json!({ "diagnostics": diagnostics }),
        Err(error) => json!({ "error": error }),
    })
}

/// Validates a task definition given as JSON text (an editor's buffer): each finding carries
/// the line and column of its path.
#[wasm_bindgen(js_name = validateTaskDefinitionText, unchecked_return_type = "CallResult")]
pub fn validate_task_definition_text(
    text: String,
    #[wasm_bindgen(unchecked_param_type = "ValidationOptions | undefined")] options: JsValue,
) -> JsValue {
    outcome(guarded(|| {
        let options = options_from(options)?;
        let found = ecsim_core::template::validate_task_definition_text(&text, &options)?;
        Ok(serde_json::to_value(found).unwrap_or_default())
    }))
}

/// The AWS error names a call can fail with (each becomes an error class in `lib/api.js`).
/// The simulated services as the core's registry has them (for the drift tests).
#[wasm_bindgen(
    unchecked_return_type = "{ name: string; operations: string[]; errors: string[] }[]"
)]
pub fn services() -> JsValue {
    to_js(&ecsim_core::sim::services_as_json())
}

/// Installs the time zone database this bundle leaves out (`tzdb.bin`, written by
/// `cargo run -p ecsim-core --example tzdb_bundle`); the output is the number of zones.
#[wasm_bindgen(js_name = installTimeZones, unchecked_return_type = "CallResult")]
pub fn install_time_zones(bundle: &[u8]) -> JsValue {
    outcome(
        guarded(|| ecsim_core::schedule::zones::install_time_zones(bundle))
            .map(|count| Value::from(count as u64)),
    )
}

/// The EC2 instance types of the catalog, with what ECS registers for each.
#[wasm_bindgen(js_name = instanceTypes, unchecked_return_type = "InstanceTypeInfo[]")]
pub fn instance_types() -> JsValue {
    to_js(&ecsim_core::cluster::catalog::catalog_json())
}

/// Every rule ecsim reports, in code order.
#[wasm_bindgen(unchecked_return_type = "RuleInfo[]")]
pub fn rules() -> JsValue {
    to_js(&ecsim_core::rules_json())
}

/// A scaling math function (the JS `math`): its name and its arguments as JSON text.
#[wasm_bindgen(unchecked_return_type = "CallResult")]
pub fn math(name: String, input_json: String) -> JsValue {
    outcome(
        ecsim_core::api::parse_json(&input_json)
            .and_then(|input| ecsim_core::scaling::call(&name, input)),
    )
}

#[wasm_bindgen(js_name = errorCodes)]
pub fn error_codes() -> Vec<String> {
    ecsim_core::ErrorCode::ALL
        .iter()
        .map(|code| code.as_str().to_string())
        .collect()
}

/// Validates every AWS::ECS::TaskDefinition of a template: JSON or YAML text, or a parsed object.
#[wasm_bindgen(js_name = validateTemplate, unchecked_return_type = "CallResult")]
pub fn validate_template(
    #[wasm_bindgen(unchecked_param_type = "string | object")] template: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ValidationOptions | undefined")] options: JsValue,
) -> JsValue {
    outcome(guarded(|| {
        let options = options_from(options)?;
        let report = ecsim_core::validate_template_value(&from_js(template)?, &options);
        serde_json::to_value(report)
            .map_err(|e| EcsimError::new(ecsim_core::ErrorCode::InternalError, e.to_string()))
    }))
}

/// Renders a template report as "text", "json" or "sarif".
#[wasm_bindgen(js_name = formatReport, unchecked_return_type = "CallResult")]
pub fn format_report(
    #[wasm_bindgen(unchecked_param_type = "object")] report: JsValue,
    format: String,
    filename: String,
) -> JsValue {
    outcome(from_js(report).and_then(|report| {
        guarded(|| {
            ecsim_core::template::report::render_value(report, &format, &filename)
                .map(Value::String)
        })
    }))
}

fn options_from(options: JsValue) -> Result<ValidationOptions, EcsimError> {
    if options.is_undefined() || options.is_null() {
        return Ok(ValidationOptions::default());
    }
    ValidationOptions::from_json(from_js(options)?)
        .map_err(|e| EcsimError::invalid_parameter(format!("validation options: {e}")))
}

/// Panics inside the core on purpose; on wasm32 this traps and JS sees a RuntimeError.
#[wasm_bindgen(js_name = _panicProbe, unchecked_return_type = "CallResult")]
pub fn panic_probe_js() -> JsValue {
    outcome(guarded(panic_probe).map(|()| Value::Null))
}

/// One simulated region with a virtual clock (the native half of `Simulation`).
#[wasm_bindgen]
pub struct NativeSimulation {
    inner: ecsim_core::Simulation,
}

#[wasm_bindgen]
impl NativeSimulation {
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "object | undefined")] config: JsValue,
    ) -> Result<NativeSimulation, JsError> {
        let config: SimulationConfig = if config.is_undefined() || config.is_null() {
            SimulationConfig::default()
        } else {
            // Through a JSON value: serde-wasm-bindgen reads only a struct's known members, and
            // a misspelt member must be refused, as in the other bindings.
            from_js(config)
                .and_then(|value| {
                    ecsim_core::api::input::read_options(value).map_err(|e| {
                        ecsim_core::EcsimError::invalid_parameter(format!("Simulation config: {e}"))
                    })
                })
                .map_err(|e| JsError::new(&e.message))?
        };
        Ok(NativeSimulation {
            inner: ecsim_core::Simulation::new(config),
        })
    }

    #[wasm_bindgen(getter)]
    pub fn seed(&self) -> f64 {
        self.inner.config().seed as f64
    }

    #[wasm_bindgen(getter)]
    pub fn now(&self) -> f64 {
        self.inner.now()
    }

    #[wasm_bindgen(unchecked_return_type = "CallResult")]
    pub fn advance(&mut self, seconds: f64) -> JsValue {
        outcome(self.inner.advance(seconds).map(|()| Value::Null))
    }

    #[wasm_bindgen(js_name = runUntil, unchecked_return_type = "CallResult")]
    pub fn run_until(&mut self, time: f64) -> JsValue {
        outcome(self.inner.run_until(time).map(|()| Value::Null))
    }

    /// Runs the clock toward `time` for about `budgetMs` of wall time at most (stopping between
    /// two moments); answers whether it got there.
    #[wasm_bindgen(js_name = runUntilFor, unchecked_return_type = "CallResult")]
    pub fn run_until_for(&mut self, time: f64, budget_ms: f64) -> JsValue {
        let mut keep_going = within_budget(budget_ms, date_now);
        outcome(
            self.inner
                .run_until_while(time, &mut keep_going)
                .map(Value::Bool),
        )
    }

    #[wasm_bindgen(unchecked_return_type = "CallResult")]
    pub fn snapshot(&self) -> JsValue {
        outcome(self.inner.snapshot())
    }

    /// Replaces this simulation with the one `snapshot` was taken of (the JS `Simulation.restore`).
    #[wasm_bindgen(unchecked_return_type = "CallResult")]
    pub fn restore(&mut self, snapshot: JsValue) -> JsValue {
        let restored = from_js(snapshot)
            .and_then(|snapshot| guarded(|| ecsim_core::Simulation::restore(snapshot)));
        outcome(restored.map(|restored| {
            self.inner = restored;
            Value::Null
        }))
    }

    /// Replaces this simulation with the one a scenario builds; the output is each step's answer
    /// (the JS `Simulation.fromScenario`).
    #[wasm_bindgen(js_name = loadScenario, unchecked_return_type = "CallResult")]
    pub fn load_scenario(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "unknown")] scenario: JsValue,
    ) -> JsValue {
        let loaded = from_js(scenario)
            .and_then(|scenario| guarded(|| ecsim_core::Simulation::from_scenario(scenario)));
        outcome(loaded.map(|loaded| {
            self.inner = loaded.simulation;
            Value::Array(loaded.outputs)
        }))
    }

    /// Makes this simulation an independent copy of `other` (the JS `Simulation.fork`).
    #[wasm_bindgen(js_name = forkFrom, unchecked_return_type = "CallResult")]
    pub fn fork_from(&mut self, other: &NativeSimulation) -> JsValue {
        outcome(other.inner.fork().map(|forked| {
            self.inner = forked;
            Value::Null
        }))
    }

    #[wasm_bindgen(js_name = checkService, unchecked_return_type = "CallResult")]
    pub fn check_service(&self, service: String) -> JsValue {
        outcome(ecsim_core::Simulation::check_service(&service).map(|()| Value::Null))
    }

    /// One call; the input comes as JSON text (`lib/api.js` writes it, refusing what JSON
    /// cannot hold), which crosses faster than an object walked member by member.
    #[wasm_bindgen(unchecked_return_type = "CallResult")]
    pub fn call(&mut self, service: String, action: String, input_json: String) -> JsValue {
        // The answer as JSON text: `JSON.parse` builds it faster than objects made member by
        // member.
        match ecsim_core::api::parse_json(&input_json)
            .and_then(|input| self.inner.call_text(&service, &action, input))
        {
            Ok(text) => to_js(&json!({ "outputJson": text })),
            Err(error) => outcome(Err(error)),
        }
    }
}
