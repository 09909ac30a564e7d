"""The service seam through the Python binding: the generated lists equal the core's registry,
every action is shape-checked alike, the configuration members are accepted, and forks."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import ecsim
from ecsim import _native
from ecsim._services import CONFIG_MEMBERS, ERROR_NAMES, SERVICE_ERRORS, SERVICES, error_class_name

PACKAGE = Path(ecsim.__file__).parent


def test_the_generated_registry_is_the_cores() -> None:
    native = {s["name"]: s for s in _native.services()}
    assert list(native) == list(SERVICES)
    for name, operations in SERVICES.items():
        assert list(operations) == native[name]["operations"]
        assert list(SERVICE_ERRORS[name]) == native[name]["errors"]


def test_every_error_class_is_exported_declared_and_raised_by_its_name() -> None:
    stub = (PACKAGE / "_native.pyi").read_text()
    for name in ERROR_NAMES:
        error = getattr(ecsim, name)
        assert issubclass(error, ecsim.EcsimError) and error.__name__ == name
        assert re.search(rf"^class {name}\(EcsimError\):", stub, re.M), name
        assert name in ecsim.__all__


def test_each_client_has_its_own_services_exceptions() -> None:
    sim = ecsim.Simulation()
    for service, errors in SERVICE_ERRORS.items():
        exceptions = vars(sim.client(service).exceptions)
        assert sorted(exceptions) == sorted([*map(error_class_name, errors), "ParamValidationError"])
    assert hasattr(sim.client("elbv2").exceptions, "TargetGroupNotFoundException")
    assert not hasattr(sim.client("events").exceptions, "ClusterNotFoundException")


def test_an_ec2_error_keeps_its_dotted_code_and_its_class_drops_the_dots() -> None:
    ec2 = ecsim.Simulation().client("ec2")
    with pytest.raises(ec2.exceptions.InvalidSubnetIDNotFound) as raised:
        ec2.describe_subnets(SubnetIds=["subnet-0"])
    assert raised.value.code == "InvalidSubnetID.NotFound"
    assert raised.value is not None and isinstance(raised.value, ecsim.InvalidSubnetIDNotFound)


@pytest.mark.parametrize("service", list(SERVICES))
def test_every_action_answers_an_unknown_member_with_its_validation_error(service: str) -> None:
    for action in SERVICES[service]:
        sim = ecsim.Simulation()
        with pytest.raises(ecsim.EcsimError) as raised:
            sim.call(service, action, {"ecsimUnknownMember": 1})
        expected = "ClientException" if action == "RegisterTaskDefinition" else None
        assert raised.value.code in SERVICE_ERRORS[service]
        if expected:
            assert raised.value.code == expected
        finding = [d for d in raised.value.diagnostics if d.path == "$.ecsimUnknownMember"]
        assert [d.code for d in finding] == ["API001"], action
        assert finding[0].message.startswith("Unknown member 'ecsimUnknownMember' in ")


@pytest.mark.parametrize("service", list(SERVICES))
def test_every_action_answers_a_wrongly_typed_member_with_its_validation_error(service: str) -> None:
    for action in SERVICES[service]:
        shape = _native.operation_input(service, action)
        if not shape["members"]:
            continue
        member = shape["members"][0]
        wrong: Any = 12345 if member["type"] == "a string" else "not of this type"
        sim = ecsim.Simulation()
        with pytest.raises(ecsim.EcsimError) as raised:
            sim.call(service, action, {member["name"]: wrong})
        assert raised.value.code in SERVICE_ERRORS[service]
        finding = [d for d in raised.value.diagnostics if d.path == f"$.{member['name']}"]
        assert [d.code for d in finding] == ["API002"], (action, raised.value.diagnostics)


def test_each_services_validation_error() -> None:
    sim = ecsim.Simulation()
    cases = {"ecs": "InvalidParameterException", "elbv2": "ValidationError",
             "events": "ValidationException", "ecsim": "InvalidParameterException"}
    actions = {"ecs": "ListClusters", "elbv2": "DescribeTargetGroups", "events": "ListRules",
               "ecsim": "ListEvents"}
    for service, code in cases.items():
        with pytest.raises(ecsim.EcsimError) as raised:
            sim.call(service, actions[service], {"bogus": True})
        assert type(raised.value).__name__ == code
        assert raised.value.message.endswith("($.bogus)")


def test_every_configuration_member_is_accepted_and_no_other() -> None:
    values: dict[str, Any] = {"seed": 3, "startTime": 1_800_000_000.0, "region": "eu-west-1",
                              "accountId": "111122223333", "undeclaredSubnets": "reject",
                              "taskTimings": "instant", "quotas": {"clusters": 5},
                              "stoppedTaskRetention": 600.0, "customHealthDelay": 10.0,
                              "scaleInThresholdRatio": 0.8, "serviceThrottle": False,
                              "eventBusRetention": 100, "eventDeliveryDelay": 1.0,
                              "instanceTimings": {"boot": 10.0}}
    assert sorted(values) == sorted(CONFIG_MEMBERS)
    assert sorted(ecsim.SimulationConfig.__annotations__) == sorted(CONFIG_MEMBERS)
    sim = ecsim.Simulation(**values)
    assert sim.seed == 3 and sim.now == 1_800_000_000.0
    with pytest.raises(TypeError):
        ecsim.Simulation(sede=3)  # type: ignore[call-arg]


def test_a_fork_is_independent_and_has_the_same_future() -> None:
    sim = ecsim.Simulation(seed=5)
    ecs = sim.client("ecs")
    ecs.create_cluster(clusterName="c")
    ecs.register_container_instance(cluster="c", instanceType="m5.large",
                                    availabilityZone="us-east-1a")
    ecs.register_task_definition(family="w", containerDefinitions=[
        {"name": "a", "image": "x", "memory": 64}])
    fork = sim.fork()
    runs = [s.client("ecs").run_task(cluster="c", taskDefinition="w", count=2)
            for s in (sim, fork)]
    assert runs[0] == runs[1]
    fork.advance(60)
    assert fork.now == sim.now + 60
    assert sim.snapshot() != fork.snapshot()
    sim.advance(60)
    assert sim.snapshot() == fork.snapshot()
