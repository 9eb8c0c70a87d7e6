"""Keep-alive and pool limits: connections are reused and never exceed the limit."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

from echo_server import EchoServer

from ._hostile import Conn, HostileServer
from ._support import Client, eventually


async def test_sequential_requests_reuse_one_connection(client: Client) -> None:
    """Five requests in a row travel on a single kept-alive connection."""
    for _ in range(5):
        response = await client.get("/get")
        assert response.status_code == 200
        await client.settle()
    assert client.server.connections_opened == 1


async def test_streamed_response_read_in_full_returns_its_connection(client: Client) -> None:
    """A streamed body read to the end gives its connection back for the next request."""
    response = await client.get("/stream/3", stream=True)
    await client.lines(response)
    await client.settle()
    await client.get("/get")
    assert client.server.connections_opened == 1


async def test_concurrent_requests_respect_the_pool_limit(
    client: Client, own_server: EchoServer
) -> None:
    """Eight concurrent requests with max_connections=2: two in flight, on two connections.

    Where the transport pools in the background (reqwest), only what is in flight is
    bounded: see test_connection_options.test_pool_limits and transports-fast.md.
    """
    client.api = client.new(max_connections=2, base_url=own_server.url)
    responses = await client.gather(8, "/delay/0.1")
    assert [r.status_code for r in responses] == [200] * 8
    assert 1 <= own_server.peak_in_flight <= 2
    if not client.case.pools_in_background:
        assert 1 <= own_server.connections_opened <= 2


async def test_close_releases_idle_connections(client: Client, own_server: EchoServer) -> None:
    """Closing the client closes its idle kept-alive connections."""
    api = client.new(base_url=own_server.url)
    await client.get("/get", api=api)
    assert own_server.open_connections == 1
    await api.aclose()
    assert await eventually(lambda: own_server.open_connections == 0)


def together(workers: int) -> Callable[[Conn, int], bool]:
    """An answer that holds each request until ``workers`` requests of its round (``/rN``) are
    in, so every round has all of them in flight at once, however slow the machine is."""
    rounds: dict[str, threading.Barrier] = {}
    lock = threading.Lock()

    def answer(conn: Conn, index: int) -> bool:
        with lock:
            barrier = rounds.setdefault(conn.target, threading.Barrier(workers))
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=5)  # a pool that cannot hold them all still gets answers
        conn.send_head(200, [("Content-Length", "2"), ("Content-Type", "text/plain")])
        conn.send(b"ok")
        return True

    return answer


async def test_a_busy_pool_does_not_churn(client: Client) -> None:
    """32 threads (or 64 tasks) on one client reuse their connections: no more are opened.

    Every round has all its requests in flight at once, so it needs every connection
    of the round before. With httpx's own default (20 kept alive, busy ones counted
    against that) each round would open a new connection for most requests.
    """
    workers = 64 if client.is_async else 32
    with HostileServer(together(workers)) as srv:
        client.api = client.new(base_url=srv.url())
        for round_ in range(5):
            responses = await client.gather(workers, f"/r{round_}")
            assert [r.text for r in responses] == ["ok"] * workers
            await client.settle()
        assert srv.connections == workers
