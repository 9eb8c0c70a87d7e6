"""Overhead benchmark: this library against raw httpx, measured in the same run.

Starts a keep-alive HTTP server in its own process (benchmarks/bench_server.py),
then measures, in alternating rounds whose order rotates, every scenario in
benchmarks/bench_scenarios.py: sync sequential GETs and async GETs at
concurrency 64, each against raw httpx. Prints medians (req/s), the ratio to raw
httpx, client CPU us per request and the library's own CPU cost per request
(client CPU minus raw httpx's), next to the targets of issue 2::

    python benchmarks/run.py            # full run (7 rounds), about two minutes
    python benchmarks/run.py --quick    # a rough look in a few seconds
    python benchmarks/run.py --json     # machine-readable
    hatch run bench -- --only bare      # via the workspace script
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from bench_measure import (
    Sample,
    Settings,
    Summary,
    add_settings_options,
    run_rounds,
    settings_from,
    summarize,
)
from bench_scenarios import Kind, Scenario, scenarios

import axios_python

__all__ = ["bench_server", "main", "pin_client"]

_HERE = Path(__file__).resolve().parent
_KINDS: tuple[Kind, ...] = ("sync", "async")
_FULL = Settings()
_QUICK = Settings(rounds=3, sync_requests=300, async_requests=320, warmup=30)


@contextlib.contextmanager
def bench_server(workers: int, cpu: int | None, delay_ms: float = 0.0) -> Iterator[str]:
    """Run bench_server.py in a child process; yield its base URL; stop it afterwards."""
    command = [sys.executable, str(_HERE / "bench_server.py"), "--workers", str(workers)]
    if delay_ms:
        command += ["--delay-ms", str(delay_ms)]
    if cpu is not None:
        command += ["--cpu", str(cpu)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline().split()
        if len(line) != 2 or line[0] != "port":
            raise RuntimeError(f"benchmark server did not start (said {line!r})")
        base_url = f"http://127.0.0.1:{line[1]}"
        _wait_until_up(base_url)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def pin_client() -> int | None:
    """Pin this process (and the threads it starts later) to CPU 0; the server's CPU, or None.

    None where CPUs cannot be assigned (not Linux, or a single CPU): nothing is pinned.
    """
    cpus = os.cpu_count() or 1
    if not hasattr(os, "sched_setaffinity") or cpus < 2:
        return None
    os.sched_setaffinity(0, {0})
    return cpus - 1


def _wait_until_up(base_url: str) -> None:
    deadline = time.monotonic() + 10
    while True:
        try:
            httpx.get(base_url + "/", timeout=1).raise_for_status()
            return
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Measure axios-python's overhead against raw httpx (see docs/performance.md)."
    )
    add_settings_options(parser, _FULL)
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="TEXT",
        help="run only scenarios whose name contains TEXT (repeatable; baselines always run)",
    )
    parser.add_argument("--server-workers", type=int, default=1, help="server processes")
    parser.add_argument(
        "--server-delay-ms",
        type=float,
        default=0.0,
        help="server answers this much later: latency-bound instead of CPU-bound",
    )
    parser.add_argument(
        "--pin",
        action="store_true",
        help="pin the client to CPU 0 and the server to the last CPU (Linux)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--save", metavar="PATH", help="also write the JSON report to PATH")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    args = parser.parse_args(argv)
    args.settings = settings_from(parser, args, _FULL, _QUICK)
    if args.server_delay_ms < 0:
        parser.error(f"--server-delay-ms must be 0 or more (got {args.server_delay_ms})")
    return args


def _selected(kind: Kind, only: list[str]) -> tuple[list[Scenario], list[tuple[Scenario, str]]]:
    """(scenarios to run, baseline first; scenarios skipped with the reason)."""
    run: list[Scenario] = []
    skipped: list[tuple[Scenario, str]] = []
    for scenario in scenarios(kind):
        if only and not scenario.baseline and not any(t in scenario.name for t in only):
            continue
        reason = scenario.available()
        if reason is None:
            run.append(scenario)
        else:
            skipped.append((scenario, reason))
    if not run or not run[0].baseline:
        return [], skipped
    return run, skipped


def _environment(settings: Settings, args: argparse.Namespace, base_url: str) -> dict[str, Any]:
    return {
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "httpx": httpx.__version__,
        "axios_python": axios_python.__version__,
        "server": f"{args.server_workers} asyncio process(es) at {base_url}"
        + (f", answering {args.server_delay_ms:g} ms late" if args.server_delay_ms else ""),
        "pinned": bool(args.pin),
        "settings": vars(settings),
        "command": " ".join(["python", "benchmarks/run.py", *sys.argv[1:]]),
    }


def _verdict(ok: bool | None) -> str:
    return "" if ok is None else ("ok" if ok else "MISS")


def _target(prefix: str, value: float | None, fmt: str) -> str:
    return "" if value is None else f"{prefix}{value:{fmt}}"


def _print_table(
    env: dict[str, Any],
    settings: Settings,
    results: dict[Kind, list[Summary]],
    skipped: dict[Kind, list[tuple[Scenario, str]]],
) -> None:
    print(f"axios-python {env['axios_python']} vs httpx {env['httpx']} on {env['python']}")
    print(f"  command: {env['command']}")
    print(f"  server:  {env['server']}; client pinned: {env['pinned']}")
    print(
        f"  caveat:  {env['cpus']} CPUs shared by client and server; "
        "ratios are only comparable within one run"
    )
    for kind in _KINDS:
        if not results[kind] and not skipped[kind]:
            continue
        if kind == "sync":
            title = f"sync sequential GETs, {settings.sync_requests} per round"
        else:
            title = (
                f"async GETs at concurrency {settings.concurrency}, "
                f"{settings.async_requests} per round"
            )
        print()
        print(f"{title}, median of {settings.rounds} round(s)")
        header = (
            f"  {'scenario':<19}{'req/s':>9}{'vs raw':>9}  {'target':<12}"
            f"{'CPU us/req':>11}{'own CPU us':>12}  {'target':<10}{'own (min)':>10}"
        )
        print(header)
        for s in results[kind]:
            ratio_target = _target(">=", s.scenario.min_ratio, ".2f")
            cpu_target = _target("<=", s.scenario.max_own_cpu_us, ".0f")
            print(
                f"  {s.scenario.name:<19}{s.rps:>9,.0f}{s.ratio:>8.3f}x  "
                f"{(ratio_target + 'x ' + _verdict(s.ratio_ok)) if ratio_target else '':<12}"
                f"{s.cpu_us:>11.1f}{s.own_cpu_us:>12.1f}  "
                f"{(cpu_target + ' ' + _verdict(s.cpu_ok)) if cpu_target else '':<10}"
                f"{s.own_cpu_min_us:>10.1f}"
            )
        for scenario, reason in skipped[kind]:
            print(f"  {scenario.name:<19}skipped: {reason}")
    print()
    print("own CPU us = client CPU us/req minus raw httpx's in the same round (median of pairs)")
    print("own (min)  = lowest-CPU round minus raw httpx's lowest: least disturbed by other load")


def _as_json(
    env: dict[str, Any],
    results: dict[Kind, list[Summary]],
    skipped: dict[Kind, list[tuple[Scenario, str]]],
    samples: dict[str, list[Sample]],
) -> dict[str, Any]:
    return {
        "environment": env,
        "scenarios": [
            {
                "name": s.scenario.name,
                "kind": s.scenario.kind,
                "description": s.scenario.description,
                "baseline": s.scenario.baseline,
                "rps": s.rps,
                "ratio": s.ratio,
                "cpu_us_per_request": s.cpu_us,
                "own_cpu_us_per_request": s.own_cpu_us,
                "own_cpu_us_per_request_min": s.own_cpu_min_us,
                "target_min_ratio": s.scenario.min_ratio,
                "target_max_own_cpu_us": s.scenario.max_own_cpu_us,
                "ratio_ok": s.ratio_ok,
                "own_cpu_ok": s.cpu_ok,
                "rounds": [
                    {"rps": x.rps, "cpu_us_per_request": x.cpu_us, "wall_s": x.wall_s}
                    for x in samples[s.scenario.name]
                ],
            }
            for kind in _KINDS
            for s in results[kind]
        ],
        "skipped": [
            {"name": scenario.name, "reason": reason}
            for kind in _KINDS
            for scenario, reason in skipped[kind]
        ],
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print the table (or JSON). Always 0 unless something broke."""
    args = _parse(argv)
    settings: Settings = args.settings
    groups: dict[Kind, list[Scenario]] = {}
    skipped: dict[Kind, list[tuple[Scenario, str]]] = {}
    for kind in _KINDS:
        groups[kind], skipped[kind] = _selected(kind, args.only)
    server_cpu = pin_client() if args.pin else None

    def progress(round_index: int, scenario: Scenario, sample: Sample) -> None:
        if not args.quiet:
            print(
                f"round {round_index + 1}/{settings.rounds}  {scenario.name:<19}"
                f"{sample.rps:>9,.0f} req/s {sample.cpu_us:>8.1f} CPU us/req",
                file=sys.stderr,
                flush=True,
            )

    with bench_server(args.server_workers, server_cpu, args.server_delay_ms) as base_url:
        env = _environment(settings, args, base_url)
        samples = run_rounds([g for g in groups.values() if g], base_url, settings, progress)
    results: dict[Kind, list[Summary]] = {}
    for kind in _KINDS:
        group = groups[kind]
        results[kind] = [summarize(s, samples[s.name], samples[group[0].name]) for s in group]
    report = _as_json(env, results, skipped, samples)
    if args.save:
        Path(args.save).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    if args.json:
        json.dump(report, sys.stdout, indent=2)
        print()
    else:
        _print_table(env, settings, results, skipped)
    return 0


if __name__ == "__main__":
    sys.exit(main())
