"""Translate aiohttp and asyncio failures into axios_python's error types."""

from __future__ import annotations

import asyncio
import errno
from typing import NoReturn

import aiohttp

from axios_python import (
    AxiosPythonError,
    ConfigError,
    NetworkError,
    ProtocolError,
    Request,
    TimeoutError,
)

__all__ = ["reraise"]


def reraise(exc: BaseException, request: Request, *, reused: bool = False) -> NoReturn:
    """Raise the axios_python error for ``exc``; anything not an Exception passes through.

    ``reused``: the request failed before its response head, on a kept-alive connection.
    """
    if isinstance(exc, AxiosPythonError) or not isinstance(exc, Exception):
        raise exc
    cause = exc.__cause__
    if isinstance(cause, AxiosPythonError):  # ours, raised inside aiohttp's body writer
        raise cause
    where = f"{request.method} {request.url}"
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        timeout = request.timeout
        if timeout.pool is None:
            raise TimeoutError.exceeded("connect", request) from exc
        raise TimeoutError.exceeded(
            "connect",
            request,
            timeout.pool + (timeout.connect or 0.0),
            detail="pool wait and connect together",
        ) from exc
    if isinstance(exc, aiohttp.ServerTimeoutError):
        raise TimeoutError.exceeded("read", request) from exc
    if isinstance(exc, asyncio.TimeoutError):
        raise TimeoutError(f"timeout for {where}: {exc}", request=request) from exc
    if isinstance(exc, (aiohttp.InvalidURL, aiohttp.NonHttpUrlClientError)):
        raise ConfigError(f"cannot send to {request.url!r}: {exc}", request=request) from exc
    if isinstance(exc, aiohttp.ClientHttpProxyError):  # the proxy refused the CONNECT tunnel
        raise NetworkError(
            f"ProxyError for {where}: the proxy answered {exc.status} {exc.message}",
            request=request,
        ) from exc
    if isinstance(exc, (aiohttp.ClientPayloadError, aiohttp.ClientResponseError)):
        # The parser refused the head (ClientResponseError: we never raise_for_status) or
        # the body (ClientPayloadError: bad chunk, cut short, bad encoding).
        reason = getattr(exc, "message", "") or str(exc) or type(exc).__name__
        raise ProtocolError(
            f"malformed response to {where}: {' '.join(str(reason).split())}", request=request
        ) from exc
    if isinstance(exc, (aiohttp.ClientError, OSError)):
        reason = str(exc) or type(exc).__name__
        raise NetworkError(
            f"{type(exc).__name__} for {where}: {reason}",
            request=request,
            unanswered=reused and _closed_early(exc),
        ) from exc
    raise exc


def _closed_early(exc: Exception) -> bool:
    """The server closed or reset the connection instead of answering (not a bad answer)."""
    if isinstance(exc, aiohttp.ClientConnectorError):
        return False  # could not connect at all
    return isinstance(
        exc, (aiohttp.ServerDisconnectedError, ConnectionResetError, BrokenPipeError)
    ) or (isinstance(exc, aiohttp.ClientOSError) and exc.errno in (errno.ECONNRESET, errno.EPIPE))
