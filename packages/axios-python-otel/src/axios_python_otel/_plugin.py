"""OtelPlugin: one CLIENT span, trace-context propagation and HTTP metrics per request."""

from __future__ import annotations

import contextvars
import time
from collections.abc import Generator, Iterable
from typing import TYPE_CHECKING, Any, Final

from opentelemetry import context, metrics, propagate, trace
from opentelemetry.context import Context
from opentelemetry.metrics import MeterProvider
from opentelemetry.propagators.textmap import TextMapPropagator
from opentelemetry.trace import Span, SpanKind, Status, StatusCode, TracerProvider
from opentelemetry.util.types import AttributeValue

from axios_python import AxiosPythonError, ConfigError, Response
from axios_python.hookspecs import Resend, hookimpl

from . import _semconv as sc
from ._checks import strings
from ._origins import OriginSet, origin_of
from ._providers import (
    SUPPRESS_HTTP_KEY,
    SUPPRESS_KEY,
    globals_unset,
    meter_provider_is_live,
    metrics_configured,
    tracer_provider_is_live,
    tracing_configured,
)
from ._redact import UrlRedactor
from ._templates import TemplateOption, template_finder
from ._version import __version__

if TYPE_CHECKING:
    from axios_python import Request, RequestConfig

__all__ = ["OtelPlugin"]

SCOPE: Final = "axios_python_otel"
_MAX_DESCRIPTION: Final = 256  # characters of an error message kept as the span status text
# Marks a context as ours: a request made under our span (an auth token fetch) is traced
# even though we told HTTP instrumentations below us to stay quiet.
_OURS: Final = context.create_key("axios_python_otel.request")

Attributes = dict[str, AttributeValue]
ErrorHookGen = Generator[None, Any, Any]  # an axios_error wrapper: sees the others' result


class _Call:
    """One request in flight: its span, the context it propagates, its timing and counts."""

    __slots__ = (
        "active_attrs",
        "attached",
        "config",
        "context",
        "injected",
        "metric_attrs",
        "outer",
        "redirects",
        "resends",
        "retries",
        "span",
        "started",
        "token",
        "url",
    )

    def __init__(self, config: RequestConfig, outer: _Call | None) -> None:
        self.config = config  # identifies the request in the end hooks
        self.outer = outer  # the call this one is nested in, restored at the end
        self.token: contextvars.Token[_Call | None] | None = None
        self.attached: object = None  # the token of our context attached as current
        self.span: Span | None = None
        self.context: Context | None = None  # None: nothing to record or propagate (idle)
        self.started = 0.0
        self.metric_attrs: Attributes | None = None  # None: metrics are off
        self.active_attrs: Attributes = {}
        self.injected: dict[str, str] = {}
        self.url = ""  # the URL first sent (url.full), once known
        self.retries = 0
        self.resends = 0
        self.redirects = 0


