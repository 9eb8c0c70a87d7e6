"""The benchmark scenarios: a registry, so later work adds a scenario without touching run.py.

A scenario builds one client against the benchmark server's base URL and hands
back a ``fetch`` (one GET of "/") and a ``close``. Each scenario is either
"sync" (sequential calls) or "async" (``concurrency`` tasks at once), and is
compared with the ``raw`` scenario of its kind measured in the same round.

EXTENSION POINT: to add a scenario (a transport plugin, a plugin set), write a
builder and call ``register(Scenario(...))`` at the bottom of this module, or
from your own module imported before ``run.main()``. ``available`` lets a
scenario skip itself, with a reason, while the feature it needs is missing.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

import httpx

import axios_python
from axios_python import HttpxTransport, RequestConfig, Response
from axios_python.hookspecs import hookimpl

__all__ = [
    "FULL_PIPELINE_HEADERS",
    "LAST_ELAPSED",
    "SCENARIOS",
    "AsyncSubject",
    "Kind",
    "NoopPlugin",
    "Scenario",
    "SyncSubject",
    "add_full_pipeline",
    "add_interceptors",
    "add_middleware",
    "add_noop_plugin",
    "add_otel_plugin",
    "add_otel_sdk",
    "httpx_limits",
    "register",
    "scenarios",
]

Kind = Literal["sync", "async"]

# Where the timing middleware puts its measurement (a real one would log it).
LAST_ELAPSED: list[float] = [0.0]


@dataclass(frozen=True)
class SyncSubject:
    """A built sync client: ``fetch()`` sends one GET, ``close()`` releases the pool."""

    fetch: Callable[[], object]
    close: Callable[[], None]


@dataclass(frozen=True)
class AsyncSubject:
    """A built async client (made inside the running loop): ``await fetch()``, ``await close()``."""

    fetch: Callable[[], Awaitable[object]]
    close: Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class Scenario:
    """One measured configuration.

    ``name`` is "<kind> <label>" (e.g. "sync bare"); ``baseline`` marks the raw
    httpx scenario the others are divided by. Targets are None when the issue
    sets none; ``available`` returns a reason to skip, or None to run.
    """

    kind: Kind
    label: str
    description: str
    build: Callable[[str], SyncSubject] | Callable[[str], AsyncSubject]
    baseline: bool = False
    min_ratio: float | None = None
    max_own_cpu_us: float | None = None
    available: Callable[[], str | None] = lambda: None

    @property
    def name(self) -> str:
        """The name "<kind> <label>" that the report and ``--only`` use."""
        return f"{self.kind} {self.label}"


SCENARIOS: list[Scenario] = []


def register(scenario: Scenario) -> Scenario:
    """Add ``scenario`` to the registry (names must be unique); return it."""
    if any(existing.name == scenario.name for existing in SCENARIOS):
        raise ValueError(f"a benchmark scenario named {scenario.name!r} is already registered")
    if scenario.baseline and any(s.baseline and s.kind == scenario.kind for s in SCENARIOS):
        raise ValueError(f"there is already a {scenario.kind} baseline scenario")
    SCENARIOS.append(scenario)
    return scenario


def scenarios(kind: Kind) -> list[Scenario]:
    """The registered scenarios of ``kind``, baseline first."""
    found = [s for s in SCENARIOS if s.kind == kind]
    return sorted(found, key=lambda s: not s.baseline)


def httpx_limits() -> httpx.Limits:
    """Pool limits for every httpx client here: 64 concurrent requests all stay keep-alive.

    httpx's default keeps only 20 idle connections, so at concurrency 64 the rest
    would reconnect on every request and the benchmark would time TCP set-up.
    """
    return httpx.Limits(max_connections=100, max_keepalive_connections=100)


# --- raw httpx (the baselines) ---------------------------------------------------------


def _raw_sync(base_url: str) -> SyncSubject:
    client = httpx.Client(base_url=base_url, limits=httpx_limits())

    def fetch() -> object:
        return client.get("/")

    return SyncSubject(fetch, client.close)


def _raw_async(base_url: str) -> AsyncSubject:
    client = httpx.AsyncClient(base_url=base_url, limits=httpx_limits())

    async def fetch() -> object:
        return await client.get("/")

    return AsyncSubject(fetch, client.aclose)


# The three headers the full pipeline's interceptors and middleware add, for the
# "raw+headers" scenarios: what httpx itself charges for sending them.
FULL_PIPELINE_HEADERS = {
    "X-Request-Id": "bench-1",
    "Authorization": "Bearer bench-token",
    "X-Trace-Id": "trace-1",
}


def _raw_sync_headers(base_url: str) -> SyncSubject:
    client = httpx.Client(base_url=base_url, limits=httpx_limits())

    def fetch() -> object:
        return client.get("/", headers=FULL_PIPELINE_HEADERS)

    return SyncSubject(fetch, client.close)


def _raw_async_headers(base_url: str) -> AsyncSubject:
    client = httpx.AsyncClient(base_url=base_url, limits=httpx_limits())

    async def fetch() -> object:
        return await client.get("/", headers=FULL_PIPELINE_HEADERS)

    return AsyncSubject(fetch, client.aclose)


# --- this library -------------------------------------------------------------------------


def _client(base_url: str) -> axios_python.AxiosPython:
    # Same pool limits as the raw baseline; otherwise the default HttpxTransport.
    return axios_python.create(
        {"base_url": base_url}, transport=HttpxTransport(limits=httpx_limits())
    )


def add_full_pipeline(api: axios_python.AxiosPython, *, def_middleware: bool = False) -> None:
    """2 request interceptors, 1 response interceptor, 2 middleware, in the spec's style."""
    add_interceptors(api)
    add_middleware(api, def_middleware=def_middleware)


