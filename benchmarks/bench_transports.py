"""Fast transports benchmark: urllib3, aiohttp, httpx2 and reqwest through the full pipeline.

Every library scenario runs the whole pipeline as a real client would: 2
request interceptors, 1 response interceptor, 2 middleware, and the cache, auth
and logger plugins registered (the cache, with its defaults, looks up and
stores nothing, as every request carries the auth plugin's Authorization), plus
the transport plugin under test. "-bare" rows register the transport plugin
only; "-alone" rows call the transport with no pipeline at all. All are
measured in the same run, in alternating rounds whose order rotates, against
raw httpx, raw urllib3, raw aiohttp and raw pyreqwest, on the keep-alive server
of benchmarks/bench_server.py (its own process)::

    python benchmarks/bench_transports.py            # 7 rounds, ten minutes or more
    python benchmarks/bench_transports.py --quick    # a rough look
    python benchmarks/bench_transports.py --json     # machine-readable
    python benchmarks/bench_transports.py --save r.json  # the table, and the JSON in r.json
    python benchmarks/bench_transports.py --breakdown  # CPU per pipeline stage, no server

On Linux with two CPUs or more the client runs on CPU 0 and the server on the
last CPU (``--no-pin`` lets the scheduler place both): every client then has one
core, whatever threads it starts (pyreqwest's Tokio thread shares the core with
Python), and the server never competes with it.

Targets (issue 6): sync urllib3 >= 1.5x raw httpx; async aiohttp at concurrency
64 >= 0.85x raw aiohttp; async httpx2 >= 2.5x raw httpx. Issue 13: sync reqwest
>= 2.0x raw httpx (bare >= 2.5x); async reqwest >= 1.0x raw aiohttp (bare >= 1.3x);
the pipeline's own CPU on reqwest (full minus raw pyreqwest, same round) <= 40 us
per request on both sides.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import httpx2
import urllib3
from axios_python_aiohttp import AiohttpTransport
from axios_python_reqwest import ReqwestTransport
from axios_python_urllib3 import Urllib3Transport
from bench_measure import Sample, Settings, add_settings_options, run_rounds, settings_from
from bench_scenarios import AsyncSubject, Scenario, SyncSubject, add_full_pipeline, httpx_limits
from bench_server import BODY
from pyreqwest.client import ClientBuilder, SyncClientBuilder
from run import bench_server, pin_client

import axios_python
from axios_python import BaseTransport, Headers, HttpxTransport, Request, Response
from axios_python.hookspecs import hookimpl

__all__ = ["PLUGINS", "CpuTarget", "Target", "main"]

PLUGINS = (
    "cache (defaults: authenticated requests are not cached, so no hits), "
    "auth (bearer token), logger (INFO, below the root logger's level: nothing emitted)"
)
_FULL = Settings()
_QUICK = Settings(rounds=3, sync_requests=300, async_requests=640, warmup=30)


@dataclass(frozen=True)
class Target:
    """``scenario`` must reach ``minimum`` times the req/s of ``versus`` (same rounds)."""

    scenario: str
    versus: str
    minimum: float


@dataclass(frozen=True)
class CpuTarget:
    """``scenario`` may cost at most ``maximum`` client CPU us per request more than ``versus``."""

    scenario: str
    versus: str
    maximum: float
    label: str


TARGETS = (
    Target("sync urllib3", "sync raw-httpx", 1.5),
    Target("async aiohttp", "async raw-aiohttp", 0.85),
    Target("async httpx2", "async raw-httpx", 2.5),
    Target("sync reqwest", "sync raw-httpx", 2.0),
    Target("sync reqwest-bare", "sync raw-httpx", 2.5),
    Target("async reqwest", "async raw-aiohttp", 1.0),
    Target("async reqwest-bare", "async raw-aiohttp", 1.3),
)
_PIPELINE_CPU = "the pipeline's own CPU"
CPU_TARGETS = (
    CpuTarget("sync reqwest", "sync raw-pyreqwest", 40.0, _PIPELINE_CPU),
    CpuTarget("async reqwest", "async raw-pyreqwest", 40.0, _PIPELINE_CPU),
)
# Printed without a target, to show where the CPU on top of raw pyreqwest goes.
CPU_STEPS = (
    ("the transport's own CPU", "reqwest-alone", "raw-pyreqwest"),
    ("the bare pipeline's own CPU", "reqwest-bare", "raw-pyreqwest"),
    ("the plugins, interceptors and middleware", "reqwest", "reqwest-bare"),
)


# --- raw clients --------------------------------------------------------------------------


def _raw_httpx_sync(base_url: str) -> SyncSubject:
    client = httpx.Client(base_url=base_url, limits=httpx_limits())
    return SyncSubject(lambda: client.get("/"), client.close)


def _raw_urllib3_sync(base_url: str) -> SyncSubject:
    parsed = urllib3.util.parse_url(base_url)
    pool = urllib3.HTTPConnectionPool(parsed.host or "127.0.0.1", parsed.port, maxsize=1)

    def fetch() -> object:
        return pool.request("GET", "/").data

    return SyncSubject(fetch, pool.close)


def _raw_httpx_async(base_url: str) -> AsyncSubject:
    client = httpx.AsyncClient(base_url=base_url, limits=httpx_limits())

    async def fetch() -> object:
        return await client.get("/")

    return AsyncSubject(fetch, client.aclose)


def _raw_aiohttp_async(base_url: str) -> AsyncSubject:
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100))
    url = base_url + "/"

    async def fetch() -> object:
        async with session.get(url) as response:
            return await response.read()

    return AsyncSubject(fetch, session.close)


def _raw_pyreqwest_sync(base_url: str) -> SyncSubject:
    client = SyncClientBuilder().max_connections(100).build()
    url = base_url + "/"
    return SyncSubject(lambda: client.get(url).build().send().bytes(), client.close)


def _raw_pyreqwest_async(base_url: str) -> AsyncSubject:
    client = ClientBuilder().max_connections(100).build()
    url = base_url + "/"

    async def fetch() -> object:
        response = await client.get(url).build().send()
        return await response.bytes()

    return AsyncSubject(fetch, client.close)


# --- the transports alone (no pipeline): what the transport itself costs ---------------------


def _alone_sync(make: Callable[[], BaseTransport]) -> Callable[[str], SyncSubject]:
    def build(base_url: str) -> SyncSubject:
        transport = make()
        request = Request("GET", base_url + "/")
        return SyncSubject(lambda: transport.send(request), transport.close)

    return build


def _alone_async(make: Callable[[], BaseTransport]) -> Callable[[str], AsyncSubject]:
    def build(base_url: str) -> AsyncSubject:
        transport = make()
        request = Request("GET", base_url + "/")

        async def fetch() -> object:
            return await transport.send_async(request)

        return AsyncSubject(fetch, transport.aclose)

    return build


# --- this library, full pipeline -------------------------------------------------------------


def _full_client(base_url: str, transport: str | None) -> axios_python.AxiosPython:
    """The full pipeline and the three plugins; ``transport`` names a transport plugin."""
    if transport is None:
        api = axios_python.create(
            {"base_url": base_url}, transport=HttpxTransport(limits=httpx_limits())
        )
    else:
        api = axios_python.create({"base_url": base_url})
    add_full_pipeline(api)
    api.plugin("cache")
    api.plugin("auth", token="bench-token")
    api.plugin("logger")
    if transport == "httpx2":
        limits = httpx2.Limits(max_connections=100, max_keepalive_connections=100)
        api.plugin("httpx2", limits=limits)
    elif transport is not None:
        api.plugin(transport)
    return api


def _bare_client(base_url: str, transport: str) -> axios_python.AxiosPython:
    """Only the transport plugin: what the pipeline itself costs on that transport."""
    return axios_python.create({"base_url": base_url}).plugin(transport)


def _bare_sync(transport: str) -> Callable[[str], SyncSubject]:
    def build(base_url: str) -> SyncSubject:
        api = _bare_client(base_url, transport)
        return SyncSubject(lambda: api.get("/"), api.close)

    return build


def _bare_async(transport: str) -> Callable[[str], AsyncSubject]:
    def build(base_url: str) -> AsyncSubject:
        api = _bare_client(base_url, transport)

        async def fetch() -> object:
            return await api.async_get("/")

        return AsyncSubject(fetch, api.aclose)

    return build


def _library_sync(transport: str | None) -> Callable[[str], SyncSubject]:
    def build(base_url: str) -> SyncSubject:
        api = _full_client(base_url, transport)
        return SyncSubject(lambda: api.get("/"), api.close)

    return build


def _library_async(transport: str | None) -> Callable[[str], AsyncSubject]:
    def build(base_url: str) -> AsyncSubject:
        api = _full_client(base_url, transport)

        async def fetch() -> object:
            return await api.async_get("/")

        return AsyncSubject(fetch, api.aclose)

    return build


_PIPELINE = "full pipeline + plugins"
SYNC = [
    Scenario("sync", "raw-httpx", "raw httpx.Client", _raw_httpx_sync, baseline=True),
    Scenario("sync", "raw-urllib3", "raw urllib3.HTTPConnectionPool", _raw_urllib3_sync),
    Scenario(
        "sync",
        "urllib3-alone",
        "Urllib3Transport.send(), no pipeline",
        _alone_sync(Urllib3Transport),
    ),
    Scenario(
        "sync", "urllib3-bare", "api.plugin('urllib3') and nothing else", _bare_sync("urllib3")
    ),
    Scenario("sync", "httpx", f"{_PIPELINE}, default httpx transport", _library_sync(None)),
    Scenario("sync", "urllib3", f"{_PIPELINE}, api.plugin('urllib3')", _library_sync("urllib3")),
    Scenario("sync", "httpx2", f"{_PIPELINE}, api.plugin('httpx2')", _library_sync("httpx2")),
    Scenario("sync", "raw-pyreqwest", "raw pyreqwest SyncClient", _raw_pyreqwest_sync),
    Scenario(
        "sync",
        "reqwest-alone",
        "ReqwestTransport.send(), no pipeline",
        _alone_sync(ReqwestTransport),
    ),
    Scenario(
        "sync", "reqwest-bare", "api.plugin('reqwest') and nothing else", _bare_sync("reqwest")
    ),
    Scenario("sync", "reqwest", f"{_PIPELINE}, api.plugin('reqwest')", _library_sync("reqwest")),
]
ASYNC = [
    Scenario("async", "raw-httpx", "raw httpx.AsyncClient", _raw_httpx_async, baseline=True),
    Scenario("async", "raw-aiohttp", "raw aiohttp.ClientSession", _raw_aiohttp_async),
    Scenario(
        "async",
        "aiohttp-alone",
        "AiohttpTransport.send_async(), no pipeline",
        _alone_async(AiohttpTransport),
    ),
    Scenario(
        "async", "aiohttp-bare", "api.plugin('aiohttp') and nothing else", _bare_async("aiohttp")
    ),
    Scenario("async", "httpx", f"{_PIPELINE}, default httpx transport", _library_async(None)),
    Scenario("async", "aiohttp", f"{_PIPELINE}, api.plugin('aiohttp')", _library_async("aiohttp")),
    Scenario("async", "httpx2", f"{_PIPELINE}, api.plugin('httpx2')", _library_async("httpx2")),
    Scenario("async", "raw-pyreqwest", "raw pyreqwest Client", _raw_pyreqwest_async),
    Scenario(
        "async",
        "reqwest-alone",
        "ReqwestTransport.send_async(), no pipeline",
        _alone_async(ReqwestTransport),
    ),
    Scenario(
        "async", "reqwest-bare", "api.plugin('reqwest') and nothing else", _bare_async("reqwest")
    ),
    Scenario("async", "reqwest", f"{_PIPELINE}, api.plugin('reqwest')", _library_async("reqwest")),
]


# --- where the time goes: the pipeline alone, on an in-memory transport ----------------------


class _Canned(BaseTransport):
    """Answers every request at once with a small JSON body: no socket, no server."""

    def send(self, request: Request) -> Response:
        return Response(200, headers=_CANNED_HEADERS.copy(), content=BODY, request=request)

    async def send_async(self, request: Request) -> Response:
        return self.send(request)


class _CannedPlugin:
    """Supplies _Canned for both sides, as a transport plugin would."""

    @hookimpl
    def axios_transport(self, client: axios_python.AxiosPython, kind: str) -> BaseTransport:
        return _Canned()


_CANNED_HEADERS = Headers([("Content-Type", "application/json")])
_STAGES: list[tuple[str, Callable[[axios_python.AxiosPython], object]]] = [
    ("a transport plugin (the plugin host)", lambda api: api.plugin(_CannedPlugin())),
    ("2+1 interceptors, 2 middleware", add_full_pipeline),
    ("logger plugin", lambda api: api.plugin("logger")),
    ("auth plugin", lambda api: api.plugin("auth", token="bench-token")),
    ("cache plugin", lambda api: api.plugin("cache")),
]


def breakdown(requests: int = 20000) -> list[tuple[str, float]]:
    """Client CPU us per sync request as each stage is added, on an in-memory transport."""

    def cpu_us(fetch: Callable[[], object]) -> float:
        for _ in range(500):
            fetch()
        gc.collect()
        started = time.process_time()
        for _ in range(requests):
            fetch()
        return (time.process_time() - started) / requests * 1e6

    transport = _Canned()
    request = Request("GET", "http://bench.invalid/")
    rows = [("the transport alone", cpu_us(lambda: transport.send(request)))]
    bare = axios_python.create({"base_url": "http://bench.invalid"}, transport=_Canned())
    rows.append(("the bare pipeline (transport=)", cpu_us(lambda: bare.get("/"))))
    api = axios_python.create({"base_url": "http://bench.invalid"})
    for label, add in _STAGES:
        add(api)
        rows.append((f"+ {label}", cpu_us(lambda: api.get("/"))))
    return rows


# --- reduction and report ----------------------------------------------------------------


def paired_ratio(samples: dict[str, list[Sample]], name: str, versus: str) -> float:
    """Median over rounds of req/s(name) / req/s(versus), each round paired with itself."""
    return statistics.median(
        a.rps / b.rps for a, b in zip(samples[name], samples[versus], strict=True)
    )


def _rows(samples: dict[str, list[Sample]]) -> list[dict[str, Any]]:
    rows = []
    for group in (SYNC, ASYNC):
        baseline = group[0].name
        raw_other = group[1].name
        for scenario in group:
            runs = samples[scenario.name]
            rows.append(
                {
                    "name": scenario.name,
                    "description": scenario.description,
                    "rps": statistics.median(s.rps for s in runs),
                    "cpu_us_per_request": statistics.median(s.cpu_us for s in runs),
                    "vs_raw_httpx": paired_ratio(samples, scenario.name, baseline),
                    f"vs_{raw_other.split()[1].replace('-', '_')}": paired_ratio(
                        samples, scenario.name, raw_other
                    ),
                    "rounds_rps": [s.rps for s in runs],
                }
            )
    return rows


def paired_cpu(samples: dict[str, list[Sample]], name: str, versus: str) -> float:
    """Median over rounds of CPU us/request(name) minus that of ``versus`` in the same round."""
    return statistics.median(
        a.cpu_us - b.cpu_us for a, b in zip(samples[name], samples[versus], strict=True)
    )


def _targets(samples: dict[str, list[Sample]]) -> list[dict[str, Any]]:
    return [
        {
            "scenario": t.scenario,
            "versus": t.versus,
            "minimum": t.minimum,
            "ratio": (ratio := paired_ratio(samples, t.scenario, t.versus)),
            "ok": ratio >= t.minimum,
            "cpu_ratio": statistics.median(
                b.cpu_us / a.cpu_us
                for a, b in zip(samples[t.scenario], samples[t.versus], strict=True)
            ),
        }
        for t in TARGETS
    ]


def _cpu_targets(samples: dict[str, list[Sample]]) -> list[dict[str, Any]]:
    return [
        {
            "what": t.label,
            "scenario": t.scenario,
            "versus": t.versus,
            "maximum_us": t.maximum,
            "cpu_us": (cpu := paired_cpu(samples, t.scenario, t.versus)),
            "ok": cpu <= t.maximum,
        }
        for t in CPU_TARGETS
    ]


def _cpu_steps(samples: dict[str, list[Sample]]) -> list[dict[str, Any]]:
    """The CPU on top of raw pyreqwest, split into transport, bare pipeline and the rest."""
    return [
        {
            "what": what,
            "scenario": f"{kind} {name}",
            "versus": f"{kind} {versus}",
            "cpu_us": paired_cpu(samples, f"{kind} {name}", f"{kind} {versus}"),
        }
        for kind in ("sync", "async")
        for what, name, versus in CPU_STEPS
    ]


def _print(
    settings: Settings,
    env: dict[str, Any],
    rows: list[dict[str, Any]],
    targets: list[dict[str, Any]],
    cpu_targets: list[dict[str, Any]],
    steps: list[dict[str, Any]],
) -> None:
    print(
        f"axios-python {env['axios_python']}: fast transports, {env['python']}, {env['cpus']} CPUs"
    )
    print(f"  versions: {env['versions']}")
    print(f"  command: {env['command']}")
    print(f"  {env['placement']}")
    print(f"  every library row: {env['pipeline']}")
    print(
        f"  median of {settings.rounds} alternating rounds; ratios are medians of same-round pairs"
    )
    for kind, title, other in (
        ("sync", f"sync sequential GETs ({settings.sync_requests} per round)", "vs_raw_urllib3"),
        (
            "async",
            f"async GETs at concurrency {settings.concurrency} "
            f"({settings.async_requests} per round)",
            "vs_raw_aiohttp",
        ),
    ):
        label = other.removeprefix("vs_").replace("_", " ")
        print()
        print(title)
        columns = f"{'req/s':>9}{'vs raw httpx':>14}{'vs ' + label:>17}{'CPU us/req':>12}"
        print(f"  {'scenario':<20}{columns}")
        for row in rows:
            if row["name"].split()[0] != kind:
                continue
            print(
                f"  {row['name']:<20}{row['rps']:>9,.0f}{row['vs_raw_httpx']:>13.2f}x"
                f"{row[other]:>16.2f}x{row['cpu_us_per_request']:>12.1f}"
            )
    print()
    print("targets (CPU per request: the other's CPU us/req over this one's; at concurrency 64")
    print("the client is CPU-bound, so there the req/s ratio should be close to it)")
    width = max(len(t["scenario"]) for t in targets)
    for t in targets:
        verdict = "ok" if t["ok"] else "MISS"
        wanted = f"(>= {t['minimum']}x) {verdict:<4}"
        print(
            f"  {t['scenario']:<{width}} vs {t['versus']:<18} {t['ratio']:.2f}x  {wanted}"
            f"  CPU per request: {t['cpu_ratio']:.2f}x"
        )
    for t in cpu_targets:
        verdict = "ok" if t["ok"] else "MISS"
        print(
            f"  {t['what']} on {t['scenario']} (minus {t['versus']}): "
            f"{t['cpu_us']:.1f} us/req  (<= {t['maximum_us']:.0f} us) {verdict}"
        )
    print()
    print("client CPU us per request on top of raw pyreqwest (medians of same-round differences)")
    for step in steps:
        what = f"{step['scenario']} minus {step['versus']}"
        print(f"  {what:<44}{step['cpu_us']:>7.1f}  {step['what']}")


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    add_settings_options(parser, _FULL)
    parser.add_argument("--server-workers", type=int, default=1, help="server processes")
    parser.add_argument(
        "--no-pin",
        action="store_true",
        help="let the scheduler place client and server (default: client on CPU 0, server on "
        "the last CPU, on Linux with 2 CPUs or more)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--save", metavar="PATH", help="also write the JSON report to PATH")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    parser.add_argument(
        "--breakdown",
        action="store_true",
        help="only show what each pipeline stage costs, on an in-memory transport (no server)",
    )
    args = parser.parse_args(argv)
    args.settings = settings_from(parser, args, _FULL, _QUICK)
    return args


def main(argv: list[str] | None = None) -> int:
    """Run every scenario in alternating rounds; print the table (or JSON)."""
    args = _parse(argv)
    if args.breakdown:
        print("client CPU us per sync GET, stages added one by one (in-memory transport)")
        for label, cpu in breakdown():
            print(f"  {label:<40}{cpu:>8.1f}")
        return 0
    settings: Settings = args.settings
    server_cpu = None if args.no_pin else pin_client()

    def progress(round_index: int, scenario: Scenario, sample: Sample) -> None:
        if not args.quiet:
            print(
                f"round {round_index + 1}/{settings.rounds}  {scenario.name:<20}"
                f"{sample.rps:>9,.0f} req/s {sample.cpu_us:>8.1f} CPU us/req",
                file=sys.stderr,
                flush=True,
            )

    env = {
        "axios_python": axios_python.__version__,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "versions": (
            f"httpx {httpx.__version__}, httpx2 {httpx2.__version__}, "
            f"urllib3 {metadata.version('urllib3')}, aiohttp {aiohttp.__version__}, "
            f"pyreqwest {metadata.version('pyreqwest')}"
        ),
        "pipeline": f"2 request interceptors, 1 response interceptor, 2 middleware; {PLUGINS}",
        "command": "python benchmarks/bench_transports.py "
        + " ".join(sys.argv[1:] if argv is None else argv),
        "placement": (
            f"client pinned to CPU 0, server to CPU {server_cpu}"
            if server_cpu is not None
            else "client and server placed by the scheduler (not pinned)"
        ),
    }
    with bench_server(args.server_workers, server_cpu) as base_url:
        samples = run_rounds([SYNC, ASYNC], base_url, settings, progress)
    rows, targets = _rows(samples), _targets(samples)
    cpu_targets, steps = _cpu_targets(samples), _cpu_steps(samples)
    report = {
        "environment": env,
        "scenarios": rows,
        "targets": targets,
        "cpu_targets": cpu_targets,
        "cpu_steps": steps,
    }
    if args.save:
        Path(args.save).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    if args.json:
        json.dump(report, sys.stdout, indent=2)
        print()
    else:
        _print(settings, env, rows, targets, cpu_targets, steps)
    return 0


if __name__ == "__main__":
    sys.exit(main())
