"""A progress bar for long runs of the clock: the run goes in slices of virtual time (each a
native call with the GIL released, Ctrl-C honoured between moments), the bar advancing after
each. The simulation ends where one call would have left it."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tqdm.auto import tqdm

    from ._client import Simulation

# Runs shorter than this (virtual seconds) show no bar unless asked to.
SHORTEST = 3600.0
SLICES = 100
# Wall-clock seconds before the bar appears: a quick run shows none.
DELAY = 0.5


def bar(sim: Simulation, seconds: float, progress: bool | None) -> tqdm[Any] | None:
    """A bar counting `seconds` of virtual time, when one is wanted and tqdm is installed."""
    if progress is False or not math.isfinite(seconds) or seconds <= 0:
        return None
    if progress is None and (not sim.progress or seconds < SHORTEST):
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm(total=round(seconds), unit="s", unit_scale=True, desc="ecsim", delay=DELAY, leave=False)


def run_with_bar(native: Any, until: float, shown: tqdm[Any]) -> None:
    start = native.now
    span = until - start
    with shown:
        for k in range(1, SLICES + 1):
            native.run_until(until if k == SLICES else start + span * k / SLICES)
            shown.update(round(native.now - start) - shown.n)
