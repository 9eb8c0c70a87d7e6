"""The protocol every pooled aiohttp connection of ours speaks: aiohttp's, with three changes.

1. Strict about bodiless responses: aiohttp parses everything a read returns at
   once, so a 204, a 304 or the answer to a HEAD arriving in the same read as
   stray bytes after it would be lost with them. Such a response's head (after
   any 1xx, even when it spans reads) is fed alone, the rest dropped and the
   connection closed instead of pooled, as the other transports do. Bytes that
   arrive while a connection waits in the pool answer no request: that
   connection is closed, so they are never read as the next response.
2. Tells whether a request got a kept-alive connection or a new one
   (``took_reused()``): the pipeline resends an idempotent request that a
   kept-alive connection dropped unanswered, not one a fresh connection did.
3. A lazy read timer: aiohttp's ``sock_read`` cancels and re-creates a timer on
   every read. Here a read only records its deadline; one timer per connection
   stays armed while requests come and go, and when it fires early (there was
   progress since it was armed) it re-arms for the current deadline. The limit
   is the same (``read`` seconds without a byte); what a request pays is a store.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
from typing import Any

from aiohttp.client_proto import ResponseHandler

__all__ = ["AxiosResponseHandler", "install", "took_reused"]

_BODILESS = (b"204", b"304")
_reused: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "axios_python_aiohttp_reused", default=False
)
# aiohttp's methods, called directly on the hot path (cheaper than super()).
_set_response_params = ResponseHandler.set_response_params
_data_received = ResponseHandler.data_received
_should_close = ResponseHandler.should_close.fget
_MAX_HEAD = 1 << 20  # past aiohttp's own limits (8190 bytes a line, 128 lines)


class AxiosResponseHandler(ResponseHandler):
    """aiohttp's ResponseHandler: strict bodiless responses, reuse known, one lazy read timer."""

    _axios_first = False  # the final response's head has not been seen whole yet
    _axios_head = b""  # what came of that head so far, when it spans reads
    _axios_idle = False  # released to the pool: a byte now answers no request
    _axios_served = False  # this connection has carried a request before
    _axios_deadline: float | None = None  # loop time the read limit expires; None: not timing
    _axios_fires_at = 0.0  # when the armed timer (``_read_timeout_handle``) fires

    def set_response_params(self, **kwargs: Any) -> None:
        _reused.set(self._axios_served)  # runs in the task that sends the request
        self._axios_served = True
        self._axios_idle = False
        self._axios_first = True  # before aiohttp's: it may feed bytes already received
        _set_response_params(self, **kwargs)

    @property
    def should_close(self) -> bool:
        """aiohttp's answer; asked when the connection is released, so False means pooled."""
        closing = _should_close(self)
        self._axios_idle = not closing
        return closing

    def data_received(self, data: bytes) -> None:
        if self._axios_first and data:
            if (
                self._skip_payload
                or self._axios_head
                or len(data) < 12
                or data[9] == 49  # "HTTP/1.1 1xx": an interim response
                or data[9:12] in _BODILESS  # "HTTP/1.1 204"
            ):
                data = self._axios_bodiless(data)
                if not data:
                    return
            else:
                self._axios_first = False  # a response with a body: aiohttp frames it
        elif self._axios_idle and data:
            self._axios_idle = False
            self.close()  # unasked-for bytes: the pool drops a closed connection
            return
        _data_received(self, data)  # not super(): this runs for every read

    def _axios_bodiless(self, data: bytes) -> bytes:
        """The part of ``data`` up to the end of a bodiless final head; the rest is dropped.

        Interim (1xx) heads are passed over; a head that spans reads is kept
        (``_axios_head``, bounded) until its end is seen.
        """
        seen = self._axios_head + data
        start = 0
        while len(seen) - start >= 12:
            code = seen[start + 9 : start + 12]
            interim = code[:1] == b"1" and code != b"101"
            if not interim and not self._skip_payload and code not in _BODILESS:
                break  # a final response with a body
            end = seen.find(b"\r\n\r\n", start)
            if end < 0:
                if len(seen) > _MAX_HEAD:
                    break  # aiohttp's own head limits answer this one
                self._axios_head = seen[start:]
                return data
            start = end + 4
            if interim:
                continue
            self._axios_first = False
            self._axios_head = b""
            extra = len(seen) - start
            if extra:
                self.force_close()  # the rest is not ours to read: never reuse this
                return data[: len(data) - extra]
            return data
        else:
            self._axios_head = seen[start:]
            return data
        self._axios_first = False
        self._axios_head = b""
        return data

    # --- the lazy read timer (aiohttp calls these two on every read and at each end) --------

    def _reschedule_timeout(self) -> None:
        timeout = self._read_timeout
        if not timeout:
            self._axios_deadline = None
            return
        deadline = self._loop.time() + timeout
        self._axios_deadline = deadline
        handle = self._read_timeout_handle
        if handle is None or self._axios_fires_at > deadline:  # none, or one too late
            if handle is not None:
                handle.cancel()
            self._arm(deadline)

    def _drop_timeout(self) -> None:
        self._axios_deadline = None  # the armed timer, when it fires, finds nothing to do

    def _arm(self, when: float) -> None:
        self._axios_fires_at = when
        self._read_timeout_handle = self._loop.call_at(when, self._axios_check)

    def _axios_check(self) -> None:
        self._read_timeout_handle = None
        deadline = self._axios_deadline
        if deadline is None:
            return  # idle, or the response ended: re-armed by the next read
        if deadline > self._loop.time():
            self._arm(deadline)  # bytes arrived since this timer was armed
            return
        self._axios_deadline = None
        self._on_read_timeout()

    def connection_lost(self, exc: BaseException | None) -> None:
        super().connection_lost(exc)
        handle = self._read_timeout_handle
        if handle is not None:  # a closed connection keeps no timer (nor itself) alive
            handle.cancel()
            self._read_timeout_handle = None


def install(connector: Any) -> None:
    """Make ``connector`` build its connections' protocols with AxiosResponseHandler."""
    loop: asyncio.AbstractEventLoop | None = getattr(connector, "_loop", None)
    if loop is not None and hasattr(connector, "_factory"):
        connector._factory = functools.partial(AxiosResponseHandler, loop=loop)


def took_reused() -> bool:
    """True when this task's latest request was given a connection that had served before."""
    return _reused.get()
