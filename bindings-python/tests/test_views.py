"""Notebook-native results: HTML that says what the engine answered (parsed, not only present),
rows that become data frames, and both surviving pickling."""
from __future__ import annotations

import pickle
from html.parser import HTMLParser
from typing import Any

import pytest

import ecsim


class Page(HTMLParser):
    """The text and the `<title>` tooltips of a rendering, and every tag met."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.text.append(data.strip())

    def has(self, words: str) -> bool:
        return any(words in chunk for chunk in self.text)


def shop(zones: str = "abc") -> tuple[ecsim.Simulation, Any]:
    sim = ecsim.Simulation(seed=1)
    ecs = sim.client("ecs")
    ecs.create_cluster(clusterName="shop")
    for zone in zones:
        for _ in range(2):
            ecs.register_container_instance(cluster="shop", instanceType="m5.large", availabilityZone=f"us-east-1{zone}")
    ecs.register_task_definition(family="web", containerDefinitions=[
        {"name": "web", "image": "nginx", "cpu": 512, "memory": 1024, "portMappings": [{"containerPort": 80, "hostPort": 80}]}])
    return sim, ecs


def test_a_cluster_is_drawn_by_zone_with_each_tasks_share() -> None:
    sim, ecs = shop()
    ecs.run_task(cluster="shop", taskDefinition="web", count=4)
    view = sim.cluster("shop")
    page = Page(view._repr_html_())
    assert page.tags.count("svg") == 1 and "script" not in page.tags
    assert all(page.has(f"us-east-1{z}") for z in "abc")
    layout = sim.client("ecsim").describe_cluster_layout(cluster="shop")
    for instance in layout["instances"]:
        assert page.has(instance["containerInstanceArn"])
    # Each task's CPU and memory segments name the task.
    for arn in layout["tasks"]["taskArn"]:
        task_id = arn.rsplit("/", 1)[1]
        assert sum(task_id in chunk for chunk in page.text) == 2
    assert page.has("family:web") and page.has("6 instances, 4 tasks not stopped")
    assert len(view.instances) == 6 and len(view.tasks) == 4
    frame = view.to_pandas()
    assert list(frame["cpuRemaining"]).count(1536) == 4 and list(frame["cpuRemaining"]).count(2048) == 2


def test_a_run_task_answer_shows_where_tasks_went_and_why_not_elsewhere() -> None:
    sim, ecs = shop("a")
    answer = ecs.run_task(cluster="shop", taskDefinition="web", count=3, explain=True)
    assert isinstance(answer, ecsim.PlacementAnswer) and isinstance(answer, dict)
    page = Page(answer._repr_html_())
    for task in answer["tasks"]:
        assert page.has(task["taskArn"].rsplit("/", 1)[1])
    assert page.has("2 tasks placed") and page.has("RESOURCE:PORTS ×2")
    assert pickle.loads(pickle.dumps(answer)) == answer
    # PlaceTasks answers in columns: drawn the same way.
    ecs.register_container_instance(cluster="shop", instanceType="m5.large", availabilityZone="us-east-1b")
    columns = sim.client("ecsim").place_tasks(cluster="shop", taskDefinition="web", count=1)
    assert isinstance(columns, ecsim.PlacementAnswer)
    assert Page(columns._repr_html_()).has(columns["placements"]["taskArn"][0].rsplit("/", 1)[1])
    assert list(columns.to_pandas()["availabilityZone"]) == ["us-east-1b"]
    frame = answer.to_pandas()
    assert list(frame["availabilityZone"]) == ["us-east-1a", "us-east-1a"]
    assert str(frame["createdAt"].dtype) .startswith("datetime64") and frame["createdAt"].dt.tz is not None


def test_a_service_shows_counts_deployments_and_events() -> None:
    sim, ecs = shop()
    ecs.create_service(cluster="shop", serviceName="front", taskDefinition="web", desiredCount=3)
    sim.advance(120)
    answer = ecs.describe_services(cluster="shop", services=["front"])
    page = Page(answer._repr_html_())
    assert page.has("front") and page.has("desired 3, running 3")
    assert page.has(answer["services"][0]["deployments"][0]["id"]) and page.has("PRIMARY")
    assert page.has("has reached a steady state")
    rows = sim.services("shop")
    assert [(r["serviceName"], r["runningCount"], r["rolloutState"]) for r in rows] == [("front", 3, "COMPLETED")]
    assert Page(sim._repr_html_()).has("shop")
    events = sim.events()
    assert isinstance(events, ecsim.Records) and "steady state" in events.to_pandas()["message"].iloc[-1]


def test_the_event_bus_reads_as_eventbridge_events() -> None:
    sim, ecs = shop()
    ecs.create_service(cluster="shop", serviceName="front", taskDefinition="web", desiredCount=2)
    sim.advance(120)
    deployments = sim.events(bus=True, detail_type="ECS Deployment State Change")
    assert [e["detail"]["eventName"] for e in deployments] == ["SERVICE_DEPLOYMENT_IN_PROGRESS", "SERVICE_DEPLOYMENT_COMPLETED"]
    assert deployments[0]["source"] == "aws.ecs" and deployments[0]["resources"][0].endswith("service/shop/front")
    running = sim.events(bus=True, pattern={"detail-type": ["ECS Task State Change"],
                                            "detail": {"lastStatus": ["RUNNING"], "group": ["service:front"]}})
    assert len(running) == 2 and all(e["detail"]["taskArn"] == e["resources"][0] for e in running)
    as_text = sim.events(bus=True, pattern='{"detail": {"eventName": [{"prefix": "SERVICE_STEADY"}]}}')
    assert len(as_text) == 1
    frame = sim.events(bus=True).to_pandas()
    assert str(frame["time"].dtype).startswith("datetime64") and set(frame["detail-type"]) >= {"ECS Service Action"}
    with pytest.raises(TypeError, match="pattern"):
        sim.events(cluster="shop", bus=True)
    with pytest.raises(TypeError, match="bus=True"):
        sim.events(pattern={"source": ["aws.ecs"]})
    with pytest.raises(sim.client("ecsim").exceptions.InvalidParameterException, match="Event pattern is not valid"):
        sim.events(bus=True, pattern={"source": "aws.ecs"})


def test_diagnostics_are_a_table_with_user_text_escaped() -> None:
    found = ecsim.validate_task_definition({"family": "x", "containerDefinitions": [{"name": "<b>bold</b>", "image": ""}]})
    assert isinstance(found, ecsim.Diagnostics) and isinstance(found, list)
    html = found._repr_html_()
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    page = Page(html)
    assert [c for c in page.text if c.startswith("TD")] == [d.code for d in found]
    assert list(found.to_pandas()["code"]) == [d.code for d in found]
    assert pickle.loads(pickle.dumps(found)) == found
    assert Page(ecsim.validate_task_definition({"family": "ok", "containerDefinitions": [
        {"name": "web", "image": "nginx", "memory": 128}]})._repr_html_()).has("No findings.")


def test_tasks_metrics_and_scaling_activities_as_frames() -> None:
    sim, ecs = shop()
    ecs.create_service(cluster="shop", serviceName="front", taskDefinition="web", desiredCount=2)
    sim.advance(60)
    ecs.update_service(cluster="shop", service="front", desiredCount=1)
    sim.advance(120)
    tasks = sim.tasks("shop").to_pandas()
    assert len(tasks) == 2 and sorted(tasks["desiredStatus"]) == ["RUNNING", "STOPPED"]
    loads = sim.client("ecsim")
    loads.put_service_load(cluster="shop", service="front", trace=[{"at": 0, "cpu": 256}])
    sim.advance(600)
    cpu = sim.metric("AWS/ECS", "CPUUtilization", {"ClusterName": "shop", "ServiceName": "front"}, period=60)
    frame = cpu.to_pandas()
    assert len(frame) >= 9 and frame["Average"].iloc[-1] == pytest.approx(50.0)
    scaling = sim.client("application-autoscaling")
    scaling.register_scalable_target(ServiceNamespace="ecs", ResourceId="service/shop/front",
                                     ScalableDimension="ecs:service:DesiredCount", MinCapacity=3, MaxCapacity=5)
    sim.advance(60)
    activities = sim.scaling_activities("service/shop/front")
    assert len(activities) == 1 and "Setting desired count to 3" in activities[0]["Description"]
    assert list(activities.to_pandas().columns[:3]) == ["StartTime", "ResourceId", "Description"]
    assert pickle.loads(pickle.dumps(activities)) == activities


def test_long_runs_show_a_progress_bar_and_end_where_one_call_would(capsys: pytest.CaptureFixture[str],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from ecsim import _progress

    monkeypatch.setattr(_progress, "DELAY", 0.0)
    sim, ecs = shop()
    ecs.create_service(cluster="shop", serviceName="front", taskDefinition="web", desiredCount=3)
    plain = sim.fork()
    sim.advance(2 * 86_400 + 0.5)
    assert "ecsim" in capsys.readouterr().err
    plain.advance(2 * 86_400 + 0.5, progress=False)
    assert capsys.readouterr().err == ""
    assert sim.now == plain.now
    assert sim.services("shop") == plain.services("shop") and sim.tasks("shop") == plain.tasks("shop")
    sim.progress = False
    sim.run_until(sim.now + 86_400)
    sim.advance(3000, progress=True)
    assert capsys.readouterr().err.count("ecsim") >= 1
    with pytest.raises(ecsim.InvalidParameterException):
        sim.advance(float("nan"), progress=True)


def test_fargate_tasks_are_drawn_in_their_zones_lane() -> None:
    sim = ecsim.Simulation(seed=2)
    ecs = sim.client("ecs")
    ecs.create_cluster(clusterName="f", capacityProviders=["FARGATE"])
    ecs.register_container_instance(cluster="f", instanceType="m5.large", availabilityZone="us-east-1a")
    ecs.register_task_definition(family="w", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256",
                                 memory="512", containerDefinitions=[{"name": "w", "image": "x"}])
    ecs.run_task(cluster="f", taskDefinition="w", launchType="FARGATE", count=3,
                 networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-1"]}})
    view = sim.cluster("f")
    assert [t["containerInstance"] for t in view.tasks] == [None, None, None]
    page = Page(view._repr_html_())
    assert page.has("Fargate: 3 tasks")
    # None of them drawn on the EC2 instance's rows.
    assert not any("256 CPU" in chunk for chunk in page.text)
