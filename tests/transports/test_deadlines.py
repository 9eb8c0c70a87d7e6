"""Deadlines: ``total`` and ``retry_deadline`` bound the whole request, a trickle included.

A server that sends one byte every 0.1 s never trips a read timeout; only a
deadline stops it, and it must stop it on every transport, buffered and while
the caller iterates a stream. Every TimeoutError names the limit it hit.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from axios_python import CancelError, CancelToken, FixedBackoff, RetryError, Timeout, TimeoutError

from ._hostile import Conn, HostileServer
from ._support import Client
from .test_cancellation import cancel_later

BODY = b"x" * 100  # 10 s at one byte per 0.1 s


def answer_trickle(conn: Conn, index: int) -> bool:
    """A 100-byte body, one byte every 0.1 s (``/chunked``: chunked framing, else a length)."""
    if "chunked" in conn.target:
        conn.send_head(200, [("Transfer-Encoding", "chunked")])
        for byte in BODY:
            if conn.server.stopping.is_set():
                return False
            conn.send(b"1\r\n" + bytes([byte]) + b"\r\n")
            time.sleep(0.1)
        conn.send(b"0\r\n\r\n")
    else:
        conn.send_head(200, [("Content-Length", str(len(BODY)))])
        conn.trickle(BODY, pause=0.1)
    return False


@pytest.fixture(scope="module")
def trickle() -> Iterator[HostileServer]:
    """A server that trickles every body."""
    with HostileServer(answer_trickle) as srv:
        yield srv


TRICKLE_TIMEOUT = {"connect": 2, "read": 1, "write": 2, "pool": 2}


@pytest.mark.parametrize("path", ["/length", "/chunked"])
async def test_total_stops_a_trickling_body(
    client: Client, trickle: HostileServer, path: str
) -> None:
    """A read limit of 1 s never expires on a 0.1 s trickle; a total of 0.5 s ends it."""
    started = time.monotonic()
    with pytest.raises(TimeoutError) as caught:
        await client.get(trickle.url(path), timeout={**TRICKLE_TIMEOUT, "total": 0.5})
    assert time.monotonic() - started < 2
    assert caught.value.phase == "total"
    assert caught.value.seconds == 0.5
    assert str(caught.value).startswith(f"total timeout of 0.5s for GET {trickle.url(path)}")


@pytest.mark.parametrize("limit", ["total", "retry_deadline"])
async def test_a_deadline_bounds_iterating_a_stream(
    client: Client, trickle: HostileServer, limit: str
) -> None:
    """The total, or the retry_deadline, still runs while the caller iterates a streamed body."""
    if limit == "total":
        options: dict[str, object] = {"timeout": Timeout(2, 1, 2, 2, total=0.6)}
        expected = r"total timeout of 0\.6s"
    else:
        options = {"timeout": TRICKLE_TIMEOUT, "retry_deadline": 0.6}
        expected = r"retry_deadline of 0\.6s reached"
    response = await client.get(trickle.url("/chunked"), stream=True, **options)
    started = time.monotonic()
    with pytest.raises(TimeoutError, match=expected):
        await client.chunks(response)
    assert time.monotonic() - started < 2
    assert response.is_closed


async def test_retry_deadline_stops_a_trickle(client: Client, trickle: HostileServer) -> None:
    """retry_deadline bounds the body read as well, with or without retries."""
    started = time.monotonic()
    with pytest.raises(TimeoutError) as caught:
        await client.get(trickle.url("/length"), timeout=TRICKLE_TIMEOUT, retry_deadline=0.75)
    assert time.monotonic() - started < 2
    assert caught.value.phase == "retry_deadline"
    assert str(caught.value).startswith("retry_deadline of 0.75s reached for GET ")
    started = time.monotonic()
    with pytest.raises(RetryError, match=r"retry_deadline of 0\.75s reached"):
        await client.get(
            trickle.url("/length"),
            timeout=TRICKLE_TIMEOUT,
            retry_deadline=0.75,
            max_retries=3,
            retry_strategy=FixedBackoff(0.01),
        )
    assert time.monotonic() - started < 2


async def test_each_attempt_gets_its_own_total(client: Client, trickle: HostileServer) -> None:
    """With retries, a total ends each attempt; the retries run and then give up."""
    started = time.monotonic()
    with pytest.raises(RetryError) as caught:
        await client.get(
            trickle.url("/length"),
            timeout={**TRICKLE_TIMEOUT, "total": 0.3},
            max_retries=2,
            retry_strategy=FixedBackoff(0.01),
        )
    assert caught.value.attempts == 3
    assert isinstance(caught.value.__cause__, TimeoutError)
    assert time.monotonic() - started < 3


def answer_slow_redirect(conn: Conn, index: int) -> bool:
    """``/N`` waits 0.3 s, then redirects to ``/N+1``: each hop is quick enough alone."""
    hop = int(conn.target.strip("/") or 0)
    if conn.server.stopping.wait(0.3):
        return False
    conn.send_head(302, [("Location", f"/{hop + 1}"), ("Content-Length", "0")])
    return True


async def test_total_bounds_a_chain_of_redirects(client: Client) -> None:
    """The total covers the redirects an attempt follows, not each hop alone."""
    with HostileServer(answer_slow_redirect) as srv:
        started = time.monotonic()
        with pytest.raises(TimeoutError, match=r"total timeout of 0\.8s"):
            await client.get(
                srv.url("/0"), timeout={**TRICKLE_TIMEOUT, "total": 0.8}, max_redirects=30
            )
        assert time.monotonic() - started < 2.5
        assert 2 <= len(srv.requests) <= 6  # several hops were followed, then the total ended it


def answer_never_read(conn: Conn, index: int) -> bool:
    """Take the head of a request and never read its body (the client's writes block)."""
    conn.server.stopping.wait(10)
    return False


async def test_total_bounds_a_blocked_upload(client: Client) -> None:
    """A server that stops reading a large body never trips a 5 s write limit; the total does."""

    class NeverReads(HostileServer):
        def serve(self, sock: socket.socket) -> None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            self.stopping.wait(10)

    with NeverReads(answer_never_read) as srv:
        started = time.monotonic()
        with pytest.raises(TimeoutError, match=r"total timeout of 0\.5s"):
            await client.post(
                srv.url("/upload"),
                data=b"u" * (64 * 1024 * 1024),
                timeout={"connect": 2, "read": 5, "write": 5, "pool": 2, "total": 0.5},
            )
        assert time.monotonic() - started < 3


async def test_a_deadline_that_is_not_reached_changes_nothing(client: Client) -> None:
    """A quick request under a total returns normally, its stream too, and leaves no timer."""
    token = CancelToken()
    response = await client.get("/get", timeout={"total": 5}, cancel_token=token)
    assert response.status_code == 200
    streamed = await client.get("/stream/3", stream=True, timeout={"total": 5}, cancel_token=token)
    assert len(await client.lines(streamed)) == 3
    assert token._pending == 0  # every attempt's deadline let go of the caller's token
    assert response.request is not None
    assert response.request.extensions["cancel_token"] is token


async def test_cancel_beats_a_deadline(client: Client) -> None:
    """The caller's token still cancels a request under a deadline, as CancelError."""
    token = CancelToken()
    cancel_later(client, token, 0.2, "user left")
    with pytest.raises(CancelError, match="user left"):
        await client.get("/delay/3", cancel_token=token, timeout={"total": 5})


async def test_timeouts_name_their_phase_and_limit(client: Client) -> None:
    """Read and pool timeouts say which limit expired, and its value, on every transport."""
    with pytest.raises(TimeoutError) as caught:
        await client.get("/delay/2", timeout={"connect": 2, "read": 0.25, "write": 2, "pool": 2})
    assert caught.value.phase == "read"
    assert str(caught.value).startswith(f"read timeout of 0.25s for GET {client.server.url}")
    api = client.new(max_connections=1)
    busy = await client.get("/drip", api=api, params={"numbytes": 4, "duration": 2}, stream=True)
    try:
        with pytest.raises(TimeoutError) as caught:
            await client.get(
                "/get", api=api, timeout={"connect": 0.3, "read": 2, "write": 2, "pool": 0.3}
            )
    finally:
        await client.close_response(busy)
    assert caught.value.phase in ("pool", "connect")  # aiohttp: the wait and connect together
    assert f"{caught.value.phase} timeout of " in str(caught.value)
