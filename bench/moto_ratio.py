"""ecsim against moto on the same workload, in the same run (docs/benchmarks.md, issue #11):

    python bench/moto_ratio.py [--runs 3]

A cluster of 100 m5.large container instances in three zones, one task definition, then 2,000
tasks started by RunTask in calls of 10, each call through boto3's ECS client on moto's mocked
AWS and through ecsim's typed client (`sim.client("ecs").run_task(...)`). Only the RunTask loop is
timed; the ratio is moto's time over ecsim's, best of the runs each."""
from __future__ import annotations

import argparse
import json
import time

import boto3
import moto

import ecsim

ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"]
INSTANCES, TASKS, PER_CALL = 100, 2000, 10
DEFINITION = {"family": "web", "containerDefinitions": [{"name": "app", "image": "x", "memoryReservation": 16, "cpu": 4}]}


def moto_loop() -> float:
    with moto.mock_aws():
        session = boto3.Session(region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
        ec2, ecs = session.client("ec2"), session.client("ecs")
        ecs.create_cluster(clusterName="big")
        image = ec2.describe_images()["Images"][0]["ImageId"]
        for i in range(INSTANCES):
            instance = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="m5.large",
                                         Placement={"AvailabilityZone": ZONES[i % 3]})["Instances"][0]
            document = {"instanceId": instance["InstanceId"], "instanceType": "m5.large",
                        "availabilityZone": ZONES[i % 3], "region": "us-east-1"}
            ecs.register_container_instance(cluster="big", instanceIdentityDocument=json.dumps(document))
        ecs.register_task_definition(**DEFINITION)
        start = time.perf_counter()
        started = sum(len(ecs.run_task(cluster="big", taskDefinition="web", count=PER_CALL)["tasks"])
                      for _ in range(TASKS // PER_CALL))
        elapsed = time.perf_counter() - start
    assert started == TASKS, started
    return elapsed


def ecsim_loop() -> float:
    sim = ecsim.Simulation(seed=1)
    ecs = sim.client("ecs")
    ecs.create_cluster(clusterName="big")
    for i in range(INSTANCES):
        ecs.register_container_instance(cluster="big", instanceType="m5.large", availabilityZone=ZONES[i % 3])
    ecs.register_task_definition(**DEFINITION)
    start = time.perf_counter()
    started = sum(len(ecs.run_task(cluster="big", taskDefinition="web", count=PER_CALL)["tasks"])
                  for _ in range(TASKS // PER_CALL))
    elapsed = time.perf_counter() - start
    assert started == TASKS, started
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    moto_best = min(moto_loop() for _ in range(runs))
    ecsim_best = min(ecsim_loop() for _ in range(runs))
    calls = TASKS // PER_CALL
    print(f"moto (boto3 client): {moto_best:.3f} s, {moto_best / calls * 1e3:.2f} ms a call")
    print(f"ecsim (typed client): {ecsim_best * 1e3:.1f} ms, {ecsim_best / calls * 1e6:.0f} µs a call")
    print(f"ratio: {moto_best / ecsim_best:.0f}×")


if __name__ == "__main__":
    main()
