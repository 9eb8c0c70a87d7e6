"""One CLIENT span per request, against a real server: names, attributes, status, events."""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

import pytest
from axios_python_otel import OtelPlugin
from echo_server import EchoServer, refusing_port
from opentelemetry import context, trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF
from opentelemetry.trace import SpanKind, StatusCode

import axios_python
from axios_python import AxiosPython, CancelToken, FixedBackoff, Response

from ._telemetry import Telemetry

SIDES = pytest.mark.parametrize("side", ["sync", "async"])


async def send(
    api: AxiosPython, side: str, url: str, method: str = "GET", **options: Any
) -> Response:
    """One request through the whole pipeline, the sync or the async way."""
    if side == "async":
        return await api.async_request(method, url, **options)
    return api.request(method, url, **options)


def _api(server: EchoServer, telemetry: Telemetry, **options: Any) -> AxiosPython:
    plugin_options = {k: options.pop(k) for k in list(options) if k in _PLUGIN_OPTIONS}
    config: dict[str, Any] = {"base_url": server.url, **options}
    return telemetry.instrument(axios_python.create(config), **plugin_options)  # type: ignore[arg-type]


_PLUGIN_OPTIONS = {"url_template", "propagate_to", "redact_params", "known_methods", "propagator"}


@SIDES
async def test_a_request_is_one_client_span_with_the_semconv_attributes(
    server: EchoServer, telemetry: Telemetry, side: str
) -> None:
    """GET: span named GET, kind CLIENT, method, server, url.full, status, our counters."""
    api = _api(server, telemetry)
    await send(api, side, "/get", params={"q": "otel"})
    span = telemetry.span()
    assert span.name == "GET"
    assert span.kind is SpanKind.CLIENT
    assert span.instrumentation_scope is not None
    assert span.instrumentation_scope.name == "axios_python_otel"
    assert dict(span.attributes or {}) == {
        "http.request.method": "GET",
        "server.address": "127.0.0.1",
        "server.port": server.port,
        "url.full": f"{server.url}/get?q=otel",
        "http.response.status_code": 200,
        "network.protocol.version": "1.1",
        "axios_python.retries": 0,
        "axios_python.redirects": 0,
        "axios_python.from_cache": False,
        "axios_python.cancelled": False,
    }
    assert span.status.status_code is StatusCode.UNSET
    assert span.events == ()


@SIDES
async def test_a_url_template_names_the_span(
    server: EchoServer, telemetry: Telemetry, side: str
) -> None:
    """With templates, the matching one is url.template and the span is 'GET /anything/{id}'."""
    api = _api(server, telemetry, url_template=["/status/{code}", "/anything/{id}"])
    await send(api, side, "/anything/42?x=1")
    await send(api, side, "/get")
    templated, plain = telemetry.client_spans()
    assert templated.name == "GET /anything/{id}"
    assert (templated.attributes or {})["url.template"] == "/anything/{id}"
    assert plain.name == "GET"
    assert "url.template" not in (plain.attributes or {})


async def test_a_url_template_function_sees_the_config(
    server: EchoServer, telemetry: Telemetry
) -> None:
    """A function of the request config may name the template (None: no template)."""
    seen: list[str] = []

    def template(config: Any) -> str | None:
        seen.append(config["url"])
        return "/orders/{id}" if config["url"].startswith("/anything/orders/") else None

    api = _api(server, telemetry, url_template=template)
    api.get("/anything/orders/7")
    await api.async_get("/get")
    assert [s.name for s in telemetry.client_spans()] == ["GET /orders/{id}", "GET"]
    assert seen == ["/anything/orders/7", "/get"]


def test_a_failing_url_template_function_never_fails_the_request(
    server: EchoServer, telemetry: Telemetry, caplog: pytest.LogCaptureFixture
) -> None:
    """Telemetry never breaks a request: the error is logged and the span is just 'GET'."""

    def broken(config: Any) -> str:
        raise KeyError("no route")

    api = _api(server, telemetry, url_template=broken)
    with caplog.at_level(logging.ERROR, logger="axios_python_otel"):
        assert api.get("/get").status_code == 200
    assert telemetry.span().name == "GET"
    assert "'url_template' function" in caplog.text
    assert "KeyError" in caplog.text


