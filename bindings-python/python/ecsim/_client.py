"""boto3-style clients over the native simulation: `sim.client("ecs").run_task(cluster=...)`
calls the core's `RunTask` with the same keyword arguments as the AWS API members."""
from __future__ import annotations

import datetime
import inspect
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Literal, overload

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from . import clients

from . import _capture, _native, _progress, _views, _widget
from ._config import SimulationConfig
from ._recording import Recording
from ._services import SERVICE_ERRORS, error_class_name
from ._validation import ParamValidationError, as_param_validation_error


def _action_name(method: str) -> str:
    """register_task_definition -> RegisterTaskDefinition (boto3's mapping, reversed)."""
    return "".join(part[:1].upper() + part[1:] for part in method.split("_"))


def _with_times(value: Any, depth: int = 0, path: frozenset[int] = frozenset()) -> Any:
    """Datetimes (what boto3 takes and answers for timestamps) as ISO 8601 strings, which the
    core reads into epoch seconds; a naive datetime is UTC, as botocore reads one. Containers
    that refer to themselves or nest past the core's bound are left as they are, for the core
    to refuse with its own error."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value.isoformat()
    if isinstance(value, datetime.date):
        return datetime.datetime(value.year, value.month, value.day, tzinfo=datetime.timezone.utc).isoformat()
    if not isinstance(value, (dict, list, tuple)) or depth > 200 or id(value) in path:
        return value
    inner = path | {id(value)}
    if isinstance(value, dict):
        return {key: _with_times(item, depth + 1, inner) for key, item in value.items()}
    return [_with_times(item, depth + 1, inner) for item in value]


def _holds_times(value: Any) -> bool:
    """Whether `_with_times` has anything to convert (a walk without copies)."""
    stack: list[Any] = [value]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if isinstance(item, (dict, list, tuple)):
            if id(item) not in seen:
                seen.add(id(item))
                stack.extend(item.values() if isinstance(item, dict) else item)
        elif isinstance(item, datetime.date):
            return True
    return False


def keywords(required: tuple[str, ...], optional: tuple[str, ...]) -> inspect.Signature:
    """What ``help()`` and a notebook's ``?`` show for a typed client method: the request's
    members as keyword-only parameters, the required ones first (their types are in clients.pyi)."""
    only = inspect.Parameter.KEYWORD_ONLY
    return inspect.Signature([inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD),
                              *(inspect.Parameter(name, only) for name in required),
                              *(inspect.Parameter(name, only, default=None) for name in optional)])


class Client:
    """A client for one AWS service of a simulation, as boto3's: each action a method taking the
    request's members as keywords (the classes in ``ecsim.clients``, one per service)."""

    SERVICE = ""

    def __init__(self, simulation: Simulation) -> None:
        self._simulation = simulation
        self.service = self.SERVICE
        # As in boto3: `except ecs.exceptions.ClientException`, the service's own errors.
        names = [error_class_name(code) for code in SERVICE_ERRORS[self.service]]
        errors = {name: getattr(_native, name) for name in names}
        self.exceptions = SimpleNamespace(ParamValidationError=ParamValidationError, **errors)
        self._views = {action: view for (service, action), view in _views.ANSWER_VIEWS.items()
                       if service == self.service}

    def _call(self, action: str, params: dict[str, Any]) -> Any:
        simulation = self._simulation
        try:
            try:
                answer = simulation._native.call(self.service, action, params)
            except TypeError:
                # A datetime (what boto3 takes for a timestamp) is not JSON-like: the request is
                # given again with its datetimes as texts. They are looked for only then, since
                # most requests hold none and the walk would cost every call; a refused read
                # changes nothing.
                if not _holds_times(params):
                    raise
                answer = simulation._native.call(self.service, action, _with_times(params))
        except _native.EcsimError as error:
            converted = as_param_validation_error(error)
            if converted is error:
                raise
            raise converted from None
        simulation._changed()
        view = self._views.get(action)
        return view(answer) if view else answer

    def __repr__(self) -> str:
        return f"<ecsim client {self.service!r}>"


