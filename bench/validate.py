"""Validation speed through the Python wheel, side by side with cfn-lint on the same template.

    . .venv/bin/activate && pip install cfn-lint && python bench/validate.py
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import ecsim

sys.path.insert(0, str(Path(__file__).parent))
from hundred import ROOT, hundred  # noqa: E402


def best_of(runs: int, repeat: int, call) -> float:
    """Seconds per call: the best of `runs` timings of `repeat` calls."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(repeat):
            call()
        best = min(best, (time.perf_counter() - start) / repeat)
    return best


def main() -> None:
    shop = json.loads((ROOT / "tests/templates/shop.template.json").read_text())
    web_cfn = shop["Resources"]["WebTaskDef1A2B3C4D"]["Properties"]
    template = hundred()
    text = json.dumps(template, indent=1)
    path = ROOT / "target/bench/hundred.template.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)

    per_td = best_of(5, 2000, lambda: ecsim.validate_task_definition(web_cfn))
    print(f"python  validate_task_definition (CloudFormation shape, 4 containers): {per_td * 1e6:8.1f} µs")
    per_template = best_of(5, 20, lambda: ecsim.validate_template(text))
    report = ecsim.validate_template(text)
    found = sum(len(r["diagnostics"]) for r in report["resources"])
    print(f"python  validate_template (100 task definitions, JSON text):          {per_template * 1e3:8.2f} ms"
          f"  ({per_template / 100 * 1e6:.1f} µs per definition, {found} findings)")

    try:
        from cfnlint.api import lint_all
    except ImportError:
        print("cfn-lint is not installed (pip install cfn-lint): no comparison")
        return
    cfn_lint = str(Path(sys.executable).with_name("cfn-lint"))
    version = subprocess.run([cfn_lint, "--version"], capture_output=True, text=True).stdout.strip()
    lint_all(text)  # warm-up: cfn-lint loads its schemas on first use
    in_process = best_of(3, 1, lambda: lint_all(text))
    matches = lint_all(text)
    start = time.perf_counter()
    subprocess.run([cfn_lint, str(path)], capture_output=True)
    command = time.perf_counter() - start
    print(f"{version}: lint_all in process {in_process:.2f} s ({len(matches)} findings); command line {command:.2f} s")
    print(f"ecsim is {in_process / per_template:,.0f}x faster in process, {command / per_template:,.0f}x against the command")


if __name__ == "__main__":
    main()
