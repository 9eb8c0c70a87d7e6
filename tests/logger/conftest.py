"""A handler on the root logger that keeps every record, from every library, at DEBUG."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest


class Capture(logging.Handler):
    """Collects records; ``ours`` filters the plugin's own logger."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.format(record)  # fills record.message, as any real handler would
        self.records.append(record)

    def ours(self, name: str = "axios_python") -> list[logging.LogRecord]:
        return [r for r in self.records if r.name == name]


@pytest.fixture
def capture() -> Iterator[Capture]:
    """Every log record emitted during the test, at DEBUG and above."""
    handler = Capture()
    root = logging.getLogger()
    ours = logging.getLogger("axios_python")  # another test may have configured it
    saved = (root.level, ours.level, ours.propagate, ours.disabled)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    ours.setLevel(logging.NOTSET)
    ours.propagate, ours.disabled = True, False
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(saved[0])
        ours.setLevel(saved[1])
        ours.propagate, ours.disabled = saved[2], saved[3]
