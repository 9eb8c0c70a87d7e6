"""Where the library's own CPU goes: pipeline-only cost, per-step costs, and a cProfile view.

Three views, each printed in microseconds per request::

    python benchmarks/profile_overhead.py               # pipeline (null transport) + steps
    python benchmarks/profile_overhead.py --cprofile    # cProfile of sync bare GETs on a socket
    python benchmarks/profile_overhead.py --socket reqwest  # the pipeline's cost on a real socket
    python benchmarks/profile_overhead.py --socket-steps reqwest  # full's parts, one at a time

* pipeline: ``api.get`` / ``api.async_get`` on a transport that answers at once,
  so nothing but this library runs (bare and full pipeline, sync and async;
  "full+plugins" adds the cache, auth and logger plugins, issue 13's "full").
* steps: the pieces of one bare request timed alone with ``timeit`` (config
  merge, URL building, prepare, the httpx Request the transport builds...).
* socket: against the benchmark server, one transport (a plugin name, or httpx)
  alone sending the headers the pipeline sends, then under the bare pipeline and
  under "full+plugins": process and main-thread CPU per request, sync sequential
  and async at concurrency 64, medians of alternating rounds. The gap between
  "alone" and "bare" is what the pipeline costs between real socket operations.
* socket steps: async at concurrency 64 on one transport plugin, pinned as
  bench_transports pins, the full pipeline built up one part at a time (bare,
  + the 2+1 interceptors, + the 2 middleware, + logger, + auth, + cache):
  client CPU per request of each step, medians of alternating rounds, so each
  difference is what that part costs between real socket operations.
* cprofile: the sync bare path against the benchmark server, the functions of
  this library and of httpx sorted by own time (profiling inflates every figure;
  compare them with each other, not with run.py's).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import statistics
import sys
import time
import timeit
from collections.abc import Awaitable, Callable

import httpx
from bench_measure import Settings, run_rounds
from bench_scenarios import (
    AsyncSubject,
    Scenario,
    add_full_pipeline,
    add_interceptors,
    add_middleware,
    add_noop_plugin,
    add_otel_plugin,
    add_otel_sdk,
)
from run import bench_server, pin_client

import axios_python
from axios_python import BaseTransport, Headers, Request, Response

__all__ = ["NullTransport", "add_full_and_plugins", "main", "socket_costs", "socket_steps"]

_BODY = b'{"id":1,"name":"axios-python","tags":["http","client"],"ok":true}'
_HEADERS = [("Content-Type", "application/json"), ("Content-Length", str(len(_BODY)))]


class NullTransport(BaseTransport):
    """Answers every request at once with a small JSON body: only the pipeline is timed."""

    def send(self, request: Request) -> Response:
        """Return the canned response."""
        return Response(
            200, headers=Headers.from_trusted(list(_HEADERS)), content=_BODY, request=request
        )

    async def send_async(self, request: Request) -> Response:
        """Return the canned response."""
        return self.send(request)


def _best_us(run: Callable[[int], None], count: int, repeat: int) -> float:
    """The lowest CPU microseconds per call over ``repeat`` batches of ``count`` calls."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        run(count)
        best = min(best, (time.process_time() - start) / count * 1e6)
    return best


def add_full_and_plugins(api: axios_python.AxiosPython) -> None:
    """The full pipeline plus the cache, auth and logger plugins, as bench_transports' "full"."""
    add_full_pipeline(api)
    api.plugin("cache")
    api.plugin("auth", token="bench-token")
    api.plugin("logger")


def pipeline_costs(count: int, repeat: int) -> dict[str, float]:
    """CPU us per request of the pipeline alone, on NullTransport."""
    results: dict[str, float] = {}
    setups: dict[str, Callable[[axios_python.AxiosPython], None]] = {
        "bare": lambda api: None,
        "full": add_full_pipeline,
        "full+plugins": add_full_and_plugins,
        "noop-plugin": add_noop_plugin,
        "otel-no-sdk": add_otel_plugin,
        "otel-sdk": add_otel_sdk,
    }
    for label, setup in setups.items():
        api = axios_python.create({"base_url": "http://bench.local"}, transport=NullTransport())
        setup(api)

        def run_sync(n: int, api: axios_python.AxiosPython = api) -> None:
            for _ in range(n):
                api.get("/")

        async def many(n: int, api: axios_python.AxiosPython = api) -> None:
            for _ in range(n):
                await api.async_get("/")

        def run_async(n: int, many: Callable[[int], object] = many) -> None:
            asyncio.run(many(n))  # type: ignore[arg-type]

        run_sync(200)
        results[f"sync {label}"] = _best_us(run_sync, count, repeat)
        results[f"async {label}"] = _best_us(run_async, count, repeat)
    return results


