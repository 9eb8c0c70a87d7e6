"""Trace context goes out with every request, by the global propagator, only where allowed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from axios_python_otel import OtelPlugin
from echo_server import EchoServer
from opentelemetry import baggage, context, propagate
from opentelemetry.propagators.composite import CompositePropagator
from opentelemetry.propagators.textmap import (
    CarrierT,
    Getter,
    Setter,
    TextMapPropagator,
    default_setter,
)
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

import axios_python
from axios_python import AxiosPython, FixedBackoff, Response

from ._telemetry import Telemetry

SIDES = pytest.mark.parametrize("side", ["sync", "async"])


async def send(api: AxiosPython, side: str, url: str, **options: Any) -> Response:
    """One GET, the sync or the async way."""
    if side == "async":
        return await api.async_get(url, **options)
    return api.get(url, **options)


@pytest.fixture
def other() -> Iterator[EchoServer]:
    """A second server: another origin (another port) than ``server``."""
    with EchoServer() as srv:
        yield srv


def _traceparent(span: Any) -> str:
    ctx = span.context
    return f"00-{ctx.trace_id:032x}-{ctx.span_id:016x}-{ctx.trace_flags:02x}"


@SIDES
async def test_traceparent_names_the_request_span(
    server: EchoServer, telemetry: Telemetry, side: str
) -> None:
    """The server receives traceparent with the CLIENT span's trace and span ids."""
    api = telemetry.instrument(axios_python.create({"base_url": server.url}))
    with telemetry.tracer.start_as_current_span("job"):
        await send(api, side, "/get")
    assert server.requests[-1].header("traceparent") == _traceparent(telemetry.span())
    await api.aclose()


@SIDES
async def test_every_retry_carries_the_context(
    server: EchoServer, telemetry: Telemetry, side: str
) -> None:
    """All three attempts of a retried request carry the same traceparent."""
    api = telemetry.instrument(
        axios_python.create(
            {
                "base_url": server.url,
                "max_retries": 2,
                "retry_strategy": FixedBackoff(0, retry_on_status=[503]),
            }
        )
    )
    await send(api, side, f"/flaky/prop-{side}/2")
    sent = [r.header("traceparent") for r in server.requests]
    assert sent == [_traceparent(telemetry.span())] * 3
    await api.aclose()


async def test_propagate_to_keeps_context_from_other_origins(
    server: EchoServer, other: EchoServer, telemetry: Telemetry
) -> None:
    """Only origins in propagate_to get it; an absolute URL under base_url to another does not."""
    api = telemetry.instrument(
        axios_python.create({"base_url": server.url}), propagate_to=[server.url]
    )
    api.get("/get")
    await api.async_get(f"{other.url}/get")
    api.get(f"{other.url}/get")
    assert server.requests[-1].header("traceparent") is not None
    assert [r.header("traceparent") for r in other.requests] == [None, None]
    assert len(telemetry.client_spans()) == 3  # traced all the same
    await api.aclose()


@pytest.mark.parametrize("side", ["sync", "async"])
async def test_a_cross_origin_redirect_drops_the_context(
    server: EchoServer, other: EchoServer, telemetry: Telemetry, side: str
) -> None:
    """Redirected to an origin outside propagate_to: that hop goes without traceparent.

    Even with the target in trusted_origins (which keeps credentials on redirects).
    """
    api = telemetry.instrument(
        axios_python.create({"base_url": server.url, "trusted_origins": [other.url]}),
        propagate_to=[server.url],
    )
    await send(api, side, "/redirect-to", params={"url": f"{other.url}/headers"})
    assert server.requests[-1].header("traceparent") == _traceparent(telemetry.span())
    assert other.requests[-1].path == "/headers"
    assert other.requests[-1].header("traceparent") is None
    assert other.requests[-1].header("tracestate") is None
    await api.aclose()


async def test_a_redirect_between_allowed_origins_keeps_the_context(
    server: EchoServer, other: EchoServer, telemetry: Telemetry
) -> None:
    """Both origins allowed: the hop carries the same traceparent; and back again too."""
    api = telemetry.instrument(
        axios_python.create({"base_url": server.url}), propagate_to=[server.url, other.url]
    )
    api.get("/redirect-to", params={"url": f"{other.url}/headers"})
    expected = _traceparent(telemetry.span())
    assert other.requests[-1].header("traceparent") == expected
    assert server.requests[-1].header("traceparent") == expected
    await api.aclose()


