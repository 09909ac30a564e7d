"""Every notebook in notebooks/ runs top to bottom without an error, and is committed with the
outputs of such a run."""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))
# What each notebook's story must print (its own cells assert the rest).
SHOWS = {
    "validate-task-definitions": "ClientException - ",
    "service-discovery-rolling-deployment": "never fewer than 4 tasks answered",
    "binpack-against-spread": "more instances empty than spread",
    "a-day-of-traffic": "scaling activities; by policy:",
    "capacity-planning-across-zones": "still run every task after a zone is lost",
    "what-if-on-a-captured-cluster": "every service whole again within",
}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = "".join(o.get("text", "") for cell in notebook.cells for o in cell.get("outputs", []))
    assert SHOWS[path.stem] in outputs


def test_every_notebook_says_what_it_shows() -> None:
    assert sorted(SHOWS) == [path.stem for path in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_with_its_outputs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    # A cell that only defines things prints nothing; the story's end always shows something.
    assert code and code[-1].outputs and sum(bool(cell.outputs) for cell in code) * 2 >= len(code), path.stem
