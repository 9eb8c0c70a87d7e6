"""Fixtures of the otel plugin's tests: an in-memory SDK per test."""

from __future__ import annotations

import pytest

from ._telemetry import Telemetry

__all__: list[str] = []


@pytest.fixture
def telemetry() -> Telemetry:
    """A fresh in-memory TracerProvider and MeterProvider (the global ones stay unset)."""
    return Telemetry()