class Simulation:
    """One simulated region with a virtual clock.

    Simulation(seed=42, startTime=..., region="us-east-1", accountId="123456789012",
               undeclaredSubnets="assign")

    ``undeclaredSubnets``: what a FARGATE request's subnet that was never declared with
    ``client("ecsim").create_subnet(...)`` stands for: ``"assign"`` (default) gives it the zones
    a, b, c in turn, ``"reject"`` refuses it as AWS would.
    """

    #: After ``from_scenario``: each step's answer, in order.
    scenario_outputs: list[dict[str, Any]] | None = None

    def __init__(self, **config: Unpack[SimulationConfig]) -> None:
        self._native = _native.Simulation(**config)

    @property
    def seed(self) -> int:
        return self._native.seed

    @property
    def now(self) -> float:
        """The virtual clock, in seconds since the Unix epoch."""
        return self._native.now

    #: Whether `advance` and `run_until` over an hour of virtual time or more show a progress bar
    #: (tqdm.auto, when it is installed; only once the call has taken half a second). Set it to
    #: False on a simulation (or on the class) to turn bars off; `progress=` decides per call.
    progress: bool = True

    def advance(self, seconds: float, *, progress: bool | None = None) -> None:
        """Runs the virtual clock forward by `seconds`, with everything that falls due."""
        shown = _progress.bar(self, seconds, progress)
        if shown is not None:
            _progress.run_with_bar(self._native, self.now + seconds, shown)
        else:
            self._native.advance(seconds)
        self._changed()

    def snapshot(self) -> dict[str, Any]:
        """The whole simulation as JSON-ready data; ``Simulation.restore`` rebuilds it, with the
        same future (it holds the configuration and every call and clock move, replayed)."""
        return self._native.snapshot()

    def __reduce__(self) -> tuple[Any, tuple[dict[str, Any]]]:
        # Pickles as its snapshot (configuration and journal): the unpickled simulation is
        # restored from it, in the same state, with the same future.
        return (type(self).restore, (self.snapshot(),))

    @classmethod
    def _wrapping(cls, native: _native.Simulation) -> Simulation:
        simulation = cls.__new__(cls)
        simulation._native = native
        return simulation

    def fork(self) -> Simulation:
        """An independent simulation in the same state (clock, RNG position, journal): given the
        same calls it has the same future as this one, given others it goes its own way."""
        return self._wrapping(self._native.fork())

    @classmethod
    def restore(cls, snapshot: dict[str, Any]) -> Simulation:
        """The simulation a ``snapshot()`` was taken of, in the same state."""
        return cls._wrapping(_native.Simulation.restore(snapshot))

    @classmethod
    def from_scenario(cls, scenario: dict[str, Any]) -> Simulation:
        """The simulation a scenario builds (the playground's export format: config, fleet, task
        definitions, timed steps); each step's answer is in ``scenario_outputs``."""
        native, outputs = _native.Simulation.from_scenario(scenario)
        simulation = cls._wrapping(native)
        simulation.scenario_outputs = outputs
        return simulation

    #: After ``from_capture``: what of the capture could not be reproduced, and why.
    capture_skipped: list[str] | None = None

    @classmethod
    def from_capture(cls, capture: dict[str, Any], *, seed: int = 0, settle: float = 300.0) -> Simulation:
        """The cluster a ``ecsim.capture(session, cluster=...)`` read, built in a new simulation
        (same region, account, instance ids, types, zones, resources and custom attributes, task
        definitions, target groups and services; standalone tasks started on their instances),
        its clock then run `settle` seconds so that the services place their tasks. What could
        not be reproduced is listed in ``capture_skipped``."""
        sim = cls(seed=seed, **_capture.origin(capture))
        sim.capture_skipped = _capture.from_capture(sim, capture, settle)
        return sim

    def run_until(self, time: float, *, progress: bool | None = None) -> None:
        """Runs the virtual clock to `time` (seconds since the Unix epoch, not before `now`)."""
        shown = _progress.bar(self, time - self.now, progress)
        if shown is not None:
            _progress.run_with_bar(self._native, time, shown)
        else:
            self._native.run_until(time)
        self._changed()

    def serve_dns(self, port: int = 0) -> _native.DnsServer:
        """A DNS server on 127.0.0.1:`port` (0: a free one; see ``.port``) answering UDP and TCP
        queries for the Cloud Map DNS namespaces from the live simulation, as Route 53 would.
        ``with sim.serve_dns() as dns: ...`` stops it at the end; so does ``dns.stop()``."""
        return self._native.serve_dns(port)

    def events(self, cluster: str | None = None, since: float | None = None, *, bus: bool = False,
               detail_type: str | None = None, pattern: dict[str, Any] | str | None = None) -> _views.Records:
        """Every service event so far, oldest first, as ECS words them (`createdAt`,
        `serviceArn`, `id`, `message`): the ecsim client's ListEvents.

        With ``bus=True``, ECS's events on the default EventBridge bus instead (ECS Task State
        Change, ECS Container Instance State Change, ECS Service Action, ECS Deployment State
        Change), each a dict as EventBridge hands it to a rule's targets: the ecsim client's
        ListBusEvents. ``detail_type`` and ``pattern`` (an EventBridge event pattern, a dict or
        JSON text) narrow them; the bus keeps the newest ``eventBusRetention`` events."""
        if bus:
            if cluster is not None:
                raise TypeError("events(bus=True) reads the whole bus: narrow it with pattern=, "
                                "e.g. {'detail': {'clusterArn': [arn]}}")
            return _views.bus_events(self, since, detail_type, pattern)
        if detail_type is not None or pattern is not None:
            raise TypeError("detail_type= and pattern= narrow the bus's events: pass bus=True")
        request: dict[str, Any] = {}
        if cluster is not None:
            request["cluster"] = cluster
        if since is not None:
            request["since"] = since
        events: list[dict[str, Any]] = self._native.call("ecsim", "ListEvents", request)["events"]
        return _views.Records(events, ["createdAt", "message", "serviceArn", "id"])

    # Notebook views: rows with `to_pandas()` and an HTML table, a cluster drawn to scale.

    def tasks(self, cluster: str = "default") -> _views.Records:
        """Every task of `cluster` kept (running, and stopped within the retention), oldest first,
        one flat row each (`describe_tasks` gives the whole shapes)."""
        return _views.tasks(self, cluster)

    def instances(self, cluster: str = "default") -> _views.Records:
        """Every container instance of `cluster`, with its registered and remaining CPU and memory."""
        return self.cluster(cluster).instances

    def services(self, cluster: str = "default") -> _views.Records:
        """Every service of `cluster`: counts, primary deployment's rollout state."""
        return _views.services(self, cluster)

    def metric(self, namespace: str, name: str, dimensions: dict[str, str] | None = None, *,
               statistic: str = "Average", period: int = 60, start: float | None = None,
               end: float | None = None) -> _views.Records:
        """A CloudWatch metric's statistic per period from `start` (a day before `end` unless
        given) to `end` (now): rows of `Timestamp` and the statistic."""
        return _views.metric(self, namespace, name, dimensions or {}, statistic, period, start, end)

    def scaling_activities(self, resource_id: str | None = None) -> _views.Records:
        """Application Auto Scaling's activities for ECS services (one service's with
        `resource_id`, `service/<cluster>/<service>`), oldest first."""
        return _views.scaling_activities(self, resource_id)

    def cluster(self, name: str = "default") -> _views.ClusterView:
        """The cluster now, drawn in a notebook as zones of instances with each task's share of CPU
        and memory."""
        layout = self._native.call("ecsim", "DescribeClusterLayout", {"cluster": name})
        return _views.ClusterView(name, layout)

    def record(self, every: float = 60.0, clusters: list[str] | None = None) -> Recording:
        """A recording of this simulation: run the clock through it (``recording.advance``) and
        it samples each service's counts and each cluster's capacity every `every` seconds."""
        return Recording(self, every, clusters)

    def show(self, cluster: str = "default", *, height: int = 420) -> Any:
        """A live board of `cluster` in a notebook (an anywidget: ``pip install 'ecsim[notebook]'``),
        drawn by the playground's board and redrawn after every call, ``advance`` and recording
        step made through this simulation."""
        if self._boards is None:
            self._boards = _widget.Boards()
        return self._boards.show(self, cluster, height)

    _boards: _widget.Boards | None = None

    def _changed(self) -> None:
        if self._boards is not None:
            self._boards.refresh(self)

    def _repr_html_(self) -> str:
        return _views.simulation_html(self)

    # BEGIN GENERATED client overloads (tools/gen_api.py)
    @overload
    def client(self, service: Literal["ecs"]) -> clients.ECSClient: ...
    @overload
    def client(self, service: Literal["elbv2"]) -> clients.ElasticLoadBalancingv2Client: ...
    @overload
    def client(self, service: Literal["events"]) -> clients.EventBridgeClient: ...
    @overload
    def client(self, service: Literal["application-autoscaling"]) -> clients.ApplicationAutoScalingClient: ...
    @overload
    def client(self, service: Literal["cloudwatch"]) -> clients.CloudWatchClient: ...
    @overload
    def client(self, service: Literal["servicediscovery"]) -> clients.ServiceDiscoveryClient: ...
    @overload
    def client(self, service: Literal["ec2"]) -> clients.EC2Client: ...
    @overload
    def client(self, service: Literal["autoscaling"]) -> clients.AutoScalingClient: ...
    @overload
    def client(self, service: Literal["ecsim"]) -> clients.EcsimClient: ...
    @overload
    def client(self, service: str) -> Client: ...
    # END GENERATED client overloads

    def client(self, service: str) -> Client:
        """The boto3-shaped client of `service` ("ecs", "application-autoscaling", ...); an
        unknown name raises ``UnknownServiceError``."""
        from .clients import CLIENTS

        _native.Simulation.check_service(service)
        return CLIENTS[service](self)

    def call(self, service: str, action: str, params: dict[str, Any]) -> dict[str, Any]:
        """The untyped form of a client call: `call("ecs", "RunTask", {...})`."""
        return self._native.call(service, action, params)
