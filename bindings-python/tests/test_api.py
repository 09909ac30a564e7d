from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import ecsim

TD = {"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 512}]}


def test_validation_returns_diagnostics_as_data() -> None:
    bad = {"family": "web", "networkMode": "awsvpc",
           "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 512,
                                     "portMappings": [{"containerPort": 80, "hostPort": 8080}]}]}
    [diagnostic] = ecsim.validate_task_definition(bad)
    assert isinstance(diagnostic, ecsim.Diagnostic)
    assert (diagnostic.code, diagnostic.severity) == ("TD301", "error")
    assert diagnostic.path == "$.containerDefinitions[0].portMappings[0].hostPort"
    assert diagnostic.help == "Remove hostPort or set it to 80."
    assert "TD301" in repr(diagnostic)
    assert ecsim.validate_task_definition(TD) == []


def test_validation_of_non_json_values_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        ecsim.validate_task_definition({"family": object()})  # type: ignore[dict-item]


def test_client_methods_are_boto3_names() -> None:
    sim = ecsim.Simulation(seed=7)
    ecs = sim.client("ecs")
    out = ecs.register_task_definition(**TD)
    assert out["taskDefinition"]["taskDefinitionArn"].endswith(":task-definition/web:1")
    assert ecs.describe_task_definition(taskDefinition="web")["taskDefinition"]["revision"] == 1
    assert sim.seed == 7


def test_errors_are_typed_and_carry_diagnostics() -> None:
    sim = ecsim.Simulation()
    ecs = sim.client("ecs")
    with pytest.raises(ecs.exceptions.ClientException) as caught:
        ecs.register_task_definition(family="web", containerDefinitions=[{"name": "app"}])
    error = caught.value
    assert isinstance(error, ecsim.EcsimError)
    assert isinstance(error, ecsim.ClientException)
    assert error.code == "ClientException"
    assert error.message == "Container.image should not be null or empty."
    assert {d.code for d in error.diagnostics} == {"TD104", "TD205"}
    # The failed call changed nothing.
    with pytest.raises(ecsim.ClientException, match="Unable to describe task definition."):
        ecs.describe_task_definition(taskDefinition="web")


def test_unknown_service_and_action() -> None:
    sim = ecsim.Simulation()
    with pytest.raises(ecsim.UnknownServiceError):
        sim.client("s3")
    # A method the client does not have is an AttributeError, as in boto3; the untyped call
    # answers as the service would.
    with pytest.raises(AttributeError):
        sim.client("ecs").launch_rocket()  # type: ignore[attr-defined]
    with pytest.raises(ecsim.UnknownOperationException):
        sim.call("ecs", "LaunchRocket", {})


def test_clock_advances_and_rejects_bad_durations() -> None:
    sim = ecsim.Simulation()
    start = sim.now
    sim.advance(90)
    assert sim.now == start + 90
    with pytest.raises(ecsim.InvalidParameterException):
        sim.advance(-1)
    with pytest.raises(ecsim.InvalidParameterException):
        sim.advance(float("nan"))
    assert sim.now == start + 90
    sim.run_until(start + 120)
    assert sim.now == start + 120
    with pytest.raises(ecsim.InvalidParameterException):
        sim.run_until(start)


