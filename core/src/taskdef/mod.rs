//! Task definition validation: the input is read into the API shape (from CloudFormation's
//! when needed), walked against the API shape table, read into the generated types, and every
//! rule runs over it. All findings are returned; nothing stops at the first error.

pub mod cfn;
pub mod fargate;
mod options;
pub mod rules;
mod task;
pub mod units;

pub use options::{InputShape, ValidationOptions};
pub use task::{is_within, TaskDef};

use crate::api::conform::conform;
use crate::api::ecs::{shapes, RegisterTaskDefinitionRequest};
use crate::api::from_json::FromJson;
use crate::diagnostics::{Diagnostic, Rule, Severity};
use serde_json::Value;
use std::collections::BTreeSet;

/// RegisterTaskDefinition rejects task definitions larger than 64 KiB.
pub const MAX_TASK_DEFINITION_BYTES: usize = 64 * 1024;

pub static TOO_LARGE: Rule = Rule {
    code: "TD001",
    name: "task-definition-size",
    severity: Severity::Error,
    summary: "The task definition, as JSON, must not exceed 64 KiB.",
    why: "ECS rejects larger task definitions. Large `environment` lists are the usual cause: move them to `environmentFiles` or `secrets`. ecsim measures the compact JSON encoding.",
    invalid: "",
    valid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 512}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html",
};

/// Validates a task definition in the RegisterTaskDefinition input shape, with the default options.
pub fn validate_task_definition(input: &Value) -> Vec<Diagnostic> {
    validate_task_definition_with(input, &ValidationOptions::default())
}

pub fn validate_task_definition_with(
    input: &Value,
    options: &ValidationOptions,
) -> Vec<Diagnostic> {
    let mut diagnostics = match resolve_shape(input, options.shape) {
        InputShape::Cloudformation => check_cloudformation(input, options.security),
        _ => check_api(input.clone(), &BTreeSet::new(), options.security).1,
    };
    options.filter(&mut diagnostics);
    diagnostics
}

/// PascalCase top-level members and no API (camelCase) member: the CloudFormation shape.
fn resolve_shape(input: &Value, shape: InputShape) -> InputShape {
    match (shape, input) {
        (InputShape::Auto, Value::Object(map)) => {
            let pascal = map
                .keys()
                .any(|k| k.starts_with(|c: char| c.is_ascii_uppercase()));
            let camel = map
                .keys()
                .any(|k| k.starts_with(|c: char| c.is_ascii_lowercase()));
            if pascal && !camel {
                InputShape::Cloudformation
            } else {
                InputShape::Api
            }
        }
        (InputShape::Auto, _) => InputShape::Api,
        (shape, _) => shape,
    }
}

/// Validates and also returns the well-formed part of the input, typed: errors and warnings.
pub fn check(input: Value) -> (RegisterTaskDefinitionRequest, Vec<Diagnostic>) {
    check_api(input, &BTreeSet::new(), false)
}

/// Counts the bytes of the compact JSON encoding without building it.
#[derive(Default)]
struct ByteCounter(usize);

impl std::io::Write for ByteCounter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0 += bytes.len();
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn check_api(
    mut input: Value,
    unknowns: &BTreeSet<String>,
    security: bool,
) -> (RegisterTaskDefinitionRequest, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut counter = ByteCounter::default();
    let size = serde_json::to_writer(&mut counter, &input).map_or(0, |()| counter.0);
    if size > MAX_TASK_DEFINITION_BYTES {
        diagnostics.push(TOO_LARGE.at(
            "$",
            format!("The task definition is {size} bytes; the limit is {MAX_TASK_DEFINITION_BYTES} bytes (64 KiB)."),
        ));
    }
    conform(
        &mut input,
        &shapes::REGISTER_TASK_DEFINITION_REQUEST,
        &mut diagnostics,
    );
    // `conform` leaves only well-typed members, so this cannot fail; the fallback keeps it total.
    let request = RegisterTaskDefinitionRequest::from_json(input).unwrap_or_default();
    let task = TaskDef::new(&request, unknowns);
    for check in rules::CHECKS {
        check(&task, &mut diagnostics);
    }
    if security {
        rules::SECURITY(&task, &mut diagnostics);
    }
    (request, diagnostics)
}

/// Validates `AWS::ECS::TaskDefinition` Properties; paths are in CloudFormation's names.
pub fn check_cloudformation(properties: &Value, security: bool) -> Vec<Diagnostic> {
    let shape = &shapes::REGISTER_TASK_DEFINITION_REQUEST;
    let mut converted_diagnostics = Vec::new();
    let converted = cfn::to_api(properties, shape, &mut converted_diagnostics);
    let (_, found) = check_api(converted.value, &converted.unknowns, security);
    let mut diagnostics = converted_diagnostics;
    // CloudFormation names a task definition family itself when the template gives none.
    let generated_family = |d: &Diagnostic| d.path == "$.family" && d.code == "API004";
    for mut diagnostic in found {
        if !about_unknown(&diagnostic.path, &converted.unknowns) && !generated_family(&diagnostic) {
            diagnostic.path = cfn::cfn_path(&diagnostic.path, shape);
            diagnostic.fix = diagnostic
                .fix
                .map(|fix| fix.rewritten(|path| cfn::cfn_path(path, shape)));
            diagnostics.push(diagnostic);
        }
    }
    diagnostics
}

/// A finding about a value an intrinsic function gives, or about something that contains one
/// (aggregate findings about the task or a container check their own unknowns instead).
fn about_unknown(path: &str, unknowns: &BTreeSet<String>) -> bool {
    let aggregate = matches!(path, "$" | "$.containerDefinitions" | "$.volumes")
        || path
            .strip_prefix("$.containerDefinitions[")
            .is_some_and(|rest| rest.ends_with(']') && !rest.contains('.'));
    unknowns
        .iter()
        .any(|unknown| is_within(path, unknown) || (!aggregate && is_within(unknown, path)))
}
