"""ecsim: a local, exact and fast model of the Amazon ECS control plane.

    import ecsim
    ecsim.validate_task_definition(td)          # list[ecsim.Diagnostic], never raises for bad input
    sim = ecsim.Simulation(seed=42)
    ecs = sim.client("ecs")                     # boto3-style: same method names, same shapes
    ecs.register_task_definition(family="web", containerDefinitions=[...])
"""
from __future__ import annotations

from typing import Any, Literal

from . import _native, clients, math, plot
from ._client import Client, Simulation
from ._capture import capture
from ._recording import Recording
from ._sweep import scenario_seed, sweep
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
    validate_task_definition_text,
    validate_template,
)
from ._views import ClusterView, Diagnostics, PlacementAnswer, Records, ServicesAnswer


def validate_task_definition(task_definition: dict[str, Any], *, warnings: bool = True, security: bool = False,
                             ignore: list[str] | tuple[str, ...] = (),
                             shape: Literal["auto", "api", "cloudformation"] = "auto") -> Diagnostics:
    """The findings of the task definition rules (docs/rules.md), as a list of ``Diagnostic`` that
    a notebook shows as a table; never raises for bad input."""
    return Diagnostics(_native.validate_task_definition(task_definition, warnings=warnings, security=security,
                                                        ignore=ignore, shape=shape))

__all__ = [
    "capture",
    "scenario_seed",
    "sweep",
    "Recording",
    "plot",
    "ServicesAnswer",
    "Records",
    "PlacementAnswer",
    "Diagnostics",
    "ClusterView",
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

