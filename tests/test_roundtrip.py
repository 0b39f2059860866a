"""The manual coding round trip through the workflow: export sheets, code as two coders would,
import, rerun, and see the report change and the agreement computed."""

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import snakemake

ZHUANBAN = Path(sys.executable).parent / "zhuanban"


def zhuanban(*args: str) -> None:
    result = subprocess.run([str(ZHUANBAN), *args], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_coders_change_the_report_and_their_agreement_is_shown(
    demo_run: Path, tmp_path: Path
) -> None:
    run = tmp_path / "run"
    shutil.copytree(demo_run, run, symlinks=True)
    processed = run / "data" / "processed"
    sheets = run / "data" / "manual" / "sheets"
    sheets.mkdir(parents=True)
    for coder in ("alice", "bob"):
        zhuanban("coding-sheet", str(processed / "cases.csv"), str(processed / "case_sources.csv"),
                 "-o", str(sheets / coder), "--coder", coder)
    cases = pd.read_csv(processed / "cases.csv", dtype=str, keep_default_na=False)
    target = cases[cases["level"] == "prefecture"].iloc[0]["case_id"]
    for coder, level in (("alice", "county"), ("bob", "county")):
        path = sheets / f"{coder}.csv"
        sheet = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        sheet.loc[sheet["case_id"] == target, "level"] = level
        if coder == "bob":  # bob also disagrees with the coder on another case's rank
            other = sheet.index[(sheet["case_id"] != target) & (sheet["case_id"] != "")][0]
            sheet.loc[other, "leader_rank"] = "non_leader"
        sheet.to_csv(path, index=False, encoding="utf-8-sig")
    (sheets / "alice.xlsx").unlink()
    (sheets / "bob.xlsx").unlink()
    zhuanban("import-coding", str(sheets / "alice.csv"), str(sheets / "bob.csv"),
             "--manual-dir", str(run / "data" / "manual"))

    result = snakemake(run, "--cores", "2", "--configfile", str(run / "config.yaml"))
    assert result.returncode == 0, result.stderr[-3000:]
    recoded = pd.read_csv(processed / "cases.csv", dtype=str, keep_default_na=False)
    case = recoded.set_index("case_id").loc[target]
    assert case["level"] == "county" and "level" in case["overridden_fields"]
    assert (processed / "agreement" / "agreement.json").is_file()
    html = (run / "reports" / "replication.html").read_text(encoding="utf-8")
    assert "kappa" in html.lower() and "alpha" in html.lower()
    assert f"case-{target}" in html
