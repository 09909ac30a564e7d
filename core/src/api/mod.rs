//! The AWS API shapes: serde types and shape tables generated from the botocore models
//! (`tools/gen_api.py`), and the walker that checks a JSON input against a shape.

pub mod conform;
pub mod ecs;
pub mod shape;
