"""ecsim: a local, exact and fast model of the Amazon ECS control plane.

    import ecsim
    ecsim.validate_task_definition(td)          # list[ecsim.Diagnostic], never raises for bad input
    sim = ecsim.Simulation(seed=42)
    ecs = sim.client("ecs")                     # boto3-style: same method names, same shapes
    ecs.register_task_definition(family="web", containerDefinitions=[...])
"""
from __future__ import annotations

from ._client import Client, Simulation
from ._types import LocatedDiagnostic, ResourceReport, TemplateReport
from ._native import (
    AttributeLimitExceededException,
    ClientException,
    ClusterContainsContainerInstancesException,
    ClusterNotFoundException,
    Diagnostic,
    EcsimError,
    InternalError,
    InvalidParameterException,
    ServerException,
    TargetNotFoundException,
    ServiceNotFoundException,
    ResourceInUseException,
    TargetGroupNotFoundException,
    DuplicateTargetGroupNameException,
    ValidationError,
    ResourceNotFoundException,
    ValidationException,
    ClusterContainsServicesException,
    ClusterContainsTasksException,
    LimitExceededException,
    UnknownOperationException,
    UnknownServiceError,
    format_report,
    validate_task_definition,
    validate_template,
)

__all__ = [
    "AttributeLimitExceededException",
    "Client",
    "ClientException",
    "ClusterContainsContainerInstancesException",
    "ClusterNotFoundException",
    "Diagnostic",
    "EcsimError",
    "InternalError",
    "InvalidParameterException",
    "ServerException",
    "LocatedDiagnostic",
    "ResourceReport",
    "Simulation",
    "TargetNotFoundException",
    "ServiceNotFoundException",
    "ResourceInUseException",
    "TargetGroupNotFoundException",
    "DuplicateTargetGroupNameException",
    "ValidationError",
    "ResourceNotFoundException",
    "ValidationException",
    "ClusterContainsServicesException",
    "ClusterContainsTasksException",
    "LimitExceededException",
    "TemplateReport",
    "UnknownOperationException",
    "UnknownServiceError",
    "format_report",
    "validate_task_definition",
    "validate_template",
]

