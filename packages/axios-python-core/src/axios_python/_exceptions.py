"""The exception hierarchy: everything the public API raises derives from AxiosPythonError."""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any

from ._redact import mask_text

if TYPE_CHECKING:
    from ._models import Request, Response

__all__ = [
    "AxiosPythonError",
    "CancelError",
    "ClientClosedError",
    "ConfigError",
    "ContentTooLargeError",
    "HTTPStatusError",
    "InterceptorError",
    "NetworkError",
    "PluginError",
    "ProtocolError",
    "RetryError",
    "StreamError",
    "TimeoutError",
    "TooManyRedirectsError",
    "UnsupportedOptionError",
    "UnsupportedRequestError",
]


class AxiosPythonError(Exception):
    """Root of every error this library raises.

    ``config`` is the merged request config, ``request`` the prepared request
    (None when the failure happened before one was built) and ``response`` the
    response, where there is one.
    """

    def __init__(
        self,
        message: str,
        *,
        config: dict[str, Any] | None = None,
        request: Request | None = None,
        response: Response | None = None,
    ) -> None:
        message = mask_text(message)  # a URL in it may carry a password or an api_key
        super().__init__(message)
        self.message = message
        self.config = config
        self.request = request
        self.response = response

    def __str__(self) -> str:
        return self.message


class HTTPStatusError(AxiosPythonError):
    """The response's status failed ``validate_status`` (by default: not 2xx)."""

    response: Response

    def __init__(
        self,
        message: str,
        *,
        response: Response,
        config: dict[str, Any] | None = None,
        request: Request | None = None,
    ) -> None:
        super().__init__(message, config=config, request=request, response=response)


class TimeoutError(AxiosPythonError, builtins.TimeoutError):
    """A limit on time was hit; also a builtin TimeoutError.

    ``phase`` names the limit ("connect", "read", "write", "pool", "total" or
    "retry_deadline") and ``seconds`` its value, when the raiser knew them;
    the message says both: ``read timeout of 5s for GET https://...``.
    """

    def __init__(
        self,
        message: str,
        *,
        phase: str | None = None,
        seconds: float | None = None,
        config: dict[str, Any] | None = None,
        request: Request | None = None,
        response: Response | None = None,
    ) -> None:
        super().__init__(message, config=config, request=request, response=response)
        self.phase = phase
        self.seconds = seconds

    @classmethod
    def exceeded(
        cls, phase: str, request: Request, seconds: float | None = None, detail: str = ""
    ) -> TimeoutError:
        """The error for ``phase``'s limit (taken from ``request.timeout`` unless given).

        Transports use it so every one words a timeout alike::

            raise TimeoutError.exceeded("read", request) from exc
        """
        if seconds is None:
            seconds = getattr(request.timeout, phase, None)
        limit = f"{phase} timeout" if seconds is None else f"{phase} timeout of {seconds:g}s"
        if phase == "retry_deadline":
            limit = f"retry_deadline of {seconds:g}s reached"
        message = f"{limit} for {request.method} {request.url}"
        if detail:
            message += f" ({detail})"
        return cls(message, phase=phase, seconds=seconds, request=request)


class NetworkError(AxiosPythonError, ConnectionError):
    """The server could not be reached or the connection broke; also a ConnectionError.

    ``unanswered`` is True when the connection was closed or reset after the
    request went out and before any response arrived: the pipeline sends an
    idempotent request once more, on a fresh connection, when that happens (a
    keep-alive connection the server had just dropped).
    """

    def __init__(
        self,
        message: str,
        *,
        unanswered: bool = False,
        config: dict[str, Any] | None = None,
        request: Request | None = None,
        response: Response | None = None,
    ) -> None:
        super().__init__(message, config=config, request=request, response=response)
        self.unanswered = unanswered


class ContentTooLargeError(AxiosPythonError):
    """A body was larger than allowed: ``max_content_length`` or ``max_body_length``.

    ``limit`` is the limit in bytes. The connection it came on is closed, not
    reused with unread data.
    """

    def __init__(
        self,
        message: str,
        *,
        limit: int,
        config: dict[str, Any] | None = None,
        request: Request | None = None,
        response: Response | None = None,
    ) -> None:
        super().__init__(message, config=config, request=request, response=response)
        self.limit = limit


class ProtocolError(NetworkError):
    """The response broke HTTP/1.1: bad framing or syntax, or it ended before it was complete.

    An invalid Content-Length or chunk, a malformed status or header line, a body
    cut short by the server. Every transport raises it for the same responses
    instead of returning a wrong success. A NetworkError, so ``except NetworkError``
    catches it and a retry strategy retries it like any other network failure.
    """


class TooManyRedirectsError(AxiosPythonError):
    """More redirects than ``max_redirects`` allows."""


class StreamError(AxiosPythonError):
    """A streamed body was used wrongly: read twice, read after close, or not read yet."""


class RetryError(AxiosPythonError):
    """Every attempt failed; ``__cause__`` is the last error, ``attempts`` how many ran."""

    def __init__(
        self,
        message: str,
        *,
        attempts: int,
        config: dict[str, Any] | None = None,
        request: Request | None = None,
        response: Response | None = None,
    ) -> None:
        super().__init__(message, config=config, request=request, response=response)
        self.attempts = attempts


class CancelError(AxiosPythonError):
    """The request was cancelled through its CancelToken; ``reason`` says why."""

    def __init__(
        self,
        message: str,
        *,
        reason: str | None = None,
        config: dict[str, Any] | None = None,
        request: Request | None = None,
    ) -> None:
        super().__init__(message, config=config, request=request)
        self.reason = reason


class ConfigError(AxiosPythonError, ValueError):
    """A config key is unknown or its value has the wrong type or range."""


class ClientClosedError(AxiosPythonError, RuntimeError):
    """A request on a client that was closed (a closed client stays closed); also a RuntimeError."""


class UnsupportedOptionError(ConfigError):
    """The transport cannot honour a connection option (``transport`` and ``option`` say which)."""

    def __init__(self, transport: str, option: str, why: str = "") -> None:
        message = f"{transport} does not support the {option!r} option"
        super().__init__(f"{message}: {why}" if why else message)
        self.transport = transport
        self.option = option


class UnsupportedRequestError(AxiosPythonError, NotImplementedError):
    """The transport in use cannot do this (e.g. a sync-only transport asked for async)."""


class InterceptorError(AxiosPythonError, TypeError):
    """An interceptor, middleware or transform returned something it must not (e.g. None)."""


class PluginError(AxiosPythonError):
    """A plugin could not be found, loaded, configured or run."""
