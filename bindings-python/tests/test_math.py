"""ecsim.math from Python: typed functions over the core's scaling math (the vectors in
tests/vectors/scaling/ check the answers; this checks the Python surface)."""
from __future__ import annotations

import pytest

import ecsim


def test_the_functions_answer_with_python_names_and_defaults() -> None:
    assert ecsim.math.target_tracking_capacity(4, metric_value=80, target_value=50) == 7
    assert ecsim.math.apply_adjustment(4, 25, "PercentChangeInCapacity", min_adjustment_magnitude=2) == 6
    assert ecsim.math.rolling_update_bounds(8, 50, 200) == {"minimum": 4, "maximum": 16}
    steps: list[ecsim.math.StepAdjustment] = [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 2}]
    assert ecsim.math.step_adjustment(steps, 40, 50) is None
    assert ecsim.math.fire_times("rate(1 hour)", 0, 7200) == [3600, 7200]


def test_bad_arguments_name_the_function_and_the_argument() -> None:
    with pytest.raises(ecsim.InvalidParameterException, match="math.targetTrackingCapacity: targetValue"):
        ecsim.math.target_tracking_capacity(4, 80, 0)
    with pytest.raises(ecsim.InvalidParameterException, match="math.circuitBreakerThreshold: invalid value: integer `-1`"):
        ecsim.math.circuit_breaker_threshold(-1)
    with pytest.raises(ecsim.InvalidParameterException, match="not a number AWS accepts"):
        ecsim.math.target_tracking_capacity(4, float("nan"), 50)