def step_costs(count: int, repeat: int) -> dict[str, float]:
    """CPU us of each step of one bare sync request, timed alone (best batch)."""
    from axios_python._config import merge_config
    from axios_python._prepare import prepare_request
    from axios_python._urls import build_url

    api = axios_python.create({"base_url": "http://bench.local"}, transport=NullTransport())
    config = api._merged("GET", "/", {})
    request = prepare_request(config)
    raw_client = httpx.Client(base_url="http://bench.local")
    steps: dict[str, Callable[[], object]] = {
        "client._merged (merge_config)": lambda: api._merged("GET", "/", {}),
        "merge_config alone": lambda: merge_config(api._defaults, {"method": "GET", "url": "/"}),
        "build_url": lambda: build_url("http://bench.local", "/", None),
        "prepare_request": lambda: prepare_request(config),
        "Headers.copy": lambda: config["headers"].copy(),
        "dict(config) (response.config)": lambda: dict(config),
        "Response(...) from transport data": lambda: Response(
            200, headers=Headers.from_trusted(list(_HEADERS)), content=_BODY, request=request
        ),
        "httpx.Request as HttpxTransport builds it": lambda: httpx.Request(
            request.method,
            request.url,
            headers=[*request.headers.multi_items(), ("Accept-Encoding", "gzip, deflate")],
            extensions={"timeout": request.timeout.as_dict()},
        ),
        "raw: httpx.Client.build_request": lambda: raw_client.build_request("GET", "/"),
        "whole pipeline, sync bare (null transport)": lambda: api.get("/"),
    }
    results: dict[str, float] = {}
    for name, step in steps.items():
        timer = timeit.Timer(step, timer=time.process_time)  # CPU, not wall: robust to load
        results[name] = min(timer.repeat(repeat=repeat, number=count)) / count * 1e6
    raw_client.close()
    return results


_SOCKET_CONCURRENCY = 64


def _socket_subject(
    base_url: str, transport: str, mode: str
) -> tuple[axios_python.AxiosPython, Callable[[], object], Callable[[], Awaitable[object]]]:
    """A client, and its sync and async fetch of "/", for one mode of ``socket_costs``."""
    api = axios_python.create({"base_url": base_url})
    if transport != "httpx":
        api.plugin(transport)
    if mode == "alone":
        from axios_python._config import library_defaults

        headers = library_defaults()["headers"]  # what the pipeline sends for a bare GET
        request = Request("GET", base_url + "/", headers=headers)
        sync_side, async_side = api._sync_transport, api._async_transport
        return api, lambda: sync_side.send(request), lambda: async_side.send_async(request)
    if mode == "full+plugins":
        add_full_and_plugins(api)
    return api, lambda: api.get("/"), lambda: api.async_get("/")


