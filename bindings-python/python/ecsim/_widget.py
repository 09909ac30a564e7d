"""The live board in a notebook (``sim.show()``): an anywidget that draws the playground's board
(the same ES module, shipped in the wheel as ``static/board-widget.js``: no CDN, works offline)
and is sent the cluster's layout again whenever the simulation changes through this package."""
from __future__ import annotations

import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._client import Simulation

ESM = Path(__file__).with_name("static") / "board-widget.js"


def _anywidget() -> Any:
    try:
        import anywidget
        import traitlets
    except ImportError as missing:
        raise ImportError("sim.show() needs anywidget: pip install 'ecsim[notebook]'") from missing
    return anywidget, traitlets


_BOARD_CLASS: Any = None


def board_class() -> Any:
    """The widget class, made on first use (anywidget is an optional extra)."""
    global _BOARD_CLASS
    if _BOARD_CLASS is None:
        anywidget, traitlets = _anywidget()
        widget: Any = anywidget.AnyWidget

        class Board(widget):  # type: ignore[misc]
            """A cluster's placement board, following its simulation."""

            _esm = ESM
            layout = traitlets.Dict().tag(sync=True)
            height = traitlets.Int(420).tag(sync=True)
            cluster = traitlets.Unicode("default")

        _BOARD_CLASS = Board
    return _BOARD_CLASS


class Boards:
    """The boards showing one simulation, refreshed after each change; a board closed in the
    notebook is dropped (and held weakly, so nothing here keeps it alive)."""

    def __init__(self) -> None:
        self.shown: weakref.WeakSet[Any] = weakref.WeakSet()

    def show(self, sim: Simulation, cluster: str, height: int) -> Any:
        board = board_class()(cluster=cluster, height=height)
        board.layout = sim._native.call("ecsim", "DescribeClusterLayout", {"cluster": cluster})
        self.shown.add(board)
        return board

    def refresh(self, sim: Simulation) -> None:
        from ._native import EcsimError

        for board in list(self.shown):
            if getattr(board, "comm", None) is None:
                # Closed in the notebook: no longer drawn.
                self.shown.discard(board)
                continue
            try:
                board.layout = sim._native.call("ecsim", "DescribeClusterLayout", {"cluster": board.cluster})
            except EcsimError:
                board.layout = {}
