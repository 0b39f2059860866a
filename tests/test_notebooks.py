"""The notebooks run top to bottom on a finished demo run's outputs."""

import os
from pathlib import Path

import nbformat
import pytest
from conftest import REPO
from nbclient import NotebookClient


@pytest.mark.slow
@pytest.mark.parametrize("name", ["explore_cases.ipynb", "check_coder.ipynb"])
def test_notebook_runs_on_the_demo_outputs(name: str, demo_run: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHUANBAN_RUN", str(demo_run))
    notebook = nbformat.read(REPO / "notebooks" / name, as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(REPO / "notebooks")}}).execute()
    outputs = [out for cell in notebook.cells if cell.cell_type == "code"
               for out in cell.get("outputs", [])]
    assert not [out for out in outputs if out.get("output_type") == "error"]
    printed = "".join(out.get("text", "") for out in outputs)
    assert "SIMULATED" in printed
    assert os.environ["ZHUANBAN_RUN"] == str(demo_run)
