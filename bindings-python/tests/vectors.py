"""The conformance vector runner for Python: the same files and the same matching rules as
core/tests/vectors.rs and bindings-node/test/vectors.mjs."""
from __future__ import annotations

import keyword
import re
from pathlib import Path
from typing import Any, Callable

import ecsim
from ecsim._services import error_class_name

VECTORS = Path(__file__).resolve().parents[2] / "tests" / "vectors"


def vector_files() -> list[Path]:
    return sorted(VECTORS.rglob("*.json"))


def matches(expected: Any, actual: Any) -> bool:
    """`expected` matches when every member it gives matches; arrays element by element."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(k in actual and matches(v, actual[k]) for k, v in expected.items())
    if isinstance(expected, list):
        return isinstance(actual, list) and len(expected) == len(actual) and all(map(matches, expected, actual))
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        return isinstance(actual, (int, float)) and not isinstance(actual, bool) and float(expected) == float(actual)
    return bool(expected == actual)


def by_location(diagnostics: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(diagnostics, key=lambda d: (d.get("path", ""), d.get("code", "")))


def snake(name: str) -> str:
    """`metricValue` → `metric_value`."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def call(sim: ecsim.Simulation, service: str, action: str, params: Any) -> Any:
    """Through the service's typed client, as a user calls it; inputs a method cannot take as
    keywords (not an object, a member that is not a Python name) and actions the service does
    not have go through the untyped `call`."""
    method = getattr(ecsim.clients.CLIENTS.get(service), snake(action), None)
    if method is None or not isinstance(params, dict) or not all(
            isinstance(k, str) and k.isidentifier() and not keyword.iskeyword(k) for k in params):
        return sim.call(service, action, params)
    return method(sim.client(service), **params)


def run_step(sim: ecsim.Simulation, step: dict[str, Any],
             validate: Callable[[Any, dict[str, Any]], list[dict[str, Any]]]) -> str | None:
    """Runs one step; returns a description of the mismatch, or None."""
    if "advance" in step:
        sim.advance(step["advance"])
        return None
    expect = step["expect"]
    if "math" in step:
        # Through the typed functions, with Python's names.
        function = getattr(ecsim.math, snake(step["math"]))
        try:
            result = function(**{snake(name): value for name, value in step["input"].items()})
        except ecsim.EcsimError as error:
            got = {"code": error.code, "message": error.message}
            return None if "error" in expect and matches(expect["error"], got) else f"error: got {got}"
        return None if "error" not in expect and matches(expect["result"], result) else f"result: got {result}"
    if step.get("validate") == "Template":
        report = ecsim.validate_template(step["input"], **step.get("options", {}))
        return None if matches(expect["report"], report) else f"report: got {report}"
    if "validate" in step:
        actual = by_location(validate(step["input"], step.get("options", {})))
        return None if matches(by_location(expect["diagnostics"]), actual) else f"diagnostics: got {actual}"
    try:
        output = call(sim, step["service"], step["action"], step["input"])
    except ecsim.EcsimError as error:
        got = {"code": error.code, "message": error.message,
               "diagnostics": by_location([d.to_dict() for d in error.diagnostics])}
        wanted = dict(expect.get("error") or {})
        if "diagnostics" in wanted:
            wanted["diagnostics"] = by_location(wanted["diagnostics"])
        named = type(error).__name__ == error_class_name(error.code)
        ok = "error" in expect and matches(wanted, got) and named
        return None if ok else f"error: got {got}"
    return None if "output" in expect and matches(expect["output"], output) else f"output: got {output}"
