"""1,000 cancelled in-flight requests under pool contention leak no slot, socket or callback."""

from __future__ import annotations

import asyncio
import os
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from echo_server import EchoServer

from axios_python import AxiosPython, CancelError, CancelToken, HttpxTransport

TOTAL = 1000
CONNECTIONS = 5  # far fewer than concurrent requests: most of them queue for the pool
PATH = "/delay/2"


def open_descriptors() -> int:
    """How many file descriptors this process has open (sockets of client and server alike)."""
    return len(os.listdir("/proc/self/fd"))


def contended_client(server: EchoServer) -> AxiosPython:
    """A client with a small pool and a short pool timeout, so one leaked slot shows at once."""
    transport = HttpxTransport(limits=httpx.Limits(max_connections=CONNECTIONS))
    config: dict[str, Any] = {
        "base_url": server.url,
        "timeout": {"connect": 2, "read": 5, "write": 2, "pool": 1},
    }
    return AxiosPython(config, transport=transport)


def settle(server: EchoServer) -> None:
    """Wait until the server has closed its side of every connection the client dropped."""
    deadline = time.monotonic() + 3
    while server.open_connections > 1 and time.monotonic() < deadline:
        time.sleep(0.01)


def check_recovered(api: AxiosPython, server: EchoServer, baseline: int) -> None:
    """The next request succeeds within the pool timeout and descriptors are back to baseline."""
    started = time.monotonic()
    assert api.get("/get").status_code == 200  # a leaked slot would raise a pool TimeoutError
    assert time.monotonic() - started < 1
    settle(server)
    assert open_descriptors() <= baseline + 2


def test_sync_thousand_cancellations_leak_nothing(own_server: EchoServer) -> None:
    """1,000 sync requests cancelled while queued or in flight leave the client as it was."""
    api = contended_client(own_server)
    api.get("/get")
    settle(own_server)
    baseline = open_descriptors()
    batch = 20
    with ThreadPoolExecutor(max_workers=batch) as pool:
        for round_number in range(TOTAL // batch):
            token = CancelToken()
            futures = [pool.submit(api.get, PATH, cancel_token=token) for _ in range(batch)]
            time.sleep(0.002 * (round_number % 4))  # cancel while connecting, queued or waiting
            token.cancel("storm")
            errors = [future.exception(timeout=2) for future in futures]
            assert all(isinstance(error, CancelError) for error in errors), errors
            assert token._pending == 0
    check_recovered(api, own_server, baseline)
    api.close()


async def test_async_thousand_cancellations_leak_nothing(own_server: EchoServer) -> None:
    """1,000 async requests cancelled in batches leave no leaked pool slot or socket behind."""
    api = contended_client(own_server)
    await api.async_get("/get")
    settle(own_server)
    baseline = open_descriptors()
    batch = 100
    for round_number in range(TOTAL // batch):
        token = CancelToken()
        tasks = [
            asyncio.ensure_future(api.async_get(PATH, cancel_token=token)) for _ in range(batch)
        ]
        await asyncio.sleep(0.003 * (round_number % 4))
        token.cancel("storm")
        results = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 2)
        assert all(isinstance(result, CancelError) for result in results), results
        assert token._pending == 0
    started = time.monotonic()
    assert (await api.async_get("/get")).status_code == 200
    assert time.monotonic() - started < 1
    settle(own_server)
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
