from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import ecsim
from vectors import matches, run_step, vector_files


def validate(task_definition: Any, options: dict[str, Any]) -> list[dict[str, Any]]:
    return [d.to_dict() for d in ecsim.validate_task_definition(task_definition, **options)]


@pytest.mark.parametrize("path", vector_files(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_vector_replays(path: Path) -> None:
    vector = json.loads(path.read_text())
    sim = ecsim.Simulation(seed=vector.get("seed", 0), **vector.get("config", {}))
    failures = []
    for index, step in enumerate(vector["steps"]):
        if step.get("restore"):
            # The simulation goes on from its snapshot, through JSON text.
            sim = ecsim.Simulation.restore(json.loads(json.dumps(sim.snapshot())))
            continue
        if "scenario" in step:
            # The simulation a scenario builds replaces the vector's.
            problem = None
            try:
                sim = ecsim.Simulation.from_scenario(step["scenario"])
                if not matches(step["expect"].get("outputs"), sim.scenario_outputs):
                    problem = f"outputs: got {sim.scenario_outputs}"
            except ecsim.EcsimError as error:
                got = {"code": error.code, "message": error.message}
                if not matches(step["expect"].get("error"), got):
                    problem = f"error: got {got}"
            if problem:
                failures.append(f"[{index}] scenario: {problem}")
            continue
        problem = run_step(sim, step, validate)
        if problem:
            failures.append(f"[{index}] {step.get('name', '')}: {problem}")
    assert not failures, "\n".join(failures)


def test_there_are_vectors() -> None:
    assert len(vector_files()) >= 5
