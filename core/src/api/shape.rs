//! Shapes as data, as the AWS models describe them: enough to tell a well-formed input from a
//! malformed one (unknown members, wrong types, bad enum values, missing required members).

/// One named shape of an AWS API model.
#[derive(Debug)]
pub struct Shape {
    pub name: &'static str,
    pub kind: Kind,
}

#[derive(Debug)]
pub enum Kind {
    String,
    Integer,
    Long,
    Boolean,
    Number,
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
            Kind::Structure(_) | Kind::Map(_) => "an object",
            Kind::List(_) => "an array",
        }
    }
}
