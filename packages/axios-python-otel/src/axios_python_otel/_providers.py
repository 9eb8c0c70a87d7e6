"""Is an SDK configured? Asked per request, so it must cost next to nothing when none is.

``trace.get_tracer_provider()`` and ``metrics.get_meter_provider()`` look an
environment variable up on every call until a provider is set (about 1 and
2.5 us), which is more than a whole plugin hook. The global they read is set
once, so it is read directly here, with the public call as the fallback should
a future opentelemetry-api move it. The answer only turns from False to True.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from opentelemetry import context, metrics, trace
from opentelemetry.metrics import MeterProvider, NoOpMeterProvider
from opentelemetry.trace import NoOpTracerProvider, ProxyTracerProvider, TracerProvider

__all__ = [
    "SUPPRESS_HTTP_KEY",
    "SUPPRESS_KEY",
    "globals_unset",
    "meter_provider_is_live",
    "metrics_configured",
    "tracer_provider_is_live",
    "tracing_configured",
]

_UNKNOWN: Final = object()
# The context keys OpenTelemetry instrumentations honour to stay quiet (exporters set the
# first around their own HTTP calls; HTTP instrumentations set the second under their span).
SUPPRESS_KEY: Final[str | None] = getattr(context, "_SUPPRESS_INSTRUMENTATION_KEY", None)
SUPPRESS_HTTP_KEY: Final[str | None] = getattr(context, "_SUPPRESS_HTTP_INSTRUMENTATION_KEY", None)

_metrics_internal: Any = getattr(metrics, "_internal", None)  # holds the global meter provider


def tracer_provider_is_live(provider: TracerProvider) -> bool:
    """True for a provider that records (an SDK's), not the API's proxy or no-op."""
    return not isinstance(provider, (ProxyTracerProvider, NoOpTracerProvider))


def meter_provider_is_live(provider: MeterProvider) -> bool:
    """True for a provider that records (an SDK's), not the API's proxy or no-op."""
    proxy = getattr(_metrics_internal, "_ProxyMeterProvider", NoOpMeterProvider)
    return not isinstance(provider, (proxy, NoOpMeterProvider))


def tracing_configured() -> bool:
    """True once a recording global TracerProvider is set."""
    return _configured(
        trace, "_TRACER_PROVIDER", trace.get_tracer_provider, tracer_provider_is_live
    )


def metrics_configured() -> bool:
    """True once a recording global MeterProvider is set."""
    return _configured(
        _metrics_internal, "_METER_PROVIDER", metrics.get_meter_provider, meter_provider_is_live
    )


def _configured(
    holder: Any, name: str, get: Callable[[], Any], is_live: Callable[[Any], bool]
) -> bool:
    """Whether the global ``holder.name`` is a live provider (the public ``get`` if it moved)."""
    provider = getattr(holder, name, _UNKNOWN)
    if provider is None:
        return False
    return is_live(get() if provider is _UNKNOWN else provider)


if hasattr(trace, "_TRACER_PROVIDER") and hasattr(_metrics_internal, "_METER_PROVIDER"):

    def globals_unset() -> bool:
        """True while neither a global TracerProvider nor a MeterProvider was set (~60 ns)."""
        return trace._TRACER_PROVIDER is None and _metrics_internal._METER_PROVIDER is None

else:  # pragma: no cover - an opentelemetry-api that keeps them elsewhere

    def globals_unset() -> bool:
        """True while neither a recording TracerProvider nor a MeterProvider is set."""
        return not (tracing_configured() or metrics_configured())
