"""Typed shapes of the plain data ecsim returns (for type checkers; at run time they are dicts)."""
from __future__ import annotations

from typing import Any, Literal, TypedDict


class _Diagnostic(TypedDict):
    code: str
    severity: Literal["error", "warning", "security"]
    path: str
    message: str


class LocatedDiagnostic(_Diagnostic, total=False):
    help: str
    fix: dict[str, Any]
    line: int
    column: int


class _Resource(TypedDict):
    logicalId: str
    templatePath: str
    diagnostics: list[LocatedDiagnostic]


class ResourceReport(_Resource, total=False):
    cdkPath: str


class TemplateReport(TypedDict):
    resources: list[ResourceReport]
    diagnostics: list[LocatedDiagnostic]
