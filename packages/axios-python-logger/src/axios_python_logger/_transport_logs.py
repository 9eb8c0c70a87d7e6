"""Redact what the HTTP libraries underneath log by themselves (httpx, httpcore, urllib3...).

``logging.basicConfig(level=logging.DEBUG)`` also shows httpx's own request line
(the full URL, query string included), httpcore's response headers
(Set-Cookie included) and, over HTTP/2, hpack's header fields. A LoggerPlugin
promises that no credential reaches a log record, so it installs one filter on
those loggers that masks the same things.
(The core masks URL passwords and credential-named query values there already;
this filter adds the plugin's own ``redact_params`` and ``redact_headers``.)
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Final

from axios_python.redaction import LIBRARY_LOGGERS, header_value_pattern

from ._redact import MASK, Redactor

__all__ = ["TRANSPORT_LOGGERS", "install"]

TRANSPORT_LOGGERS: Final = LIBRARY_LOGGERS  # the core filters them too; this adds our lists


class _RedactingFilter(logging.Filter):
    """Rewrites each record's message with every registered redactor applied."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._redactors: list[Redactor] = []
        self._header_pair: re.Pattern[str] | None = None

    def add(self, redactor: Redactor) -> None:
        with self._lock:
            if any(r is redactor for r in self._redactors):
                return
            self._redactors.append(redactor)
            # httpcore logs headers as (b'Name', b'value') tuples, hpack as b'name'=b'value'.
            self._header_pair = header_value_pattern(
                {name for r in self._redactors for name in r.headers}
            )

    def filter(self, record: logging.LogRecord) -> bool:
        with self._lock:
            redactors, header_pair = list(self._redactors), self._header_pair
        if not redactors:
            return True
        try:
            text = record.getMessage()
        except Exception:  # a broken record is the logging module's to report
            return True
        if header_pair is not None:
            text = header_pair.sub(rf"\1\2{MASK}\2", text)
        for redactor in redactors:
            text = redactor.text(text)
        record.msg, record.args = text, ()
        return True


_FILTER: Final = _RedactingFilter()
_installed = False
_install_lock = threading.Lock()


def install(redactor: Redactor) -> None:
    """Make the transport loggers' records pass through ``redactor`` (idempotent)."""
    global _installed
    _FILTER.add(redactor)
    with _install_lock:
        if _installed:
            return
        for name in TRANSPORT_LOGGERS:
            logging.getLogger(name).addFilter(_FILTER)
        _installed = True
