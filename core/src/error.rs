//! Errors of calls that fail, named as AWS names them.

use crate::diagnostics::Diagnostic;
use serde::Serialize;
use std::fmt;

pub use crate::error_code::ErrorCode;

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failed call: the AWS error name, AWS's message, and the diagnostics behind it, if any.
#[derive(Clone, Debug, PartialEq, Serialize, thiserror::Error)]
#[error("{code}: {message}")]
pub struct EcsimError {
    pub code: ErrorCode,
    pub message: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl EcsimError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        EcsimError {
            code,
            message: message.into(),
            diagnostics: Vec::new(),
        }
    }

    /// The error AWS returns for a malformed or impossible request.
    pub fn invalid_parameter(message: impl Into<String>) -> Self {
        EcsimError::new(ErrorCode::InvalidParameterException, message)
    }

    pub fn with_diagnostics(mut self, diagnostics: Vec<Diagnostic>) -> Self {
        self.diagnostics = diagnostics;
        self
    }
}
