"""Translate pyreqwest's failures into axios_python's error types, naming the limit that was hit.

pyreqwest reports every timeout before the response head as a "connection
timeout"; its causes tell the phases apart: ``client error (Connect)`` for the
connect, ``os error 110`` (ETIMEDOUT) for a write the kernel gave up on
(TCP_USER_TIMEOUT, which also cuts a slow TCP handshake short), anything else
for the wait for the response.
"""

from __future__ import annotations

from typing import NoReturn

from pyreqwest import exceptions as rq

from axios_python import (
    AxiosPythonError,
    CancelToken,
    ConfigError,
    NetworkError,
    Request,
    TimeoutError,
)

__all__ = ["reraise"]


def reraise(exc: BaseException, request: Request, token: CancelToken | None = None) -> NoReturn:
    """Raise the axios_python error for ``exc`` (CancelError when ``token`` was cancelled)."""
    if isinstance(exc, AxiosPythonError) or not isinstance(exc, Exception):
        raise exc
    if token is not None and token.is_cancelled:
        error = token.error()
        error.request = request
        raise error from exc
    where = f"{request.method} {request.url}"
    timeout = request.timeout
    if isinstance(exc, rq.RequestTimeoutError):
        causes = _causes(exc)
        kernel = "os error 110" in causes  # ETIMEDOUT: TCP_USER_TIMEOUT, the write limit
        if isinstance(exc, rq.ReadTimeoutError):
            what = f"read timeout for {where}: nothing received for {timeout.read} s"
        elif isinstance(exc, rq.ConnectTimeoutError) and "(Connect)" in causes:
            what = f"connect timeout for {where}: no connection within {timeout.connect} s"
            if kernel:
                what = (
                    f"connect timeout for {where}: no connection within {timeout.write} s "
                    "(the write limit also bounds the TCP handshake)"
                )
        elif isinstance(exc, rq.WriteTimeoutError) or kernel:
            what = f"write timeout for {where}: the body was not sent within {timeout.write} s"
        elif isinstance(exc, rq.ConnectTimeoutError):
            what = f"read timeout for {where}: no response within {timeout.read} s"
        else:
            what = f"timeout for {where}: {exc.message}"
        raise TimeoutError(what, request=request) from exc
    if isinstance(exc, rq.BuilderError):
        raise ConfigError(
            f"cannot send to {request.url!r}: {_reason(exc)}", request=request
        ) from exc
    if isinstance(exc, rq.ClientClosedError):
        raise NetworkError(
            f"{where} was stopped: the transport was closed while it was in flight",
            request=request,
        ) from exc
    if isinstance(exc, (rq.PyreqwestError, OSError)):
        raise NetworkError(
            f"{type(exc).__name__} for {where}: {_reason(exc)}", request=request
        ) from exc
    raise exc


def _causes(exc: rq.DetailedPyreqwestError) -> str:
    """pyreqwest's chain of causes as one line."""
    causes = exc.details.get("causes") or []
    return ": ".join(cause["message"] for cause in causes)


def _reason(exc: BaseException) -> str:
    """The innermost cause pyreqwest gives (the useful part), else the message."""
    if isinstance(exc, rq.DetailedPyreqwestError):
        causes = exc.details.get("causes") or []
        if causes:
            return causes[-1]["message"]
    return str(exc) or type(exc).__name__
