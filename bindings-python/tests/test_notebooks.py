"""Every notebook in notebooks/ runs top to bottom without an error."""
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
}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = "".join(o.get("text", "") for cell in notebook.cells for o in cell.get("outputs", []))
    assert SHOWS[path.stem] in outputs


def test_every_notebook_says_what_it_shows() -> None:
    assert sorted(SHOWS) == [path.stem for path in NOTEBOOKS]
