"""Shared fixtures: one small demo workflow run for every end-to-end test of the session."""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
SNAKEMAKE = Path(sys.executable).parent / "snakemake"


def snakemake(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the project's workflow in `workdir` with extra command-line arguments."""
    return subprocess.run(
        [str(SNAKEMAKE), "--snakefile", str(REPO / "Snakefile"), "--directory", str(workdir),
         *args],
        capture_output=True, text=True, check=False,
    )


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished workflow run on a small simulated corpus (80 task forces, several shards)."""
    workdir = tmp_path_factory.mktemp("demo_run")
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text(encoding="utf-8"))
    config["demo"] = {"seed": 7, "n_cases": 80}
    config["capture"]["urls_per_warc"] = 60
    (workdir / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    result = snakemake(workdir, "--cores", "2", "--configfile", str(workdir / "config.yaml"))
    assert result.returncode == 0, result.stderr[-4000:]
    return workdir
