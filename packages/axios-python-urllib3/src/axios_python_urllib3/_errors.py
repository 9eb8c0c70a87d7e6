"""Translate urllib3 and socket failures into axios_python's error types."""

from __future__ import annotations

import builtins
import http.client
from typing import NoReturn

from urllib3 import exceptions as u3

from axios_python import (
    AxiosPythonError,
    ConfigError,
    NetworkError,
    Request,
    TimeoutError,
)

from ._connection import Call

__all__ = ["reraise"]


def reraise(exc: BaseException, request: Request, call: Call | None) -> NoReturn:
    """Raise the axios_python error for ``exc`` (CancelError when the request was cancelled)."""
    if call is not None and call.token is not None and call.token.is_cancelled:
        call.token.raise_if_cancelled()
    if isinstance(exc, AxiosPythonError) or not isinstance(exc, Exception):
        raise exc
    where = f"{request.method} {request.url}"
    if isinstance(exc, u3.EmptyPoolError):
        raise TimeoutError(
            f"pool timeout for {where}: no free connection within "
            f"{request.timeout.pool} s (raise max_connections or the 'pool' timeout)",
            request=request,
        ) from exc
    if isinstance(exc, u3.NewConnectionError):  # before ConnectTimeoutError: it subclasses it
        raise NetworkError(f"cannot connect for {where}: {_reason(exc)}", request=request) from exc
    if isinstance(exc, u3.ConnectTimeoutError):
        raise TimeoutError(f"connect timeout for {where}: {exc}", request=request) from exc
    if isinstance(exc, u3.ReadTimeoutError):
        raise TimeoutError(f"read timeout for {where}: {exc}", request=request) from exc
    if isinstance(exc, u3.ProtocolError) and _timed_out(exc):
        raise TimeoutError(
            f"write timeout for {where}: the body was not sent within {request.timeout.write} s",
            request=request,
        ) from exc
    if isinstance(exc, u3.LocationValueError):
        raise ConfigError(f"cannot send to {request.url!r}: {exc}", request=request) from exc
    if isinstance(exc, (u3.HTTPError, http.client.HTTPException, OSError)):
        raise NetworkError(f"{type(exc).__name__} for {where}: {exc}", request=request) from exc
    raise exc


def _timed_out(exc: u3.ProtocolError) -> bool:
    """A ProtocolError wrapping a socket timeout: urllib3's form of a timed-out send."""
    return any(isinstance(arg, builtins.TimeoutError) for arg in exc.args)


def _reason(exc: u3.NewConnectionError) -> str:
    text = str(exc)
    return text.split(": ", 1)[1] if ": " in text else text
