"""What-if on a real cluster: captured through a real boto3 session against moto's mocked AWS (a
peer's implementation of the API), then built in a simulation."""
from __future__ import annotations

import json
from typing import Any

import pytest

import ecsim

boto3 = pytest.importorskip("boto3")
moto = pytest.importorskip("moto")


def production() -> dict[str, Any]:
    """A cluster in moto: four instances in two zones (one with a custom attribute, one
    draining), two task definitions, a service behind a target group, and a standalone task."""
    with moto.mock_aws():
        session = boto3.Session(region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x")
        ec2, ecs, elbv2 = session.client("ec2"), session.client("ecs"), session.client("elbv2")
        ecs.create_cluster(clusterName="prod", tags=[{"key": "team", "value": "web"}])
        vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
        image = ec2.describe_images()["Images"][0]["ImageId"]
        for k, (zone, kind) in enumerate([("eu-west-1a", "m5.large"), ("eu-west-1a", "t3a.large"),
                                          ("eu-west-1b", "m5.large"), ("eu-west-1b", "m5.large")]):
            instance = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType=kind,
                                         Placement={"AvailabilityZone": zone})["Instances"][0]
            document = {"instanceId": instance["InstanceId"], "instanceType": kind, "availabilityZone": zone,
                        "region": "eu-west-1"}
            registered = ecs.register_container_instance(
                cluster="prod", instanceIdentityDocument=json.dumps(document))["containerInstance"]
            if k == 0:
                ecs.put_attributes(cluster="prod", attributes=[{
                    "name": "tier", "value": "edge", "targetType": "container-instance",
                    "targetId": registered["containerInstanceArn"].rsplit("/", 1)[1]}])
            if k == 3:
                ecs.update_container_instances_state(cluster="prod", containerInstances=[registered["containerInstanceArn"]],
                                                     status="DRAINING")
        ecs.register_task_definition(family="web", containerDefinitions=[
            {"name": "web", "image": "nginx", "cpu": 256, "memory": 512,
             "portMappings": [{"containerPort": 80, "hostPort": 0}]}])
        ecs.register_task_definition(family="batch", containerDefinitions=[
            {"name": "job", "image": "busybox", "cpu": 512, "memory": 1024}])
        group = elbv2.create_target_group(Name="web", Protocol="HTTP", Port=80, VpcId=vpc, TargetType="instance",
                                          HealthCheckPath="/health")["TargetGroups"][0]
        ecs.create_service(cluster="prod", serviceName="web", taskDefinition="web", desiredCount=3,
                           loadBalancers=[{"targetGroupArn": group["TargetGroupArn"], "containerName": "web",
                                           "containerPort": 80}],
                           placementStrategy=[{"type": "spread", "field": "attribute:ecs.availability-zone"}])
        ecs.run_task(cluster="prod", taskDefinition="batch", count=1)
        return ecsim.capture(session, cluster="prod")


def test_a_capture_is_plain_json_of_the_cluster() -> None:
    captured = production()
    assert json.loads(json.dumps(captured)) == captured
    assert captured["version"] == 1 and captured["region"] == "eu-west-1"
    assert captured["cluster"]["clusterName"] == "prod" and len(captured["containerInstances"]) == 4
    assert {d["family"] for d in captured["taskDefinitions"]} == {"web", "batch"}
    assert [g["TargetGroupName"] for g in captured["targetGroups"]] == ["web"]
    assert len(captured["tasks"]) == 1 and captured["services"][0]["serviceName"] == "web"


def test_the_captured_cluster_is_built_and_answers_what_if() -> None:
    captured = json.loads(json.dumps(production()))
    sim = ecsim.Simulation.from_capture(captured, seed=3)
    assert sim.capture_skipped == []
    ecs = sim.client("ecs")
    [cluster] = ecs.describe_clusters(clusters=["prod"], include=["TAGS"])["clusters"]
    assert cluster["clusterArn"] == captured["cluster"]["clusterArn"]
    assert cluster["tags"] == [{"key": "team", "value": "web"}]
    # The same instances: ids, types (an instance type the catalog lacks too), zones, resources.
    arns = ecs.list_container_instances(cluster="prod")["containerInstanceArns"]
    built = {i["ec2InstanceId"]: i for i in ecs.describe_container_instances(cluster="prod", containerInstances=arns)["containerInstances"]}
    for original in captured["containerInstances"]:
        mine = built[original["ec2InstanceId"]]
        attributes = {a["name"]: a.get("value") for a in mine["attributes"]}
        wanted = {a["name"]: a.get("value") for a in original["attributes"]}
        for name in ("ecs.instance-type", "ecs.availability-zone"):
            assert attributes[name] == wanted[name]
        assert attributes.get("tier") == wanted.get("tier")
        registered = {r["name"]: r.get("integerValue") for r in mine["registeredResources"]}
        assert registered["CPU"] == {r["name"]: r.get("integerValue") for r in original["registeredResources"]}["CPU"]
        assert mine["status"] == original["status"]
    assert sum(1 for i in built.values() for a in i["attributes"] if a.get("name") == "tier") == 1
    # The service placed its tasks (spread over the zones, not on the draining instance).
    [service] = ecs.describe_services(cluster="prod", services=["web"])["services"]
    assert service["runningCount"] == 3 and service["loadBalancers"][0]["containerPort"] == 80
    tasks = sim.tasks("prod")
    draining = next(i["ec2InstanceId"] for i in captured["containerInstances"] if i["status"] == "DRAINING")
    assert built[draining]["containerInstanceArn"].rsplit("/", 1)[1] not in {t["containerInstance"] for t in tasks}
    # The standalone task runs on the instance it ran on.
    batch = [t for t in tasks if t["group"] == "family:batch"]
    original_instance = next(i for i in captured["containerInstances"]
                             if i["containerInstanceArn"] == captured["tasks"][0]["containerInstanceArn"])
    assert len(batch) == 1 and batch[0]["containerInstance"] == \
        built[original_instance["ec2InstanceId"]]["containerInstanceArn"].rsplit("/", 1)[1]
    # What if the edge instance is drained too?
    what_if = sim.fork()
    edge = next(i for i in built.values() if any(a["name"] == "tier" for a in i["attributes"]))
    what_if.client("ecs").update_container_instances_state(cluster="prod", containerInstances=[edge["containerInstanceArn"]],
                                                           status="DRAINING")
    what_if.advance(600)
    moved = what_if.tasks("prod")
    running = [t for t in moved if t["lastStatus"] == "RUNNING" and t["group"] == "service:web"]
    assert len(running) == 3 and all(t["containerInstance"] != edge["containerInstanceArn"].rsplit("/", 1)[1] for t in running)


def test_a_capture_of_another_version_is_refused() -> None:
    with pytest.raises(ValueError, match="capture version 9"):
        ecsim.Simulation.from_capture({"version": 9})
