"""Recordings (counts and capacity sampled as the clock runs) and their plots."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest

import ecsim
from test_views import shop


def scaled_shop() -> ecsim.Simulation:
    sim, ecs = shop()
    ecs.create_service(cluster="shop", serviceName="front", taskDefinition="web", desiredCount=2)
    scaling = sim.client("application-autoscaling")
    target = {"ServiceNamespace": "ecs", "ResourceId": "service/shop/front", "ScalableDimension": "ecs:service:DesiredCount"}
    scaling.register_scalable_target(**target, MinCapacity=2, MaxCapacity=6)  # type: ignore[arg-type]
    scaling.put_scaling_policy(**target, PolicyName="cpu", PolicyType="TargetTrackingScaling",  # type: ignore[arg-type]
                               TargetTrackingScalingPolicyConfiguration={
                                   "TargetValue": 50, "PredefinedMetricSpecification": {
                                       "PredefinedMetricType": "ECSServiceAverageCPUUtilization"}})
    # Demand of about four tasks' CPU for the first hour, then almost none.
    sim.client("ecsim").put_service_load(cluster="shop", service="front",
                                         trace=[{"at": 0, "cpu": 1024}, {"at": 3600, "cpu": 50}])
    return sim


def test_a_recording_samples_counts_and_capacity_every_period() -> None:
    sim = scaled_shop()
    recording = sim.record(every=60)
    recording.advance(7200, progress=False)
    assert len(recording.services) == 121 and len(recording.clusters) == 121
    assert [r["time"] for r in recording.services[:3]] == [sim.now - 7200, sim.now - 7140, sim.now - 7080]
    desired = [r["desiredCount"] for r in recording.services]
    # Target tracking raised the count under load and lowered it after.
    assert max(desired) >= 4 and desired[-1] < max(desired) and desired[0] == 2
    peak = max(recording.clusters, key=lambda r: r["cpuReserved"])
    assert peak["cpu"] == 6 * 2048 and peak["cpuReserved"] == 512 * max(r["runningCount"] for r in recording.services)
    frame = recording.services.to_pandas()
    assert list(frame.columns) == ["time", "cluster", "service", "desiredCount", "runningCount", "pendingCount"]


def test_plots_draw_the_recording_and_the_metrics(tmp_path: object) -> None:
    sim = scaled_shop()
    recording = sim.record(every=120)
    recording.advance(7200, progress=False)
    figure = recording.plot()
    counts, capacity = figure.axes
    labels = [line.get_label() for line in counts.get_lines()]
    assert labels[:2] == ["front desired", "front running"]
    assert max(counts.get_lines()[0].get_ydata()) == max(r["desiredCount"] for r in recording.services)
    assert [line.get_label() for line in capacity.get_lines()] == ["shop cpu reserved", "shop memory reserved"]
    service = ecsim.plot.service(sim, "shop", "front", recording)
    utilization = service.axes[0]
    cpu = [line for line in utilization.get_lines() if line.get_label() == "CPUUtilization"][0]
    assert len(cpu.get_xdata()) >= 100 and max(cpu.get_ydata()) > 50
    figure.savefig(str(tmp_path) + "/recording.png")


def test_a_recording_refuses_a_bad_period_and_a_bad_end() -> None:
    with pytest.raises(ValueError, match="every must be a positive"):
        ecsim.Simulation().record(every=0)
    recording = ecsim.Simulation().record(every=60)
    for end in (float("inf"), float("nan"), recording.sim.now - 1):
        with pytest.raises(ecsim.InvalidParameterException):
            recording.run_until(end, progress=False)
    assert len(recording.services) == 0 and len(recording.clusters) == 0
