//! Reading the AWS shapes from JSON once the shape check (`conform`) has run. serde's derived
//! readers for a few hundred shapes were a quarter of the browser bundle; these are generated
//! with the types (`impl FromJson` in each `model.rs`), are a fraction of that size and, since the
//! shape check has already reported and removed every value of the wrong type, trust the types:
//! a value that is not of its type reads as absent.

use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub trait FromJson: Sized {
    /// The value, or None when it is not of this type.
    fn from_json(value: Value) -> Option<Self>;
}

/// The members of a JSON object (None for any other value).
pub fn object(value: Value) -> Option<Map<String, Value>> {
    match value {
        Value::Object(members) => Some(members),
        _ => None,
    }
}

/// Takes member `name` out of `members`, read as `T`: absent, null or of another type is None.
pub fn member<T: FromJson>(members: &mut Map<String, Value>, name: &str) -> Option<T> {
    members.remove(name).and_then(T::from_json)
}

impl FromJson for String {
    fn from_json(value: Value) -> Option<Self> {
        match value {
            Value::String(text) => Some(text),
            _ => None,
        }
    }
}

impl FromJson for bool {
    fn from_json(value: Value) -> Option<Self> {
        value.as_bool()
    }
}

impl FromJson for i32 {
    fn from_json(value: Value) -> Option<Self> {
        value.as_i64().and_then(|n| i32::try_from(n).ok())
    }
}

impl FromJson for i64 {
    fn from_json(value: Value) -> Option<Self> {
        value.as_i64()
    }
}

impl FromJson for f64 {
    fn from_json(value: Value) -> Option<Self> {
        value.as_f64()
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: Value) -> Option<Self> {
        match value {
            Value::Array(items) => Some(items.into_iter().filter_map(T::from_json).collect()),
            _ => None,
        }
    }
}

impl<T: FromJson> FromJson for BTreeMap<String, T> {
    fn from_json(value: Value) -> Option<Self> {
        let entries = object(value)?;
        Some(
            entries
                .into_iter()
                .filter_map(|(key, value)| Some((key, T::from_json(value)?)))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ecs::{NetworkMode, RegisterTaskDefinitionRequest};
    use serde_json::json;

    #[test]
    fn reads_conforming_input_back_to_what_serde_writes() {
        let input = json!({
            "family": "web",
            "networkMode": "awsvpc",
            "cpu": "256",
            "containerDefinitions": [{"name": "a", "image": "nginx", "memory": 512,
                "portMappings": [{"containerPort": 80}], "dockerLabels": {"team": "a"}}],
        });
        let read = RegisterTaskDefinitionRequest::from_json(input.clone()).unwrap();
        // The generated models derive only Serialize: what they write must be what was read.
        assert_eq!(serde_json::to_value(&read).unwrap(), input);
        assert_eq!(read.network_mode, Some(NetworkMode::Awsvpc));
        assert_eq!(RegisterTaskDefinitionRequest::from_json(json!(3)), None);
    }
}
