//! The AWS API shapes: serde types and shape tables generated from the botocore models
//! (`tools/gen_api.py`), and the walker that checks a JSON input against a shape.

pub mod application_autoscaling;
pub mod autoscaling;
pub mod cloudwatch;
pub mod conform;
pub mod ec2;
pub mod ecs;
pub mod ecsim;
pub mod elbv2;
pub mod events;
pub mod from_json;
pub mod input;
pub mod servicediscovery;
pub mod shape;

/// Reads a JSON document that crossed a language boundary as text (the JS bindings send
/// `JSON.stringify` output: converting a whole object property by property costs several times more).
pub fn parse_json(text: &str) -> Result<serde_json::Value, crate::EcsimError> {
    serde_json::from_str(text)
        .map_err(|e| crate::EcsimError::invalid_parameter(format!("Input is not JSON: {e}")))
}
