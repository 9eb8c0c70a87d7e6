"""With OpenTelemetry's own httpx instrumentation on: one span per request, ours, and our rules."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from echo_server import EchoServer
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

import axios_python

from ._telemetry import Telemetry

SIDES = pytest.mark.parametrize("side", ["sync", "async"])


@pytest.fixture
def instrumented(telemetry: Telemetry) -> Iterator[Telemetry]:
    """httpx instrumented process-wide (into the test's SDK) for one test, then restored."""
    instrumentor = HTTPXClientInstrumentor()
    instrumentor.instrument(tracer_provider=telemetry.tracer_provider)
    try:
        yield telemetry
    finally:
        instrumentor.uninstrument()


def _scopes(telemetry: Telemetry) -> list[str]:
    return [
        s.instrumentation_scope.name for s in telemetry.client_spans() if s.instrumentation_scope
    ]


def test_the_httpx_instrumentation_is_live_here(
    server: EchoServer, instrumented: Telemetry
) -> None:
    """Control: a plain httpx client, and our client without the plugin, get httpx's spans."""
    with httpx.Client() as client:
        client.get(f"{server.url}/get")
    axios_python.create({"base_url": server.url}).get("/get")
    assert _scopes(instrumented) == ["opentelemetry.instrumentation.httpx"] * 2
    assert server.requests[-1].header("traceparent") is not None


@SIDES
async def test_one_span_per_request_and_it_is_ours(
    server: EchoServer, instrumented: Telemetry, side: str
) -> None:
    """Under our span the httpx instrumentation stays quiet: one span, our traceparent."""
    api = instrumented.instrument(axios_python.create({"base_url": server.url}))
    if side == "async":
        await api.async_get("/get")
    else:
        api.get("/get")
    assert _scopes(instrumented) == ["axios_python_otel"]
    context = instrumented.span().context
    sent = server.requests[-1].header("traceparent")
    assert sent == f"00-{context.trace_id:032x}-{context.span_id:016x}-{context.trace_flags:02x}"
    await api.aclose()


def test_propagate_to_holds_with_the_httpx_instrumentation(
    server: EchoServer, instrumented: Telemetry
) -> None:
    """An origin outside propagate_to gets no trace context from httpx's instrumentation either."""
    api = instrumented.instrument(
        axios_python.create({"base_url": server.url}), propagate_to=["https://elsewhere.example"]
    )
    api.get("/get")
    assert server.requests[-1].header("traceparent") is None
    assert _scopes(instrumented) == ["axios_python_otel"]
