//! ecsim-core: a local, exact and fast model of the Amazon ECS control plane.
//!
//! Everything ecsim does lives here; the Python, Node and WASM bindings only convert values
//! and map errors. Inputs and outputs are the AWS APIs' own shapes (`serde_json::Value` at the
//! edges, generated serde types inside), failures are [`EcsimError`]s named after AWS's errors,
//! and validation findings are [`Diagnostic`]s.
#![forbid(unsafe_code)]

pub mod api;
pub mod diagnostics;
pub mod error;
#[rustfmt::skip]
mod error_code;
pub mod guard;
pub mod sim;
pub mod taskdef;

pub use diagnostics::{Diagnostic, Severity};
pub use error::{EcsimError, ErrorCode};
pub use sim::{Simulation, SimulationConfig};
pub use taskdef::{
    validate_task_definition, validate_task_definition_with, InputShape, ValidationOptions,
};
pub use template::{report::Format, validate_template, validate_template_text, TemplateReport};
pub mod template;

/// Every rule ecsim can report, in code order.
pub fn rules() -> Vec<&'static diagnostics::Rule> {
    let mut rules = taskdef::rules::all();
    rules.extend(template::RULES);
    rules.sort_by_key(|rule| rule.code);
    rules
}
pub mod cluster;
pub mod placement;
pub mod query;
pub mod scaling;
pub mod schedule;