def test_task_timings_presets_and_checks() -> None:
    sim = ecsim.Simulation(taskTimings="instant")
    ecs = sim.client("ecs")
    ecs.create_cluster(clusterName="c")
    ecs.register_container_instance(cluster="c", instanceType="m5.large", availabilityZone="us-east-1a")
    ecs.register_task_definition(family="w", containerDefinitions=[{"name": "a", "image": "x", "memory": 64}])
    assert ecs.run_task(cluster="c", taskDefinition="w")["tasks"][0]["lastStatus"] == "RUNNING"
    slow = ecsim.Simulation(taskTimings={"pull": 60})
    ecs = slow.client("ecs")
    ecs.create_cluster(clusterName="c")
    ecs.register_container_instance(cluster="c", instanceType="m5.large", availabilityZone="us-east-1a")
    ecs.register_task_definition(family="w", containerDefinitions=[{"name": "a", "image": "x", "memory": 64}])
    arn = ecs.run_task(cluster="c", taskDefinition="w")["tasks"][0]["taskArn"]
    slow.advance(59)
    assert ecs.describe_tasks(cluster="c", tasks=[arn])["tasks"][0]["lastStatus"] == "PENDING"
    slow.advance(1)
    assert ecs.describe_tasks(cluster="c", tasks=[arn])["tasks"][0]["lastStatus"] == "ACTIVATING"
    with pytest.raises(TypeError, match="taskTimings.pull"):
        ecsim.Simulation(taskTimings={"pull": -1})
    with pytest.raises(TypeError, match="unknown preset"):
        ecsim.Simulation(taskTimings="slow")


def test_bad_simulation_config_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="colour"):
        ecsim.Simulation(colour="blue")
    with pytest.raises(TypeError, match="stoppedTaskRetention must be between 0"):
        ecsim.Simulation(stoppedTaskRetention=-1)


def test_a_panic_becomes_an_internal_error_not_a_crash() -> None:
    with pytest.raises(ecsim.InternalError) as caught:
        ecsim._native._panic_probe()
    assert caught.value.code == "InternalError"
    assert "deliberate panic" in caught.value.message
    # The interpreter is still fine.
    assert ecsim.validate_task_definition(TD) == []


def test_diagnostics_compare_and_convert() -> None:
    [diagnostic] = ecsim.validate_task_definition({"family": "web", "containerDefinitions": []})
    assert diagnostic == ecsim.validate_task_definition({"family": "web", "containerDefinitions": []})[0]
    assert diagnostic.to_dict()["code"] == "TD102"


def test_stubs_type_check_a_consumer() -> None:
    consumer = Path(__file__).with_name("typing_consumer.py")
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict", str(consumer)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    broken = subprocess.run([sys.executable, "-m", "mypy", "--strict", "-c", "import ecsim\nx: int = ecsim.validate_task_definition({})"],
                            capture_output=True, text=True)
    assert broken.returncode == 1 and "incompatible types" in broken.stdout.lower(), broken.stdout


TEMPLATES = Path(__file__).resolve().parents[2] / "tests" / "templates"


def test_templates_from_yaml_text_carry_lines_and_render_as_sarif() -> None:
    report = ecsim.validate_template((TEMPLATES / "api.template.yaml").read_text())
    [resource] = report["resources"]
    assert resource["logicalId"] == "Api"
    first = resource["diagnostics"][0]
    assert (first["code"], first["line"], first["column"]) == ("TD203", 12, 7)
    sarif = json.loads(ecsim.format_report(report, "sarif", "api.template.yaml"))
    assert sarif["version"] == "2.1.0"
    assert sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 12
    text = ecsim.format_report(report, filename="api.template.yaml")
    assert text.startswith("api.template.yaml:12:7: error TD203 [Api]")
    with pytest.raises(ecsim.InvalidParameterException):
        ecsim.format_report(report, "html")  # type: ignore[arg-type]


UNPLACEABLE = """
Resources:
  Cluster: {Type: AWS::ECS::Cluster}
  Launch:
    Type: AWS::AutoScaling::LaunchConfiguration
    Properties: {InstanceType: t3.micro, ImageId: ami-1, UserData: {'Fn::Join': ['', ['ECS_CLUSTER=', {Ref: Cluster}]]}}
  Group:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties: {MinSize: '1', MaxSize: '1', LaunchConfigurationName: {Ref: Launch}}
  Big:
    Type: AWS::ECS::TaskDefinition
    Properties: {ContainerDefinitions: [{Name: app, Image: nginx, Memory: 4096}]}
  Service:
    Type: AWS::ECS::Service
    Properties: {Cluster: {Ref: Cluster}, TaskDefinition: {Ref: Big}, LaunchType: EC2}
"""