@SIDES
async def test_tracestate_of_an_incoming_trace_goes_on(
    server: EchoServer, other: EchoServer, telemetry: Telemetry, side: str
) -> None:
    """A trace continued from an incoming request: same trace id and tracestate go out,
    from our span; nothing of it goes to an origin outside propagate_to."""
    incoming = {
        "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "tracestate": "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7",
    }
    api = telemetry.instrument(
        axios_python.create({"base_url": server.url}), propagate_to=[server.url]
    )
    token = context.attach(propagate.extract(incoming))
    try:
        await send(api, side, "/get")
        await send(api, side, f"{other.url}/get")
    finally:
        context.detach(token)
    first, _ = telemetry.client_spans()
    assert first.parent is not None
    assert first.parent.span_id == 0xB7AD6B7169203331
    sent = server.requests[-1]
    assert sent.header("traceparent") == _traceparent(first)
    assert (sent.header("traceparent") or "").startswith("00-0af7651916cd43dd8448eb211c80319c-")
    assert sent.header("tracestate") == incoming["tracestate"]
    assert other.requests[-1].header("traceparent") is None
    assert other.requests[-1].header("tracestate") is None
    await api.aclose()


def test_propagate_to_nothing_sends_nothing(server: EchoServer, telemetry: Telemetry) -> None:
    """propagate_to=[]: traced, never propagated."""
    api = telemetry.instrument(axios_python.create({"base_url": server.url}), propagate_to=[])
    api.get("/get")
    assert server.requests[-1].header("traceparent") is None
    assert len(telemetry.client_spans()) == 1


def test_baggage_goes_with_the_trace_context(server: EchoServer, telemetry: Telemetry) -> None:
    """The default global propagator is W3C trace context and baggage: both are sent."""
    api = telemetry.instrument(axios_python.create({"base_url": server.url}))
    token = context.attach(baggage.set_baggage("tenant", "acme"))
    try:
        api.get("/get")
    finally:
        context.detach(token)
    assert server.requests[-1].header("baggage") == "tenant=acme"


class _RequestIdPropagator(TextMapPropagator):
    """Writes the trace id into X-Trace: a stand-in for B3, Jaeger or a vendor format."""

    def extract(
        self,
        carrier: CarrierT,
        context: context.Context | None = None,
        getter: Getter[Any] = None,  # type: ignore[assignment]
    ) -> context.Context:
        raise NotImplementedError

    def inject(
        self,
        carrier: CarrierT,
        context: context.Context | None = None,
        setter: Setter[CarrierT] = default_setter,
    ) -> None:
        from opentelemetry import trace

        span_context = trace.get_current_span(context).get_span_context()
        if span_context.is_valid:
            setter.set(carrier, "X-Trace", f"{span_context.trace_id:032x}")

    @property
    def fields(self) -> set[str]:
        return {"X-Trace"}


@pytest.fixture
def global_propagator() -> Iterator[None]:
    """Install a custom global propagator for one test, then restore the previous one."""
    previous = propagate.get_global_textmap()
    propagate.set_global_textmap(
        CompositePropagator([TraceContextTextMapPropagator(), _RequestIdPropagator()])
    )
    yield
    propagate.set_global_textmap(previous)


@pytest.mark.usefixtures("global_propagator")
def test_the_globally_configured_propagator_is_used(
    server: EchoServer, telemetry: Telemetry
) -> None:
    """Whatever propagator the application set globally, read at each request."""
    plugin = telemetry.plugin()
    api = axios_python.create({"base_url": server.url}).plugin(plugin)
    api.get("/get")
    trace_id = telemetry.span().context.trace_id
    assert server.requests[-1].header("X-Trace") == f"{trace_id:032x}"
    assert server.requests[-1].header("traceparent") is not None


def test_an_explicit_propagator_wins(server: EchoServer, telemetry: Telemetry) -> None:
    """propagator= replaces the global one for this plugin."""
    api = telemetry.instrument(
        axios_python.create({"base_url": server.url}), propagator=_RequestIdPropagator()
    )
    api.get("/get")
    assert server.requests[-1].header("X-Trace") == f"{telemetry.span().context.trace_id:032x}"
    assert server.requests[-1].header("traceparent") is None


def test_a_plugin_instance_serves_several_clients(
    server: EchoServer, other: EchoServer, telemetry: Telemetry
) -> None:
    """One OtelPlugin on two clients: each request its own span and its own traceparent."""
    plugin = telemetry.plugin()
    first = axios_python.create({"base_url": server.url}).plugin(plugin)
    second = axios_python.create({"base_url": other.url}).plugin(plugin)
    first.get("/get")
    second.get("/get")
    one, two = telemetry.client_spans()
    assert server.requests[-1].header("traceparent") == _traceparent(one)
    assert other.requests[-1].header("traceparent") == _traceparent(two)
    assert isinstance(plugin, OtelPlugin)
