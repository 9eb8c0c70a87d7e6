"""urllib3 connection and pool classes that honour a per-request write timeout and cancellation.

urllib3 sends a request body under the *connect* timeout and has no way to stop a
request from another thread. The transport publishes what one request needs (its
write timeout, its CancelToken) in a thread-local ``Call`` while ``urlopen`` runs
in that thread; these connections pick it up, so the socket of exactly that
request can be shut down from the thread that cancels it.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from urllib3 import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import EmptyPoolError

from axios_python import CancelToken

from ._strict import StrictResponse

__all__ = [
    "Call",
    "CancellableConnection",
    "CancellableHTTPSConnection",
    "CancelledWait",
    "HTTPPool",
    "HTTPSPool",
    "current_call",
    "publish",
    "took_reused",
]

_state = threading.local()
# How many threads have a Call published right now. While none has, connections
# skip the thread-local lookup (most requests carry no token and no write timeout).
# Changed under a lock; a thread that published a Call always reads at least 1.
_published = 0
_published_lock = threading.Lock()


def _noop() -> None:
    """Nothing to unregister."""


class Call:
    """What the connection serving one request must know: write timeout and cancel token.

    ``write`` is the write timeout to apply while the body is sent; ``keep_write``
    says urllib3's own choice (the connect timeout) already equals it.
    """

    __slots__ = ("_lock", "_unregister", "conn", "keep_write", "token", "write")

    def __init__(self, token: CancelToken | None, write: float | None, keep_write: bool) -> None:
        self.token = token
        self.write = write
        self.keep_write = keep_write
        self.conn: HTTPConnection | None = None
        self._unregister: Callable[[], None] = _noop
        self._lock = threading.Lock()

    def attach(self, conn: HTTPConnection) -> None:
        """Remember the connection serving this request; raise CancelError if already cancelled."""
        if self.conn is not conn:
            with self._lock:
                self.conn = conn
            conn._axios_call = self  # type: ignore[attr-defined]
            if self.token is not None and self._unregister is _noop:
                self._unregister = self.token.on_cancel(self._abort)
        if self.token is not None:
            self.token.raise_if_cancelled()

    def _abort(self, _reason: str | None) -> None:
        # Runs in the cancelling thread. shutdown() wakes a recv()/send() blocked in
        # the sending thread; socket.socket.shutdown skips SSLSocket's override,
        # which would drop the TLS state under the reader's feet. The lock keeps a
        # connection already handed back to the pool (and maybe to another
        # request) out of reach.
        with self._lock:
            conn = self.conn
            sock = conn.sock if conn is not None else None
            if sock is None:
                return
            try:
                if isinstance(sock, socket.socket):
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)
                else:  # pragma: no cover - TLS-in-TLS proxies wrap the socket in SSLTransport
                    sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def release(self) -> None:
        """Forget the connection: it goes back to the pool and may serve another request."""
        with self._lock:
            conn, self.conn = self.conn, None
        if conn is not None and getattr(conn, "_axios_call", None) is self:
            conn._axios_call = None  # type: ignore[attr-defined]

    def detach(self) -> None:
        """Stop watching the token and forget the connection (the request is over)."""
        self._unregister()
        self._unregister = _noop
        self.release()


def current_call() -> Call | None:
    """The Call published by the transport in this thread, if any."""
    if not _published:
        return None
    call: Call | None = getattr(_state, "call", None)
    return call


def took_reused() -> bool:
    """True when the last connection this thread took from a pool had served a request before."""
    return getattr(_state, "reused", False)


def publish(call: Call | None) -> None:
    """Make ``call`` the current thread's Call (None to clear it)."""
    global _published
    previous = getattr(_state, "call", None)
    with _published_lock:
        _published += (call is not None) - (previous is not None)
    _state.call = call


class _CallAware:
    """Mixin for urllib3 connections: attach to the current Call, apply its write timeout.

    Responses are read by StrictResponse, which holds them to HTTP/1.1 as the other
    transports do.
    """

    sock: Any
    timeout: Any
    response_class: type[http.client.HTTPResponse] = StrictResponse

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        call = current_call()
        if call is not None:
            call.attach(self)  # type: ignore[arg-type]

    def request(
        self, method: str, url: str, body: Any = None, headers: Any = None, **kw: Any
    ) -> None:
        call = current_call()
        if call is not None:
            call.attach(self)  # type: ignore[arg-type]
            if not call.keep_write:
                if self.sock is None:
                    self.connect()
                # urllib3 applies self.timeout to the socket before it sends anything.
                self.timeout = call.write
        super().request(method, url, body, headers, **kw)  # type: ignore[misc]


class CancellableConnection(_CallAware, HTTPConnection):
    """An HTTP connection the current request can time out on writes and cancel."""


class CancellableHTTPSConnection(_CallAware, HTTPSConnection):
    """An HTTPS connection the current request can time out on writes and cancel."""


_QUEUE_POLL = 0.05  # seconds between cancellation checks while queued for a connection


class CancelledWait(EmptyPoolError):
    """A request queued for a pool connection was cancelled.

    An EmptyPoolError, so urlopen unwinds as for a pool timeout: it returns
    nothing to the pool, as the request never held a connection.
    """


def _release(conn: Any) -> None:
    call = getattr(conn, "_axios_call", None) if conn is not None else None
    if call is not None:
        call.release()


class _PoolMixin:
    """Pool behaviour shared by HTTP and HTTPS: a cancellable wait, a clean hand-back."""

    block: bool

    def _get_conn(self, timeout: float | None = None) -> Any:
        conn = self._wait_for_conn(timeout)
        # A pooled connection keeps its socket (a dropped one was closed on the way out).
        _state.reused = conn is not None and conn.sock is not None
        return conn

    def _wait_for_conn(self, timeout: float | None) -> Any:
        call = current_call()
        if call is None or call.token is None or not self.block:
            return super()._get_conn(timeout)  # type: ignore[misc]
        # A blocked queue.get() cannot be woken for one waiter alone, so wait in slices.
        token = call.token
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            if token.is_cancelled:
                raise CancelledWait(self, "cancelled while waiting for a connection")  # type: ignore[arg-type]
            step = _QUEUE_POLL
            if deadline is not None:
                step = max(0.0, min(step, deadline - time.monotonic()))
            try:
                return super()._get_conn(step)  # type: ignore[misc]
            except EmptyPoolError:
                if deadline is not None and time.monotonic() >= deadline:
                    raise

    def _put_conn(self, conn: Any) -> None:
        _release(conn)  # before another request can take it
        super()._put_conn(conn)  # type: ignore[misc]


class HTTPPool(_PoolMixin, HTTPConnectionPool):
    """HTTPConnectionPool whose connections and waits the current request can cancel."""

    ConnectionCls = CancellableConnection


class HTTPSPool(_PoolMixin, HTTPSConnectionPool):
    """HTTPSConnectionPool whose connections and waits the current request can cancel."""

    ConnectionCls = CancellableHTTPSConnection