def test_templates_run_in_a_simulation_with_simulate() -> None:
    assert ecsim.validate_template(UNPLACEABLE)["resources"][0]["diagnostics"] == []
    report = ecsim.validate_template(UNPLACEABLE, simulate=True, simulate_seconds=60)
    [service] = [r for r in report["resources"] if r["logicalId"] == "Service"]
    [finding] = service["diagnostics"]
    assert finding["code"] == "SIM001" and finding["line"] == 15
    assert finding["message"].startswith("0 of 1 tasks running after 1 simulated minutes")
    with pytest.raises(TypeError, match="simulateSeconds"):
        ecsim.validate_template(UNPLACEABLE, simulate=True, simulate_seconds=-5)
    codes = [rule["code"] for rule in ecsim.rules()]
    assert "SIM001" in codes and codes == sorted(codes)


def test_cloudformation_shape_is_detected() -> None:
    [diagnostic] = ecsim.validate_task_definition(
        {"Family": "web", "NetworkMode": "awsvpc",
         "ContainerDefinitions": [{"Name": "app", "Image": {"Fn::Sub": "x"}, "Memory": "512",
                                   "PortMappings": [{"ContainerPort": 80, "HostPort": 81}]}]})
    assert diagnostic.path == "$.ContainerDefinitions[0].PortMappings[0].HostPort"


def test_bulk_placement_through_the_ecsim_client() -> None:
    sim = ecsim.Simulation(seed=1)
    ecs = sim.client("ecs")
    ecs.create_cluster(clusterName="bulk")
    for zone in ["us-east-1a", "us-east-1b"]:
        ecs.register_container_instance(cluster="bulk", instanceType="m5.xlarge", availabilityZone=zone)
    ecs.register_task_definition(family="w", containerDefinitions=[{"name": "a", "image": "x", "memoryReservation": 256}])
    out = sim.client("ecsim").place_tasks(cluster="bulk", taskDefinition="w", count=40,
                                          placementStrategy=[{"type": "spread", "field": "attribute:ecs.availability-zone"}])
    zones = out["placements"]["availabilityZone"]
    assert len(zones) == 40 and zones.count("us-east-1a") == 20 and out["failures"] == []


def test_service_events_read_like_ecs() -> None:
    sim = ecsim.Simulation(seed=4)
    ecs = sim.client("ecs")
    ecs.create_cluster(clusterName="c")
    ecs.register_container_instance(cluster="c", instanceType="m5.large", availabilityZone="us-east-1a")
    ecs.register_task_definition(family="w", containerDefinitions=[{"name": "a", "image": "x", "memory": 64}])
    ecs.create_service(cluster="c", serviceName="web", taskDefinition="w", desiredCount=2)
    sim.advance(60)  # RUNNING at 11 s, healthy 40 s later
    messages = [event["message"] for event in sim.events(cluster="c")]
    assert messages[0].startswith("(service web) has started 2 tasks: (task ")
    assert messages[-1] == "(service web) has reached a steady state."
    assert sim.events(since=sim.now) == []
    with pytest.raises(ecsim.ServiceNotFoundException):
        ecs.update_service(cluster="c", service="nope", desiredCount=1)


def test_instance_types_list_the_catalog() -> None:
    types = {t["name"]: t for t in ecsim.instance_types()}
    assert types["m5.large"]["registeredCpu"] == 2048
    assert types["m7g.large"]["architecture"] == "arm64"
    assert types["p4d.24xlarge"]["gpus"] == 8
    # Every EC2 type but Mac ones (tools/gen_catalog.py), burstable ones marked.
    assert len(types) > 1000 and types["t3a.large"]["burstable"] and not types["m5.large"]["burstable"]
    assert not any(name.startswith("mac") for name in types)


