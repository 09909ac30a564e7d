//! Where JSON ends: an action's input is checked against its API shape like a task definition
//! is, rejected with the service's validation error and every finding attached, read into the
//! request type, handed to the typed handler, and its response turned back into JSON.

use super::World;
use crate::api::conform::conform;
use crate::api::from_json::FromJson;
use crate::api::shape::Shape;
use crate::error::{EcsimError, ErrorCode};
use serde::Serialize;
use serde_json::{Map, Value};

/// A handler: a typed request in, a typed response or an error out.
pub(crate) type Handler<Request, Response> =
    fn(&mut World, Request) -> Result<Response, EcsimError>;

/// A handler's response, still typed: written straight to JSON text (`Simulation::call_text`,
/// which skips building a value: for an answer of ten tasks that was half of RunTask's cost), as
/// a JSON value (`Simulation::call`), or, with the `answer-serializers` feature, as a token tape
/// (`Answer::write_tape`: the Python binding builds its objects from it).
///
/// Every way of writing an answer is a copy of every response type's serializer in the binary.
/// The browser build leaves the feature out and keeps one, the JSON text writer, since its
/// bundle's size is what the playground's first view waits for; its values are read back from
/// that text.
pub struct Answer(Box<dyn Respond + Send>);

trait Respond {
    #[cfg(feature = "answer-serializers")]
    fn value(&self) -> Result<Value, serde_json::Error>;
    #[cfg(feature = "answer-serializers")]
    fn tape(&self, tape: &mut super::tape::Tape) -> Result<(), super::tape::Error>;
    fn text(&self) -> Result<String, serde_json::Error>;
}

impl<T: Serialize + Send> Respond for T {
    #[cfg(feature = "answer-serializers")]
    fn value(&self) -> Result<Value, serde_json::Error> {
        serde_json::to_value(self)
    }

    #[cfg(feature = "answer-serializers")]
    fn tape(&self, tape: &mut super::tape::Tape) -> Result<(), super::tape::Error> {
        tape.write(self)
    }

    fn text(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(self)
    }
}

/// A failure here is an ecsim defect: responses are plain data.
fn defect(e: impl std::fmt::Display) -> EcsimError {
    EcsimError::new(ErrorCode::InternalError, format!("response: {e}"))
}

impl Answer {
    fn of(response: impl Serialize + Send + 'static) -> Answer {
        Answer(Box::new(response))
    }

    pub fn value(&self) -> Result<Value, EcsimError> {
        #[cfg(feature = "answer-serializers")]
        let value = self.0.value();
        #[cfg(not(feature = "answer-serializers"))]
        let value = self.0.text().and_then(|text| serde_json::from_str(&text));
        value.map_err(defect)
    }

    pub fn text(&self) -> Result<String, EcsimError> {
        self.0.text().map_err(defect)
    }

    /// Replaces what `tape` holds with this answer.
    #[cfg(feature = "answer-serializers")]
    pub fn write_tape(&self, tape: &mut super::tape::Tape) -> Result<(), EcsimError> {
        self.0.tape(tape).map_err(defect)
    }
}

/// Runs `handler` on `input`, checked against `shape` (malformed input: `validation_error`).
pub(crate) fn handle<Request: FromJson, Response: Serialize + Send + 'static>(
    world: &mut World,
    input: Value,
    shape: &'static Shape,
    validation_error: ErrorCode,
    handler: Handler<Request, Response>,
) -> Result<Answer, EcsimError> {
    let request = parse_request(input, shape, validation_error)?;
    Ok(Answer::of(handler(world, request)?))
}

/// Runs a handler that checks the whole input itself (its shape with the action's own rules,
/// every finding reported at once).
pub(crate) fn handle_whole<Response: Serialize + Send + 'static>(
    world: &mut World,
    input: Value,
    handler: Handler<Value, Response>,
) -> Result<Answer, EcsimError> {
    Ok(Answer::of(handler(world, input)?))
}

/// An action ecsim refuses with `refusal` (the ECS agent's own calls), once its input conforms
/// to `shape`: a malformed request is answered as for any action.
pub(crate) fn refuse<Request: FromJson>(
    input: Value,
    shape: &Shape,
    validation_error: ErrorCode,
    refusal: EcsimError,
) -> Result<Answer, EcsimError> {
    parse_request::<Request>(input, shape, validation_error)?;
    Err(refusal)
}

/// The request, typed, once `input` conforms to `shape`.
pub(crate) fn parse_request<T: FromJson>(
    input: Value,
    shape: &Shape,
    validation_error: ErrorCode,
) -> Result<T, EcsimError> {
    let mut input = match input {
        Value::Null => Value::Object(Map::new()),
        other => other,
    };
    let mut diagnostics = Vec::new();
    conform(&mut input, shape, &mut diagnostics);
    if let Some(first) = diagnostics.first() {
        let message = format!("{} ({})", first.message, first.path);
        return Err(EcsimError::new(validation_error, message).with_diagnostics(diagnostics));
    }
    // The shape check leaves only well-typed members, and its top level is always an object.
    T::from_json(input).ok_or_else(|| {
        EcsimError::new(
            validation_error,
            "Invalid request: the input is not a JSON object.",
        )
    })
}

/// The answer of actions that answer with nothing: `{}`.
#[derive(Debug, Serialize)]
pub struct Empty {}
