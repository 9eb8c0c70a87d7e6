"""Timing one scenario, alternating rounds, and reducing rounds to medians and ratios.

Wall time comes from ``time.perf_counter`` and CPU time from
``time.process_time`` (this process only: every thread of the client, never the
server, which is another process). Each measurement builds a fresh client,
warms it up (so connections are open and caches are filled), collects garbage,
and then times ``requests`` GETs.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bench_scenarios import AsyncSubject, Scenario, SyncSubject

__all__ = [
    "Sample",
    "Settings",
    "Summary",
    "add_settings_options",
    "measure",
    "run_rounds",
    "settings_from",
    "summarize",
]


@dataclass(frozen=True)
class Settings:
    """How much to measure: rounds, requests per measurement, async concurrency, warm-up."""

    rounds: int = 7
    sync_requests: int = 2000
    async_requests: int = 2560
    concurrency: int = 64
    warmup: int = 200


def add_settings_options(parser: argparse.ArgumentParser, full: Settings) -> None:
    """The options that size a run: --quick, --rounds, --requests, --async-requests, ..."""
    parser.add_argument("--quick", action="store_true", help="3 short rounds: a rough look")
    parser.add_argument("--rounds", type=int, help=f"rounds (default {full.rounds})")
    parser.add_argument(
        "--requests", type=int, help=f"sync GETs per measurement (default {full.sync_requests})"
    )
    parser.add_argument(
        "--async-requests",
        type=int,
        help=f"async GETs per measurement (default {full.async_requests})",
    )
    parser.add_argument(
        "--concurrency", type=int, help=f"async tasks at once (default {full.concurrency})"
    )
    parser.add_argument("--warmup", type=int, help=f"untimed GETs first (default {full.warmup})")


def settings_from(
    parser: argparse.ArgumentParser, args: argparse.Namespace, full: Settings, quick: Settings
) -> Settings:
    """The Settings the options of add_settings_options ask for (a bad value: parser.error)."""
    for name in ("rounds", "requests", "async_requests", "concurrency"):
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1 (got {value})")
    if args.warmup is not None and args.warmup < 0:
        parser.error(f"--warmup must be 0 or more (got {args.warmup})")
    base = quick if args.quick else full

    def pick(value: int | None, default: int) -> int:
        return default if value is None else value

    return Settings(
        rounds=pick(args.rounds, base.rounds),
        sync_requests=pick(args.requests, base.sync_requests),
        async_requests=pick(args.async_requests, base.async_requests),
        concurrency=pick(args.concurrency, base.concurrency),
        warmup=pick(args.warmup, base.warmup),
    )


@dataclass(frozen=True)
class Sample:
    """One timed measurement of one scenario."""

    requests: int
    wall_s: float
    cpu_s: float

    @property
    def rps(self) -> float:
        """Requests per second of wall time."""
        return self.requests / self.wall_s

    @property
    def cpu_us(self) -> float:
        """Client CPU microseconds per request."""
        return self.cpu_s / self.requests * 1e6


def _measure_sync(subject: SyncSubject, requests: int, warmup: int) -> Sample:
    fetch = subject.fetch
    for _ in range(warmup):
        fetch()
    gc.collect()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for _ in range(requests):
        fetch()
    wall1, cpu1 = time.perf_counter(), time.process_time()
    return Sample(requests, wall1 - wall0, cpu1 - cpu0)


async def _measure_async(
    subject: AsyncSubject, requests: int, concurrency: int, warmup: int
) -> Sample:
    fetch = subject.fetch

    async def worker(count: int) -> None:
        for _ in range(count):
            await fetch()

    def shares(total: int) -> list[int]:
        base, extra = divmod(total, concurrency)
        return [base + (1 if i < extra else 0) for i in range(concurrency)]

    # Warm-up at full concurrency so every pooled connection is open before timing.
    await asyncio.gather(*(worker(n) for n in shares(max(warmup, concurrency))))
    gc.collect()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker(n) for n in shares(requests)))
    wall1, cpu1 = time.perf_counter(), time.process_time()
    return Sample(requests, wall1 - wall0, cpu1 - cpu0)


def measure(scenario: Scenario, base_url: str, settings: Settings) -> Sample:
    """Build ``scenario``'s client, warm it up, time it, close it."""
    if scenario.kind == "sync":
        subject = scenario.build(base_url)
        assert isinstance(subject, SyncSubject)
        try:
            return _measure_sync(subject, settings.sync_requests, settings.warmup)
        finally:
            subject.close()

    async def run() -> Sample:
        subject = scenario.build(base_url)  # inside the loop: async pools belong to it
        assert isinstance(subject, AsyncSubject)
        try:
            return await _measure_async(
                subject, settings.async_requests, settings.concurrency, settings.warmup
            )
        finally:
            await subject.close()

    return asyncio.run(run())


def run_rounds(
    groups: list[list[Scenario]],
    base_url: str,
    settings: Settings,
    progress: Callable[[int, Scenario, Sample], None] | None = None,
) -> dict[str, list[Sample]]:
    """Measure every scenario once per round; each group's order rotates by one every round.

    Rotation spreads slow drift (CPU frequency, a noisy neighbour) over all
    scenarios instead of charging it to whichever always runs last.
    """
    samples: dict[str, list[Sample]] = {s.name: [] for group in groups for s in group}
    for round_index in range(settings.rounds):
        for group in groups:
            shift = round_index % len(group)
            for scenario in group[shift:] + group[:shift]:
                sample = measure(scenario, base_url, settings)
                samples[scenario.name].append(sample)
                if progress is not None:
                    progress(round_index, scenario, sample)
    return samples


@dataclass(frozen=True)
class Summary:
    """Medians over rounds for one scenario, and its comparison with raw httpx.

    ``ratio`` and ``own_cpu_us`` are medians of per-round pairs (this scenario
    against the baseline measured in the same round), which cancels drift that
    affects both. For the baseline itself they are 1.0 and 0.0. ``own_cpu_min_us``
    compares the best (lowest-CPU) rounds instead: on a busy machine other
    processes only ever add CPU time (cache misses, preemption), so the minimum is
    the least disturbed estimate.
    """

    scenario: Scenario
    rps: float
    cpu_us: float
    ratio: float
    own_cpu_us: float
    own_cpu_min_us: float
    rps_all: list[float] = field(default_factory=list)

    @property
    def ratio_ok(self) -> bool | None:
        """Whether the throughput target is met (None when there is none)."""
        target = self.scenario.min_ratio
        return None if target is None else self.ratio >= target

    @property
    def cpu_ok(self) -> bool | None:
        """Whether the own-CPU target is met (None when there is none)."""
        target = self.scenario.max_own_cpu_us
        return None if target is None else self.own_cpu_us <= target


def summarize(scenario: Scenario, samples: list[Sample], baseline: list[Sample]) -> Summary:
    """Reduce ``samples`` to medians, pairing each round with the baseline's same round."""
    ratios = [s.rps / b.rps for s, b in zip(samples, baseline, strict=True)]
    own = [s.cpu_us - b.cpu_us for s, b in zip(samples, baseline, strict=True)]
    return Summary(
        scenario=scenario,
        rps=statistics.median(s.rps for s in samples),
        cpu_us=statistics.median(s.cpu_us for s in samples),
        ratio=statistics.median(ratios),
        own_cpu_us=statistics.median(own),
        own_cpu_min_us=min(s.cpu_us for s in samples) - min(b.cpu_us for b in baseline),
        rps_all=[s.rps for s in samples],
    )
