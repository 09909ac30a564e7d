//! Reading an action's input: checked against the API shape like a task definition is, and
//! rejected as AWS rejects malformed requests, with every finding attached.

use crate::api::conform::conform;
use crate::api::shape::Shape;
use crate::error::EcsimError;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// The request, typed, and the ecsim extension members (`extensions`) taken out of it first.
pub fn parse_request<T: DeserializeOwned>(
    input: Value,
    shape: &Shape,
    extensions: &[&str],
) -> Result<(T, Map<String, Value>), EcsimError> {
    let mut input = match input {
        Value::Null => Value::Object(Map::new()),
        other => other,
    };
    let mut taken = Map::new();
    if let Value::Object(map) = &mut input {
        for name in extensions {
            if let Some(value) = map.remove(*name) {
                taken.insert((*name).to_string(), value);
            }
        }
    }
    let mut diagnostics = Vec::new();
    conform(&mut input, shape, &mut diagnostics);
    if let Some(first) = diagnostics.first() {
        let message = format!("{} ({})", first.message, first.path);
        return Err(EcsimError::invalid_parameter(message).with_diagnostics(diagnostics));
    }
    let request = serde_json::from_value(input)
        .map_err(|e| EcsimError::invalid_parameter(format!("Invalid request: {e}")))?;
    Ok((request, taken))
}
