//! Errors of calls that fail, named as AWS names them.

use crate::diagnostics::Diagnostic;
use serde::Serialize;
use std::fmt;

/// The AWS error name of a failed call, plus ecsim's own for what AWS has no name for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum ErrorCode {
    ClientException,
    InvalidParameterException,
    ServerException,
    ClusterNotFoundException,
    ClusterContainsContainerInstancesException,
    ClusterContainsServicesException,
    ClusterContainsTasksException,
    AttributeLimitExceededException,
    TargetNotFoundException,
    ServiceNotFoundException,
    LimitExceededException,
    /// A capacity provider in use (by a service) cannot be removed.
    ResourceInUseException,
    /// elbv2: no target group with that ARN or name.
    TargetGroupNotFoundException,
    /// elbv2: the name is taken by a target group with other settings.
    DuplicateTargetGroupNameException,
    /// elbv2's error for a malformed or out-of-range input.
    ValidationError,
    /// events: no rule or target of that name.
    ResourceNotFoundException,
    /// events' error for a malformed or out-of-range input.
    ValidationException,
    /// An action the service does not have (as AWS's JSON protocol reports it).
    UnknownOperationException,
    /// A client name `Simulation::client` does not know (as botocore names it).
    UnknownServiceError,
    /// An ecsim defect: a panic caught at the boundary. Please report it.
    InternalError,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 20] = [
        ErrorCode::ClientException,
        ErrorCode::InvalidParameterException,
        ErrorCode::ServerException,
        ErrorCode::ClusterNotFoundException,
        ErrorCode::ClusterContainsContainerInstancesException,
        ErrorCode::ClusterContainsServicesException,
        ErrorCode::ClusterContainsTasksException,
        ErrorCode::AttributeLimitExceededException,
        ErrorCode::TargetNotFoundException,
        ErrorCode::ServiceNotFoundException,
        ErrorCode::LimitExceededException,
        ErrorCode::ResourceInUseException,
        ErrorCode::TargetGroupNotFoundException,
        ErrorCode::DuplicateTargetGroupNameException,
        ErrorCode::ValidationError,
        ErrorCode::ResourceNotFoundException,
        ErrorCode::ValidationException,
        ErrorCode::UnknownOperationException,
        ErrorCode::UnknownServiceError,
        ErrorCode::InternalError,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::ClientException => "ClientException",
            ErrorCode::InvalidParameterException => "InvalidParameterException",
            ErrorCode::ServerException => "ServerException",
            ErrorCode::ClusterNotFoundException => "ClusterNotFoundException",
            ErrorCode::ClusterContainsContainerInstancesException => {
                "ClusterContainsContainerInstancesException"
            }
            ErrorCode::ClusterContainsServicesException => "ClusterContainsServicesException",
            ErrorCode::ClusterContainsTasksException => "ClusterContainsTasksException",
            ErrorCode::AttributeLimitExceededException => "AttributeLimitExceededException",
            ErrorCode::TargetNotFoundException => "TargetNotFoundException",
            ErrorCode::ServiceNotFoundException => "ServiceNotFoundException",
            ErrorCode::LimitExceededException => "LimitExceededException",
            ErrorCode::ResourceInUseException => "ResourceInUseException",
            ErrorCode::TargetGroupNotFoundException => "TargetGroupNotFoundException",
            ErrorCode::DuplicateTargetGroupNameException => "DuplicateTargetGroupNameException",
            ErrorCode::ValidationError => "ValidationError",
            ErrorCode::ResourceNotFoundException => "ResourceNotFoundException",
            ErrorCode::ValidationException => "ValidationException",
            ErrorCode::UnknownOperationException => "UnknownOperationException",
            ErrorCode::UnknownServiceError => "UnknownServiceError",
            ErrorCode::InternalError => "InternalError",
        }
    }
}

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
