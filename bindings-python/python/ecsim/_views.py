"""Notebook-native results: rows that turn into pandas data frames, answers and views that draw
themselves as HTML (`_html.py`). Everything here reads the simulation through its public
actions; pandas is an optional extra (`pip install 'ecsim[pandas]'`)."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Iterator, Mapping, Sequence

from . import _html

if TYPE_CHECKING:
    import pandas

    from ._client import Simulation

# Columns holding epoch seconds, which a data frame shows as UTC times.
TIME_COLUMNS = frozenset({"time", "createdAt", "startedAt", "stoppedAt", "updatedAt", "Timestamp", "StartTime", "EndTime"})


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as missing:
        raise ImportError("to_pandas() needs pandas: pip install 'ecsim[pandas]'") from missing
    return pandas


class Records(list):  # type: ignore[type-arg]
    """Rows of plain data (one dict each), as a list; ``to_pandas()`` makes a data frame of them
    and a notebook shows them as a table."""

    columns: tuple[str, ...] = ()

    def __init__(self, rows: Sequence[dict[str, Any]] = (), columns: Sequence[str] = ()) -> None:
        super().__init__(rows)
        self.columns = tuple(columns) or tuple(dict.fromkeys(k for row in rows for k in row))

    def __reduce__(self) -> tuple[Any, ...]:
        return (Records, (list(self), self.columns))

    def to_pandas(self) -> pandas.DataFrame:
        """A data frame with a column per member (times as UTC timestamps)."""
        pd = _pandas()
        frame: pandas.DataFrame = pd.DataFrame.from_records(list(self), columns=list(self.columns))
        for column in frame.columns:
            if column in TIME_COLUMNS:
                # Epoch seconds, or ISO 8601 text (EventBridge's events).
                numeric = pd.api.types.is_numeric_dtype(frame[column])
                frame[column] = (pd.to_datetime(frame[column], unit="s", utc=True) if numeric
                                 else pd.to_datetime(frame[column], utc=True, format="ISO8601"))
        return frame

    def _repr_html_(self) -> str:
        return _html.table(self, self.columns, f"{len(self)} row{'s' if len(self) != 1 else ''}")


class Diagnostics(list):  # type: ignore[type-arg]
    """A validation's findings (``ecsim.Diagnostic``), as a list; a notebook shows them as a
    table, ``to_pandas()`` as a data frame."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (Diagnostics, (list(self),))

    def to_pandas(self) -> pandas.DataFrame:
        return Records([d.to_dict() for d in self], ["code", "severity", "path", "message", "help"]).to_pandas()

    def _repr_html_(self) -> str:
        return _html.diagnostics_html(self)


class PlacementAnswer(dict):  # type: ignore[type-arg]
    """A RunTask, StartTask or PlaceTasks answer: the dict AWS answers, drawn in a notebook as
    where each task went and (with ``explain=True``) why other instances were refused."""

    def to_pandas(self) -> pandas.DataFrame:
        return Records([task_row(t) for t in _html.placed(self)], TASK_COLUMNS).to_pandas()

    def _repr_html_(self) -> str:
        return _html.placement_html(self)


class ServicesAnswer(dict):  # type: ignore[type-arg]
    """A DescribeServices answer, drawn as each service's counts, deployments and last events."""

    def to_pandas(self) -> pandas.DataFrame:
        return Records([service_row(s) for s in self.get("services", [])], SERVICE_COLUMNS).to_pandas()

    def _repr_html_(self) -> str:
        return _html.services_html(self)


# The answers a client hands back as one of the classes above.
ANSWER_VIEWS: dict[tuple[str, str], type[dict]] = {  # type: ignore[type-arg]
    ("ecs", "RunTask"): PlacementAnswer,
    ("ecs", "StartTask"): PlacementAnswer,
    ("ecsim", "PlaceTasks"): PlacementAnswer,
    ("ecs", "DescribeServices"): ServicesAnswer,
}


