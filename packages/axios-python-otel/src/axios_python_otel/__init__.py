"""axios-python-otel: OpenTelemetry spans, trace-context propagation and metrics for axios-python.

Enable it by name or by class::

    api.plugin("otel")
    api.plugin(OtelPlugin(propagate_to=["https://api.example.com"], url_template=["/users/{id}"]))

It depends on opentelemetry-api only: without an SDK it records nothing and
costs three plugin hooks that return at once (about 4 us of CPU a request);
configure the SDK (a TracerProvider, a MeterProvider, exporters) as usual and
the spans and metrics appear.
"""

from __future__ import annotations

from ._plugin import SCOPE, OtelPlugin
from ._redact import DEFAULT_PARAM_WORDS, REDACTED
from ._version import __version__

__all__ = ["DEFAULT_PARAM_WORDS", "REDACTED", "SCOPE", "OtelPlugin", "__version__"]
