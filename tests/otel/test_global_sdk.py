"""The global providers, in fresh interpreters: no SDK at all, and an SDK set up later."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

_PRELUDE = """
import json, sys
sys.path.insert(0, {examples!r})
from echo_server import EchoServer
import axios_python
from opentelemetry import context, trace
"""


def _run(body: str) -> Any:
    """Run ``body`` in a new interpreter (global providers unset) and return what it prints."""
    code = _PRELUDE.format(examples=str(ROOT / "examples")) + textwrap.dedent(body)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_without_an_sdk_the_callers_context_passes_through() -> None:
    """No SDK: nothing recorded, but a remote parent (say, from a server) still propagates."""
    result = _run(
        """
        from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags
        parent = SpanContext(
            trace_id=0x0AF7651916CD43DD8448EB211C80319C,
            span_id=0xB7AD6B7169203331,
            is_remote=True,
            trace_flags=TraceFlags(TraceFlags.SAMPLED),
        )
        with EchoServer() as server:
            api = axios_python.create({"base_url": server.url}).plugin("otel")
            api.get("/get")
            bare = server.requests[-1].header("traceparent")
            token = context.attach(trace.set_span_in_context(NonRecordingSpan(parent)))
            api.get("/get")
            context.detach(token)
            passed = server.requests[-1].header("traceparent")
        print(json.dumps({"bare": bare, "passed": passed}))
        """
    )
    assert result == {
        "bare": None,
        "passed": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    }


def test_an_sdk_configured_after_the_client_is_picked_up() -> None:
    """Client and plugin made at import time, SDK set up later (in main): spans and metrics."""
    result = _run(
        """
        from opentelemetry import metrics
        from opentelemetry.sdk.metrics import MeterProvider
        from opentelemetry.sdk.metrics.export import InMemoryMetricReader
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

        with EchoServer() as server:
            api = axios_python.create({"base_url": server.url}).plugin("otel")
            api.get("/get")  # before any SDK: nothing to record
            exporter, reader = InMemorySpanExporter(), InMemoryMetricReader()
            provider = TracerProvider()
            provider.add_span_processor(SimpleSpanProcessor(exporter))
            trace.set_tracer_provider(provider)
            metrics.set_meter_provider(MeterProvider(metric_readers=[reader]))
            api.get("/json")
            sent = server.requests[-1].header("traceparent")
        spans = exporter.get_finished_spans()
        names = [
            m.name
            for rm in reader.get_metrics_data().resource_metrics
            for sm in rm.scope_metrics
            for m in sm.metrics
        ]
        print(json.dumps({
            "spans": [(s.name, s.attributes["url.full"]) for s in spans],
            "span_id": f"{spans[0].context.span_id:016x}",
            "sent": sent,
            "metrics": sorted(names),
        }))
        """
    )
    assert [name for name, _ in result["spans"]] == ["GET"]
    assert result["spans"][0][1].endswith("/json")
    assert result["sent"].split("-")[2] == result["span_id"]
    assert result["metrics"] == ["http.client.active_requests", "http.client.request.duration"]
