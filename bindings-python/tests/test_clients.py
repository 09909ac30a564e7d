"""The typed clients: one class per service, every action a method whose stub takes the
request's members as keyword-only parameters and answers the response's TypedDict; parameters
that do not fit the request shape raise ParamValidationError naming them, as boto3 does."""
from __future__ import annotations

import ast
import inspect
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

import ecsim
from ecsim._services import SERVICES
from vectors import snake

STUB = Path(ecsim.clients.__file__).with_suffix(".pyi")


def stub_methods() -> dict[str, dict[str, ast.FunctionDef]]:
    tree = ast.parse(STUB.read_text())
    return {node.name: {f.name: f for f in node.body if isinstance(f, ast.FunctionDef)}
            for node in tree.body if isinstance(node, ast.ClassDef)}


def test_every_action_is_a_documented_method_in_code_and_stub() -> None:
    stubs = stub_methods()
    sim = ecsim.Simulation()
    for service, actions in SERVICES.items():
        client = sim.client(service)
        cls = type(client)
        assert ecsim.clients.CLIENTS[service] is cls and cls.__name__ in stubs
        for action in actions:
            method = getattr(cls, snake(action))
            assert method.__doc__ and method.__doc__.rstrip().endswith(f"AWS: {service} {action}."), action
            stub = stubs[cls.__name__][snake(action)]
            # Keyword-only members, the required ones without a default.
            assert [a.arg for a in stub.args.args] == ["self"] and not stub.args.vararg and not stub.args.kwarg
            assert stub.returns is not None
            # help() and a notebook's `?` show the same keyword-only members.
            runtime = inspect.signature(method).parameters
            assert list(runtime)[1:] == [a.arg for a in stub.args.kwonlyargs], action
            assert [p.default is inspect.Parameter.empty for p in list(runtime.values())[1:]] == \
                [d is None for d in stub.args.kw_defaults], action
        assert set(stubs[cls.__name__]) == {snake(a) for a in actions}
    assert type(sim.client("ecs")).__name__ == "ECSClient"
    assert type(sim.client("elbv2")).__name__ == "ElasticLoadBalancingv2Client"


def test_required_members_have_no_default_in_the_stub() -> None:
    run_task = stub_methods()["ECSClient"]["run_task"]
    required = [a.arg for a, default in zip(run_task.args.kwonlyargs, run_task.args.kw_defaults) if default is None]
    assert required == ["taskDefinition"]
    assert "cluster" in [a.arg for a in run_task.args.kwonlyargs]
    put_policy = stub_methods()["ApplicationAutoScalingClient"]["put_scaling_policy"]
    required = {a.arg for a, default in zip(put_policy.args.kwonlyargs, put_policy.args.kw_defaults) if default is None}
    assert required == {"PolicyName", "ServiceNamespace", "ResourceId", "ScalableDimension"}


@pytest.mark.parametrize("params, path, words", [
    ({"clusterName": "shop", "tags": [{"key": "team", "valu": "web"}]}, "$.tags[0].valu", "Unknown member"),
    ({"clusterName": 5}, "$.clusterName", "Expected a string"),
    ({"clusterName": "shop", "defaultCapacityProviderStrategy": [{"weight": 1}]},
     "$.defaultCapacityProviderStrategy[0].capacityProvider", "required"),
    ({"clusterName": "shop", "tags": [{"key": "k" * 200, "value": "v"}]}, "$.tags[0].key", "128"),
])
def test_parameters_that_do_not_fit_raise_param_validation_error(params: dict[str, object], path: str, words: str) -> None:
    sim = ecsim.Simulation()
    ecs = sim.client("ecs")
    with pytest.raises(ecsim.ParamValidationError) as raised:
        ecs.create_cluster(**params)  # type: ignore[arg-type]
    error = raised.value
    assert str(error).startswith("Parameter validation failed:\n") and path in str(error) and words in str(error)
    # Still the service's own validation error, with the core's code and message.
    assert isinstance(error, ecs.exceptions.InvalidParameterException)
    assert isinstance(error, ecs.exceptions.ParamValidationError)
    assert error.code == "InvalidParameterException" and path in error.message
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error) and (again.code, again.message, str(again)) == (error.code, error.message, str(error))
    # Refused before anything changed.
    assert ecs.list_clusters()["clusterArns"] == []


def test_an_enum_value_is_the_services_to_refuse() -> None:
    scaling = ecsim.Simulation().client("application-autoscaling")
    with pytest.raises(scaling.exceptions.ValidationException) as raised:
        scaling.describe_scalable_targets(ServiceNamespace="bogus")  # type: ignore[arg-type]
    assert not isinstance(raised.value, ecsim.ParamValidationError)


def test_other_services_raise_their_own_validation_error() -> None:
    scaling = ecsim.Simulation().client("application-autoscaling")
    with pytest.raises(ecsim.ParamValidationError) as raised:
        scaling.describe_scaling_activities(ServiceNamespace="ecs", MaxResult=5)  # type: ignore[call-arg]
    assert isinstance(raised.value, ecsim.ValidationException) and "MaxResult" in str(raised.value)


def test_mypy_reports_what_boto3s_stubs_report(tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text(
        "import ecsim\n"
        "sim = ecsim.Simulation()\n"
        "ecs = sim.client('ecs')\n"
        "ecs.create_cluster(clusterName=5)\n"
        "ecs.run_task(cluster='shop')\n"
        "ecs.create_cluster(clusterNam='shop')\n"
        "name: int = ecs.describe_clusters()['clusters'][0]['clusterName']\n"
        "sim.client('application-autoscaling').describe_scalable_targets(ServiceNamespace='bogus')\n")
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict", str(broken)], capture_output=True, text=True)
    out = result.stdout
    assert result.returncode == 1, out
    assert 'Argument "clusterName" to "create_cluster" of "ECSClient" has incompatible type "int"; expected "str"' in out
    assert 'Missing named argument "taskDefinition" for "run_task" of "ECSClient"' in out
    assert 'Unexpected keyword argument "clusterNam" for "create_cluster" of "ECSClient"' in out
    assert "broken.py:7: error: Incompatible types in assignment" in out
    assert 'Argument "ServiceNamespace" to "describe_scalable_targets"' in out
