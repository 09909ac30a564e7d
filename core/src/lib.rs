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
pub mod pattern;
pub mod sim;
pub mod taskdef;

pub use diagnostics::{Diagnostic, Severity};
pub use error::{EcsimError, ErrorCode};
pub use sim::{Answer, Simulation, SimulationConfig};
pub use taskdef::{
    validate_task_definition, validate_task_definition_with, InputShape, ValidationOptions,
};
pub use template::{report::Format, TemplateReport};
pub mod template;

/// Validates every `AWS::ECS::TaskDefinition` of a template given as JSON or YAML text, and with
/// `options.simulate` runs the template's ECS world (the SIM rules); findings carry line and column.
pub fn validate_template_text(text: &str, options: &ValidationOptions) -> TemplateReport {
    template::validate_template_text(text, options, &sim::template_world::findings)
}

/// `validate_template_text` for a template already parsed.
pub fn validate_template(
    template: &serde_json::Value,
    options: &ValidationOptions,
) -> TemplateReport {
    template::validate_template(template, options, &sim::template_world::findings)
}

/// What the bindings call: a template as text (a JSON string) or as a parsed value.
pub fn validate_template_value(
    template: &serde_json::Value,
    options: &ValidationOptions,
) -> TemplateReport {
    template::report::validate_value(template, options, &sim::template_world::findings)
}

/// Every rule ecsim can report, in code order.
pub fn rules() -> Vec<&'static diagnostics::Rule> {
    let mut rules = taskdef::rules::all();
    rules.extend(template::RULES);
    rules.extend(sim::template_world::RULES);
    rules.sort_by_key(|rule| rule.code);
    rules
}
/// Every rule as data (code, name, severity, summary, why, source), for the bindings: a CDK
/// report's rule ids, a SARIF tool's rules, an editor's hover.
pub fn rules_json() -> serde_json::Value {
    rules()
        .into_iter()
        .map(|rule| {
            serde_json::json!({
                "code": rule.code,
                "name": rule.name,
                "severity": rule.severity.as_str(),
                "summary": rule.summary,
                "why": rule.why,
                "source": rule.source,
            })
        })
        .collect()
}

pub mod cluster;
pub mod placement;
pub mod query;
pub mod scaling;
pub mod schedule;