def test_text_validation_locates_findings_and_carries_fixes() -> None:
    text = '{\n  "family": "api",\n  "networkMode": "awsvpc",\n  "containerDefinitions": [{"name": "api", "image": "x", "memory": 512,\n    "portMappings": [{"containerPort": 8080, "hostPort": 80}]}]\n}'
    [finding] = ecsim.validate_task_definition_text(text)
    assert (finding["code"], finding["line"], finding["column"]) == ("TD301", 5, 46)
    assert finding["fix"] == {"kind": "set", "title": "Set hostPort to 8080", "path": "$.containerDefinitions[0].portMappings[0].hostPort", "value": 8080}
    [diagnostic] = ecsim.validate_task_definition(json.loads(text))
    assert diagnostic.fix == finding["fix"]
    with pytest.raises(ecsim.InvalidParameterException, match="not JSON"):
        ecsim.validate_task_definition_text("{")


def test_a_scenario_builds_a_simulation() -> None:
    sim = ecsim.Simulation.from_scenario({
        "version": 1,
        "cluster": "c",
        "fleet": [{"instanceType": "m5.large", "availabilityZone": "us-east-1a", "count": 2}],
        "taskDefinitions": [{"family": "web", "containerDefinitions": [{"name": "a", "image": "nginx", "memory": 128}]}],
        "steps": [{"at": 10, "service": "ecs", "action": "RunTask", "input": {"cluster": "c", "taskDefinition": "web", "count": 2}}],
    })
    assert sim.now == 1735689610
    assert sim.scenario_outputs is not None and len(sim.scenario_outputs[0]["tasks"]) == 2
    with pytest.raises(ecsim.InvalidParameterException, match=r"fleet\[0\]"):
        ecsim.Simulation.from_scenario({"version": 1, "fleet": [{"instanceType": "m5.nope", "availabilityZone": "us-east-1a"}]})


def test_hostile_values_are_refused_naming_where() -> None:
    sim = ecsim.Simulation(seed=1)
    ecs = sim.client("ecs")
    ecs.create_cluster(clusterName="c")
    with pytest.raises(ecsim.InvalidParameterException, match=r"NaN at \$\.count is not a number"):
        sim.call("ecs", "RunTask", {"cluster": "c", "taskDefinition": "x", "count": float("nan")})
    with pytest.raises(ecsim.InvalidParameterException, match=r"inf at \$\.containerDefinitions\[0\]\.cpu"):
        ecsim.validate_task_definition({"family": "f", "containerDefinitions": [{"cpu": float("inf")}]})
    deep: list[object] = []
    node = deep
    for _ in range(20_000):
        child: list[object] = []
        node.append(child)
        node = child
    with pytest.raises(ecsim.InvalidParameterException, match="deeper than 100"):
        ecsim.validate_task_definition({"family": deep})
    cyclic: dict[str, object] = {}
    cyclic["self"] = cyclic
    with pytest.raises(ecsim.InvalidParameterException, match="refers to itself"):
        sim.call("ecs", "ListClusters", cyclic)
    with pytest.raises(ecsim.InvalidParameterException, match="beyond the integers"):
        sim.call("ecs", "RunTask", {"cluster": "c", "taskDefinition": "x", "count": 2**70})
    # The simulation goes on.
    assert ecs.list_clusters()["clusterArns"] == ["arn:aws:ecs:us-east-1:123456789012:cluster/c"]


def test_options_are_typed_and_errors_name_the_option() -> None:
    with pytest.raises(TypeError, match=r"warnings: invalid type: string \"no\", expected a boolean"):
        ecsim.validate_task_definition({"family": "x"}, warnings="no")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="ignore: invalid type: string"):
        ecsim.validate_task_definition({"family": "x"}, ignore="TD210")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"seed: invalid value: integer `-1`"):
        ecsim.Simulation(seed=-1)
    with pytest.raises(TypeError, match="quotas"):
        ecsim.Simulation(quotas={"clusters": -1})  # type: ignore[typeddict-item]


