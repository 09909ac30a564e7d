"""What-if on the real thing: `capture(session, cluster)` reads a cluster through the user's boto3
session with read-only calls into plain JSON, and `from_capture` builds the same cluster in a
simulation. The capture is data (it can be saved, diffed and shared); nothing here writes to AWS."""
from __future__ import annotations

import datetime
import json
from typing import TYPE_CHECKING, Any, Iterator

from ._views import pages

if TYPE_CHECKING:
    from ._client import Simulation

CAPTURE_VERSION = 1
FARGATE_PROVIDERS = ("FARGATE", "FARGATE_SPOT")
# Members of a described task definition that RegisterTaskDefinition does not take.
TASK_DEFINITION_READ_ONLY = ("taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities",
                             "registeredAt", "registeredBy", "deregisteredAt", "deleteRequestedAt")
SERVICE_MEMBERS = ("desiredCount", "launchType", "capacityProviderStrategy", "platformVersion",
                   "deploymentConfiguration", "placementConstraints", "placementStrategy", "networkConfiguration",
                   "healthCheckGracePeriodSeconds", "schedulingStrategy", "enableECSManagedTags", "propagateTags",
                   "tags", "enableExecuteCommand")
TARGET_GROUP_MEMBERS = ("Protocol", "ProtocolVersion", "Port", "VpcId", "HealthCheckProtocol", "HealthCheckPort",
                        "HealthCheckEnabled", "HealthCheckPath", "HealthCheckIntervalSeconds",
                        "HealthCheckTimeoutSeconds", "HealthyThresholdCount", "UnhealthyThresholdCount", "Matcher",
                        "TargetType", "IpAddressType")


def plain(value: Any) -> Any:
    """boto3's answer as JSON data: datetimes as ISO 8601 text, no ResponseMetadata."""
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def in_batches(items: list[Any], size: int) -> Iterator[list[Any]]:
    for k in range(0, len(items), size):
        yield items[k:k + size]


