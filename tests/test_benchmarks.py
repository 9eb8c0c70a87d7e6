"""Smoke tests of benchmarks/run.py: it runs end to end and reports ratios (never timings)."""

from __future__ import annotations

import json
import os
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


TRANSPORTS = RUN.with_name("bench_transports.py")


def test_transports_benchmark_reports_every_target_of_issue_13(tmp_path: Path) -> None:
    """A tiny bench_transports run prints each ratio target and each CPU target with a verdict."""
    tiny = ["--quick", "--rounds", "1", "--requests", "10", "--async-requests", "64"]
    saved = tmp_path / "report.json"
    done = subprocess.run(
        [sys.executable, str(TRANSPORTS), *tiny, "--warmup", "2", "--quiet", "--save", str(saved)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for line in (
        r"^  async reqwest +vs async raw-aiohttp +\d+\.\d\dx +\(>= 1\.0x\) (ok|MISS) ",
        r"^  the pipeline's own CPU on sync reqwest \(minus sync raw-pyreqwest\): "
        r"-?\d+\.\d us/req +\(<= 40 us\) (ok|MISS)$",
    ):
        assert re.search(line, done.stdout, re.M), done.stdout
    report = json.loads(saved.read_text(encoding="utf-8"))
    ratios = {(t["scenario"], t["versus"]): t for t in report["targets"]}
    for scenario, versus, minimum in (
        ("async reqwest", "async raw-aiohttp", 1.0),
        ("async reqwest-bare", "async raw-aiohttp", 1.3),
        ("sync reqwest", "sync raw-httpx", 2.0),
        ("sync reqwest-bare", "sync raw-httpx", 2.5),
    ):
        target = ratios[(scenario, versus)]
        assert target["minimum"] == minimum
        assert target["ratio"] > 0
        assert target["ok"] is (target["ratio"] >= minimum)
        assert target["cpu_ratio"] > 0
    cpu = {(t["scenario"], t["versus"]): t for t in report["cpu_targets"]}
    assert set(cpu) == {
        ("sync reqwest", "sync raw-pyreqwest"),
        ("async reqwest", "async raw-pyreqwest"),
    }
    for target in cpu.values():
        assert target["maximum_us"] == 40.0
        assert target["ok"] is (target["cpu_us"] <= 40.0)
    steps = [(s["scenario"], s["versus"]) for s in report["cpu_steps"]]
    assert ("async reqwest-alone", "async raw-pyreqwest") in steps
    assert ("sync reqwest", "sync reqwest-bare") in steps
    assert "--requests 10" in report["environment"]["command"]
    pinnable = hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1
    placement = report["environment"]["placement"]
    expected = "client pinned to CPU 0" if pinnable else "client and server placed"
    assert placement.startswith(expected), placement


def test_socket_steps_print_each_part_of_the_full_pipeline() -> None:
    """profile_overhead --socket-steps prints every step's CPU and the change from the last."""
    script = RUN.parent / "profile_overhead.py"
    done = subprocess.run(
        [
            sys.executable,
            str(script),
            "--socket-steps",
            "reqwest",
            "--rounds",
            "1",
            "--count",
            "128",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    steps = ["bare", "+ 2+1 interceptors", "+ 2 async middleware", "+ logger plugin"]
    steps += ["+ auth plugin", "+ cache plugin", "+ otel plugin, no SDK"]
    for index, step in enumerate(steps):
        change = "" if index == 0 else r" +[-+]\d+\.\d"
        pattern = rf"^  {re.escape(step)} +\d+\.\d{change}$"
        assert re.search(pattern, done.stdout, re.M), f"no line for {step!r} in:\n{done.stdout}"