def test_simulations_exceptions_and_diagnostics_pickle() -> None:
    import pickle

    sim = ecsim.Simulation(seed=5)
    ecs = sim.client("ecs")
    ecs.create_cluster(clusterName="c")
    sim.advance(30)
    again = pickle.loads(pickle.dumps(sim))
    assert again.snapshot() == sim.snapshot() and again.now == sim.now
    assert again.client("ecs").create_cluster(clusterName="d") == ecs.create_cluster(clusterName="d")
    with pytest.raises(ecsim.ClientException) as raised:
        ecs.register_task_definition(family="f", containerDefinitions=[{"name": "a", "image": "x", "memoryy": 5}])
    error = pickle.loads(pickle.dumps(raised.value))
    # A misspelt member is refused as boto3 refuses it, and is still the service's error.
    assert type(error) is type(raised.value)
    assert isinstance(error, ecsim.ClientException) and isinstance(error, ecsim.ParamValidationError)
    assert str(error) == str(raised.value)
    assert (error.code, error.message, error.diagnostics) == (raised.value.code, raised.value.message, raised.value.diagnostics)
    assert error.diagnostics[0].fix == {"kind": "rename", "title": "Rename to 'memory'", "path": "$.containerDefinitions[0].memoryy", "to": "memory"}


def test_a_simulation_is_safe_to_share_between_threads() -> None:
    from concurrent.futures import ThreadPoolExecutor

    sim = ecsim.Simulation(seed=2)
    ecs = sim.client("ecs")

    def work(n: int) -> int:
        ecs.create_cluster(clusterName=f"c{n}")
        sim.advance(1)
        return len(ecs.list_clusters()["clusterArns"])

    with ThreadPoolExecutor(8) as pool:
        counts = list(pool.map(work, range(40)))
    assert max(counts) == 40
    assert len(ecs.list_clusters()["clusterArns"]) == 40 and sim.now == 1735689600 + 40


