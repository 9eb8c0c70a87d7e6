"""http.client.request.duration and http.client.active_requests through the metrics API."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from axios_python_otel import OtelPlugin
from echo_server import EchoServer
from opentelemetry.trace import NoOpTracerProvider

import axios_python
from axios_python import AxiosPython

from ._telemetry import Telemetry


def _attrs(point: Any) -> dict[str, Any]:
    return dict(point.attributes or {})


def _api(server: EchoServer, telemetry: Telemetry, **plugin: Any) -> AxiosPython:
    return telemetry.instrument(axios_python.create({"base_url": server.url}), **plugin)


async def test_duration_is_recorded_per_outcome(server: EchoServer, telemetry: Telemetry) -> None:
    """One histogram point per attribute set: method, server, status, error.type on failure."""
    api = _api(server, telemetry)
    api.get("/get")
    await api.async_get("/get")
    with pytest.raises(axios_python.HTTPStatusError):
        api.get("/status/503")
    points = {tuple(sorted(_attrs(p).items())): p for p in telemetry.durations()}
    base = {
        "http.request.method": "GET",
        "server.address": "127.0.0.1",
        "server.port": server.port,
        "network.protocol.version": "1.1",
    }
    ok = tuple(sorted({**base, "http.response.status_code": 200}.items()))
    failed = tuple(sorted({**base, "http.response.status_code": 503, "error.type": "503"}.items()))
    assert set(points) == {ok, failed}
    assert points[ok].count == 2
    assert points[failed].count == 1
    assert 0 < points[ok].sum < 10
    assert list(points[ok].explicit_bounds)[:3] == [0.005, 0.01, 0.025]  # the semconv advice
    await api.aclose()


def test_duration_covers_the_whole_request(server: EchoServer, telemetry: Telemetry) -> None:
    """Retries and back-off are inside the measured duration (one logical request)."""
    api = telemetry.instrument(
        axios_python.create(
            {
                "base_url": server.url,
                "max_retries": 1,
                "retry_strategy": axios_python.FixedBackoff(0.3, retry_on_status=[503]),
            }
        )
    )
    api.get("/flaky/metrics-backoff/1")
    (point,) = telemetry.durations()
    assert point.count == 1
    assert point.sum >= 0.3


def test_url_template_is_a_metric_attribute(server: EchoServer, telemetry: Telemetry) -> None:
    """With a template, url.template keeps the histogram's cardinality low."""
    api = _api(server, telemetry, url_template=["/anything/{id}"])
    for item in range(3):
        api.get(f"/anything/{item}")
    (point,) = telemetry.durations()
    assert _attrs(point)["url.template"] == "/anything/{id}"
    assert point.count == 3


async def test_active_requests_counts_requests_in_flight(
    server: EchoServer, telemetry: Telemetry
) -> None:
    """While two requests wait on the server the gauge says 2; afterwards 0."""
    api = _api(server, telemetry)
    started = asyncio.Event()

    async def slow() -> None:
        started.set()
        await api.async_get("/delay/0.5")

    tasks = [asyncio.ensure_future(slow()) for _ in range(2)]
    await started.wait()
    await asyncio.sleep(0.2)
    assert list(telemetry.active().values()) == [2]
    await asyncio.gather(*tasks)
    assert list(telemetry.active().values()) == [0]
    await api.aclose()


async def test_active_requests_returns_to_zero_after_cancellation(
    server: EchoServer, telemetry: Telemetry
) -> None:
    """A task cancelled mid-request (no axios_error) still leaves the gauge at 0."""
    api = _api(server, telemetry)
    task = asyncio.ensure_future(api.async_get("/delay/5"))
    await asyncio.sleep(0.2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert list(telemetry.active().values()) == [0]
    (point,) = telemetry.durations()
    assert _attrs(point)["error.type"] == "asyncio.exceptions.CancelledError"
    await api.aclose()


def test_active_requests_from_threads(server: EchoServer, telemetry: Telemetry) -> None:
    """Sync requests from several threads: every one counted in and out."""
    api = _api(server, telemetry)
    threads = [threading.Thread(target=api.get, args=("/delay/0.1",)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert list(telemetry.active().values()) == [0]
    (point,) = telemetry.durations()
    assert point.count == 8
    assert len(telemetry.client_spans()) == 8


def test_metrics_without_tracing(server: EchoServer, telemetry: Telemetry) -> None:
    """A no-op tracer provider with a real meter provider: metrics only, requests untouched."""
    plugin = OtelPlugin(
        tracer_provider=NoOpTracerProvider(), meter_provider=telemetry.meter_provider
    )
    api = axios_python.create({"base_url": server.url}).plugin(plugin)
    api.get("/get")
    assert telemetry.spans() == []
    assert len(telemetry.durations()) == 1
    assert server.requests[-1].header("traceparent") is None