def test_an_unknown_method_is_other_unless_listed(server: EchoServer, telemetry: Telemetry) -> None:
    """PROPFIND is '_OTHER' (span 'HTTP', method_original kept) unless in known_methods."""
    _api(server, telemetry).request("PROPFIND", "/anything")
    span = telemetry.span()
    assert span.name == "HTTP"
    assert (span.attributes or {})["http.request.method"] == "_OTHER"
    assert (span.attributes or {})["http.request.method_original"] == "PROPFIND"
    telemetry.clear()
    _api(server, telemetry, known_methods=["GET", "PROPFIND"]).request("PROPFIND", "/anything")
    span = telemetry.span()
    assert span.name == "PROPFIND"
    assert "http.request.method_original" not in (span.attributes or {})


def test_known_methods_come_from_the_environment(
    server: EchoServer, telemetry: Telemetry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """OTEL_INSTRUMENTATION_HTTP_KNOWN_METHODS replaces the default list (semconv)."""
    monkeypatch.setenv("OTEL_INSTRUMENTATION_HTTP_KNOWN_METHODS", "PROPFIND,GET")
    api = _api(server, telemetry)
    api.request("PROPFIND", "/anything")
    api.request("POST", "/post")
    assert [(s.attributes or {})["http.request.method"] for s in telemetry.client_spans()] == [
        "PROPFIND",
        "_OTHER",
    ]


@SIDES
async def test_a_rejected_status_is_an_error_named_by_its_code(
    server: EchoServer, telemetry: Telemetry, side: str
) -> None:
    """HTTP 500 (HTTPStatusError): status ERROR without description, error.type '500'."""
    api = _api(server, telemetry)
    with pytest.raises(axios_python.HTTPStatusError):
        await send(api, side, "/status/500")
    span = telemetry.span()
    assert span.status.status_code is StatusCode.ERROR
    assert span.status.description is None
    attributes = span.attributes or {}
    assert attributes["error.type"] == "500"
    assert attributes["http.response.status_code"] == 500


def test_a_client_error_let_through_is_still_an_error_span(
    server: EchoServer, telemetry: Telemetry
) -> None:
    """validate_status=None returns a 404, but for a CLIENT span a 4xx is an error (semconv)."""
    response = _api(server, telemetry, validate_status=None).get("/status/404")
    assert response.status_code == 404
    span = telemetry.span()
    assert span.status.status_code is StatusCode.ERROR
    assert (span.attributes or {})["error.type"] == "404"


@SIDES
async def test_a_refused_connection_is_named_by_its_class(telemetry: Telemetry, side: str) -> None:
    """No response: error.type is the public class name; the description is the message."""
    api = telemetry.instrument(
        axios_python.create({"base_url": f"http://127.0.0.1:{refusing_port()}"})
    )
    with pytest.raises(axios_python.NetworkError):
        await send(api, side, "/get", params={"api_key": "k-123456"})
    span = telemetry.span()
    attributes = span.attributes or {}
    assert attributes["error.type"] == "axios_python.NetworkError"
    assert "http.response.status_code" not in attributes
    assert str(attributes["url.full"]).endswith("/get?api_key=REDACTED")
    assert span.status.status_code is StatusCode.ERROR
    assert span.status.description
    assert "k-123456" not in span.status.description
    await api.aclose()


@SIDES
async def test_a_timeout_is_named_by_its_class(
    server: EchoServer, telemetry: Telemetry, side: str
) -> None:
    """A read timeout: error.type axios_python.TimeoutError."""
    api = _api(server, telemetry, timeout=0.2)
    with pytest.raises(axios_python.TimeoutError):
        await send(api, side, "/delay/3")
    assert (telemetry.span().attributes or {})["error.type"] == "axios_python.TimeoutError"


@SIDES
async def test_each_retry_is_an_event_on_the_one_span(
    server: EchoServer, telemetry: Telemetry, side: str
) -> None:
    """Two 503s then 200: one span, retries 2, resend_count 2, one retry event per resend."""
    api = _api(
        server, telemetry, max_retries=3, retry_strategy=FixedBackoff(0, retry_on_status=[503])
    )
    assert (await send(api, side, f"/flaky/spans-{side}/2")).status_code == 200
    span = telemetry.span()
    attributes = span.attributes or {}
    assert attributes["axios_python.retries"] == 2
    assert attributes["http.request.resend_count"] == 2
    assert attributes["http.response.status_code"] == 200
    assert span.status.status_code is StatusCode.UNSET
    assert [(e.name, dict(e.attributes or {})) for e in span.events] == [
        (
            "axios_python.retry",
            {"http.request.resend_count": 1, "http.response.status_code": 503, "error.type": "503"},
        ),
        (
            "axios_python.retry",
            {"http.request.resend_count": 2, "http.response.status_code": 503, "error.type": "503"},
        ),
    ]


def test_retries_that_run_out_name_the_last_status(
    server: EchoServer, telemetry: Telemetry
) -> None:
    """RetryError after 503s: error.type '503' (what failed), not the wrapper's class."""
    api = _api(
        server, telemetry, max_retries=1, retry_strategy=FixedBackoff(0, retry_on_status=[503])
    )
    with pytest.raises(axios_python.RetryError):
        api.get("/flaky/spans-out/5")
    attributes = telemetry.span().attributes or {}
    assert attributes["error.type"] == "503"
    assert attributes["axios_python.retries"] == 1


@SIDES
async def test_each_redirect_hop_is_an_event(
    server: EchoServer, telemetry: Telemetry, side: str
) -> None:
    """Two hops: redirects 2, resend_count 2, events with the hop's status and masked URL."""
    api = _api(server, telemetry)
    await send(api, side, "/redirect/2", params={"token": "t0p-secret"})
    span = telemetry.span()
    attributes = span.attributes or {}
    assert attributes["axios_python.redirects"] == 2
    assert attributes["http.request.resend_count"] == 2
    assert attributes["url.full"] == f"{server.url}/redirect/2?token=REDACTED"  # as requested
    assert [(e.name, dict(e.attributes or {})) for e in span.events] == [
        (
            "axios_python.redirect",
            {
                "http.request.resend_count": 1,
                "http.response.status_code": 302,
                "url.full": f"{server.url}/redirect/1?token=REDACTED",
            },
        ),
        (
            "axios_python.redirect",
            {
                "http.request.resend_count": 2,
                "http.response.status_code": 302,
                "url.full": f"{server.url}/get?token=REDACTED",
            },
        ),
    ]


def test_too_many_redirects_is_an_error(server: EchoServer, telemetry: Telemetry) -> None:
    """max_redirects exceeded: error.type TooManyRedirectsError, with the 302 status."""
    api = _api(server, telemetry, max_redirects=1)
    with pytest.raises(axios_python.TooManyRedirectsError):
        api.get("/redirect/3")
    attributes = telemetry.span().attributes or {}
    assert attributes["error.type"] == "axios_python.TooManyRedirectsError"
    assert attributes["http.response.status_code"] == 302


@SIDES
async def test_a_cancel_token_marks_the_span_cancelled(
    server: EchoServer, telemetry: Telemetry, side: str
) -> None:
    """CancelToken.cancel() mid-request: cancelled True, error.type CancelError."""
    api = _api(server, telemetry)
    token = CancelToken()
    threading.Timer(0.2, token.cancel).start()
    with pytest.raises(axios_python.CancelError):
        await send(api, side, "/delay/5", cancel_token=token)
    attributes = telemetry.span().attributes or {}
    assert attributes["axios_python.cancelled"] is True
    assert attributes["error.type"] == "axios_python.CancelError"
    await api.aclose()


async def test_a_cancelled_task_still_ends_its_span(
    server: EchoServer, telemetry: Telemetry
) -> None:
    """asyncio cancellation skips axios_error; the span still ends, cancelled, not current."""
    api = _api(server, telemetry)
    before = trace.get_current_span()
    task = asyncio.ensure_future(api.async_get("/delay/5"))
    await asyncio.sleep(0.2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    span = telemetry.span()
    attributes = span.attributes or {}
    assert attributes["axios_python.cancelled"] is True
    assert attributes["error.type"] == "asyncio.exceptions.CancelledError"
    assert span.status.status_code is StatusCode.ERROR
    assert trace.get_current_span() is before
    await api.aclose()


def test_the_span_is_a_child_of_the_callers_span(server: EchoServer, telemetry: Telemetry) -> None:
    """Inside an application span, the request span is its child in the same trace."""
    api = _api(server, telemetry)
    with telemetry.tracer.start_as_current_span("checkout") as parent:
        api.get("/get")
    span = telemetry.span()
    assert span.parent is not None
    assert span.parent.span_id == parent.get_span_context().span_id
    assert span.context.trace_id == parent.get_span_context().trace_id


@SIDES
async def test_the_span_is_current_while_the_request_runs(
    server: EchoServer, telemetry: Telemetry, side: str
) -> None:
    """Middleware (and a request it makes) runs inside the span; after it, nothing is left."""
    inner_api = _api(server, telemetry)
    current: list[int] = []

    async def middleware(ctx: Any, next_fn: Any) -> Response:
        current.append(trace.get_current_span().get_span_context().span_id)
        if side == "async":
            await inner_api.async_get("/json")
        else:
            inner_api.get("/json")
        response: Response = await next_fn(ctx)
        return response

    api = _api(server, telemetry)
    api.use(middleware)
    await send(api, side, "/get")
    inner, outer = telemetry.client_spans()
    assert current == [outer.context.span_id]
    assert inner.parent is not None
    assert inner.parent.span_id == outer.context.span_id
    assert (inner.attributes or {})["url.full"] == f"{server.url}/json"
    assert not trace.get_current_span().get_span_context().is_valid


def test_an_unsampled_request_records_nothing(server: EchoServer) -> None:
    """A sampler that drops everything: no span exported, and the request works."""
    telemetry = Telemetry()
    telemetry.tracer_provider = TracerProvider(sampler=ALWAYS_OFF)
    api = _api(server, telemetry)
    assert api.get("/get", params={"a": "1"}).status_code == 200
    assert telemetry.spans() == []
    traceparent = server.requests[-1].header("traceparent")
    assert traceparent is not None
    assert int(traceparent.rsplit("-", 1)[1], 16) & 1 == 0  # propagated, flagged not sampled


def test_suppressed_instrumentation_records_and_sends_nothing(
    server: EchoServer, telemetry: Telemetry
) -> None:
    """Under OpenTelemetry's suppress-instrumentation key (exporters use it) nothing happens."""
    key = context._SUPPRESS_INSTRUMENTATION_KEY
    api = _api(server, telemetry)
    token = context.attach(context.set_value(key, True))
    try:
        with telemetry.tracer.start_as_current_span("parent"):
            api.get("/get")
    finally:
        context.detach(token)
    assert telemetry.client_spans() == []
    assert server.requests[-1].header("traceparent") is None
    assert telemetry.durations() == []


def test_a_streamed_response_ends_the_span_at_the_headers(
    server: EchoServer, telemetry: Telemetry
) -> None:
    """stream=True: the span ends when the response arrives, before the body is read."""
    api = _api(server, telemetry)
    with api.get("/stream/3", stream=True) as response:
        assert len(telemetry.client_spans()) == 1
        assert len(list(response.iter_lines())) == 3
    assert (telemetry.span().attributes or {})["http.response.status_code"] == 200


def test_no_secret_reaches_any_attribute_or_event(server: EchoServer, telemetry: Telemetry) -> None:
    """Token query values, URL passwords: masked in url.full, events and the status text."""
    secrets = ["s3cr3t-token-value", "pa55w0rd-value", "sig-value-123"]
    api = _api(server, telemetry, validate_status=None)
    api.get("/redirect/1", params={"sig": secrets[2], "access_token": secrets[0]})
    with pytest.raises(axios_python.NetworkError):
        api.get(f"http://user:{secrets[1]}@127.0.0.1:{refusing_port()}/x?password={secrets[1]}")
    dump = repr(
        [
            (
                s.name,
                dict(s.attributes or {}),
                [dict(e.attributes or {}) for e in s.events],
                s.status,
            )
            for s in telemetry.spans()
        ]
    )
    for secret in secrets:
        assert secret not in dump
    assert "REDACTED" in dump


def test_plugin_by_name_uses_the_global_providers_lazily(server: EchoServer) -> None:
    """api.plugin('otel') builds an OtelPlugin; with no SDK it records nothing, request works."""
    api = axios_python.create({"base_url": server.url}).plugin("otel")
    assert api.plugin_names == ("otel",)
    assert api.get("/get").status_code == 200
    assert server.requests[-1].header("traceparent") is None  # no SDK, no context to pass on
    assert isinstance(api._plugin_host.manager.get_plugin("otel"), OtelPlugin)  # type: ignore[union-attr]
