"""Stale kept-alive connections: an idempotent request the server dropped goes once more.

A server may close an idle kept-alive connection just as the next request
arrives on it. That request got no answer at all; a GET (or any idempotent
request) is sent once more on a fresh connection, without retries configured,
while a POST fails with NetworkError (``unanswered``) and is never sent twice.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

import pytest

from axios_python import NetworkError

from ._hostile import Conn, HostileServer
from ._support import Client


def ok(conn: Conn) -> None:
    """A small kept-alive 200."""
    body = f"{conn.method} {conn.target}".encode()
    conn.send_head(200, [("Content-Length", str(len(body))), ("Content-Type", "text/plain")])
    conn.send(body)


def drops_second_request(hang_up: str) -> Callable[[Conn, int], bool]:
    """Answer a connection's first request; hang up on its second one without a byte."""

    def answer(conn: Conn, index: int) -> bool:
        if index == 0:
            ok(conn)
            return True
        if hang_up == "reset":
            conn.reset()
        return False  # "close": the server just closes (FIN)

    return answer


@pytest.mark.parametrize("hang_up", ["reset", "close"])
async def test_idempotent_request_is_sent_again_on_a_fresh_connection(
    client: Client, hang_up: str
) -> None:
    """A GET on a connection the server drops unanswered is resent once, and succeeds."""
    with HostileServer(drops_second_request(hang_up)) as srv:
        api = client.new(base_url=srv.url())
        assert (await client.get("/first", api=api)).text == "GET /first"
        if not client.case.tells_reuse:  # a documented limit: it fails, and is sent once
            with pytest.raises(NetworkError) as caught:
                await client.get("/second", api=api)
            assert not caught.value.unanswered
            assert srv.requests == ["GET /first", "GET /second"]
            return
        response = await client.get("/second", api=api)
        assert response.text == "GET /second"
        assert response.retries == 0  # not a retry: a resend of an unanswered request
        assert srv.requests == ["GET /first", "GET /second", "GET /second"]
        assert srv.connections == 2
        put = await client.request("PUT", "/third", api=api, data=b"same")
        assert put.text == "PUT /third"


@pytest.mark.parametrize("hang_up", ["reset", "close"])
async def test_post_is_never_sent_twice(client: Client, hang_up: str) -> None:
    """A POST the server drops unanswered fails with NetworkError(unanswered=True), sent once."""
    with HostileServer(drops_second_request(hang_up)) as srv:
        api = client.new(base_url=srv.url())
        await client.get("/first", api=api)
        with pytest.raises(NetworkError) as caught:
            await client.post("/pay", api=api, json={"amount": 10})
        assert caught.value.unanswered is client.case.tells_reuse
        assert srv.requests == ["GET /first", "POST /pay"]


async def test_a_fresh_connection_dropped_is_not_resent(client: Client) -> None:
    """Only a kept-alive connection counts: a new one that fails unanswered is not resent."""

    def answer(conn: Conn, index: int) -> bool:
        conn.reset()
        return False

    with HostileServer(answer) as srv:
        with pytest.raises(NetworkError) as caught:
            await client.get(srv.url("/once"))
        assert not caught.value.unanswered
        assert srv.requests == ["GET /once"]


async def test_a_connection_closed_while_idle_is_replaced_for_any_method(client: Client) -> None:
    """A server closing an idle connection is noticed before reuse: even a POST goes through."""
    closed = threading.Event()

    def answer(conn: Conn, index: int) -> bool:
        ok(conn)
        if conn.target == "/first":
            time.sleep(0.05)
            closed.set()
            return False  # close the idle connection right after the answer
        return True

    with HostileServer(answer) as srv:
        api = client.new(base_url=srv.url())
        await client.get("/first", api=api)
        assert closed.wait(2)
        await asyncio.sleep(0.2)  # the client's side sees the close (the loop runs on async)
        response = await client.post("/pay", api=api, json={"amount": 10})
        assert response.text == "POST /pay"
        assert srv.requests == ["GET /first", "POST /pay"]
        assert srv.connections == 2
