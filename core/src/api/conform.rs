//! Walks a JSON input against an API shape. Every malformed part is reported and removed, so
//! that what is left deserialises into the generated types and the semantic rules see only
//! well-typed values. List elements that are not objects where objects are expected become
//! empty objects instead of disappearing, so that later paths keep their indexes.

use super::shape::{Kind, Range, Shape};
use crate::diagnostics::{nearest, push_index, push_key, Diagnostic, Rule, Severity};
use serde_json::{Map, Value};

pub static UNKNOWN_MEMBER: Rule = Rule {
    code: "API001",
    name: "unknown-member",
    severity: Severity::Error,
    summary: "Every member of an input object must be one the API defines.",
    why: "The AWS API rejects unknown members (boto3 and the SDKs fail parameter validation before the call). A misspelt member is otherwise silently lost; ecsim suggests the member that was probably meant.",
    invalid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 512, "esential": true}]}"#,
    valid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 512, "essential": true}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html",
};

pub static WRONG_TYPE: Rule = Rule {
    code: "API002",
    name: "wrong-type",
    severity: Severity::Error,
    summary: "Every value must have the type the API model gives its member (string, integer, boolean, object, array).",
    why: "The API rejects a request whose values do not match the model. Container `cpu` and `memory` are integers, while the task-level `cpu` and `memory` are strings.",
    invalid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": "512"}]}"#,
    valid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 512}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html",
};

pub static INVALID_ENUM: Rule = Rule {
    code: "API003",
    name: "invalid-enum-value",
    severity: Severity::Error,
    summary: "A member with an enumerated type must hold one of the model's values, spelt exactly.",
    why: "Enum values are case-sensitive (`awsvpc`, not `AWSVPC`; `FARGATE`, not `fargate`). ecsim suggests the nearest valid value.",
    invalid: r#"{"family": "web", "networkMode": "AWSVPC", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 512}]}"#,
    valid: r#"{"family": "web", "networkMode": "awsvpc", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 512}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html",
};

pub static MISSING_MEMBER: Rule = Rule {
    code: "API004",
    name: "missing-required-member",
    severity: Severity::Error,
    summary: "Members the API model marks as required must be present.",
    why: "The API rejects the request before any other check (for example `family` and `containerDefinitions` on RegisterTaskDefinition, `command` in a healthCheck, `logDriver` in a logConfiguration).",
    invalid: r#"{"containerDefinitions": [{"name": "app", "image": "nginx", "memory": 512}]}"#,
    valid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 512}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html",
};

pub static OUT_OF_RANGE: Rule = Rule {
    code: "API005",
    name: "out-of-range",
    severity: Severity::Error,
    summary: "Numbers, and the lengths of strings and lists, stay within the bounds the API model gives.",
    why: "AWS answers a value outside its model's bounds with a validation error worded `Member must have value less than or equal to …` or `Member must have length …` (lengths in UTF-16 units, as AWS's services count them). Tags, for example: at most 50, keys of 1 to 128 characters, values of up to 256.",
    invalid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 512}], "tags": [{"key": "", "value": "v"}]}"#,
    valid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 512}], "tags": [{"key": "team", "value": "v"}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Tag.html",
};

pub static RULES: [&Rule; 5] = [
    &UNKNOWN_MEMBER,
    &WRONG_TYPE,
    &INVALID_ENUM,
    &MISSING_MEMBER,
    &OUT_OF_RANGE,
];

/// Checks `value` against `shape`, reporting into `out` and removing what is malformed.
pub fn conform(value: &mut Value, shape: &Shape, out: &mut Vec<Diagnostic>) {
    let mut path = String::from("$");
    if !walk(value, shape, &mut path, out) {
        *value = Value::Object(Map::new());
    }
}

/// Returns false when the value is malformed and should be dropped by the caller.
fn walk(value: &mut Value, shape: &Shape, path: &mut String, out: &mut Vec<Diagnostic>) -> bool {
    if let Some(range) = shape.range {
        if let Some(message) = out_of_range(&shape.kind, value, range) {
            out.push(OUT_OF_RANGE.at(path.clone(), message));
            return false;
        }
    }
    let well_typed = match (&shape.kind, &*value) {
        (Kind::String, Value::String(_)) | (Kind::Boolean, Value::Bool(_)) => true,
        (Kind::Number, Value::Number(_)) | (Kind::Timestamp, Value::Number(_)) => true,
        (Kind::Timestamp, Value::String(text)) => match epoch_seconds(text) {
            Some(seconds) => {
                *value = serde_json::json!(seconds);
                true
            }
            None => false,
        },
        (Kind::Integer, Value::Number(n)) => n.as_i64().is_some_and(|i| i32::try_from(i).is_ok()),
        (Kind::Long, Value::Number(n)) => n.as_i64().is_some(),
        (Kind::Enum(values), Value::String(s)) => {
            if values.contains(&s.as_str()) {
                return true;
            }
            let mut diagnostic = INVALID_ENUM.at(
                path.clone(),
                format!(
                    "'{s}' is not a valid {}; valid values: {}.",
                    shape.name,
                    values.join(", ")
                ),
            );
            if let Some(best) = nearest(s, values.iter().copied()) {
                diagnostic = diagnostic
                    .with_help(format!("Did you mean '{best}'?"))
                    .fix_set(format!("Change to '{best}'"), best);
            }
            out.push(diagnostic);
            return false;
        }
        (Kind::Structure(_), Value::Object(_))
        | (Kind::Map(_), Value::Object(_))
        | (Kind::List(_), Value::Array(_)) => return walk_container(value, shape, path, out),
        _ => false,
    };
    if !well_typed {
        let found = describe(value);
        out.push(WRONG_TYPE.at(
            path.clone(),
            format!(
                "Expected {} ({}), found {found}.",
                shape.kind.expected(),
                shape.name
            ),
        ));
    }
    well_typed
}

