"""Translate aiohttp and asyncio failures into axios_python's error types."""

from __future__ import annotations

import asyncio
from typing import NoReturn

import aiohttp

from axios_python import AxiosPythonError, ConfigError, NetworkError, Request, TimeoutError

__all__ = ["reraise"]


def reraise(exc: BaseException, request: Request) -> NoReturn:
    """Raise the axios_python error for ``exc``; anything not an Exception passes through."""
    if isinstance(exc, AxiosPythonError) or not isinstance(exc, Exception):
        raise exc
    where = f"{request.method} {request.url}"
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        raise TimeoutError(
            f"connect timeout for {where}: no connection within "
            f"{_limit(request.timeout.pool, request.timeout.connect)}",
            request=request,
        ) from exc
    if isinstance(exc, aiohttp.ServerTimeoutError):
        raise TimeoutError(
            f"read timeout for {where}: nothing received for {request.timeout.read} s",
            request=request,
        ) from exc
    if isinstance(exc, asyncio.TimeoutError):
        raise TimeoutError(f"timeout for {where}: {exc}", request=request) from exc
    if isinstance(exc, (aiohttp.InvalidURL, aiohttp.NonHttpUrlClientError)):
        raise ConfigError(f"cannot send to {request.url!r}: {exc}", request=request) from exc
    if isinstance(exc, (aiohttp.ClientError, OSError)):
        reason = str(exc) or type(exc).__name__
        raise NetworkError(f"{type(exc).__name__} for {where}: {reason}", request=request) from exc
    raise exc


def _limit(pool: float | None, connect: float | None) -> str:
    if pool is None:
        return f"{connect} s"
    return f"{pool + (connect or 0.0)} s (pool wait and connect together)"
