"""Sweeps: one function over many scenarios, on any `concurrent.futures.Executor` (a process
pool, Dask's `client.get_executor()`), each call with its own seed drawn from the sweep's, so the
answers are the same wherever and in whatever order the calls run."""
from __future__ import annotations

import hashlib
from concurrent.futures import Executor
from typing import Any, Callable, Iterable

from ._views import Records


def scenario_seed(seed: int, index: int) -> int:
    """The seed of call `index` of a sweep seeded `seed` (63 bits, the same on every machine)."""
    digest = hashlib.sha256(f"ecsim-sweep:{seed}:{index}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def row(params: Any, seed: int, result: Any) -> dict[str, Any]:
    """A parameter dict's members, the seed, and a result dict's members (`result_<name>` where a
    result member has a parameter's name); other values as `params` and `result`."""
    out: dict[str, Any] = dict(params) if isinstance(params, dict) else {"params": params}
    out["seed"] = seed
    if isinstance(result, dict):
        for name, value in result.items():
            out[f"result_{name}" if name in out else name] = value
    else:
        out["result"] = result
    return out


def sweep(fn: Callable[[Any, int], Any], params: Iterable[Any], *, executor: Executor | None = None,
          seed: int = 0) -> Records:
    """Calls ``fn(p, scenario_seed)`` for each `p` of `params` and answers one row per call, in
    the order of `params` (``to_pandas()`` makes a data frame of them).

    `fn` builds and runs its own simulation, typically ``ecsim.Simulation(seed=scenario_seed)``;
    with an `executor` it must pickle (a module-level function). Without one the calls run here,
    one after the other. The first exception a call raises is raised here."""
    listed = list(params)
    seeds = [scenario_seed(seed, k) for k in range(len(listed))]
    if executor is None:
        results = [fn(p, s) for p, s in zip(listed, seeds)]
    else:
        futures = [executor.submit(fn, p, s) for p, s in zip(listed, seeds)]
        results = [future.result() for future in futures]
    return Records([row(p, s, r) for p, s, r in zip(listed, seeds, results)])
