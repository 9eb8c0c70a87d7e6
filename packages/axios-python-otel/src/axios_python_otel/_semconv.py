"""The names this plugin records: OpenTelemetry HTTP semantic conventions, and ours.

Only opentelemetry-api is a dependency, so the stable semconv names are spelled
here rather than imported from opentelemetry-semantic-conventions.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable
from typing import Final

import axios_python
from axios_python import AxiosPythonError, CancelError, HTTPStatusError, Response, RetryError

from ._checks import strings

__all__ = [
    "ACTIVE_REQUESTS",
    "CANCELLED",
    "DURATION",
    "DURATION_BUCKETS",
    "ERROR_TYPE",
    "FROM_CACHE",
    "KNOWN_METHODS",
    "METHOD",
    "METHOD_ORIGINAL",
    "PROTOCOL_VERSION",
    "REDIRECTS",
    "RESEND_COUNT",
    "RESEND_EVENTS",
    "RETRIES",
    "SERVER_ADDRESS",
    "SERVER_PORT",
    "STATUS_CODE",
    "URL_FULL",
    "URL_TEMPLATE",
    "error_type",
    "is_cancellation",
    "known_methods",
    "protocol_version",
]

# Stable HTTP client span and metric attributes.
METHOD: Final = "http.request.method"
METHOD_ORIGINAL: Final = "http.request.method_original"
SERVER_ADDRESS: Final = "server.address"
SERVER_PORT: Final = "server.port"
URL_FULL: Final = "url.full"
URL_TEMPLATE: Final = "url.template"
STATUS_CODE: Final = "http.response.status_code"
PROTOCOL_VERSION: Final = "network.protocol.version"
ERROR_TYPE: Final = "error.type"
RESEND_COUNT: Final = "http.request.resend_count"
# Ours, in the axios_python namespace: what only the pipeline knows.
RETRIES: Final = "axios_python.retries"
REDIRECTS: Final = "axios_python.redirects"
FROM_CACHE: Final = "axios_python.from_cache"
CANCELLED: Final = "axios_python.cancelled"
# One event per resend, by the reason axios_before_send gives.
RESEND_EVENTS: Final = {
    "retry": "axios_python.retry",
    "redirect": "axios_python.redirect",
    "unanswered": "axios_python.unanswered",  # a dropped kept-alive connection: sent again
}

DURATION: Final = "http.client.request.duration"
ACTIVE_REQUESTS: Final = "http.client.active_requests"
# The semantic conventions' advisory boundaries for the duration histogram, in seconds.
DURATION_BUCKETS: Final = (
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0
)  # fmt: skip

# RFC 9110 methods and PATCH; any other is recorded as _OTHER (semconv), unless listed in
# OTEL_INSTRUMENTATION_HTTP_KNOWN_METHODS or the plugin's known_methods option.
KNOWN_METHODS: Final = frozenset(
    {"CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE"}
)
_KNOWN_METHODS_ENV: Final = "OTEL_INSTRUMENTATION_HTTP_KNOWN_METHODS"


def known_methods(option: Iterable[str] | None) -> frozenset[str]:
    """The methods recorded as themselves: the option, else the environment, else RFC 9110's."""
    if option is None:
        listed = os.environ.get(_KNOWN_METHODS_ENV)
        if not listed:
            return KNOWN_METHODS
        return frozenset(m.strip() for m in listed.split(",") if m.strip())
    return frozenset(strings("known_methods", option, "a list of method names"))


def error_type(error: BaseException | None, status: int | None) -> str | None:
    """``error.type`` of an outcome: the status for an HTTP error, else the exception's class.

    A rejected status (HTTPStatusError, or retries exhausted on one) is the status
    code as a string, as is a 4xx or 5xx that ``validate_status`` let through; any
    other failure is the exception's qualified class name, public names for ours
    (``axios_python.TimeoutError``, ``asyncio.exceptions.CancelledError``).
    """
    if error is None:
        return str(status) if status is not None and status >= 400 else None
    if isinstance(error, (HTTPStatusError, RetryError)) and status is not None and status >= 400:
        return str(status)
    if isinstance(error, RetryError) and error.__cause__ is not None:
        error = error.__cause__
    return _qualified(type(error))


def protocol_version(response: Response | None) -> str | None:
    """``network.protocol.version`` of a response from the network: "1.1", "2"; else None."""
    if response is None or response.from_cache:
        return None
    version = response.http_version
    return version[5:] if version.startswith("HTTP/") else version or None


def is_cancellation(error: BaseException | None) -> bool:
    """True for a CancelToken's CancelError or a cancelled asyncio task."""
    return isinstance(error, (CancelError, asyncio.CancelledError))


def _qualified(cls: type[BaseException]) -> str:
    module = cls.__module__
    if module == "builtins":
        return cls.__qualname__
    if issubclass(cls, AxiosPythonError) and getattr(axios_python, cls.__name__, None) is cls:
        return f"axios_python.{cls.__name__}"  # the public name, not axios_python._exceptions
    return f"{module}.{cls.__qualname__}"
