"""The hostile-input corpus (tests/hostile/corpus.json), each case in its own process with a time
and memory limit: no crash, no hang, no memory blowup, and the error or finding the corpus gives."""
from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

CORPUS = json.loads((Path(__file__).resolve().parents[2] / "tests" / "hostile" / "corpus.json").read_text())

CHILD = r'''
import json, sys
import ecsim

def build(value):
    if isinstance(value, dict):
        if "$deep" in value:
            root = node = []
            for _ in range(value["$deep"]):
                child = []
                node.append(child)
                node = child
            return root
        if "$cycle" in value:
            cyclic = {}
            cyclic["self"] = cyclic
            return cyclic
        if "$number" in value:
            return {"nan": float("nan"), "inf": float("inf"), "-inf": float("-inf"), "2**70": 2**70}[value["$number"]]
        if "$repeat" in value:
            return value["$repeat"] * value["times"] + value.get("then", "")
        if "$tags" in value:
            return [{"key": f"k{i}", "value": "v"} for i in range(value["$tags"])]
        if "$minified" in value:
            resources, size, i = {}, 0, 0
            while size < value["$minified"]:
                resources[f"TD{i}"] = {"Type": "AWS::ECS::TaskDefinition", "Properties": {
                    "RequiresCompatibilities": ["FARGATE"], "NetworkMode": "awsvpc", "Cpu": "256", "Memory": "4096",
                    "ContainerDefinitions": [{"Name": "app", "Image": "nginx", "Essential": True}]}}
                size += 230
                i += 1
            return json.dumps({"Resources": resources}, separators=(",", ":"))
        return {k: build(v) for k, v in value.items()}
    if isinstance(value, list):
        return [build(v) for v in value]
    return value

case = json.loads(sys.argv[1])
run = case["run"]
try:
    if run == "call":
        sim = ecsim.Simulation()
        result = sim.call(case["service"], case["action"], build(case["input"]))
        print(json.dumps({"ok": True}))
    elif run == "validate":
        ecsim.validate_task_definition(build(case["input"]), **case.get("options", {}))
        print(json.dumps({"ok": True}))
    elif run == "template":
        report = ecsim.validate_template(build(case["text"]))
        codes = [d["code"] for d in report["diagnostics"]] + [d["code"] for r in report["resources"] for d in r["diagnostics"]]
        print(json.dumps({"findings": sorted(set(codes))}))
    elif run == "advance":
        ecsim.Simulation().advance(case["seconds"])
        print(json.dumps({"ok": True}))
    elif run == "calls":
        sim = ecsim.Simulation(**case.get("config", {}))
        for service, action, payload in case["calls"]:
            sim.call(service, action, payload)
        sim.advance(case["advance"])
        print(json.dumps({"ok": True}))
    elif run == "report":
        text = ecsim.format_report(ecsim.validate_template(case["template"]), "text", "template")
        print(json.dumps({"lines": text.splitlines()}))
    elif run == "restore-edited":
        sim = ecsim.Simulation(seed=1)
        sim.client("ecs").create_cluster(clusterName="c")
        snapshot = sim.snapshot()
        snapshot["config"]["seed"] = 2
        ecsim.Simulation.restore(snapshot)
        print(json.dumps({"ok": True}))
except ecsim.EcsimError as error:
    print(json.dumps({"error": error.code, "message": error.message}))
except TypeError as error:
    print(json.dumps({"type_error": True, "message": str(error)}))
'''


def limit_memory() -> None:
    limit = CORPUS["limits"]["memoryMiB"] * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@pytest.mark.parametrize("case", CORPUS["cases"], ids=[c["name"] for c in CORPUS["cases"]])
def test_hostile_case(case: dict[str, Any]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(case)],
        capture_output=True, text=True, timeout=CORPUS["limits"]["seconds"], preexec_fn=limit_memory,
    )
    assert done.returncode == 0, f"exit {done.returncode}: {done.stderr[-2000:]}"
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    expect = case["expect"]
    if "error" in expect:
        assert outcome.get("error") == expect["error"], outcome
    elif "finding" in expect:
        assert expect["finding"] in outcome["findings"], outcome
    elif "type_error" in expect:
        assert outcome.get("type_error"), outcome
    elif "lines_start_with" in expect:
        assert all(line.startswith(tuple(expect["lines_start_with"])) for line in outcome["lines"]), outcome
    else:
        assert outcome == {"ok": True}, outcome
