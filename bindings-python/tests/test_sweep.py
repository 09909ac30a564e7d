"""Sweeps: the same rows from a plain loop, a process pool and a real Dask LocalCluster."""
from __future__ import annotations

import sys
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import cloudpickle
import pytest

import ecsim

# The workers get this module's functions by value (they cannot import a test module).
cloudpickle.register_pickle_by_value(sys.modules[__name__])


def placed(params: dict[str, Any], seed: int) -> dict[str, Any]:
    """Places a batch with one strategy; answers how many instances it used."""
    sim = ecsim.Simulation(seed=seed)
    ecs = sim.client("ecs")
    ecs.create_cluster(clusterName="c")
    for zone in "abc":
        for _ in range(4):
            ecs.register_container_instance(cluster="c", instanceType="m5.large", availabilityZone=f"us-east-1{zone}")
    ecs.register_task_definition(family="w", containerDefinitions=[{"name": "w", "image": "x", "cpu": 256, "memory": 512}])
    answer = sim.client("ecsim").place_tasks(cluster="c", taskDefinition="w", count=params["tasks"],
                                             placementStrategy=[params["strategy"]])
    used = answer["placements"]["containerInstanceArn"]
    return {"instances": len(set(used)), "first": used[0]}


PARAMS = [{"tasks": n, "strategy": strategy} for n in (6, 12, 24)
          for strategy in ({"type": "binpack", "field": "memory"}, {"type": "spread", "field": "instanceId"},
                           {"type": "random"})]


def test_a_sweep_answers_a_row_per_scenario_with_its_own_seed() -> None:
    rows = ecsim.sweep(placed, PARAMS, seed=7)
    assert len(rows) == 9 and [r["tasks"] for r in rows] == [p["tasks"] for p in PARAMS]
    assert len({r["seed"] for r in rows}) == 9 and rows[0]["seed"] == ecsim.scenario_seed(7, 0)
    binpack = [r["instances"] for r in rows if r["strategy"]["type"] == "binpack"]
    spread = [r["instances"] for r in rows if r["strategy"]["type"] == "spread"]
    assert binpack == [1, 2, 3] and spread == [6, 12, 12]
    # Reproducible: the same sweep again, and the seeds drive the random strategy.
    assert ecsim.sweep(placed, PARAMS, seed=7) == rows
    other = ecsim.sweep(placed, PARAMS, seed=8)
    assert [r["first"] for r in other] != [r["first"] for r in rows]
    frame = rows.to_pandas()
    assert list(frame.columns) == ["tasks", "strategy", "seed", "instances", "first"]


def test_a_process_pool_gives_the_loops_rows() -> None:
    with ProcessPoolExecutor(2) as pool:
        assert ecsim.sweep(placed, PARAMS, executor=pool, seed=7) == ecsim.sweep(placed, PARAMS, seed=7)


def test_a_dask_local_cluster_gives_the_loops_rows() -> None:
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        assert ecsim.sweep(placed, PARAMS, executor=client.get_executor(), seed=7) == ecsim.sweep(placed, PARAMS, seed=7)


def test_the_first_failure_is_raised() -> None:
    with pytest.raises(ecsim.ClusterNotFoundException):
        ecsim.sweep(lambda p, s: ecsim.Simulation(seed=s).client("ecs").describe_services(cluster="x", services=["y"]), [1])
