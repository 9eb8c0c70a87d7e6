"""The exception hierarchy: everything the public API raises derives from AxiosPythonError."""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._models import Request, Response

__all__ = [
    "AxiosPythonError",
    "CancelError",
    "ClientClosedError",
    "ConfigError",
    "HTTPStatusError",
    "InterceptorError",
    "NetworkError",
    "PluginError",
    "RetryError",
    "StreamError",
    "TimeoutError",
    "TooManyRedirectsError",
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
    """A connect, read, write or pool timeout expired; also a builtin TimeoutError."""


class NetworkError(AxiosPythonError, ConnectionError):
    """The server could not be reached or the connection broke; also a ConnectionError."""


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


class UnsupportedRequestError(AxiosPythonError, NotImplementedError):
    """The transport in use cannot do this (e.g. a sync-only transport asked for async)."""


class InterceptorError(AxiosPythonError, TypeError):
    """An interceptor, middleware or transform returned something it must not (e.g. None)."""


class PluginError(AxiosPythonError):
    """A plugin could not be found, loaded, configured or run."""