def test_ctrl_c_interrupts_a_long_advance() -> None:
    # Few tasks, and a memory ceiling: the run keeps every STOPPED task (they are not evicted yet),
    # and a slow machine must not let it grow until the system kills it.
    script = """
import ecsim, signal, threading, os, time, resource
resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
# A process started in the background inherits SIGINT ignored; Python then installs no handler.
signal.signal(signal.SIGINT, signal.default_int_handler)
sim = ecsim.Simulation(seed=1, taskTimings="instant")
ecs = sim.client("ecs")
ecs.create_cluster(clusterName="c")
for _ in range(20):
    ecs.register_container_instance(cluster="c", instanceType="m5.large", availabilityZone="us-east-1a")
ecs.register_task_definition(family="job", containerDefinitions=[{"name": "a", "image": "job", "memory": 64}])
sim.client("ecsim").put_image(image="job", exitAfter=30)
ecs.create_service(cluster="c", serviceName="s", taskDefinition="job", desiredCount=5)
threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
start = time.time()
try:
    sim.advance(10 * 365 * 86400)
    print("finished")
except KeyboardInterrupt:
    print("interrupted", round(time.time() - start, 1), sim.now < 1735689600 + 10 * 365 * 86400)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.stdout.startswith("interrupted"), done.stdout + done.stderr
    assert done.stdout.split()[2] == "True"
    assert float(done.stdout.split()[1]) < 10


def test_datetimes_and_boto3_answers_are_taken_as_boto3_takes_them() -> None:
    import datetime

    utc = datetime.timezone.utc
    sim = ecsim.Simulation(seed=1, taskTimings="instant")
    cw = sim.client("cloudwatch")
    paris = datetime.timezone(datetime.timedelta(hours=1))
    cw.put_metric_data(Namespace="Shop", MetricData=[
        {"MetricName": "Orders", "Value": 1, "Timestamp": datetime.datetime(2025, 1, 1, 0, 0, 30, tzinfo=utc)},
        {"MetricName": "Orders", "Value": 2, "Timestamp": datetime.datetime(2025, 1, 1, 1, 1, 15, tzinfo=paris)},
        # Naive: UTC, as botocore reads it.
        {"MetricName": "Orders", "Value": 4, "Timestamp": datetime.datetime(2025, 1, 1, 0, 2, 0)},
    ])
    stats = cw.get_metric_statistics(Namespace="Shop", MetricName="Orders", StartTime=datetime.date(2025, 1, 1),
                                     EndTime=datetime.datetime(2025, 1, 1, 0, 5, tzinfo=utc), Period=60, Statistics=["Sum"])
    assert [(p["Timestamp"], p["Sum"]) for p in stats["Datapoints"]] == [
        (1735689600.0, 1.0), (1735689660.0, 2.0), (1735689720.0, 4.0)]
    ecs = sim.client("ecs")
    ecs.create_cluster(clusterName="shop", capacityProviders=["FARGATE"])
    ecs.register_task_definition(family="web", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256",
                                 memory="512", containerDefinitions=[{"name": "web", "image": "nginx"}])
    ecs.create_service(cluster="shop", serviceName="web", taskDefinition="web", desiredCount=2, launchType="FARGATE",
                       networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-1"]}})
    # What boto3's get_metric_data returns: datetimes, newest first, and ResponseMetadata.
    export = {
        "MetricDataResults": [{"Id": "cpu", "Label": "CPUUtilization", "StatusCode": "Complete",
                               "Timestamps": [datetime.datetime(2024, 11, 14, 22, 15, tzinfo=utc),
                                              datetime.datetime(2024, 11, 14, 22, 14, tzinfo=utc)],
                               "Values": [512.0, 256.0]}],
        "Messages": [],
        "ResponseMetadata": {"RequestId": "0b1e2c5e", "HTTPStatusCode": 200, "HTTPHeaders": {}, "RetryAttempts": 0},
    }
    loaded = sim.client("ecsim").put_service_load(cluster="shop", service="web", metricData=export, metricDataAs="cpu")
    assert loaded["points"] == 2
    sim.advance(150)
    cpu = cw.get_metric_statistics(Namespace="AWS/ECS", MetricName="CPUUtilization",
                                   Dimensions=[{"Name": "ClusterName", "Value": "shop"}, {"Name": "ServiceName", "Value": "web"}],
                                   StartTime=sim.now - 150, EndTime=sim.now, Period=60, Statistics=["Maximum"])
    # 256 then 512 CPU units over two tasks of 256: 50 % then 100 %.
    assert [p["Maximum"] for p in cpu["Datapoints"]][-1] == 100.0
    with pytest.raises(ecsim.InvalidParameterValueException, match="ISO 8601"):
        cw.get_metric_statistics(Namespace="Shop", MetricName="Orders", StartTime="yesterday",
                                 EndTime=datetime.datetime(2025, 1, 1, tzinfo=utc), Period=60, Statistics=["Sum"])


def test_answers_reuse_strings_only_while_the_text_repeats() -> None:
    """The native module reuses a member's Python string while its text repeats: each answer must
    still carry its own values, as a fresh build would."""
    sim = ecsim.Simulation(seed=3)
    ecs = sim.client("ecs")
    ecs.create_cluster(clusterName="c")
    for zone in ["us-east-1a", "us-east-1b"]:
        ecs.register_container_instance(cluster="c", instanceType="m5.large", availabilityZone=zone)
    ecs.register_task_definition(family="w", containerDefinitions=[{"name": "app", "image": "x", "memory": 64}])
    first = ecs.run_task(cluster="c", taskDefinition="w", count=2)["tasks"]
    second = ecs.run_task(cluster="c", taskDefinition="w", count=2)["tasks"]
    arns = [task["taskArn"] for task in first + second]
    assert len(set(arns)) == 4
    for task in first + second:
        assert task["containers"][0]["taskArn"] == task["taskArn"]
        assert task["lastStatus"] == "PENDING"
    sim.advance(600)
    described = ecs.describe_tasks(cluster="c", tasks=arns)["tasks"]
    assert [task["lastStatus"] for task in described] == ["RUNNING"] * 4
    assert {task["availabilityZone"] for task in described} == {"us-east-1a", "us-east-1b"}
    assert described[0]["containers"][0]["memory"] == "64"
    assert json.loads(json.dumps(described)) == described


def test_answers_of_one_shape_are_independent_dicts() -> None:
    """A struct's dict is copied from a template of the same members: changing one answer's
    dicts must leave the next answers of that shape whole, with their members in the API's order."""
    sim = ecsim.Simulation(seed=3)
    ecs = sim.client("ecs")
    ecs.create_cluster(clusterName="c")
    ecs.register_container_instance(cluster="c", instanceType="m5.large")
    ecs.register_task_definition(family="w", containerDefinitions=[{"name": "app", "image": "x", "memory": 64}])
    first = ecs.run_task(cluster="c", taskDefinition="w")["tasks"][0]
    order = list(first)
    first["lastStatus"] = "CHANGED"
    del first["taskArn"]
    first["extra"] = 1
    first["containers"][0].clear()
    second = ecs.run_task(cluster="c", taskDefinition="w")["tasks"][0]
    assert list(second) == order
    assert second["lastStatus"] == "PENDING" and "extra" not in second
    assert second["containers"][0]["name"] == "app"
    assert second["taskArn"] != first.get("taskArn")
    # Documents of one answer share no containers: the template keeps only unchangeable values.
    pair = ecs.run_task(cluster="c", taskDefinition="w", count=2)["tasks"]
    assert pair[0]["createdAt"] == pair[1]["createdAt"] and pair[0]["clusterArn"] == pair[1]["clusterArn"]
    assert pair[0]["containers"] is not pair[1]["containers"]
    assert pair[0]["attachments"] is not pair[1]["attachments"]
    pair[0]["attachments"].append("mine")
    pair[0]["containers"][0]["networkBindings"] = None
    third = ecs.run_task(cluster="c", taskDefinition="w")["tasks"][0]
    assert pair[1]["attachments"] == [] and third["attachments"] == []
    assert third["containers"][0]["lastStatus"] == "PENDING" and list(third) == order


