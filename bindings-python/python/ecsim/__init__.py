"""ecsim: a local, exact and fast model of the Amazon ECS control plane.

    import ecsim
    ecsim.validate_task_definition(td)          # list[ecsim.Diagnostic], never raises for bad input
    sim = ecsim.Simulation(seed=42)
    ecs = sim.client("ecs")                     # boto3-style: same method names, same shapes
    ecs.register_task_definition(family="web", containerDefinitions=[...])
"""
from __future__ import annotations

from . import clients, math
from ._client import Client, Simulation
from ._config import SimulationConfig
from ._types import LocatedDiagnostic, ResourceReport, TemplateReport
from ._validation import ParamValidationError
from ._errors import *  # noqa: F403 (every AWS error name, generated)
from ._errors import __all__ as _error_names
from ._native import (
    Diagnostic,
    EcsimError,
    format_report,
    instance_types,
    rules,
    validate_task_definition,
    validate_task_definition_text,
    validate_template,
)

__all__ = [
    "Client",
    "Diagnostic",
    "EcsimError",
    "LocatedDiagnostic",
    "ParamValidationError",
    "ResourceReport",
    "Simulation",
    "SimulationConfig",
    "TemplateReport",
    "format_report",
    "instance_types",
    "clients",
    "math",
    "rules",
    "validate_task_definition",
    "validate_task_definition_text",
    "validate_template",
    *_error_names,
]