class OtelPlugin:
    """Trace and measure every request of a client with OpenTelemetry.

    Each request gets one CLIENT span (``GET``, or ``GET /users/{id}`` with a
    ``url_template``) carrying the HTTP semantic conventions' attributes
    (``url.full`` with credentials masked) and ``axios_python.retries``,
    ``.redirects``, ``.from_cache`` and ``.cancelled``; every retry and redirect
    hop is an event on it. The trace context goes out with every request, by
    the globally configured propagator, to the origins in ``propagate_to``
    (default: all). ``http.client.request.duration`` and
    ``http.client.active_requests`` are recorded through the metrics API. With
    no SDK configured, a request pays three hooks that return at once::

        api.plugin("otel", propagate_to=["https://api.example.com"])
        api.plugin(OtelPlugin(url_template=["/users/{id}"]))
    """

    def __init__(
        self,
        *,
        tracer_provider: TracerProvider | None = None,
        meter_provider: MeterProvider | None = None,
        propagate_to: Iterable[str] | None = None,
        propagator: TextMapPropagator | None = None,
        url_template: TemplateOption = None,
        redact_params: Iterable[str] = (),
        known_methods: Iterable[str] | None = None,
    ) -> None:
        if tracer_provider is not None and not isinstance(tracer_provider, TracerProvider):
            raise ConfigError(
                f"OtelPlugin 'tracer_provider' must be a TracerProvider (got {tracer_provider!r})"
            )
        if meter_provider is not None and not isinstance(meter_provider, MeterProvider):
            raise ConfigError(
                f"OtelPlugin 'meter_provider' must be a MeterProvider (got {meter_provider!r})"
            )
        if propagator is not None and not isinstance(propagator, TextMapPropagator):
            raise ConfigError(
                f"OtelPlugin 'propagator' must be a TextMapPropagator (got {propagator!r})"
            )
        words = strings("redact_params", redact_params)
        self.propagate_to = None if propagate_to is None else OriginSet(propagate_to)
        self.propagator = propagator
        self._template = template_finder(url_template)
        self._methods = sc.known_methods(known_methods)
        self._redactor = UrlRedactor(words)
        # An explicit provider decides once; the global ones are watched until an SDK is set.
        self._tracer = trace.get_tracer(SCOPE, __version__, tracer_provider)
        self._tracing = tracer_provider is not None and tracer_provider_is_live(tracer_provider)
        self._watch_tracing = tracer_provider is None
        meter = metrics.get_meter(SCOPE, __version__, meter_provider)
        self._metering = meter_provider is not None and meter_provider_is_live(meter_provider)
        self._watch_metering = meter_provider is None
        self._duration = meter.create_histogram(
            sc.DURATION,
            unit="s",
            description="Duration of HTTP client requests.",
            explicit_bucket_boundaries_advisory=list(sc.DURATION_BUCKETS),
        )
        self._active = meter.create_up_down_counter(
            sc.ACTIVE_REQUESTS, unit="{request}", description="Number of active HTTP requests."
        )
        # The request this plugin is tracing in the current thread or task (nested ones stack).
        self._current: contextvars.ContextVar[_Call | None] = contextvars.ContextVar(
            f"axios_python_otel.call.{id(self):x}", default=None
        )

    def __repr__(self) -> str:
        where = "all origins" if self.propagate_to is None else repr(self.propagate_to)
        return f"OtelPlugin(propagate_to={where})"

    # --- hooks ------------------------------------------------------------------------

    @hookimpl(tryfirst=True)
    def axios_request(self, config: RequestConfig) -> None:
        """Start the request's span (first, so other plugins' work happens inside it)."""
        outer = self._current.get()
        if not (self._tracing or self._metering) and globals_unset():
            parent = context.get_current()
            if not parent:  # no SDK and no trace to pass on: the fast path
                if outer is not None:  # inside a traced request: keep this one apart
                    self._push(_Call(config, outer))
                return
        else:
            parent = context.get_current()
        tracing = self._tracing or (self._watch_tracing and self._now_tracing())
        metering = self._metering or (self._watch_metering and self._now_metering())
        call = _Call(config, outer)
        if not _suppressed(parent):
            self._start(call, parent, tracing, metering)
        self._push(call)

    @hookimpl
    def axios_before_send(
        self, request: Request, resend: Resend | None, previous: Response | Exception | None
    ) -> None:
        """Put the trace context on the request (allowed origins only); note a resend."""
        call = self._current.get()
        if call is None or call.context is None:
            return
        if resend is None:
            if not call.url:  # the first send: its prepared URL is the one requested
                self._record_url(call, request.url)
        else:
            self._resent(call, request, resend, previous)
        self._propagate(call, request)

    @hookimpl(trylast=True)
    def axios_response(self, response: Response, config: RequestConfig) -> None:
        """End the span with the response (last, after other plugins changed it)."""
        call = self._current.get()
        if call is not None and call.config is config:
            self._finish(call, response, None)

    @hookimpl(wrapper=True)
    def axios_error(self, error: Exception, config: RequestConfig) -> ErrorHookGen:
        """End the span with the error, before any other plugin's axios_error runs.

        A wrapper, so it runs whatever the order of registration and even when another
        plugin recovers (the first result stops the rest); and first, so a replay that
        plugin sends (an auth refresh) is a request of its own, not part of this span.
        Errors are rare: pluggy's full hook caller costs nothing measurable here.
        """
        call = self._current.get()
        if call is not None and call.config is config:
            response = error.response if isinstance(error, AxiosPythonError) else None
            self._finish(call, response, error)
        return (yield)

    @hookimpl
    def axios_interrupted(self, error: BaseException, config: RequestConfig) -> None:
        """End the span of a request whose task was cancelled (or Ctrl-C)."""
        call = self._current.get()
        if call is not None and call.config is config:
            self._finish(call, None, error)

    # --- the steps ----------------------------------------------------------------------

    def _now_tracing(self) -> bool:
        self._tracing = tracing_configured()
        return self._tracing

    def _now_metering(self) -> bool:
        self._metering = metrics_configured()
        return self._metering

    def _push(self, call: _Call) -> None:
        call.token = self._current.set(call)

    def _start(self, call: _Call, parent: Context, tracing: bool, metering: bool) -> None:
        config = call.config
        method = str(config.get("method") or "GET")
        known = method in self._methods
        attrs: Attributes = {sc.METHOD: method if known else "_OTHER"}
        url = config.get("url")
        origin = origin_of(url if isinstance(url, str) else "") or origin_of(
            config.get("base_url") or ""
        )
        if origin is not None:
            attrs[sc.SERVER_ADDRESS], attrs[sc.SERVER_PORT] = origin[1], origin[2]
        template = self._template(config) if self._template is not None else None
        if template is not None:
            attrs[sc.URL_TEMPLATE] = template
        call.context = parent
        call.started = time.perf_counter()
        if tracing:
            span_attrs = dict(attrs)
            if not known:
                span_attrs[sc.METHOD_ORIGINAL] = method
            name = method if known else "HTTP"
            span = self._tracer.start_span(
                f"{name} {template}" if template else name,
                context=parent,
                kind=SpanKind.CLIENT,
                attributes=span_attrs,
            )
            current = context.set_value(_OURS, True, trace.set_span_in_context(span, parent))
            if SUPPRESS_HTTP_KEY is not None:  # transport instrumentations: one span is ours
                current = context.set_value(SUPPRESS_HTTP_KEY, True, current)
            call.span, call.context = span, current
            call.attached = context.attach(current)
        if metering:
            call.active_attrs = attrs
            call.metric_attrs = dict(attrs)
            self._active.add(1, attrs)

    def _record_url(self, call: _Call, url: str) -> None:
        """``url.full`` and the server of the URL actually prepared (middleware may move it)."""
        call.url = url
        origin = origin_of(url)
        span = call.span
        if span is not None and span.is_recording():
            attrs: Attributes = {sc.URL_FULL: self._redactor.url(url)}
            if origin is not None:
                attrs[sc.SERVER_ADDRESS], attrs[sc.SERVER_PORT] = origin[1], origin[2]
            span.set_attributes(attrs)
        if call.metric_attrs is not None and origin is not None:
            call.metric_attrs[sc.SERVER_ADDRESS] = origin[1]
            call.metric_attrs[sc.SERVER_PORT] = origin[2]

    def _resent(
        self,
        call: _Call,
        request: Request,
        resend: Resend,
        previous: Response | Exception | None,
    ) -> None:
        call.resends += 1
        if resend == "redirect":
            call.redirects += 1
        elif resend == "retry":
            call.retries += 1
        span = call.span
        if span is None or not span.is_recording():
            return
        attrs: Attributes = {sc.RESEND_COUNT: call.resends}
        status = previous.status_code if isinstance(previous, Response) else None
        if status is not None:
            attrs[sc.STATUS_CODE] = status
        if resend == "redirect":
            attrs[sc.URL_FULL] = self._redactor.url(request.url)
        else:
            kind = sc.error_type(previous if isinstance(previous, Exception) else None, status)
            if kind is not None:
                attrs[sc.ERROR_TYPE] = kind
        span.add_event(sc.RESEND_EVENTS[resend], attrs)

    def _propagate(self, call: _Call, request: Request) -> None:
        headers = request.headers
        if self.propagate_to is None or request.url in self.propagate_to:
            carrier: dict[str, str] = {}
            propagator = self.propagator or propagate.get_global_textmap()
            propagator.inject(carrier, context=call.context)
            for name, value in carrier.items():
                headers[name] = value
            call.injected = carrier
        elif call.injected:  # a redirect hop copied them from a request to an allowed origin
            for name, value in call.injected.items():
                if headers.get(name) == value:
                    del headers[name]

    def _finish(self, call: _Call, response: Response | None, error: BaseException | None) -> None:
        self._pop(call)
        if call.context is None:
            return
        if not call.url:  # nothing was sent (a cache hit, an early failure): what was meant to be
            request = response.request if response is not None else getattr(error, "request", None)
            if request is not None:
                self._record_url(call, request.url)
        status = response.status_code if response is not None else None
        kind = sc.error_type(error, status)
        version = sc.protocol_version(response)
        span = call.span
        if span is not None:
            if span.is_recording():
                attrs: Attributes = {
                    sc.RETRIES: call.retries if response is None else response.retries,
                    sc.REDIRECTS: call.redirects,
                    sc.FROM_CACHE: bool(response is not None and response.from_cache),
                    sc.CANCELLED: sc.is_cancellation(error),
                }
                if status is not None:
                    attrs[sc.STATUS_CODE] = status
                if version is not None:
                    attrs[sc.PROTOCOL_VERSION] = version
                if call.resends:
                    attrs[sc.RESEND_COUNT] = call.resends
                if kind is not None:
                    attrs[sc.ERROR_TYPE] = kind
                span.set_attributes(attrs)
                if kind is not None:
                    span.set_status(Status(StatusCode.ERROR, self._description(error, kind)))
            span.end()
        if call.metric_attrs is not None:
            self._active.add(-1, call.active_attrs)
            attrs = call.metric_attrs
            if status is not None:
                attrs[sc.STATUS_CODE] = status
            if version is not None:
                attrs[sc.PROTOCOL_VERSION] = version
            if kind is not None:
                attrs[sc.ERROR_TYPE] = kind
            self._duration.record(time.perf_counter() - call.started, attrs)

    def _pop(self, call: _Call) -> None:
        """Make the enclosing request current again (and detach our span's context)."""
        if call.token is not None:
            try:
                self._current.reset(call.token)
            except ValueError:  # ended in another context than it began: restore by value
                self._current.set(call.outer)
            call.token = None
        if call.attached is not None:
            context.detach(call.attached)  # type: ignore[arg-type]
            call.attached = None

    def _description(self, error: BaseException | None, kind: str) -> str | None:
        """The span status text: none for a status code (semconv), else the masked message."""
        if error is None or kind.isdigit():
            return None
        message = self._redactor.text(str(error)) or type(error).__name__
        return message[:_MAX_DESCRIPTION]


def _suppressed(parent: Context) -> bool:
    """True when the caller asked instrumentation to stay quiet for this context."""
    if not parent:
        return False
    if SUPPRESS_KEY is not None and parent.get(SUPPRESS_KEY):
        return True
    # Under our own span the key is ours, set for the transport instrumentations below.
    quiet_http = SUPPRESS_HTTP_KEY is not None and bool(parent.get(SUPPRESS_HTTP_KEY))
    return quiet_http and not parent.get(_OURS)
