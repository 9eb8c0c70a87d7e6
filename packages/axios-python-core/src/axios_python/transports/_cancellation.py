"""Cancellation and pool hygiene inside httpx's httpcore pools (HttpxTransport only).

A blocking socket read cannot be interrupted from another thread, but it can be
made to end: shutting the socket down makes the read return at once. So the
sync pool gets a network backend whose streams join the *cancel slot* of the
request doing I/O on them (a context variable set around the send and around
each streamed read); cancelling the token shuts down exactly those sockets and
answers a request still queued for a pool connection with an error.

Both sync and async pools mark a request sent on a kept-alive connection
(``REUSED_KEY`` in its extensions), so a failure before any response can be
told from a fresh connection's. Both never close a connection a request still owns (httpcore
would, racing the thread about to use it), and reap connections that no request
owns and that are neither idle nor closed: a request cancelled after the pool gave it a new
connection but before that connection was opened leaves such an orphan behind,
holding a pool slot for good (encode/httpcore#1093). On httpcore 1.x the pool's
assignment pass itself is replaced by one that takes the same decisions in linear
time (``_assign_linear``): httpcore's is quadratic and hands one idle connection
to several waiting requests, which made reusing connections slower than opening
new ones under concurrency.

Everything here leans on httpcore 1.x internals (httpcore2, under httpx2, shares
them); it is kept in this one module so the rest of the library never sees them.
A pool that does not look like one of those is left untouched.
"""

from __future__ import annotations

import contextlib
import contextvars
import socket
import ssl
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Final

import httpcore

from .._cancel import CancelToken

__all__ = [
    "REUSED_KEY",
    "SLOT_KEY",
    "CancelSlot",
    "Interrupted",
    "harden_client",
    "harden_pool",
]

SLOT_KEY: Final = "axios_python.cancel_slot"
"""The httpx/httpcore request extension that carries a request's CancelSlot."""
REUSED_KEY: Final = "axios_python.reused"
"""Set (True) in a request's extensions when the pool gave it a kept-alive connection."""

_current: contextvars.ContextVar[CancelSlot | None] = contextvars.ContextVar(
    "axios_python_cancel_slot", default=None
)


class Interrupted(Exception):
    """Raised inside httpcore when a cancelled request gives up its place in the pool queue."""


class CancelSlot:
    """The sockets and pool wait of one sync request; its token's cancel() cuts them all.

    Create it before sending, run the I/O inside ``with slot.active():`` and call
    ``release()`` once the response is read or closed, so a long-lived token does
    not keep a callback per finished request.
    """

    def __init__(self, token: CancelToken, pools: Iterable[Any]) -> None:
        self.token = token
        self.cancelled = False
        self._pools = tuple(pools)
        self._lock = threading.Lock()
        self._streams: set[_Stream] = set()
        self._unregister: Callable[[], None] = token.on_cancel(self._fire)

    @contextlib.contextmanager
    def active(self) -> Iterator[None]:
        """Make this the slot that sockets join while the block does I/O."""
        reset = _current.set(self)
        try:
            yield
        finally:
            _current.reset(reset)

    def release(self) -> None:
        """Stop watching: the request is over, its connection may serve others now."""
        self._unregister()
        with self._lock:
            streams, self._streams = self._streams, set()
        for stream in streams:
            stream.disown(self)

    def _attach(self, stream: _Stream) -> None:
        with self._lock:
            if not self.cancelled:
                self._streams.add(stream)
                return
        stream.interrupt(self)

    def _fire(self, _reason: str | None) -> None:
        with self._lock:
            self.cancelled = True
            streams, self._streams = self._streams, set()
        for stream in streams:
            stream.interrupt(self)
        for pool in self._pools:
            with pool._optional_thread_lock:
                _refuse_cancelled(pool)


class _Refused(httpcore.ConnectionInterface):
    """Handed to a queued request whose token was cancelled: ends its wait with Interrupted."""

    def handle_request(self, request: httpcore.Request) -> httpcore.Response:
        raise Interrupted("request cancelled while waiting for a pool connection")


def _refuse_cancelled(pool: Any) -> None:
    """Wake every queued request of ``pool`` whose slot was cancelled (pool lock held)."""
    for pool_request in pool._requests:
        if pool_request.is_queued():
            slot = pool_request.request.extensions.get(SLOT_KEY)
            if slot is not None and slot.cancelled:
                pool_request.assign_to_connection(_Refused())


def _reap_orphans(pool: Any) -> list[Any]:
    """Remove connections no request owns that are neither idle nor closed, and retire
    idle ones with bytes already after their last response (pool lock held)."""
    owned = {id(r.connection) for r in pool._requests if r.connection is not None}
    orphans = []
    for connection in pool._connections:
        if id(connection) in owned:
            continue
        if connection.is_idle():
            _retire_if_trailing(connection)
        elif not connection.is_closed():
            orphans.append(connection)
    for connection in orphans:
        pool._connections.remove(connection)
    return orphans


