"""The `zhuanban` command line: subcommands that are thin wrappers get their checks here."""

from pathlib import Path

import pytest

from pipeline.cli import main


def test_check_published_prints_one_verdict_per_check_and_exits_0(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["check-published"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("year: counts add up") and ": consistent" in line for line in lines)
    principal = next(line for line in lines if line.startswith("leader_rank.principal"))
    assert ": inconsistent" in principal and "64/513 = 12.48 %" in principal
    assert all(": consistent" in line or ": inconsistent" in line for line in lines)


def test_a_missing_input_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["resolve", "--mentions", str(tmp_path / "none.parquet"),
                 "--articles", str(tmp_path / "a.parquet"),
                 "--cases", str(tmp_path / "c.csv"), "--case-sources", str(tmp_path / "s.csv")])
    assert code == 2
    assert "none.parquet" in capsys.readouterr().err
