"""The workflow runs through a cluster-style executor: every job submitted by a script."""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
SNAKEMAKE = Path(sys.executable).parent / "snakemake"


@pytest.mark.slow
def test_demo_runs_through_the_generic_cluster_executor(tmp_path: Path) -> None:
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text(encoding="utf-8"))
    config["demo"] = {"seed": 11, "n_cases": 30}
    config["capture"]["urls_per_warc"] = 40
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    submit = REPO / "profiles" / "local-cluster" / "submit.sh"
    result = subprocess.run(
        [str(SNAKEMAKE), "--snakefile", str(REPO / "Snakefile"), "--directory", str(tmp_path),
         "--profile", str(REPO / "profiles" / "local-cluster"),
         "--cluster-generic-submit-cmd", str(submit),
         "--configfile", str(tmp_path / "config.yaml")],
        capture_output=True, text=True, check=False, timeout=600,
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-4000:]
    assert "Submitted job" in log and "external jobid" in log, "jobs went through submit.sh"
    assert (tmp_path / "reports" / "replication.html").is_file()
    shards = list((tmp_path / "data" / "interim" / "shards").iterdir())
    assert len(shards) >= 2


@pytest.mark.parametrize("profile", ["slurm", "kubernetes", "local-cluster"])
def test_profiles_are_valid_yaml_naming_an_executor(profile: str) -> None:
    settings = yaml.safe_load((REPO / "profiles" / profile / "config.yaml").read_text("utf-8"))
    assert settings["executor"] in {"slurm", "kubernetes", "cluster-generic"}
