"""Alongside interceptors, middleware and the cache, auth and logger plugins."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from auth._token_server import TokenServer
from echo_server import EchoServer
from opentelemetry import trace

import axios_python
from axios_python import AuthPlugin, CachePlugin, LoggerPlugin, Response
from axios_python.hookspecs import hookimpl

from ._telemetry import Telemetry

SIDES = pytest.mark.parametrize("side", ["sync", "async"])


async def send(api: axios_python.AxiosPython, side: str, url: str, **options: Any) -> Response:
    """One GET, the sync or the async way."""
    if side == "async":
        return await api.async_get(url, **options)
    return api.get(url, **options)


@SIDES
@pytest.mark.parametrize("otel_first", [True, False], ids=["otel-first", "cache-first"])
async def test_a_cache_hit_is_a_span_marked_from_cache(
    server: EchoServer, telemetry: Telemetry, side: str, otel_first: bool
) -> None:
    """Second GET answered by CachePlugin: from_cache True, url.full set, nothing sent."""
    api = axios_python.create({"base_url": server.url})
    plugins: list[object] = [telemetry.plugin(), CachePlugin(ttl=60)]
    for plugin in plugins if otel_first else reversed(plugins):
        api.plugin(plugin)
    await send(api, side, "/json")
    await send(api, side, "/json")
    assert server.hits["/json"] == 1
    network, cached = telemetry.client_spans()
    assert (network.attributes or {})["axios_python.from_cache"] is False
    assert (network.attributes or {})["network.protocol.version"] == "1.1"
    attributes = cached.attributes or {}
    assert attributes["axios_python.from_cache"] is True
    assert "network.protocol.version" not in attributes  # nothing went over the network
    assert attributes["url.full"] == f"{server.url}/json"
    assert attributes["http.response.status_code"] == 200
    await api.aclose()


@pytest.fixture
def tokens() -> Iterator[TokenServer]:
    """A server that accepts only 'Bearer new'."""
    with TokenServer("Bearer new") as srv:
        yield srv


@SIDES
async def test_an_auth_refresh_is_two_spans(
    tokens: TokenServer, telemetry: Telemetry, side: str
) -> None:
    """401, refresh, replay: the 401 attempt and the replay are sibling spans in one trace."""
    api = axios_python.create({"base_url": tokens.url})
    api.plugin(telemetry.plugin())
    api.plugin(AuthPlugin(token="old", refresh=lambda: "new"))
    with telemetry.tracer.start_as_current_span("job") as job:
        assert (await send(api, side, "/protected")).status_code == 200
    refused, replayed = telemetry.client_spans()
    assert (refused.attributes or {})["error.type"] == "401"
    assert (replayed.attributes or {})["http.response.status_code"] == 200
    for span in (refused, replayed):
        assert span.parent is not None
        assert span.parent.span_id == job.get_span_context().span_id
    assert tokens.seen == ["Bearer old", "Bearer new"]
    await api.aclose()


def test_credentials_and_context_travel_together(server: EchoServer, telemetry: Telemetry) -> None:
    """AuthPlugin's header and the traceparent both reach the server."""
    api = axios_python.create({"base_url": server.url})
    api.plugin(telemetry.plugin()).plugin(AuthPlugin(token="t0ken-value-1234"))
    headers = api.get("/headers").data["headers"]
    assert headers["Authorization"] == "Bearer t0ken-value-1234"
    assert "traceparent" in headers
    assert "t0ken-value-1234" not in repr(dict(telemetry.span().attributes or {}))


class _SpanIds(logging.Handler):
    """Notes the current span id of each record (what a trace-correlating formatter would)."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[tuple[str, int]] = []

    def emit(self, record: logging.LogRecord) -> None:
        event = str(getattr(record, "http", {}).get("event"))
        self.ids.append((event, trace.get_current_span().get_span_context().span_id))


@SIDES
async def test_logger_lines_are_logged_inside_the_span(
    server: EchoServer, telemetry: Telemetry, side: str
) -> None:
    """The request line always carries the span; the response line when otel came second."""
    handler = _SpanIds()
    logger = logging.getLogger("tests.otel.logger")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    api = axios_python.create({"base_url": server.url})
    api.plugin(LoggerPlugin(logger=logger, redact_transport_logs=False))
    api.plugin(telemetry.plugin())
    try:
        await send(api, side, "/get")
        with pytest.raises(axios_python.HTTPStatusError):
            await send(api, side, "/status/500")
    finally:
        logger.removeHandler(handler)
    ok, failed = (span.context.span_id for span in telemetry.client_spans())
    assert handler.ids == [("request", ok), ("response", ok), ("request", failed), ("error", 0)]
    await api.aclose()


@SIDES
async def test_interceptors_and_middleware_shape_what_is_traced(
    server: EchoServer, telemetry: Telemetry, side: str
) -> None:
    """An interceptor's header is sent with the context; middleware's new URL is url.full."""
    api = telemetry.instrument(axios_python.create({"base_url": server.url}))

    def stamp(config: Any) -> Any:
        config["headers"]["X-Stamp"] = "1"
        return config

    async def reroute(ctx: Any, next_fn: Any) -> Response:
        ctx["url"] = "/anything/rerouted"
        response: Response = await next_fn(ctx)
        return response

    def fail_on_json(response: Response) -> Response:
        if response.url.endswith("/json"):
            raise RuntimeError("rejected by an interceptor")
        return response

    api.interceptors.request.use(stamp)
    api.interceptors.response.use(fail_on_json)
    api.use(reroute)
    response = await send(api, side, "/get")
    assert response.data["headers"]["X-Stamp"] == "1"
    assert "traceparent" in response.data["headers"]
    assert (telemetry.span().attributes or {})["url.full"] == f"{server.url}/anything/rerouted"
    await api.aclose()


def test_a_response_interceptor_failing_after_the_span(
    server: EchoServer, telemetry: Telemetry
) -> None:
    """An interceptor that rejects a good response: the HTTP span stays a success."""
    api = telemetry.instrument(axios_python.create({"base_url": server.url}))

    def reject(response: Response) -> Response:
        raise RuntimeError("application says no")

    api.interceptors.response.use(reject)
    with pytest.raises(RuntimeError, match="application says no"):
        api.get("/get")
    attributes = telemetry.span().attributes or {}
    assert attributes["http.response.status_code"] == 200
    assert "error.type" not in attributes


def test_a_plugin_that_recovers_first_cannot_leave_the_span_open(
    server: EchoServer, telemetry: Telemetry
) -> None:
    """A tryfirst axios_error that answers stops the others; the span still ends, nothing leaks."""

    class Fallback:
        @hookimpl(tryfirst=True)
        def axios_error(self, error: Exception) -> Response:
            return Response(200, content=b"{}")

    api = axios_python.create({"base_url": server.url})
    api.plugin(telemetry.plugin()).plugin(Fallback())
    assert api.get("/status/502").status_code == 200
    api.get("/get")
    failed, after = telemetry.client_spans()
    assert (failed.attributes or {})["error.type"] == "502"
    assert after.parent is None  # the failed request's span is not left current
    assert list(telemetry.active().values()) == [0]
