"""A consumer of ecsim's public API, type-checked by mypy --strict in test_api.py."""
from __future__ import annotations

import ecsim


def codes(task_definition: dict[str, object]) -> list[str]:
    return [d.code for d in ecsim.validate_task_definition(task_definition)]


def register(sim: ecsim.Simulation) -> str:
    try:
        out = sim.client("ecs").register_task_definition(family="web", containerDefinitions=[])
    except ecsim.ClientException as error:
        return f"{error.code}: {[d.path for d in error.diagnostics]}"
    return str(out["taskDefinition"]["taskDefinitionArn"])


def lines(template_text: str) -> list[int]:
    report: ecsim.TemplateReport = ecsim.validate_template(template_text, security=True)
    found = [d.get("line", 0) for r in report["resources"] for d in r["diagnostics"]]
    print(ecsim.format_report(report, "sarif", "template.yaml"))
    return found