def capture(session: Any, cluster: str = "default") -> dict[str, Any]:
    """The cluster `cluster` as `session` (a boto3 Session) sees it, read with Describe and List
    calls only: the cluster, its container instances, services, running tasks, the task
    definitions they use, its capacity providers, the services' target groups and subnets."""
    ecs = session.client("ecs")
    found = ecs.describe_clusters(clusters=[cluster], include=["SETTINGS", "CONFIGURATIONS", "TAGS"])
    if not found.get("clusters"):
        raise ValueError(f"No cluster {cluster!r} in {session.region_name}: {found.get('failures')}")
    described = found["clusters"][0]
    name = described["clusterName"]
    arns = list(pages(ecs.list_container_instances, "containerInstanceArns", cluster=name))
    instances = [i for batch in in_batches(arns, 100)
                 for i in ecs.describe_container_instances(cluster=name, containerInstances=batch)["containerInstances"]]
    arns = list(pages(ecs.list_services, "serviceArns", cluster=name))
    services = [s for batch in in_batches(arns, 10)
                for s in ecs.describe_services(cluster=name, services=batch, include=["TAGS"])["services"]]
    arns = list(pages(ecs.list_tasks, "taskArns", cluster=name, desiredStatus="RUNNING"))
    tasks = [t for batch in in_batches(arns, 100) for t in ecs.describe_tasks(cluster=name, tasks=batch)["tasks"]]
    used = dict.fromkeys([s["taskDefinition"] for s in services]
                         + [d["taskDefinition"] for s in services for d in s.get("deployments", [])]
                         + [t["taskDefinitionArn"] for t in tasks])
    definitions = [ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"] for arn in used]
    providers = [p for p in described.get("capacityProviders") or [] if p not in FARGATE_PROVIDERS]
    capacity = ecs.describe_capacity_providers(capacityProviders=providers)["capacityProviders"] if providers else []
    groups = list(dict.fromkeys(lb["targetGroupArn"] for s in services for lb in s.get("loadBalancers", [])
                                if lb.get("targetGroupArn")))
    target_groups = [g for batch in in_batches(groups, 20)
                     for g in session.client("elbv2").describe_target_groups(TargetGroupArns=batch)["TargetGroups"]]
    subnet_ids = list(dict.fromkeys(
        subnet for s in services
        for subnet in (s.get("networkConfiguration") or {}).get("awsvpcConfiguration", {}).get("subnets", [])))
    subnets = session.client("ec2").describe_subnets(SubnetIds=subnet_ids)["Subnets"] if subnet_ids else []
    captured: dict[str, Any] = plain({"version": CAPTURE_VERSION, "region": session.region_name,
                  "capturedAt": datetime.datetime.now(datetime.timezone.utc),
                  "cluster": described, "containerInstances": instances, "services": services, "tasks": tasks,
                  "taskDefinitions": definitions, "capacityProviders": capacity, "targetGroups": target_groups,
                  "subnets": [{"SubnetId": s["SubnetId"], "AvailabilityZone": s["AvailabilityZone"]} for s in subnets]})
    return captured


class Builder:
    """Replays a capture into a simulation, noting what it could not reproduce."""

    def __init__(self, sim: Simulation, capture: dict[str, Any]) -> None:
        self.sim = sim
        self.capture = capture
        self.name = capture["cluster"]["clusterName"]
        self.skipped: list[str] = []
        self.definitions: dict[str, str] = {}
        self.instances: dict[str, str] = {}
        self.target_groups: dict[str, str] = {}

    def attempt(self, what: str, service: str, action: str, request: dict[str, Any]) -> Any:
        """The call's answer, or None with the reason noted."""
        from ._native import EcsimError

        try:
            return self.sim.call(service, action, request)
        except EcsimError as error:
            self.skipped.append(f"{what}: {error.code}: {error.message}")
            return None

    def cluster(self) -> None:
        described = self.capture["cluster"]
        providers = [p for p in described.get("capacityProviders") or [] if p in FARGATE_PROVIDERS]
        strategy = [s for s in described.get("defaultCapacityProviderStrategy") or []
                    if s.get("capacityProvider") in FARGATE_PROVIDERS]
        request: dict[str, Any] = {"clusterName": self.name, "capacityProviders": providers,
                                   "defaultCapacityProviderStrategy": strategy}
        if described.get("tags"):
            request["tags"] = described["tags"]
        self.sim.call("ecs", "CreateCluster", request)
        for provider in self.capture.get("capacityProviders", []):
            self.skipped.append(f"capacity provider {provider.get('name')}: Auto Scaling group capacity providers "
                                "are not simulated yet; its instances are kept as registered")
        for subnet in self.capture.get("subnets", []):
            self.attempt(f"subnet {subnet['SubnetId']}", "ecsim", "CreateSubnet",
                         {"subnetId": subnet["SubnetId"], "availabilityZone": subnet["AvailabilityZone"]})

    def container_instances(self) -> None:
        for instance in self.capture.get("containerInstances", []):
            if instance.get("status") not in ("ACTIVE", "DRAINING"):
                continue
            attributes = {a["name"]: a.get("value") for a in instance.get("attributes", [])}
            document = {"instanceId": instance.get("ec2InstanceId"), "region": self.capture.get("region"),
                        "instanceType": attributes.get("ecs.instance-type"),
                        "availabilityZone": attributes.get("ecs.availability-zone")}
            resources = [{k: v for k, v in r.items() if k in ("name", "type", "integerValue", "stringSetValue")}
                         for r in instance.get("registeredResources", [])]
            custom = [a for a in instance.get("attributes", []) if not a["name"].startswith("ecs.")]
            answer = self.attempt(f"container instance {instance.get('ec2InstanceId')}", "ecs",
                                  "RegisterContainerInstance",
                                  {"cluster": self.name, "instanceIdentityDocument": json.dumps(document),
                                   "totalResources": resources, "attributes": custom})
            if answer is None:
                continue
            arn = answer["containerInstance"]["containerInstanceArn"]
            self.instances[instance["containerInstanceArn"]] = arn
            if instance.get("status") == "DRAINING":
                self.sim.call("ecs", "UpdateContainerInstancesState",
                              {"cluster": self.name, "containerInstances": [arn], "status": "DRAINING"})

    def task_definitions(self) -> None:
        for definition in self.capture.get("taskDefinitions", []):
            request = {k: v for k, v in definition.items() if k not in TASK_DEFINITION_READ_ONLY}
            answer = self.attempt(f"task definition {definition.get('taskDefinitionArn')}", "ecs",
                                  "RegisterTaskDefinition", request)
            if answer is not None:
                self.definitions[definition["taskDefinitionArn"]] = answer["taskDefinition"]["taskDefinitionArn"]

    def target_groups_and_services(self) -> None:
        for group in self.capture.get("targetGroups", []):
            request = {k: group[k] for k in TARGET_GROUP_MEMBERS if group.get(k) is not None}
            request["Name"] = group["TargetGroupName"]
            answer = self.attempt(f"target group {group['TargetGroupArn']}", "elbv2", "CreateTargetGroup", request)
            if answer is not None:
                self.target_groups[group["TargetGroupArn"]] = answer["TargetGroups"][0]["TargetGroupArn"]
        for service in self.capture.get("services", []):
            if service.get("status") != "ACTIVE" or service["taskDefinition"] not in self.definitions:
                self.skipped.append(f"service {service['serviceName']}: not ACTIVE or its task definition was skipped")
                continue
            request = {k: service[k] for k in SERVICE_MEMBERS if service.get(k) not in (None, [])}
            balancers = [dict(lb, targetGroupArn=self.target_groups[lb["targetGroupArn"]])
                         for lb in service.get("loadBalancers", []) if lb.get("targetGroupArn") in self.target_groups]
            if balancers:
                request["loadBalancers"] = balancers
            request.update(cluster=self.name, serviceName=service["serviceName"],
                           taskDefinition=self.definitions[service["taskDefinition"]])
            self.attempt(f"service {service['serviceName']}", "ecs", "CreateService", request)

    def standalone_tasks(self) -> None:
        """Tasks no service started, each on its instance again (Fargate ones with RunTask)."""
        for task in self.capture.get("tasks", []):
            definition = self.definitions.get(task.get("taskDefinitionArn", ""))
            if str(task.get("group", "")).startswith("service:") or definition is None:
                continue
            request = {k: task[k] for k in ("group", "startedBy", "overrides") if task.get(k)}
            instance = self.instances.get(task.get("containerInstanceArn", ""))
            if instance is not None:
                request.update(cluster=self.name, taskDefinition=definition, containerInstances=[instance])
                self.attempt(f"task {task['taskArn']}", "ecs", "StartTask", request)
            else:
                self.skipped.append(f"task {task['taskArn']}: a standalone task off EC2 is not replayed")


def origin(capture: dict[str, Any]) -> dict[str, Any]:
    """The configuration that makes the simulation's ARNs and clock the capture's: its region and
    account (from the cluster's ARN) and the moment it was taken."""
    if not isinstance(capture, dict) or capture.get("version") != CAPTURE_VERSION:
        found = capture.get("version") if isinstance(capture, dict) else type(capture).__name__
        raise ValueError(f"capture version {found!r} is not one this ecsim reads ({CAPTURE_VERSION})")
    arn = str(capture["cluster"].get("clusterArn", "")).split(":")
    config: dict[str, Any] = {"region": capture.get("region") or arn[3]}
    if len(arn) > 4 and arn[4]:
        config["accountId"] = arn[4]
    if capture.get("capturedAt"):
        config["startTime"] = datetime.datetime.fromisoformat(capture["capturedAt"]).timestamp()
    return config


def from_capture(sim: Simulation, capture: dict[str, Any], settle: float) -> list[str]:
    builder = Builder(sim, capture)
    builder.cluster()
    builder.container_instances()
    builder.task_definitions()
    builder.target_groups_and_services()
    builder.standalone_tasks()
    sim.advance(settle, progress=False)
    return builder.skipped