def _socket_run(base_url: str, transport: str, mode: str, side: str, count: int) -> list[float]:
    """[process CPU, main-thread CPU] in us per request for ``count`` requests of one mode."""
    api, fetch, afetch = _socket_subject(base_url, transport, mode)

    async def drive(total: int) -> None:
        async def worker(n: int) -> None:
            for _ in range(n):
                await afetch()

        await asyncio.gather(
            *(worker(total // _SOCKET_CONCURRENCY) for _ in range(_SOCKET_CONCURRENCY))
        )

    async def measure_async() -> list[float]:
        await drive(640)
        started = time.process_time(), time.thread_time()
        await drive(count)
        used = [time.process_time() - started[0], time.thread_time() - started[1]]
        await api.aclose()
        return used

    if side == "async":
        used = asyncio.run(measure_async())
    else:
        for _ in range(200):
            fetch()
        started = time.process_time(), time.thread_time()
        for _ in range(count):
            fetch()
        used = [time.process_time() - started[0], time.thread_time() - started[1]]
        api.close()
    return [cpu / count * 1e6 for cpu in used]


def socket_costs(transport: str, count: int, rounds: int) -> dict[str, list[float]]:
    """Median [process, main-thread] CPU us per request of each side and mode on a socket."""
    modes = ["alone", "bare", "full+plugins"]
    samples: dict[str, list[list[float]]] = {}
    with bench_server(1, None) as base_url:
        for side in ("sync", "async"):
            for round_ in range(rounds):
                for mode in modes[round_ % 3 :] + modes[: round_ % 3]:  # alternate the order
                    run = _socket_run(base_url, transport, mode, side, count)
                    samples.setdefault(f"{side} {mode}", []).append(run)
    return {
        name: [statistics.median(run[i] for run in runs) for i in (0, 1)]
        for name, runs in samples.items()
    }


_STEPS: list[tuple[str, Callable[[axios_python.AxiosPython], object]]] = [
    ("bare", lambda api: None),
    ("+ 2+1 interceptors", add_interceptors),
    ("+ 2 async middleware", add_middleware),
    ("+ logger plugin", lambda api: api.plugin("logger")),
    ("+ auth plugin", lambda api: api.plugin("auth", token="bench-token")),
    ("+ cache plugin", lambda api: api.plugin("cache")),  # = issue 13's "full"
    ("+ otel plugin, no SDK", add_otel_plugin),  # what tracing wired in costs when unused
]


def _step_scenario(transport: str, upto: int) -> Scenario:
    """Async GETs through ``transport`` with the first ``upto + 1`` steps of _STEPS set up."""

    def build(base_url: str) -> AsyncSubject:
        api = axios_python.create({"base_url": base_url}).plugin(transport)
        for _, setup in _STEPS[: upto + 1]:
            setup(api)

        async def fetch() -> object:
            return await api.async_get("/")

        return AsyncSubject(fetch, api.aclose)

    return Scenario("async", _STEPS[upto][0], f"step {upto} on {transport}", build)


def socket_steps(transport: str, count: int, rounds: int) -> list[tuple[str, float]]:
    """Median client CPU us per async request (c=64) of each step, pinned like bench_transports.

    Pins this process to CPU 0 for good (as bench_transports does): run it as a command.
    """
    steps = [_step_scenario(transport, upto) for upto in range(len(_STEPS))]
    with bench_server(1, pin_client()) as base_url:
        samples = run_rounds([steps], base_url, Settings(rounds=rounds, async_requests=count))
    return [
        (step.label, statistics.median(sample.cpu_us for sample in samples[step.name]))
        for step in steps
    ]


def cprofile_sync_bare(count: int, top: int) -> None:
    """Profile ``count`` sync bare GETs against the benchmark server and print the top functions."""
    with bench_server(1, None) as base_url:
        api = axios_python.create({"base_url": base_url})
        for _ in range(100):
            api.get("/")
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(count):
            api.get("/")
        profiler.disable()
        api.close()
    stats = pstats.Stats(profiler)
    rows = []
    for (filename, line, func), (_cc, calls, tottime, cumtime, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append((tottime, cumtime, calls, f"{_short(filename)}:{line}({func})"))
    total = sum(row[0] for row in rows)
    print(f"cProfile of {count} sync bare GETs: {total / count * 1e6:.0f} us/request profiled")
    print(f"{'own us/req':>11}{'cum us/req':>11}{'calls/req':>10}  function")
    for tottime, cumtime, calls, where in sorted(rows, reverse=True)[:top]:
        print(f"{tottime / count * 1e6:>11.1f}{cumtime / count * 1e6:>11.1f}"
              f"{calls / count:>10.1f}  {where}")  # fmt: skip
    mine = sorted((row for row in rows if row[3].startswith("axios_python/")), reverse=True)
    print()
    print(f"axios_python's own frames only (top {top})")
    for tottime, cumtime, calls, where in mine[:top]:
        print(f"{tottime / count * 1e6:>11.1f}{cumtime / count * 1e6:>11.1f}"
              f"{calls / count:>10.1f}  {where}")  # fmt: skip
    own = sum(row[0] for row in mine)
    print(f"axios_python's own frames: {own / count * 1e6:.1f} us/request profiled, "
          f"{own / total:.1%} of the client's profiled time")  # fmt: skip


def _short(filename: str) -> str:
    for marker in ("axios_python/", "httpx/", "httpcore/", "h11/"):
        at = filename.rfind(marker)
        if at >= 0:
            return filename[at:]
    return filename.rsplit("/", 1)[-1]


def main(argv: list[str] | None = None) -> int:
    """Print pipeline and step costs, or the cProfile view with ``--cprofile``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cprofile", action="store_true", help="profile sync bare GETs")
    parser.add_argument("--count", type=int, default=5000, help="requests per batch")
    parser.add_argument("--repeat", type=int, default=5, help="batches (the best is kept)")
    parser.add_argument("--top", type=int, default=35, help="rows of the cProfile view")
    parser.add_argument(
        "--socket",
        metavar="TRANSPORT",
        help="CPU per request on a real socket: a transport plugin's name (or httpx) alone, "
        "under the bare pipeline and under full+plugins",
    )
    parser.add_argument(
        "--socket-steps",
        metavar="TRANSPORT",
        help="async CPU per request on a real socket (pinned) as the full pipeline is built up "
        "part by part on a transport plugin",
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="rounds of --socket/--socket-steps (the median)"
    )
    args = parser.parse_args(argv)
    if args.cprofile:
        cprofile_sync_bare(args.count, args.top)
        return 0
    if args.socket:
        print(f"on a socket ({args.socket}), CPU us per request, median of {args.rounds} rounds")
        print(f"  {'':<20}{'process':>9}{'main thread':>13}")
        for name, (process, main_thread) in socket_costs(
            args.socket, args.count, args.rounds
        ).items():
            print(f"  {name:<20}{process:>9.1f}{main_thread:>13.1f}")
        return 0
    if args.socket_steps:
        print(
            f"async c=64 on a socket ({args.socket_steps}, pinned), client CPU us per request, "
            f"median of {args.rounds} rounds"
        )
        previous = None
        for label, cpu in socket_steps(args.socket_steps, args.count, args.rounds):
            change = "" if previous is None else f"{cpu - previous:+8.1f}"
            print(f"  {label:<24}{cpu:>8.1f}{change}")
            previous = cpu
        return 0
    print("pipeline only (NullTransport), CPU us per request, best of", args.repeat)
    for name, cost in pipeline_costs(args.count, args.repeat).items():
        print(f"  {name:<18}{cost:>8.1f}")
    print("steps of one bare sync request, us per call, best of", args.repeat)
    for name, cost in step_costs(args.count, args.repeat).items():
        print(f"  {name:<44}{cost:>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