class ClusterView:
    """A cluster at one moment (``sim.cluster(name)``): drawn as zones of instances with each
    task's CPU and memory; ``instances`` and ``tasks`` as rows."""

    def __init__(self, name: str, layout: dict[str, Any]) -> None:
        self.name = name
        self.layout = layout

    @property
    def instances(self) -> Records:
        return Records([instance_row(i) for i in self.layout.get("instances", [])], INSTANCE_COLUMNS)

    @property
    def tasks(self) -> Records:
        columns = self.layout.get("tasks", {})
        arns = columns.get("taskArn", [])
        rows = [{name: values[k] for name, values in columns.items()} for k in range(len(arns))]
        for row in rows:
            at = row.pop("instance", None)
            row["containerInstance"] = (_html.short(self.layout["instances"][at].get("containerInstanceArn"))
                                        if not _html.on_fargate(at) else None)
            row["task"] = _html.short(row.get("taskArn"))
        return Records(rows, ["task", "group", "lastStatus", "desiredStatus", "healthStatus", "availabilityZone",
                              "containerInstance", "cpu", "memory", "createdAt", "taskArn"])

    def to_pandas(self) -> pandas.DataFrame:
        """The instances, one row each."""
        return self.instances.to_pandas()

    def _repr_html_(self) -> str:
        return _html.cluster_html(self.name, self.layout)

    def __repr__(self) -> str:
        return f"<ecsim cluster {self.name!r}: {len(self.layout.get('instances', []))} instances>"


TASK_COLUMNS = ["task", "group", "lastStatus", "desiredStatus", "healthStatus", "launchType", "availabilityZone",
                "containerInstance", "cpu", "memory", "createdAt", "startedAt", "stoppedAt", "stopCode",
                "stoppedReason", "taskArn"]
INSTANCE_COLUMNS = ["instance", "ec2InstanceId", "instanceType", "availabilityZone", "status", "agentConnected",
                    "cpu", "cpuRemaining", "memory", "memoryRemaining", "runningTasksCount", "pendingTasksCount"]
SERVICE_COLUMNS = ["serviceName", "status", "desiredCount", "runningCount", "pendingCount", "launchType",
                   "taskDefinition", "deployments", "rolloutState", "serviceArn"]


def task_row(task: Mapping[str, Any]) -> dict[str, Any]:
    row = {c: task.get(c) for c in TASK_COLUMNS}
    row["task"] = _html.short(task.get("taskArn"))
    row["containerInstance"] = _html.short(task.get("containerInstanceArn")) or None
    return row


def instance_row(instance: Mapping[str, Any]) -> dict[str, Any]:
    registered, remaining = instance.get("registered", {}), instance.get("remaining", {})
    row = {c: instance.get(c) for c in INSTANCE_COLUMNS}
    row.update(instance=_html.short(instance.get("containerInstanceArn")), cpu=registered.get("cpu"),
               cpuRemaining=remaining.get("cpu"), memory=registered.get("memory"),
               memoryRemaining=remaining.get("memory"))
    return row


def service_row(service: Mapping[str, Any]) -> dict[str, Any]:
    row = {c: service.get(c) for c in SERVICE_COLUMNS}
    deployments = service.get("deployments", [])
    primary: Mapping[str, Any] = next((d for d in deployments if d.get("status") == "PRIMARY"), {})
    row.update(taskDefinition=_html.short(service.get("taskDefinition")), deployments=len(deployments),
               rolloutState=primary.get("rolloutState"))
    return row


def pages(call: Any, key: str, token: str = "nextToken", **request: Any) -> Iterator[Any]:
    """Every item of a listing, page after page."""
    while True:
        answer = call(**request)
        yield from answer.get(key, [])
        if not answer.get(token):
            return
        request[token] = answer[token]


