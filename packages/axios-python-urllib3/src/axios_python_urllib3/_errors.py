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
    ProtocolError,
    Request,
    TimeoutError,
)

from ._connection import Call

__all__ = ["reraise"]


def reraise(
    exc: BaseException, request: Request, call: Call | None, *, reused: bool = False
) -> NoReturn:
    """Raise the axios_python error for ``exc`` (CancelError when the request was cancelled).

    ``reused``: urlopen failed (no response head yet) on a kept-alive connection.
    """
    if not isinstance(exc, Exception):
        # GeneratorExit (a reader left a streamed body), KeyboardInterrupt: never replaced,
        # even when the deadline's token fired meanwhile (a generator must not answer
        # GeneratorExit with another exception).
        raise exc
    if call is not None and call.token is not None and call.token.is_cancelled:
        call.token.raise_if_cancelled()
    if isinstance(exc, AxiosPythonError):
        raise exc
    where = f"{request.method} {request.url}"
    if isinstance(exc, u3.EmptyPoolError):
        raise TimeoutError.exceeded(
            "pool", request, detail="no free connection: raise max_connections or the pool timeout"
        ) from exc
    if isinstance(exc, u3.NewConnectionError):  # before ConnectTimeoutError: it subclasses it
        raise NetworkError(f"cannot connect for {where}: {_reason(exc)}", request=request) from exc
    if isinstance(exc, u3.ConnectTimeoutError):
        raise TimeoutError.exceeded("connect", request) from exc
    if isinstance(exc, u3.ReadTimeoutError):
        raise TimeoutError.exceeded("read", request) from exc
    if isinstance(exc, u3.ProtocolError) and _timed_out(exc):
        raise TimeoutError.exceeded("write", request) from exc
    if isinstance(exc, u3.LocationValueError):
        raise ConfigError(f"cannot send to {request.url!r}: {exc}", request=request) from exc
    malformed = _malformed(exc)
    if malformed is not None:
        raise ProtocolError(f"malformed response to {where}: {malformed}", request=request) from exc
    if isinstance(exc, (u3.HTTPError, http.client.HTTPException, OSError)):
        raise NetworkError(
            f"{type(exc).__name__} for {where}: {exc}",
            request=request,
            unanswered=reused and _closed_early(exc),
        ) from exc
    raise exc


def _closed_early(exc: BaseException) -> bool:
    """The server closed or reset the connection instead of answering (not a bad answer)."""
    causes = exc.args if isinstance(exc, u3.ProtocolError) else (exc,)
    return any(
        isinstance(cause, (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError))
        for cause in causes
    )


def _malformed(exc: BaseException) -> str | None:
    """What was wrong when ``exc`` means a broken response (not a dropped connection)."""
    for error in _chain(exc):
        if isinstance(error, http.client.RemoteDisconnected):
            return None  # closed before any response: a plain NetworkError
        if isinstance(error, http.client.IncompleteRead):  # urllib3's subclass it too
            return "the connection closed before the response was complete"
        if isinstance(error, http.client.BadStatusLine):
            return f"malformed status line {str(error).strip()[:80]!r}"
        if isinstance(error, (http.client.HTTPException, u3.InvalidHeader, u3.HeaderParsingError)):
            return str(error) or type(error).__name__
    return None


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and the errors urllib3 wrapped in it (ProtocolError keeps them in args)."""
    chain = [exc]
    while isinstance(chain[-1], u3.ProtocolError) and len(chain) < 5:
        inner = [arg for arg in chain[-1].args if isinstance(arg, BaseException)]
        if not inner:
            break
        chain.append(inner[0])
    return chain


def _timed_out(exc: u3.ProtocolError) -> bool:
    """A ProtocolError wrapping a socket timeout: urllib3's form of a timed-out send."""
    return any(isinstance(arg, builtins.TimeoutError) for arg in exc.args)


def _reason(exc: u3.NewConnectionError) -> str:
    text = str(exc)
    return text.split(": ", 1)[1] if ": " in text else text
