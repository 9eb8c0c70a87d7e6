"""An OpenTelemetry SDK of the test's own: in-memory spans and metrics, nothing global."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from axios_python_otel import OtelPlugin
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import (
    HistogramDataPoint,
    InMemoryMetricReader,
    NumberDataPoint,
)
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from axios_python import AxiosPython

__all__ = ["Telemetry"]


class Telemetry:
    """A TracerProvider and MeterProvider that keep what they record, for assertions."""

    def __init__(self) -> None:
        self.exporter = InMemorySpanExporter()
        self.tracer_provider = TracerProvider()
        self.tracer_provider.add_span_processor(SimpleSpanProcessor(self.exporter))
        self.reader = InMemoryMetricReader()
        self.meter_provider = MeterProvider(metric_readers=[self.reader])
        self.tracer = self.tracer_provider.get_tracer("tests")

    def plugin(self, **options: Any) -> OtelPlugin:
        """An OtelPlugin recording into this SDK."""
        return OtelPlugin(
            tracer_provider=self.tracer_provider, meter_provider=self.meter_provider, **options
        )

    def instrument(self, api: AxiosPython, **options: Any) -> AxiosPython:
        """Register a plugin recording here on ``api``; return ``api``."""
        return api.plugin(self.plugin(**options))

    # --- spans --------------------------------------------------------------------

    def spans(self) -> list[ReadableSpan]:
        """Every finished span, oldest first."""
        return list(self.exporter.get_finished_spans())

    def client_spans(self) -> list[ReadableSpan]:
        """The finished CLIENT spans (the plugin's), oldest first."""
        return [s for s in self.spans() if s.kind is SpanKind.CLIENT]

    def span(self) -> ReadableSpan:
        """The one CLIENT span recorded (fails if there is not exactly one)."""
        found = self.client_spans()
        assert len(found) == 1, [(s.name, dict(s.attributes or {})) for s in found]
        return found[0]

    def clear(self) -> None:
        """Forget the spans recorded so far."""
        self.exporter.clear()

    # --- metrics ------------------------------------------------------------------

    def points(self, name: str) -> Sequence[Any]:
        """The data points of metric ``name`` collected now ([] when never recorded)."""
        data = self.reader.get_metrics_data()
        if data is None:
            return []
        for resource in data.resource_metrics:
            for scope in resource.scope_metrics:
                for metric in scope.metrics:
                    if metric.name == name:
                        return list(metric.data.data_points)
        return []

    def durations(self) -> list[HistogramDataPoint]:
        """The http.client.request.duration histogram points, one per attribute set."""
        return list(self.points("http.client.request.duration"))

    def active(self) -> dict[tuple[tuple[str, Any], ...], int | float]:
        """http.client.active_requests by attribute set."""
        points: list[NumberDataPoint] = list(self.points("http.client.active_requests"))
        return {tuple(sorted(dict(p.attributes or {}).items())): p.value for p in points}