def _retire_if_trailing(connection: Any) -> None:
    """Expire an idle HTTP/1.1 connection whose parser holds bytes no request asked for.

    Bytes after a complete response (a body longer than its Content-Length, stray
    bytes after a 204, 304 or HEAD) are out of step: h11 keeps them buffered and
    would read them as the next response on that connection. This runs as the
    response is closed, under the pool's lock, so the pool closes the connection
    before any request can be given it. Each idle spell (its keep-alive deadline)
    is checked once. Bytes that arrive later stay in the socket, which httpcore
    checks before reuse.
    """
    inner: Any = getattr(connection, "_connection", None)
    expire_at = getattr(inner, "_expire_at", _ABSENT)
    if expire_at is _ABSENT:  # a proxy's connection wraps one more (or none is open yet)
        inner = getattr(inner, "_connection", None)
        expire_at = getattr(inner, "_expire_at", _ABSENT)
        if expire_at is _ABSENT:
            return
    if expire_at is not None and expire_at == getattr(inner, "_axios_checked", None):
        return
    inner._axios_checked = expire_at
    state = getattr(inner, "_h11_state", None)  # HTTP/2 has none: frames cannot be misread
    if state is not None and state.trailing_data[0]:
        inner._expire_at = float("-inf")


def _spare_owned(pool: Any, closing: list[Any]) -> list[Any]:
    """Keep connections a request still owns out of ``closing`` (pool lock held).

    httpcore closes "surplus idle" connections outside its lock, and a connection
    that is idle at that instant may just have been handed to another request
    that is about to use it: the closing thread then closes a socket the other is
    reading (EBADF, seen with 50 threads on raw httpx too). An owned connection
    stays in the pool; the next pass trims it once nobody owns it.
    """
    if not closing:
        return closing
    owned = {id(r.connection) for r in pool._requests if r.connection is not None}
    spared = [connection for connection in closing if id(connection) in owned]
    if not spared:
        return closing
    pool._connections.extend(spared)
    return [connection for connection in closing if id(connection) not in owned]


_HTTP11: Final = (httpcore.HTTP11Connection, httpcore.AsyncHTTP11Connection)
_LINEAR: Final = (
    httpcore.ConnectionPool._assign_requests_to_connections,
    httpcore.AsyncConnectionPool._assign_requests_to_connections,
)


def _assign_linear(pool: Any) -> list[Any]:
    """httpcore 1.x's assignment pass without its quadratic work; returns the connections to close.

    The same decisions in the same order (drop closed ones, close expired ones and
    surplus idle ones, give each queued request the first available connection, else
    a new one, else replace an idle one), except two: surplus counts the *idle*
    connections (httpcore counts every connection, once per idle one: O(n^2) per pass,
    and busy ones push idle ones out, encode/httpcore#1000), and an HTTP/1.1
    connection another request was handed but has not started on yet is not handed
    out again (httpcore does, and the loser retries a whole pass: encode/httpcore#822).
    With 64 tasks on 64 kept-alive connections these made reuse ten times slower than
    opening new connections, long enough for idle ones to expire (churn).
    """
    closing: list[Any] = []
    live: list[Any] = []
    for connection in pool._connections:
        if connection.is_closed():
            continue
        if connection.has_expired():
            closing.append(connection)
        else:
            live.append(connection)
    surplus = sum(1 for connection in live if connection.is_idle())
    surplus -= pool._max_keepalive_connections
    if surplus > 0:
        kept = []
        for connection in live:
            if surplus > 0 and connection.is_idle():
                closing.append(connection)
                surplus -= 1
            else:
                kept.append(connection)
        live = kept
    pool._connections[:] = live
    live = pool._connections  # new connections below join the pool itself
    taken = {
        id(pool_request.connection)
        for pool_request in pool._requests
        if isinstance(getattr(pool_request.connection, "_connection", None), _HTTP11)
    }
    starved: list[Any] = []  # origins that found nothing (unhashable): so do later requests
    for pool_request in pool._requests:
        if not pool_request.is_queued():
            continue
        origin = pool_request.request.url.origin
        if origin in starved:
            continue
        chosen = None
        for connection in live:
            if (
                id(connection) not in taken
                and connection.can_handle_request(origin)
                and connection.is_available()
            ):
                chosen = connection
                break
        if chosen is None:
            if len(live) >= pool._max_connections:
                idle = next(
                    (c for c in live if id(c) not in taken and c.is_idle()),
                    None,
                )
                if idle is None:
                    starved.append(origin)  # it waits for a connection to come back
                    continue
                live.remove(idle)
                closing.append(idle)
            chosen = pool.create_connection(origin)
            live.append(chosen)
        pool_request.assign_to_connection(chosen)
        if isinstance(getattr(chosen, "_connection", None), _HTTP11):
            taken.add(id(chosen))
    return closing