/// An AWS answer passed on as input (a GetMetricData export replayed as a load) keeps the
/// metadata the SDK adds to every answer (boto3's `ResponseMetadata`, the JS SDK's `$metadata`):
/// it is dropped, not reported as an unknown member.
fn is_sdk_metadata(shape: &Shape, key: &str) -> bool {
    matches!(key, "ResponseMetadata" | "$metadata")
        && (shape.name.ends_with("Output") || shape.name.ends_with("Response"))
}

/// An ISO 8601 time (`2026-11-30T09:00:00Z`, with an offset or fractional seconds) as epoch
/// seconds, as the SDKs accept one for a timestamp member.
fn epoch_seconds(text: &str) -> Option<f64> {
    let time: jiff::Timestamp = text.parse().ok()?;
    Some(time.as_millisecond() as f64 / 1000.0)
}

fn walk_container(
    value: &mut Value,
    shape: &Shape,
    path: &mut String,
    out: &mut Vec<Diagnostic>,
) -> bool {
    match (&shape.kind, value) {
        (Kind::Structure(members), Value::Object(map)) => {
            for member in members.iter().filter(|m| m.required) {
                if map.get(member.name).is_none_or(Value::is_null) {
                    out.push(MISSING_MEMBER.at(
                        joined(path, member.name),
                        format!(
                            "Missing required member '{}' of {}.",
                            member.name, shape.name
                        ),
                    ));
                }
            }
            map.retain(|key, member_value| {
                if is_sdk_metadata(shape, key) {
                    return false;
                }
                let Some(member) = members.iter().find(|m| m.name == key) else {
                    let mut diagnostic = UNKNOWN_MEMBER.at(
                        joined(path, key),
                        format!("Unknown member '{key}' in {}.", shape.name),
                    );
                    if let Some(best) = nearest(key, members.iter().map(|m| m.name)) {
                        diagnostic = diagnostic
                            .with_help(format!("Did you mean '{best}'?"))
                            .fix_rename(best);
                    }
                    out.push(diagnostic);
                    return false;
                };
                if member_value.is_null() {
                    return false;
                }
                let len = path.len();
                push_key(path, key);
                let keep = walk(member_value, member.shape, path, out);
                path.truncate(len);
                keep
            });
            true
        }
        (Kind::Map(value_shape), Value::Object(map)) => {
            map.retain(|key, entry| {
                let len = path.len();
                push_key(path, key);
                let keep = walk(entry, value_shape, path, out);
                path.truncate(len);
                keep
            });
            true
        }
        (Kind::List(element), Value::Array(items)) => {
            let structured = matches!(element.kind, Kind::Structure(_));
            let mut index = 0;
            items.retain_mut(|item| {
                let len = path.len();
                push_index(path, index);
                index += 1;
                let keep = walk(item, element, path, out);
                path.truncate(len);
                if !keep && structured {
                    *item = Value::Object(Map::new());
                    return true;
                }
                keep
            });
            true
        }
        _ => false,
    }
}

/// AWS's wording for a value outside `range`, or None when it is within (or of another type,
/// which the type check reports).
fn out_of_range(kind: &Kind, value: &Value, range: &Range) -> Option<String> {
    let (measure, what) = match (kind, value) {
        (Kind::Integer | Kind::Long | Kind::Number, Value::Number(n)) => (n.as_f64()?, "value"),
        (Kind::String, Value::String(s)) => (s.encode_utf16().count() as f64, "length"),
        (Kind::List(_), Value::Array(items)) => (items.len() as f64, "length"),
        (Kind::Map(_), Value::Object(members)) => (members.len() as f64, "length"),
        _ => return None,
    };
    let constraint = match (range.min, range.max) {
        (Some(min), _) if measure < min => format!("greater than or equal to {min}"),
        (_, Some(max)) if measure > max => format!("less than or equal to {max}"),
        _ => return None,
    };
    Some(format!(
        "Value {} failed to satisfy constraint: Member must have {what} {constraint}.",
        shown(value)
    ))
}

/// A value as AWS's validation messages quote it, cut short when long.
fn shown(value: &Value) -> String {
    const LONGEST: usize = 64;
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => format!("a list of {}", items.len()),
        Value::Object(members) => format!("a map of {}", members.len()),
        other => other.to_string(),
    };
    match text.char_indices().nth(LONGEST) {
        Some((cut, _)) => format!("'{}…'", &text[..cut]),
        None => format!("'{text}'"),
    }
}

fn joined(path: &str, key: &str) -> String {
    let mut full = path.to_string();
    push_key(&mut full, key);
    full
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {}", Value::String(s.clone())),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}