def add_interceptors(api: axios_python.AxiosPython) -> None:
    """The full pipeline's 2 request interceptors and 1 response interceptor."""

    def add_request_id(config: RequestConfig) -> RequestConfig:
        config["headers"]["X-Request-Id"] = "bench-1"
        return config

    def add_auth(config: RequestConfig) -> RequestConfig:
        config["headers"]["Authorization"] = "Bearer bench-token"
        return config

    def check_status(response: Response) -> Response:
        if response.status_code >= 500:
            raise RuntimeError(f"server error {response.status_code}")
        return response

    api.interceptors.request.use(add_request_id)
    api.interceptors.request.use(add_auth)
    api.interceptors.response.use(check_status)


def add_middleware(api: axios_python.AxiosPython, *, def_middleware: bool = False) -> None:
    """The full pipeline's 2 middleware (``async def``; the second a ``def`` if asked)."""

    async def trace_middleware(ctx: RequestConfig, next_fn: Any) -> Response:
        ctx["headers"]["X-Trace-Id"] = "trace-1"
        response: Response = await next_fn(ctx)
        return response

    async def timing_middleware(ctx: RequestConfig, next_fn: Any) -> Response:
        started = time.perf_counter()
        response: Response = await next_fn(ctx)
        LAST_ELAPSED[0] = time.perf_counter() - started
        return response

    def sync_timing_middleware(ctx: RequestConfig, next_fn: Any) -> Response:
        started = time.perf_counter()
        response: Response = next_fn(ctx)
        LAST_ELAPSED[0] = time.perf_counter() - started
        return response

    api.use(trace_middleware)
    api.use(sync_timing_middleware if def_middleware else timing_middleware)


def _library_sync(
    setup: Callable[[axios_python.AxiosPython], None],
) -> Callable[[str], SyncSubject]:
    def build(base_url: str) -> SyncSubject:
        api = _client(base_url)
        setup(api)

        def fetch() -> object:
            return api.get("/")

        return SyncSubject(fetch, api.close)

    return build


def _library_async(
    setup: Callable[[axios_python.AxiosPython], None],
) -> Callable[[str], AsyncSubject]:
    def build(base_url: str) -> AsyncSubject:
        api = _client(base_url)
        setup(api)

        async def fetch() -> object:
            return await api.async_get("/")

        return AsyncSubject(fetch, api.aclose)

    return build


