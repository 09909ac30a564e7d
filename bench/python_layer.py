"""The Python layer's figures for docs/benchmarks.md.

    python bench/python_layer.py calls   # per-call cost: typed client, untyped call, bare binding
    python bench/python_layer.py sweep   # a sweep on a Dask LocalCluster against a plain loop

`calls` times the same calls three ways: through the typed client (`ecs.run_task(...)`: keyword
arguments, datetime conversion, answer view), through `sim.call("ecs", "RunTask", {...})`, and
through the native module alone (`sim._native.call`), whose cost over Rust's `Simulation::call` is
the conversion of JSON to and from Python objects. `sweep` runs 16 one-week simulations (a service
with target tracking on a daily load) in a loop, then on a LocalCluster of two worker processes.
"""
from __future__ import annotations

import statistics
import sys
import time
from typing import Any, Callable

import ecsim

ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"]


def best_per_call(fn: Callable[[], Any], calls: int, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        times.append((time.perf_counter() - start) / calls)
    return min(times)


def cluster(instances: int) -> ecsim.Simulation:
    sim = ecsim.Simulation(seed=1)
    ecs = sim.client("ecs")
    ecs.create_cluster(clusterName="big")
    for i in range(instances):
        ecs.register_container_instance(cluster="big", instanceType="m5.large", availabilityZone=ZONES[i % 3])
    ecs.register_task_definition(family="web", containerDefinitions=[{"name": "app", "image": "x", "memoryReservation": 16, "cpu": 4}])
    return sim


def calls() -> None:
    rows = []
    for label, instances, action, params, count in [
        ("ListClusters (a small answer)", 500, "ListClusters", {}, 2000),
        ("DescribeClusters, one cluster", 500, "DescribeClusters", {"clusters": ["big"]}, 2000),
        ("RunTask ×10, 500 instances", 500, "RunTask", {"cluster": "big", "taskDefinition": "web", "count": 10}, 200),
    ]:
        sims = [cluster(instances) for _ in range(3)]
        ecs = sims[0].client("ecs")
        method = getattr(ecs, "".join("_" + c.lower() if c.isupper() else c for c in action).lstrip("_"))
        typed = best_per_call(lambda: method(**params), count)
        untyped = best_per_call(lambda: sims[1].call("ecs", action, params), count)
        native = best_per_call(lambda: sims[2]._native.call("ecs", action, params), count)
        rows.append((label, typed, untyped, native))
    print("| call | typed client | sim.call | native module |")
    print("|---|---|---|---|")
    for label, typed, untyped, native in rows:
        print(f"| {label} | {typed * 1e6:.1f} µs | {untyped * 1e6:.1f} µs | {native * 1e6:.1f} µs |")


def week(params: dict[str, Any], seed: int) -> dict[str, Any]:
    """A week of a daily load through one target-tracked service: the activities it caused."""
    sim = ecsim.Simulation(seed=seed)
    ecs = sim.client("ecs")
    ecs.create_cluster(clusterName="c")
    ecs.register_task_definition(family="w", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256",
                                 memory="512", containerDefinitions=[{"name": "w", "image": "x"}])
    ecs.create_service(cluster="c", serviceName="s", taskDefinition="w", desiredCount=2, launchType="FARGATE",
                       networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-1", "subnet-2"]}})
    scaling = sim.client("application-autoscaling")
    target: dict[str, Any] = {"ServiceNamespace": "ecs", "ResourceId": "service/c/s",
                              "ScalableDimension": "ecs:service:DesiredCount"}
    scaling.register_scalable_target(**target, MinCapacity=2, MaxCapacity=40)
    scaling.put_scaling_policy(**target, PolicyName="cpu", PolicyType="TargetTrackingScaling",
                               TargetTrackingScalingPolicyConfiguration={"TargetValue": params["target"],
                                   "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}})
    trace = [{"at": m * 60, "cpu": 256 * params["peak"] * (0.2 + 0.8 * abs(((m % 1440) - 720) / 720))} for m in range(1440)]
    sim.client("ecsim").put_service_load(cluster="c", service="s", trace=trace, repeatEvery=86_400)
    sim.advance(7 * 86_400, progress=False)
    return {"activities": len(sim.scaling_activities("service/c/s"))}


def sweep() -> None:
    from dask.distributed import Client, LocalCluster

    params = [{"target": target, "peak": peak} for target in (40, 50, 60, 70) for peak in (4, 8, 12, 16)]
    start = time.perf_counter()
    loop = ecsim.sweep(week, params, seed=1)
    plain = time.perf_counter() - start
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local, \
            Client(local) as client:
        client.run(lambda: None)
        timings = []
        # A new seed each time: Dask keeps the answers of calls it has seen (pure tasks).
        for run in range(1, 4):
            start = time.perf_counter()
            rows = ecsim.sweep(week, params, executor=client.get_executor(), seed=run)
            timings.append(time.perf_counter() - start)
            if run == 1:
                assert rows == loop
    print(f"16 one-week simulations: plain loop {plain:.2f} s ({16 / plain:.1f}/s); LocalCluster, 2 workers: "
          f"{min(timings):.2f} s best of 3 (median {statistics.median(timings):.2f} s, {16 / min(timings):.1f}/s)")


if __name__ == "__main__":
    {"calls": calls, "sweep": sweep}[sys.argv[1]]()
