//! What a validation reports, and which input shape it reads.

use crate::diagnostics::{Diagnostic, Severity};
use serde::Deserialize;

/// The shape of a task definition input.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InputShape {
    /// Decide from the member names: PascalCase top-level members mean CloudFormation.
    #[default]
    Auto,
    /// The RegisterTaskDefinition input (camelCase), as boto3 and the SDKs take it.
    Api,
    /// The Properties of an `AWS::ECS::TaskDefinition` resource (PascalCase).
    Cloudformation,
}

/// Which findings to report. Errors are always reported (unless a code is ignored).
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ValidationOptions {
    /// Report warnings (AWS accepts, almost surely wrong). Default on.
    pub warnings: bool,
    /// Report security findings (the Security Hub ECS controls). Default off: AWS accepts them
    /// and most task definitions in the wild trip several.
    pub security: bool,
    /// Rule codes not to report, e.g. `["SEC003", "TD602"]`.
    pub ignore: Vec<String>,
    /// Which shape the input is in.
    pub shape: InputShape,
    /// Templates: also build the template's ECS world in a simulation and report what goes
    /// wrong when it runs (the SIM rules). Default off: it costs a simulation per template.
    pub simulate: bool,
    /// Templates with `simulate`: how long the simulation's clock runs before the services are
    /// examined, in seconds (900: long enough for tasks to start, retry placement and fail
    /// health checks with ECS's default timings). Python spells it `simulate_seconds`.
    #[serde(alias = "simulate_seconds")]
    pub simulate_seconds: f64,
}

impl Default for ValidationOptions {
    fn default() -> Self {
        ValidationOptions {
            warnings: true,
            security: false,
            ignore: Vec::new(),
            shape: InputShape::Auto,
            simulate: false,
            simulate_seconds: 900.0,
        }
    }
}

/// The longest a template's simulation runs: a week of virtual time.
pub const MOST_SIMULATED_SECONDS: f64 = 604_800.0;

impl ValidationOptions {
    /// The options from JSON, each member checked on its own so that an error names it
    /// (`warnings: expected true or false, got "no"`): a binding's looser reading (a string's
    /// truth, a string as a list of characters) never stands in for what was meant.
    pub fn from_json(value: serde_json::Value) -> Result<Self, String> {
        let options: ValidationOptions = crate::api::input::read_options(value)?;
        if !(0.0..=MOST_SIMULATED_SECONDS).contains(&options.simulate_seconds) {
            return Err(format!(
                "simulateSeconds: give 0 to {MOST_SIMULATED_SECONDS} seconds (a week), got {}",
                options.simulate_seconds
            ));
        }
        Ok(options)
    }

    /// Drops the findings these options do not ask for.
    pub fn filter(&self, diagnostics: &mut Vec<Diagnostic>) {
        diagnostics.retain(|d| self.reports(d));
    }

    fn reports(&self, diagnostic: &Diagnostic) -> bool {
        let wanted = match diagnostic.severity {
            Severity::Error => true,
            Severity::Warning => self.warnings,
            Severity::Security => self.security,
        };
        wanted && !self.ignore.contains(&diagnostic.code)
    }
}
