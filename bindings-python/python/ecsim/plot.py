"""Plots of a simulation over time, with matplotlib (``pip install 'ecsim[plot]'``): a recording's
counts and capacity (``recording.plot()``), a CloudWatch metric (``ecsim.plot.metric``), and a
service's utilization beside its counts (``ecsim.plot.service``). Times are UTC."""
from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, Sequence

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ._client import Simulation
    from ._recording import Recording
    from ._views import Records


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as pyplot
    except ImportError as missing:
        raise ImportError("ecsim.plot needs matplotlib: pip install 'ecsim[plot]'") from missing
    return pyplot


def _times(seconds: Sequence[float]) -> Any:
    # Any: matplotlib plots datetimes through its unit converters, which its stubs do not say.
    return [datetime.datetime.fromtimestamp(s, datetime.timezone.utc) for s in seconds]


def metric(records: Records, *, ax: Axes | None = None, label: str | None = None) -> Axes:
    """A metric's rows (``sim.metric(...)``) as a line: its statistic against time."""
    if ax is None:
        ax = _pyplot().subplots(figsize=(9, 3))[1]
    statistic = records.columns[1] if len(records.columns) > 1 else "value"
    ax.plot(_times([r["Timestamp"] for r in records]), [r[statistic] for r in records],
            label=label or statistic)
    ax.set_ylabel(statistic)
    ax.legend(loc="upper left")
    return ax


def _counts(ax: Axes, rows: Sequence[dict[str, Any]], name: str) -> None:
    times = _times([r["time"] for r in rows])
    ax.step(times, [r["desiredCount"] for r in rows], where="post", label=f"{name} desired", linestyle="--")
    ax.plot(times, [r["runningCount"] for r in rows], label=f"{name} running")
    if any(r["pendingCount"] for r in rows):
        ax.plot(times, [r["pendingCount"] for r in rows], label=f"{name} pending", alpha=0.6)


def recording(recorded: Recording, services: Sequence[str] | None = None) -> Figure:
    """Desired (dashed), running and pending tasks per service, and per cluster the CPU and memory
    registered (dashed) and reserved by tasks."""
    pyplot = _pyplot()
    figure: Figure
    figure, (tasks, capacity) = pyplot.subplots(2, 1, figsize=(10, 6), sharex=True)
    names = list(dict.fromkeys(r["service"] for r in recorded.services))
    for name in services if services is not None else names:
        _counts(tasks, [r for r in recorded.services if r["service"] == name], name)
    tasks.set_ylabel("tasks")
    tasks.legend(loc="upper left", fontsize="small")
    for cluster in dict.fromkeys(r["cluster"] for r in recorded.clusters):
        rows = [r for r in recorded.clusters if r["cluster"] == cluster]
        times = _times([r["time"] for r in rows])
        for resource, colour in (("cpu", "tab:blue"), ("memory", "tab:orange")):
            registered = [r[resource] for r in rows]
            if not any(registered):
                continue
            capacity.plot(times, [100.0 * r[f"{resource}Reserved"] / r[resource] if r[resource] else 0.0 for r in rows],
                          color=colour, label=f"{cluster} {resource} reserved")
    capacity.set_ylabel("% of registered")
    capacity.set_ylim(0, 105)
    capacity.legend(loc="upper left", fontsize="small")
    capacity.set_xlabel("UTC")
    figure.autofmt_xdate()
    figure.tight_layout()
    return figure


def service(sim: Simulation, cluster: str, name: str, recorded: Recording | None = None,
            *, period: int = 60, start: float | None = None) -> Figure:
    """A service's CPU and memory utilization from CloudWatch (as its target tracking policy
    sees them) and, given a recording, its desired and running counts."""
    pyplot = _pyplot()
    rows = 2 if recorded is not None else 1
    figure: Figure
    figure, axes = pyplot.subplots(rows, 1, figsize=(10, 3 * rows), sharex=True, squeeze=False)
    utilization = axes[0][0]
    if start is None and recorded is not None and recorded.services:
        start = recorded.services[0]["time"]
    for metric_name in ("CPUUtilization", "MemoryUtilization"):
        records = sim.metric("AWS/ECS", metric_name, {"ClusterName": cluster, "ServiceName": name},
                             period=period, start=start)
        metric(records, ax=utilization, label=metric_name)
    utilization.set_ylabel("%")
    if recorded is not None:
        counts = axes[1][0]
        _counts(counts, [r for r in recorded.services if r["service"] == name and r["cluster"] == cluster], name)
        counts.set_ylabel("tasks")
        counts.legend(loc="upper left", fontsize="small")
    figure.autofmt_xdate()
    figure.tight_layout()
    return figure