def bus_events(sim: Simulation, since: float | None, detail_type: str | None,
               pattern: dict[str, Any] | str | None) -> Records:
    request: dict[str, Any] = {}
    if since is not None:
        request["since"] = since
    if detail_type is not None:
        request["detailType"] = detail_type
    if pattern is not None:
        request["eventPattern"] = pattern if isinstance(pattern, str) else json.dumps(pattern)
    texts = pages(sim.client("ecsim").list_bus_events, "events", **request)
    return Records([json.loads(text) for text in texts], ["time", "detail-type", "resources", "detail", "id"])


def tasks(sim: Simulation, cluster: str) -> Records:
    ecs = sim.client("ecs")
    arns = [arn for status in ("RUNNING", "STOPPED")
            for arn in pages(ecs.list_tasks, "taskArns", cluster=cluster, desiredStatus=status)]
    described = [t for k in range(0, len(arns), 100)
                 for t in ecs.describe_tasks(cluster=cluster, tasks=arns[k:k + 100]).get("tasks", [])]
    described.sort(key=lambda t: (t.get("createdAt", 0), t.get("taskArn", "")))
    return Records([task_row(t) for t in described], TASK_COLUMNS)


def services(sim: Simulation, cluster: str) -> Records:
    ecs = sim.client("ecs")
    arns = list(pages(ecs.list_services, "serviceArns", cluster=cluster, maxResults=100))
    described = [s for k in range(0, len(arns), 10)
                 for s in ecs.describe_services(cluster=cluster, services=arns[k:k + 10]).get("services", [])]
    return Records([service_row(s) for s in described], SERVICE_COLUMNS)


def metric(sim: Simulation, namespace: str, name: str, dimensions: dict[str, str], statistic: str,
           period: int, start: float | None, end: float | None) -> Records:
    end = sim.now if end is None else end
    start = end - 86_400 if start is None else start
    query = {"Id": "m", "ReturnData": True, "MetricStat": {
        "Metric": {"Namespace": namespace, "MetricName": name,
                   "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions.items()]},
        "Period": period, "Stat": statistic}}
    rows = []
    for result in pages(sim.client("cloudwatch").get_metric_data, "MetricDataResults", token="NextToken",
                        MetricDataQueries=[query], StartTime=start, EndTime=end, ScanBy="TimestampAscending"):
        rows += [{"Timestamp": t, statistic: v} for t, v in zip(result.get("Timestamps", []), result.get("Values", []))]
    rows.sort(key=lambda r: r["Timestamp"])
    return Records(rows, ["Timestamp", statistic])


def scaling_activities(sim: Simulation, resource_id: str | None) -> Records:
    request: dict[str, Any] = {"ServiceNamespace": "ecs"}
    if resource_id is not None:
        request["ResourceId"] = resource_id
    rows = list(pages(sim.client("application-autoscaling").describe_scaling_activities, "ScalingActivities",
                      token="NextToken", **request))
    rows.sort(key=lambda a: a.get("StartTime", 0))
    return Records(rows, ["StartTime", "ResourceId", "Description", "StatusCode", "Cause", "EndTime", "ActivityId"])


def summary(sim: Simulation) -> dict[str, Any]:
    ecs = sim.client("ecs")
    names = list(pages(ecs.list_clusters, "clusterArns"))
    clusters = ecs.describe_clusters(clusters=names).get("clusters", []) if names else []
    rows = [{"cluster": c.get("clusterName"), "instances": c.get("registeredContainerInstancesCount"),
             "tasks": (c.get("runningTasksCount") or 0) + (c.get("pendingTasksCount") or 0),
             "services": c.get("activeServicesCount")} for c in clusters]
    return {"seed": sim.seed, "now": sim.now, "clusters": rows}


def simulation_html(sim: Simulation) -> str:
    data = summary(sim)
    events = sim.events()
    data["start"] = min([float(e["createdAt"]) for e in events[:1]] + [sim.now])
    return _html.simulation_html(data, events)
