"""The otel plugin on every transport and side: one span per request, context only where allowed."""

from __future__ import annotations

import threading

import pytest
from echo_server import EchoServer, refusing_port
from otel._telemetry import Telemetry

import axios_python
from axios_python import CancelToken, FixedBackoff

from ._hostile import HostileServer
from ._support import Client
from .test_stale_connections import drops_second_request


def _traceparent(telemetry: Telemetry) -> str:
    ctx = telemetry.span().context
    return f"00-{ctx.trace_id:032x}-{ctx.span_id:016x}-{ctx.trace_flags:02x}"


async def test_one_span_per_request_and_its_context_sent(client: Client) -> None:
    """GET: one CLIENT span with status and url.full; the server got its traceparent."""
    telemetry = Telemetry()
    telemetry.instrument(client.api)
    assert (await client.get("/get", params={"token": "t-secret"})).status_code == 200
    attributes = telemetry.span().attributes or {}
    assert attributes["http.response.status_code"] == 200
    assert attributes["url.full"] == f"{client.server.url}/get?token=REDACTED"
    assert attributes["server.port"] == client.server.port
    assert attributes["network.protocol.version"] == "1.1"
    assert client.server.requests[-1].header("traceparent") == _traceparent(telemetry)


async def test_the_duration_histogram_and_active_requests(client: Client) -> None:
    """One http.client.request.duration point per outcome; no request left active."""
    telemetry = Telemetry()
    telemetry.instrument(client.api)
    await client.get("/get")
    with pytest.raises(axios_python.HTTPStatusError):
        await client.get("/status/503")
    base = {
        "http.request.method": "GET",
        "server.address": "127.0.0.1",
        "server.port": client.server.port,
        "network.protocol.version": "1.1",
    }
    points = {
        tuple(sorted(dict(point.attributes or {}).items())): point.count
        for point in telemetry.durations()
    }
    assert points == {
        tuple(sorted({**base, "http.response.status_code": 200}.items())): 1,
        tuple(sorted({**base, "http.response.status_code": 503, "error.type": "503"}.items())): 1,
    }
    assert list(telemetry.active().values()) == [0]


async def test_a_server_error_is_named_by_its_status(client: Client) -> None:
    """HTTP 500 rejected by validate_status: error.type '500'."""
    telemetry = Telemetry()
    telemetry.instrument(client.api)
    with pytest.raises(axios_python.HTTPStatusError):
        await client.get("/status/500")
    assert (telemetry.span().attributes or {})["error.type"] == "500"


async def test_a_refused_connection_is_named_by_its_class(client: Client) -> None:
    """Nothing listening: error.type axios_python.NetworkError, on every transport alike."""
    telemetry = Telemetry()
    api = telemetry.instrument(client.new(base_url=f"http://127.0.0.1:{refusing_port()}"))
    with pytest.raises(axios_python.NetworkError):
        await client.get("/get", api=api)
    assert (telemetry.span().attributes or {})["error.type"] == "axios_python.NetworkError"


async def test_retries_are_events_and_every_attempt_carries_the_context(client: Client) -> None:
    """Two 503s, then 200: one span with two retry events; three sends, one traceparent."""
    telemetry = Telemetry()
    api = telemetry.instrument(
        client.new(max_retries=2, retry_strategy=FixedBackoff(0, retry_on_status=[503]))
    )
    key = f"otel-{client.case.name}-{client.side}"
    assert (await client.get(f"/flaky/{key}/2", api=api)).status_code == 200
    span = telemetry.span()
    assert [e.name for e in span.events] == ["axios_python.retry"] * 2
    assert (span.attributes or {})["axios_python.retries"] == 2
    sent = [r.header("traceparent") for r in client.server.requests if key in r.path]
    assert sent == [_traceparent(telemetry)] * 3


async def test_a_cross_origin_redirect_leaves_the_context_behind(client: Client) -> None:
    """propagate_to the first origin only: the hop to another origin has no traceparent."""
    telemetry = Telemetry()
    with EchoServer() as other:
        api = telemetry.instrument(client.new(), propagate_to=[client.server.url])
        await client.get("/redirect-to", api=api, params={"url": f"{other.url}/headers"})
        assert other.requests[-1].header("traceparent") is None
    assert client.server.requests[-1].header("traceparent") == _traceparent(telemetry)
    assert (telemetry.span().attributes or {})["axios_python.redirects"] == 1


async def test_a_cancelled_request_ends_its_span_cancelled(client: Client) -> None:
    """CancelToken mid-request: the span ends with axios_python.cancelled and CancelError."""
    telemetry = Telemetry()
    telemetry.instrument(client.api)
    token = CancelToken()
    threading.Timer(0.2, token.cancel).start()
    with pytest.raises(axios_python.CancelError):
        await client.get("/delay/5", cancel_token=token)
    attributes = telemetry.span().attributes or {}
    assert attributes["axios_python.cancelled"] is True
    assert attributes["error.type"] == "axios_python.CancelError"
    assert list(telemetry.active().values()) == [0]


async def test_a_dropped_kept_alive_connection_is_a_resend_not_a_retry(client: Client) -> None:
    """The GET sent again after a stale connection: resend_count 1, retries 0, its own event."""
    telemetry = Telemetry()
    with HostileServer(drops_second_request("close")) as srv:
        api = telemetry.instrument(client.new(base_url=srv.url()))
        await client.get("/first", api=api)
        if not client.case.tells_reuse:  # documented limit: the request fails, sent once
            with pytest.raises(axios_python.NetworkError):
                await client.get("/second", api=api)
            span = telemetry.client_spans()[-1]
            assert (span.attributes or {})["error.type"] == "axios_python.NetworkError"
            assert span.events == ()
            return
        await client.get("/second", api=api)
    span = telemetry.client_spans()[-1]
    attributes = span.attributes or {}
    assert attributes["http.request.resend_count"] == 1
    assert attributes["axios_python.retries"] == 0
    assert [(e.name, dict(e.attributes or {})) for e in span.events] == [
        (
            "axios_python.unanswered",
            {"http.request.resend_count": 1, "error.type": "axios_python.NetworkError"},
        )
    ]
