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


def typed_clients(sim: ecsim.Simulation) -> list[str]:
    """The typed clients: keyword-only members, TypedDict answers, the services' exceptions."""
    ecs = sim.client("ecs")
    ecs.create_cluster(clusterName="shop", tags=[{"key": "team", "value": "web"}])
    ecs.register_task_definition(family="web", containerDefinitions=[{"name": "web", "image": "nginx", "memory": 128}])
    answer = ecs.run_task(cluster="shop", taskDefinition="web", count=2, launchType="EC2")
    reasons = [failure.get("reason", "") for failure in answer.get("failures", [])]
    started: list[float] = [t["createdAt"] for t in answer.get("tasks", []) if "createdAt" in t]
    scaling = sim.client("application-autoscaling")
    try:
        scaling.describe_scaling_activities(ServiceNamespace="ecs", MaxResults=5)
    except scaling.exceptions.ValidationException as error:
        reasons.append(error.code)
    except ecsim.ParamValidationError as error:
        reasons.append(str(error))
    cloudwatch = sim.client("cloudwatch")
    stats = cloudwatch.get_metric_statistics(
        Namespace="AWS/ECS", MetricName="CPUUtilization", StartTime=0.0, EndTime=60.0, Period=60,
        Statistics=["Average"])
    reasons += [str(point.get("Average")) for point in stats.get("Datapoints", [])]
    return reasons + [str(len(started))]
