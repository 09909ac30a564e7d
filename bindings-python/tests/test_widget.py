"""The live board's Python side: the widget carries the playground's board module from the wheel,
starts with the cluster's layout and is sent the new one after every change."""
from __future__ import annotations

import pytest

import ecsim
from ecsim import _widget
from test_views import shop

pytest.importorskip("anywidget")


def test_the_board_module_ships_in_the_package() -> None:
    text = _widget.ESM.read_text()
    assert "export" in text and "render" in text and len(text) < 50_000


def test_a_board_follows_its_simulation() -> None:
    sim, ecs = shop()
    board = sim.show("shop", height=300)
    layout = sim.client("ecsim").describe_cluster_layout(cluster="shop")
    assert board.layout == layout and board.height == 300 and board._esm == _widget.ESM.read_text()
    ecs.run_task(cluster="shop", taskDefinition="web", count=3)
    assert len(board.layout["tasks"]["taskArn"]) == 3
    sim.advance(60)
    assert set(board.layout["tasks"]["lastStatus"]) == {"RUNNING"} and board.layout["time"] == sim.now
    recording = sim.record(every=30)
    ecs.update_container_instances_state(cluster="shop", containerInstances=[board.layout["instances"][0]["containerInstanceArn"]],
                                         status="DRAINING")
    recording.advance(60, progress=False)
    assert board.layout["instances"][0]["status"] == "DRAINING" and board.layout["time"] == sim.now
    # A second board of another cluster follows too; one the notebook closed is let go.
    ecs.create_cluster(clusterName="other")
    other = sim.show("other")
    assert other.layout["instances"] == []
    other.close()
    ecs.delete_cluster(cluster="other")
    assert list(sim._boards.shown) == [board]  # type: ignore[union-attr]
