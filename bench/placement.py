"""Placement figures for docs/benchmarks.md.

    python bench/placement.py ecsim   # the Python bulk call: 5,000 instances, 100,000 tasks
    python bench/placement.py moto    # RunTask on 100 instances in moto, then in ecsim

The bulk case is the work of core/benches/placement.rs (m5.large instances in 3 AZs, spread(AZ)
then binpack(memory), a memberOf constraint) through `sim.client("ecsim").place_tasks`, so that the
two figures compare. The moto case needs `pip install "moto[ecs,ec2]" boto3` in the interpreter
that runs it (the project's environment does not carry moto); it imports ecsim only when asked to
time ecsim too, so it can run from a separate environment with ecsim installed there as well.
"""
from __future__ import annotations

import json
import statistics
import sys
import time

ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"]
CONTAINER = {"name": "app", "image": "x", "memoryReservation": 16, "cpu": 4}
STRATEGY = [
    {"type": "spread", "field": "attribute:ecs.availability-zone"},
    {"type": "binpack", "field": "memory"},
]
MEMBER_OF = [{"type": "memberOf", "expression": "attribute:ecs.instance-type == m5.large"}]


def ecsim_cluster(instances: int):
    import ecsim

    sim = ecsim.Simulation(seed=1)
    ecs = sim.client("ecs")
    ecs.create_cluster(clusterName="big")
    for i in range(instances):
        ecs.register_container_instance(cluster="big", instanceType="m5.large", availabilityZone=ZONES[i % 3])
    ecs.register_task_definition(family="web", containerDefinitions=[CONTAINER])
    return sim


def bulk(runs: int = 5) -> None:
    times = []
    for _ in range(runs):
        bulk_client = ecsim_cluster(5000).client("ecsim")
        start = time.perf_counter()
        out = bulk_client.place_tasks(cluster="big", taskDefinition="web", count=100_000,
                                      placementStrategy=STRATEGY, placementConstraints=MEMBER_OF)
        times.append(time.perf_counter() - start)
        assert len(out["placements"]["taskArn"]) == 100_000
    best, median = min(times), statistics.median(times)
    print(f"ecsim Python place_tasks, 5,000 instances, 100,000 tasks: best {best * 1e3:.1f} ms, "
          f"median {median * 1e3:.1f} ms ({100_000 / median:,.0f} placements/s)")


def moto_run_task(tasks: int = 2000) -> tuple[float, float]:
    import boto3
    from moto import mock_aws

    with mock_aws():
        ec2 = boto3.client("ec2", region_name="us-east-1")
        ecs = boto3.client("ecs", region_name="us-east-1")
        ecs.create_cluster(clusterName="big")
        image = ec2.describe_images()["Images"][0]["ImageId"]
        reservation = ec2.run_instances(ImageId=image, MinCount=100, MaxCount=100, InstanceType="m5.large")

        for instance in reservation["Instances"]:
            document = json.dumps({"instanceId": instance["InstanceId"], "region": "us-east-1",
                                   "availabilityZone": instance["Placement"]["AvailabilityZone"]})
            ecs.register_container_instance(cluster="big", instanceIdentityDocument=document)
        ecs.register_task_definition(family="web", containerDefinitions=[CONTAINER])
        start = time.perf_counter()
        placed = 0
        while placed < tasks:
            placed += len(ecs.run_task(cluster="big", taskDefinition="web", count=10)["tasks"])
        through_client = (time.perf_counter() - start) / placed
        # moto's own loop, without boto3's request and response handling.
        from moto.ecs.models import ecs_backends

        backend = ecs_backends["123456789012"]["us-east-1"]
        start = time.perf_counter()
        placed = 0
        while placed < tasks:
            placed += len(backend.run_task("big", "web", 10, None, "", None, None))
        return through_client, (time.perf_counter() - start) / placed


def ecsim_run_task(tasks: int = 2000, strategy: bool = True, workloads: int = 1) -> float:
    """Per task, over `workloads` runs of the workload (each on a fresh cluster, whose building
    is not timed), so that a window of ecsim's lasts as long as a fraction of moto's instead of
    5 ms, which one burst of the machine's noise fills."""
    extra = {"placementStrategy": STRATEGY, "placementConstraints": MEMBER_OF} if strategy else {}
    spent = 0.0
    placed = 0
    for _ in range(workloads):
        ecs = ecsim_cluster(100).client("ecs")
        start = time.perf_counter()
        placed_here = 0
        while placed_here < tasks:
            placed_here += len(ecs.run_task(cluster="big", taskDefinition="web", count=10, **extra)["tasks"])
        spent += time.perf_counter() - start
        placed += placed_here
    return spent / placed


def compare_with_moto(rounds: int = 7, workloads: int = 10) -> None:
    """`rounds` rounds, each a moto loop then ecsim's two loops, so that the machine's swings
    fall on both sides alike; the figures are each side's best and the median of the rounds' own
    ratios.

    Each ecsim loop times `workloads` runs of the workload (about 50 ms, where moto's loop takes a
    second or more), after one untimed run: while moto's loop ran, the allocator gave the memory
    of the last round's simulations back to the system (after a second unused), and the first
    simulation after it paid for about 500 page faults, a sixth of its time, that a steady user of
    ecsim does not meet. moto's loops leave about 200,000 objects alive (boto3's models, its
    backends): they are frozen out of the collector's sight before ecsim's loops, whose own
    objects the collector still walks."""
    import gc

    try:
        import ecsim  # noqa: F401
    except ImportError:
        ecsim = None
    moto_runs, plain, chained = [], [], []
    for _ in range(rounds):
        moto_runs.append(moto_run_task())
        if ecsim is None:
            continue
        gc.collect()
        gc.freeze()
        ecsim_run_task(strategy=False)
        plain.append(ecsim_run_task(strategy=False, workloads=workloads))
        chained.append(ecsim_run_task(strategy=True, workloads=workloads))
        gc.unfreeze()
    through_client = min(run[0] for run in moto_runs)
    per_task = min(run[1] for run in moto_runs)
    print(f"moto run_task (first fit, no strategies), 100 instances: {through_client * 1e6:.0f} µs per task "
          f"through boto3, {per_task * 1e6:.0f} µs in its backend alone (best of {rounds})")
    if ecsim is None:
        print("ecsim is not installed in this interpreter: install its wheel here to compare")
        return
    for label, times in [("no strategies", plain), ("spread(AZ)+binpack(memory)+memberOf", chained)]:
        best = min(times)
        ratios = sorted(moto[0] / ours for moto, ours in zip(moto_runs, times))
        print(f"ecsim run_task (Python client), 100 instances, {label}: {best * 1e6:.2f} µs per task "
              f"({through_client / best:.0f}x moto's boto3 path, {per_task / best:.1f}x its bare backend, "
              f"best of {rounds} windows of {workloads} workloads); the rounds' own ratios: median "
              f"{statistics.median(ratios):.0f}x, lowest {ratios[0]:.0f}x, highest {ratios[-1]:.0f}x")


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "ecsim"
    {"ecsim": bulk, "moto": compare_with_moto}[what]()