def _mark_reused(assigned: list[Any]) -> None:
    """Mark the requests just given a connection that had served a request before."""
    for pool_request in assigned:
        connection = pool_request.connection
        # An HTTPConnection (or proxy connection) holds its protocol connection once opened.
        if connection is not None and getattr(connection, "_connection", None) is not None:
            pool_request.request.extensions[REUSED_KEY] = True


def _hand_over(pool: Any) -> None:
    """Tell each assigned connection's socket which request now owns it (pool lock held)."""
    for pool_request in pool._requests:
        stream = getattr(
            getattr(pool_request.connection, "_connection", None), "_network_stream", None
        )
        if isinstance(stream, _Stream):
            stream.claim(pool_request.request.extensions.get(SLOT_KEY))


_ABSENT: Final = object()
_POOL_ATTRIBUTES: Final = (
    "_assign_requests_to_connections",
    "_requests",
    "_connections",
    "_network_backend",
    "_optional_thread_lock",
)


def _is_pool(pool: Any) -> bool:
    return all(hasattr(pool, name) for name in _POOL_ATTRIBUTES)


def harden_pool(pool: Any, *, sync: bool) -> None:
    """Install orphan reaping (and, for a sync pool, cancellable sockets) on an httpcore pool."""
    if not _is_pool(pool):
        return  # an httpcore we do not know: leave it exactly as it is
    # The unbound method and a weak reference: a pool that referred to itself would
    # only be freed by the cycle collector, keeping its sockets open until then.
    assign = type(pool)._assign_requests_to_connections
    if assign in _LINEAR:
        assign = _assign_linear
    pool_ref = weakref.ref(pool)

    def assign_requests_to_connections() -> list[Any]:
        owner = pool_ref()
        if owner is None:  # pragma: no cover - only the live pool calls this
            return []
        closing = _reap_orphans(owner)
        if sync:
            _refuse_cancelled(owner)
        queued = [pool_request for pool_request in owner._requests if pool_request.is_queued()]
        closing.extend(_spare_owned(owner, assign(owner)))
        _mark_reused(queued)
        if sync:
            _hand_over(owner)
        return closing

    pool._assign_requests_to_connections = assign_requests_to_connections
    if sync:
        pool._network_backend = _Backend(pool._network_backend)


def harden_client(client: Any, *, sync: bool) -> list[Any]:
    """Harden the httpcore pools behind an httpx client's transports; return those pools."""
    transports = [client._transport, *getattr(client, "_mounts", {}).values()]
    pools = []
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        if _is_pool(pool):
            harden_pool(pool, sync=sync)
            pools.append(pool)
    return pools


class _Backend(httpcore.NetworkBackend):
    """Wraps the sync backend so every socket it opens can be cut by a cancel slot."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = _Stream(
            self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        )
        stream.join_current()
        return stream

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = _Stream(self._inner.connect_unix_socket(path, timeout, socket_options))
        stream.join_current()
        return stream

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _Stream(httpcore.NetworkStream):
    """A socket stream that its current owner's cancel slot can shut down mid-read."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self._lock = threading.Lock()
        self._closed = False
        self._owner: CancelSlot | None = None

    def join_current(self) -> None:
        """Belong to the slot of the request doing I/O in this context, if any."""
        slot = _current.get()
        if slot is not self._owner:
            self.claim(slot)
        if slot is not None:
            slot._attach(self)

    def claim(self, slot: CancelSlot | None) -> None:
        """Record which request's slot may cut this socket (None: nobody's)."""
        with self._lock:
            self._owner = slot

    def disown(self, slot: CancelSlot) -> None:
        """``slot``'s request is over; it may no longer cut this socket."""
        with self._lock:
            if self._owner is slot:
                self._owner = None

    def interrupt(self, slot: CancelSlot) -> None:
        """Shut the socket down if ``slot`` still owns it, ending any blocked read or write."""
        with self._lock:
            if self._closed or self._owner is not slot:
                return
            sock = self._inner.get_extra_info("socket")
            if not isinstance(sock, socket.socket) or self._is_http2():
                return  # a multiplexed connection carries other requests too
            with contextlib.suppress(OSError):
                # The plain socket method: SSLSocket.shutdown would tear down TLS state
                # that the blocked thread is still using.
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def _is_http2(self) -> bool:
        alpn = getattr(self._inner.get_extra_info("ssl_object"), "selected_alpn_protocol", None)
        return alpn is not None and alpn() == "h2"

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        self.join_current()
        data: bytes = self._inner.read(max_bytes, timeout)
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.join_current()
        self._inner.write(buffer, timeout)

    def close(self) -> None:
        with self._lock:  # never shut down a closed socket whose descriptor was reused
            self._closed = True
            self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        upgraded = _Stream(self._inner.start_tls(ssl_context, server_hostname, timeout))
        upgraded.claim(self._owner)
        upgraded.join_current()
        return upgraded

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)
