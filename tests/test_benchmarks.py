"""Smoke tests of benchmarks/run.py: it runs end to end and reports ratios (never timings)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

RUN = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"
TINY = ["--quick", "--rounds", "1", "--requests", "20", "--async-requests", "16"]
TINY += ["--concurrency", "8", "--warmup", "2", "--quiet"]


def _run(*extra: str) -> str:
    done = subprocess.run(
        [sys.executable, str(RUN), *TINY, *extra],
        capture_output=True,
        text=True,
        timeout=50,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_quick_run_prints_a_ratio_line_per_scenario() -> None:
    """A tiny --quick run prints req/s, the ratio to raw httpx and own CPU for each scenario."""
    out = _run()
    for name in ("sync raw", "sync bare", "sync full", "async raw", "async bare", "async full"):
        pattern = rf"^  {name} +[\d,]+ +\d+\.\d{{3}}x .*?-?\d+\.\d +-?\d+\.\d\b"
        line = re.search(pattern, out, re.M)
        assert line is not None, f"no ratio line for {name!r} in:\n{out}"
    assert re.search(r"^  sync raw +[\d,]+ +1\.000x", out, re.M), out
    assert ">=0.95x" in out
    assert "<=30" in out


def test_json_output_has_ratios_and_cpu_for_the_selected_scenarios() -> None:
    """--json with --only bare gives the baselines and the bare scenarios with their figures."""
    report = json.loads(_run("--json", "--only", "bare"))
    names = [s["name"] for s in report["scenarios"]]
    assert names == ["sync raw", "sync bare", "async raw", "async bare"]
    for scenario in report["scenarios"]:
        assert scenario["ratio"] > 0
        assert scenario["cpu_us_per_request"] > 0
        assert len(scenario["rounds"]) == 1
    assert report["environment"]["settings"]["rounds"] == 1
