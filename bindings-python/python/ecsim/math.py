"""The scaling math: the pure functions behind the simulation's decisions, in AWS's terms.

The simulation calls the same code (in the Rust core) when it scales, rolls a deployment, trips a
circuit breaker or splits tasks over capacity providers, so these answer exactly as it decides.
Step adjustments and strategies take the AWS API's shapes; times are epoch seconds or RFC 3339.
"""
from __future__ import annotations

from typing import Any, Literal, Optional, TypedDict

from . import _native

__all__ = [
    "target_tracking_capacity", "step_adjustment", "apply_adjustment", "rolling_update_bounds",
    "circuit_breaker_threshold", "capacity_provider_reservation", "capacity_provider_split", "fire_times",
    "hpa_desired_replicas", "hpa_replay",
]


class StepAdjustment(TypedDict, total=False):
    MetricIntervalLowerBound: float
    MetricIntervalUpperBound: float
    ScalingAdjustment: int


class CapacityProviderStrategyItem(TypedDict, total=False):
    capacityProvider: str
    base: int
    weight: int


class RollingUpdateBounds(TypedDict):
    minimum: int
    maximum: int


class HpaPoint(TypedDict):
    at: float
    cpu: float


class HpaPolicy(TypedDict):
    type: Literal["Pods", "Percent"]
    value: int
    periodSeconds: int


class HpaScalingRules(TypedDict, total=False):
    stabilizationWindowSeconds: int
    selectPolicy: Literal["Max", "Min", "Disabled"]
    policies: list[HpaPolicy]
    tolerance: float


class HpaBehavior(TypedDict, total=False):
    scaleUp: HpaScalingRules
    scaleDown: HpaScalingRules


# "from" is a keyword: the functional form.
HpaChange = TypedDict("HpaChange", {
    "at": float, "from": int, "to": int, "utilization": float, "desired": int, "stabilized": int,
    "limitedBy": Optional[Literal["ScaleUpLimit", "ScaleDownLimit", "TooManyReplicas", "TooFewReplicas"]],
})


def _call(function: str, **arguments: Any) -> Any:
    return _native.math(function, {name: value for name, value in arguments.items() if value is not None})


def target_tracking_capacity(capacity: int, metric_value: float, target_value: float) -> int:
    """A target tracking policy's proposal: ceil(capacity × metric / target); from 0 tasks a
    metric above the target proposes 1."""
    result: int = _call("targetTrackingCapacity", capacity=capacity, metricValue=metric_value, targetValue=target_value)
    return result


def step_adjustment(step_adjustments: list[StepAdjustment], metric_value: float, threshold: float) -> int | None:
    """The ScalingAdjustment of the step that matches `metric_value` against the alarm
    `threshold` (at or above it, lower bounds inclusive and upper exclusive; below it, the
    reverse), or None."""
    result: int | None = _call("stepAdjustment", stepAdjustments=step_adjustments, metricValue=metric_value,
                               threshold=threshold)
    return result


def apply_adjustment(capacity: int, adjustment: float,
                     adjustment_type: Literal["ChangeInCapacity", "ExactCapacity", "PercentChangeInCapacity"],
                     min_adjustment_magnitude: int | None = None) -> int:
    """The capacity an adjustment gives (percent changes rounded as Application Auto Scaling
    documents; `min_adjustment_magnitude` a floor on their size); never below 0."""
    result: int = _call("applyAdjustment", capacity=capacity, adjustment=adjustment, adjustmentType=adjustment_type,
                        minAdjustmentMagnitude=min_adjustment_magnitude)
    return result


def rolling_update_bounds(desired_count: int, minimum_healthy_percent: int, maximum_percent: int) -> RollingUpdateBounds:
    """A rolling update's bounds: at least ceil(desired × minimumHealthyPercent / 100) healthy,
    at most floor(desired × maximumPercent / 100) in all."""
    result: RollingUpdateBounds = _call("rollingUpdateBounds", desiredCount=desired_count,
                                        minimumHealthyPercent=minimum_healthy_percent, maximumPercent=maximum_percent)
    return result


def circuit_breaker_threshold(desired_count: int) -> int:
    """How many failed tasks trip the deployment circuit breaker: half the desired count,
    rounded up, within [3, 200]."""
    result: int = _call("circuitBreakerThreshold", desiredCount=desired_count)
    return result


def capacity_provider_reservation(instances_needed: int, instances_running: int) -> float:
    """CapacityProviderReservation in percent (200 from zero instances with tasks waiting)."""
    result: float = _call("capacityProviderReservation", instancesNeeded=instances_needed,
                          instancesRunning=instances_running)
    return result


def capacity_provider_split(total: int, capacity_provider_strategy: list[CapacityProviderStrategyItem]) -> dict[str, int]:
    """How `total` tasks split over a strategy: bases first, then by weight, the leftover by
    largest remainder."""
    result: dict[str, int] = _call("capacityProviderSplit", total=total,
                                   capacityProviderStrategy=capacity_provider_strategy)
    return result


def fire_times(expression: str, start: float | str, end: float | str, timezone: str = "UTC") -> list[int]:
    """The fire times (epoch seconds) of a schedule expression (`rate()`, `cron()`, `at()`) after
    `start` and up to `end`, in an IANA time zone."""
    result: list[int] = _call("fireTimes", expression=expression, start=start, end=end, timezone=timezone)
    return result


def hpa_desired_replicas(current_replicas: int, metric_value: float, target_value: float,
                         tolerance: float = 0.1) -> int:
    """Kubernetes HPA: ceil(current × metric / target), or current while the ratio is within the
    tolerance."""
    result: int = _call("hpaDesiredReplicas", currentReplicas=current_replicas, metricValue=metric_value,
                        targetValue=target_value, tolerance=tolerance)
    return result


def hpa_replay(trace: list[HpaPoint], *, pod_cpu: float, target_utilization: float, replicas: int,
               max_replicas: int, min_replicas: int = 1, behavior: HpaBehavior | None = None,
               tolerance: float = 0.1, sync_period: float = 15, until: float | None = None) -> list[HpaChange]:
    """The same CPU demand trace (the `cpu` of PutServiceLoad's points) through the Kubernetes HPA
    algorithm: every sync period, tolerance, stabilization windows and behaviour policies as
    autoscaling/v2 has them. Answers each change of the replicas with its numbers, to set beside
    the scaling activities ECS gives on the same load."""
    result: list[HpaChange] = _call(
        "hpaReplay", trace=trace, podCpu=pod_cpu, targetUtilization=target_utilization, replicas=replicas,
        maxReplicas=max_replicas, minReplicas=min_replicas, behavior=behavior, tolerance=tolerance,
        syncPeriod=sync_period, until=until)
    return result