def _bare(api: axios_python.AxiosPython) -> None:
    """Nothing registered: the cost of the pipeline itself."""


def _full(api: axios_python.AxiosPython) -> None:
    add_full_pipeline(api)


def _full_def_middleware(api: axios_python.AxiosPython) -> None:
    add_full_pipeline(api, def_middleware=True)


# --- one no-op plugin (issue 4) ---------------------------------------------------------


def _plugin_missing() -> str | None:
    if not hasattr(axios_python.AxiosPython, "plugin"):
        return "api.plugin() does not exist yet (plugin system, issue 4)"
    return None


class NoopPlugin:
    """A plugin implementing axios_request and axios_response that do nothing."""

    @hookimpl
    def axios_request(self, config: RequestConfig, client: axios_python.AxiosPython) -> None:
        return None

    @hookimpl
    def axios_response(
        self, response: Response, config: RequestConfig, client: axios_python.AxiosPython
    ) -> None:
        return None


def add_noop_plugin(api: axios_python.AxiosPython) -> None:
    """Register one NoopPlugin on ``api`` (RuntimeError while api.plugin does not exist)."""
    plugin = getattr(api, "plugin", None)
    if plugin is None:
        raise RuntimeError(_plugin_missing())
    plugin(NoopPlugin())


def add_otel_plugin(api: axios_python.AxiosPython) -> None:
    """The otel plugin by name, no OpenTelemetry SDK configured: it should cost next to nothing."""
    api.plugin("otel")


def add_otel_sdk(api: axios_python.AxiosPython) -> None:
    """The otel plugin on an SDK that records every span and metric (exported nowhere)."""
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult

    class Discard(SpanExporter):
        def export(self, spans: Any) -> SpanExportResult:
            return SpanExportResult.SUCCESS

    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(Discard()))
    meter_provider = MeterProvider(metric_readers=[InMemoryMetricReader()])
    api.plugin("otel", tracer_provider=tracer_provider, meter_provider=meter_provider)


# --- the registry ----------------------------------------------------------------------------

_FULL = "2 request interceptors, 1 response interceptor, 2 async def middleware"

register(Scenario("sync", "raw", "raw httpx.Client", _raw_sync, baseline=True))
register(Scenario("sync", "raw+headers", "raw httpx.Client sending the full pipeline's 3 headers",
                  _raw_sync_headers))  # fmt: skip
register(Scenario("sync", "bare", "axios-python, nothing registered", _library_sync(_bare),
                  min_ratio=0.95, max_own_cpu_us=30))  # fmt: skip
register(Scenario("sync", "full", _FULL, _library_sync(_full),
                  min_ratio=0.90, max_own_cpu_us=60))  # fmt: skip
register(Scenario("sync", "noop-plugin", "axios-python + one no-op plugin",
                  _library_sync(add_noop_plugin), available=_plugin_missing))  # fmt: skip

register(Scenario("sync", "otel", "axios-python + the otel plugin, no OpenTelemetry SDK",
                  _library_sync(add_otel_plugin)))  # fmt: skip

register(Scenario("async", "raw", "raw httpx.AsyncClient", _raw_async, baseline=True))
register(Scenario("async", "raw+headers", "raw httpx.AsyncClient sending the 3 headers",
                  _raw_async_headers))  # fmt: skip
register(Scenario("async", "bare", "axios-python, nothing registered", _library_async(_bare),
                  min_ratio=0.95, max_own_cpu_us=30))  # fmt: skip
register(Scenario("async", "full", _FULL, _library_async(_full),
                  min_ratio=0.90, max_own_cpu_us=60))  # fmt: skip
register(Scenario("async", "full-defmw", "as full, but the timing middleware is a plain def",
                  _library_async(_full_def_middleware)))  # fmt: skip
register(Scenario("async", "noop-plugin", "axios-python + one no-op plugin",
                  _library_async(add_noop_plugin), available=_plugin_missing))  # fmt: skip
register(Scenario("async", "otel", "axios-python + the otel plugin, no OpenTelemetry SDK",
                  _library_async(add_otel_plugin)))  # fmt: skip