def test_requests_other_than_plain_dicts_and_lists_are_read_as_well() -> None:
    """Plain dicts, lists, texts and numbers are read directly; other mappings, tuples and
    numbers past 64 bits go through the general reader, with the same outcome."""
    import collections

    sim = ecsim.Simulation(seed=3)
    ecs = sim.client("ecs")
    ecs.create_cluster(clusterName="c")
    ecs.register_container_instance(cluster="c", instanceType="m5.large")
    ecs.register_task_definition(family="w", containerDefinitions=[{"name": "app", "image": "x", "memory": 64}])
    ordered = collections.OrderedDict(cluster="c", taskDefinition="w", count=2)
    assert len(sim.call("ecs", "RunTask", ordered)["tasks"]) == 2
    tagged = {"cluster": "c", "taskDefinition": "w", "tags": ({"key": "team", "value": "a"},), "enableECSManagedTags": True}
    task = sim.call("ecs", "RunTask", tagged)["tasks"][0]
    assert {"key": "team", "value": "a"} in task["tags"]
    with pytest.raises(ecsim.InvalidParameterException, match=r"\$\.count"):
        sim.call("ecs", "RunTask", {"cluster": "c", "taskDefinition": "w", "count": 2**64})
    with pytest.raises(TypeError, match="not a JSON-like value"):
        sim.call("ecs", "RunTask", {"cluster": "c", "taskDefinition": "w", "count": object()})
