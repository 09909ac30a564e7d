"""A simulation watched as it runs: every `every` seconds of virtual time, each service's desired,
running and pending counts and each cluster's capacity, kept as rows for data frames and plots.
ECS keeps no such history (Container Insights would, at a cost), so a recording samples the
public actions between slices of the clock."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Sequence

from ._views import Records, pages

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ._client import Simulation

SERVICE_COLUMNS = ["time", "cluster", "service", "desiredCount", "runningCount", "pendingCount"]
CLUSTER_COLUMNS = ["time", "cluster", "instances", "cpu", "cpuReserved", "memory", "memoryReserved", "tasks"]


class Recording:
    """``sim.record(every=60)``: run the clock with ``recording.advance(seconds)`` (or
    ``run_until``); ``services`` and ``clusters`` hold one row per sample, ``plot()`` draws them."""

    def __init__(self, sim: Simulation, every: float = 60.0, clusters: Sequence[str] | None = None) -> None:
        if not every > 0:
            raise ValueError(f"every must be a positive number of seconds, got {every!r}")
        self.sim = sim
        self.every = float(every)
        self.only = list(clusters) if clusters is not None else None
        self.services = Records([], SERVICE_COLUMNS)
        self.clusters = Records([], CLUSTER_COLUMNS)
        self.sample()

    def cluster_names(self) -> list[str]:
        if self.only is not None:
            return self.only
        return [arn.rsplit("/", 1)[-1] for arn in pages(self.sim.client("ecs").list_clusters, "clusterArns")]

    def sample(self) -> None:
        """Adds one row per service and per cluster, at the clock's time."""
        ecs, now = self.sim.client("ecs"), self.sim.now
        for cluster in self.cluster_names():
            arns = list(pages(ecs.list_services, "serviceArns", cluster=cluster, maxResults=100))
            for k in range(0, len(arns), 10):
                for service in ecs.describe_services(cluster=cluster, services=arns[k:k + 10]).get("services", []):
                    self.services.append({"time": now, "cluster": cluster, "service": service.get("serviceName"),
                                          "desiredCount": service.get("desiredCount"),
                                          "runningCount": service.get("runningCount"),
                                          "pendingCount": service.get("pendingCount")})
            layout = self.sim._native.call("ecsim", "DescribeClusterLayout", {"cluster": cluster})
            row: dict[str, Any] = {"time": now, "cluster": cluster, "instances": len(layout["instances"]),
                                   "tasks": len(layout["tasks"]["taskArn"])}
            for resource in ("cpu", "memory"):
                registered = sum(i["registered"][resource] for i in layout["instances"])
                row[resource] = registered
                row[f"{resource}Reserved"] = registered - sum(i["remaining"][resource] for i in layout["instances"])
            self.clusters.append(row)

    def run_until(self, time: float, *, progress: bool | None = None) -> None:
        """Runs the clock to `time`, sampling every `every` seconds and at `time`."""
        from . import _progress

        if not math.isfinite(time) or time < self.sim.now:
            # The core refuses it, naming why; nothing is sampled.
            self.sim._native.run_until(time)
        start = self.sim.now
        steps = math.ceil((time - start) / self.every)
        moments = (time if k == steps else start + k * self.every for k in range(1, steps + 1))
        shown = _progress.bar(self.sim, time - start, progress)
        for moment in moments:
            self.sim._native.run_until(moment)
            self.sim._changed()
            self.sample()
            if shown is not None:
                shown.update(round(moment - start) - shown.n)
        if shown is not None:
            shown.close()

    def advance(self, seconds: float, *, progress: bool | None = None) -> None:
        self.run_until(self.sim.now + seconds, progress=progress)

    def plot(self, services: Sequence[str] | None = None) -> Figure:
        """Desired, running and pending counts per service over time, and each cluster's CPU and
        memory registered and reserved (needs matplotlib: ``pip install 'ecsim[plot]'``)."""
        from .plot import recording

        return recording(self, services)
