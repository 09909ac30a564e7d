//! Shapes as data, as the AWS models describe them: enough to tell a well-formed input from a
//! malformed one (unknown members, wrong types, bad enum values, missing required members,
//! values out of range).

/// One named shape of an AWS API model.
#[derive(Debug)]
pub struct Shape {
    pub name: &'static str,
    pub kind: Kind,
    /// The bounds the model gives: of a number's value, of a string's, list's or map's length.
    pub range: Option<&'static Range>,
}

/// Inclusive bounds from the model's `min` and `max`.
#[derive(Debug)]
pub struct Range {
    pub min: Option<f64>,
    pub max: Option<f64>,
}

#[derive(Debug)]
pub enum Kind {
    String,
    Integer,
    Long,
    Boolean,
    Number,
    /// Epoch seconds, or an ISO 8601 time as the SDKs send one (read into epoch seconds).
    Timestamp,
    Enum(&'static [&'static str]),
    Structure(&'static [Member]),
    List(&'static Shape),
    Map(&'static Shape),
}

#[derive(Debug)]
pub struct Member {
    pub name: &'static str,
    pub shape: &'static Shape,
    pub required: bool,
}

impl Kind {
    /// How a value of this kind is called in messages ("a string", "an object", …).
    pub fn expected(&self) -> &'static str {
        match self {
            Kind::String | Kind::Enum(_) => "a string",
            Kind::Integer | Kind::Long => "an integer",
            Kind::Boolean => "a boolean",
            Kind::Number => "a number",
            Kind::Timestamp => "epoch seconds or an ISO 8601 time",
            Kind::Structure(_) | Kind::Map(_) => "an object",
            Kind::List(_) => "an array",
        }
    }
}

/// One action of a service, as its model describes it.
#[derive(Debug)]
pub struct Operation {
    /// The AWS operation name (`RunTask`).
    pub name: &'static str,
    /// The shape its request is checked against.
    pub input: &'static Shape,
    /// The error a malformed request is answered with.
    pub validation_error: crate::error::ErrorCode,
    /// The first sentence of the model's documentation.
    pub documentation: &'static str,
}
