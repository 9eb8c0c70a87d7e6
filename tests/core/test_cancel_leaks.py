"""1,000 cancelled in-flight requests under pool contention leak no slot, socket or callback.

Each round starts twice as many requests as the pool has connections, so half of
them queue for a connection while the other half reach the server. Most rounds
cancel once every connection is busy on the server; every fourth cancels at once,
while connections are still being opened (the window of encode/httpcore#1093).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from echo_server import EchoServer

from axios_python import AxiosPython, CancelError, CancelToken, HttpxTransport, RequestOptions

TOTAL = 1000
CONNECTIONS = 10
BATCH = 2 * CONNECTIONS  # half of each round waits for the pool
ROUNDS = TOTAL // BATCH
PATH = "/delay/2"


def open_descriptors() -> int:
    """How many file descriptors this process has open (sockets of client and server alike)."""
    return len(os.listdir("/proc/self/fd"))


def contended_client(server: EchoServer) -> AxiosPython:
    """A client with a small pool and a short pool timeout, so one leaked slot shows at once."""
    transport = HttpxTransport(limits=httpx.Limits(max_connections=CONNECTIONS))
    config: RequestOptions = {
        "base_url": server.url,
        "timeout": {"connect": 2, "read": 5, "write": 2, "pool": 1},
    }
    return AxiosPython(config, transport=transport)


def wait_for(condition: Callable[[], bool], timeout: float = 3.0) -> None:
    """Poll ``condition`` until it holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.002)


async def async_wait_for(condition: Callable[[], bool], timeout: float = 3.0) -> None:
    """Async twin of wait_for()."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.002)


def in_flight_now(server: EchoServer, round_number: int, before: int) -> Callable[[], bool]:
    """For most rounds: every pool connection's request has reached the server."""
    if round_number % 4 == 0:
        return lambda: True  # cancel at once: requests are queued or still connecting
    return lambda: server.hits[PATH] >= before + CONNECTIONS


def check_server_saw_every_cut(server: EchoServer) -> None:
    """Every request that reached the server ended with the client closing its connection."""
    wait_for(lambda: server.connections_closed_by_client == server.hits[PATH])
    wait_for(lambda: server.open_connections <= 1)
    assert server.hits[PATH] >= (ROUNDS * 3 // 4) * CONNECTIONS


def test_sync_thousand_cancellations_leak_nothing(own_server: EchoServer) -> None:
    """1,000 sync requests cancelled while queued or in flight leave the client as it was."""
    api = contended_client(own_server)
    api.get("/get")
    wait_for(lambda: own_server.open_connections <= 1)
    baseline = open_descriptors()
    with ThreadPoolExecutor(max_workers=BATCH) as pool:
        for round_number in range(ROUNDS):
            token = CancelToken()
            before = own_server.hits[PATH]
            futures = [pool.submit(api.get, PATH, cancel_token=token) for _ in range(BATCH)]
            wait_for(in_flight_now(own_server, round_number, before))
            token.cancel("storm")
            errors = [future.exception(timeout=2) for future in futures]
            assert all(isinstance(error, CancelError) for error in errors), errors
            assert token._pending == 0
    check_server_saw_every_cut(own_server)
    started = time.monotonic()
    assert api.get("/get").status_code == 200  # a leaked slot would raise a pool TimeoutError
    assert time.monotonic() - started < 1
    wait_for(lambda: own_server.open_connections <= 1)
    assert open_descriptors() <= baseline + 2
    api.close()


async def test_async_thousand_cancellations_leak_nothing(own_server: EchoServer) -> None:
    """1,000 async requests cancelled while queued or in flight leave the client as it was."""
    api = contended_client(own_server)
    await api.async_get("/get")
    await async_wait_for(lambda: own_server.open_connections <= 1)
    baseline = open_descriptors()
    for round_number in range(ROUNDS):
        token = CancelToken()
        before = own_server.hits[PATH]
        tasks = [
            asyncio.ensure_future(api.async_get(PATH, cancel_token=token)) for _ in range(BATCH)
        ]
        await async_wait_for(in_flight_now(own_server, round_number, before))
        token.cancel("storm")
        results = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 2)
        assert all(isinstance(result, CancelError) for result in results), results
        assert token._pending == 0
    check_server_saw_every_cut(own_server)
    started = time.monotonic()
    assert (await api.async_get("/get")).status_code == 200
    assert time.monotonic() - started < 1
    await async_wait_for(lambda: own_server.open_connections <= 1)
    assert open_descriptors() <= baseline + 2
    await api.aclose()


@pytest.mark.parametrize("cancel_after", [0.0, 0.001, 0.005])
async def test_async_task_cancellation_under_contention_frees_slots(
    own_server: EchoServer, cancel_after: float
) -> None:
    """Plain Task.cancel() of queued and connecting requests never strands a pool slot."""
    api = contended_client(own_server)
    for _ in range(10):
        tasks = [asyncio.ensure_future(api.async_get(PATH)) for _ in range(30)]
        await asyncio.sleep(cancel_after)
        for task in tasks:
            task.cancel()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        assert all(isinstance(result, asyncio.CancelledError) for result in results)
    assert (await api.async_get("/get")).status_code == 200
    await api.aclose()
