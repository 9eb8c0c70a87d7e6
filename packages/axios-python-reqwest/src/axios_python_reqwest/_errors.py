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
    ProtocolError,
    Request,
    TimeoutError,
)

__all__ = ["reraise"]


def reraise(exc: BaseException, request: Request, token: CancelToken | None = None) -> NoReturn:
    """Raise the axios_python error for ``exc`` (CancelError when ``token`` was cancelled)."""
    if isinstance(exc, AxiosPythonError) or not isinstance(exc, Exception):
        raise exc
    if token is not None and token.is_cancelled:
        try:
            token.raise_if_cancelled()  # CancelError, or TimeoutError for a deadline's token
        except AxiosPythonError as error:
            error.request = request
            raise error from exc
    where = f"{request.method} {request.url}"
    if isinstance(exc, rq.RequestTimeoutError):
        causes = _causes(exc)
        kernel = "os error 110" in causes  # ETIMEDOUT: TCP_USER_TIMEOUT, the write limit
        if isinstance(exc, rq.ReadTimeoutError):
            raise TimeoutError.exceeded("read", request) from exc
        if isinstance(exc, rq.ConnectTimeoutError) and "(Connect)" in causes:
            if kernel:
                raise TimeoutError.exceeded(
                    "connect",
                    request,
                    request.timeout.write,
                    detail="the write limit also bounds the TCP handshake",
                ) from exc
            raise TimeoutError.exceeded("connect", request) from exc
        if isinstance(exc, rq.WriteTimeoutError) or kernel:
            raise TimeoutError.exceeded("write", request) from exc
        if isinstance(exc, rq.ConnectTimeoutError):
            raise TimeoutError.exceeded("read", request, detail="no response") from exc
        raise TimeoutError(f"timeout for {where}: {exc.message}", request=request) from exc
    if isinstance(exc, rq.BuilderError):
        raise ConfigError(
            f"cannot send to {request.url!r}: {_reason(exc)}", request=request
        ) from exc
    if isinstance(exc, rq.ClientClosedError):
        raise NetworkError(
            f"{where} was stopped: the transport was closed while it was in flight",
            request=request,
        ) from exc
    if isinstance(exc, rq.DecodeError) or _broken_body(exc):
        # hyper refused the head or the body's framing, or the body was cut short
        raise ProtocolError(
            f"malformed response to {where}: {_reason(exc)}", request=request
        ) from exc
    if isinstance(exc, (rq.PyreqwestError, OSError)):
        raise NetworkError(
            f"{type(exc).__name__} for {where}: {_reason(exc)}", request=request
        ) from exc
    raise exc


def _broken_body(exc: Exception) -> bool:
    """A streamed read that failed on the body's framing (not on the socket: no os error)."""
    if not isinstance(exc, rq.DetailedPyreqwestError):
        return False
    causes = _causes(exc)
    return "reading a body" in causes and "os error" not in causes


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
