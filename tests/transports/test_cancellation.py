"""Cancellation: a token aborts a request in flight, queued or mid-stream, and leaks nothing."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from axios_python import CancelError, CancelToken, Request

from ._support import Client, eventually

QUICK_POOL = {"connect": 2.0, "read": 5.0, "write": 2.0, "pool": 1.0}


def cancel_later(client: Client, token: CancelToken, seconds: float, reason: str) -> None:
    """Cancel ``token`` after ``seconds``: from another thread (sync) or the loop (async)."""
    if client.is_async:
        asyncio.get_running_loop().call_later(seconds, token.cancel, reason)
    else:
        threading.Timer(seconds, token.cancel, args=(reason,)).start()


async def test_cancel_in_flight_aborts_and_closes_the_connection(client: Client) -> None:
    """Cancelling while the server delays raises CancelError at once and drops the connection."""
    if client.case.abandons_in_flight:
        await _cancel_in_flight_abandons_the_request(client)
        return
    assert await _cancelled_get(client, "/delay/5") < 1.5
    assert await eventually(lambda: client.server.connections_closed_by_client >= 1)


async def _cancel_in_flight_abandons_the_request(client: Client) -> None:
    """The documented limit (reqwest): CancelError at once, the request itself runs on.

    The server's answer still arrives and ends it; its connection then serves the
    next request, and the server never sees the client go away.
    """
    assert await _cancelled_get(client, "/delay/1") < 0.9  # long before the answer
    await asyncio.sleep(1.5)  # the abandoned request gets its answer meanwhile
    assert (await client.get("/get")).status_code == 200
    assert client.server.connections_opened == 1
    assert client.server.connections_closed_by_client == 0


async def _cancelled_get(client: Client, path: str) -> float:
    """GET ``path`` with a token cancelled after 0.2 s: CancelError; return the seconds taken."""
    token = CancelToken()
    cancel_later(client, token, 0.2, "user left")
    started = time.monotonic()
    with pytest.raises(CancelError) as caught:
        await client.get(path, cancel_token=token)
    assert caught.value.reason == "user left"
    return time.monotonic() - started


async def test_cancel_mid_stream(client: Client) -> None:
    """Cancelling while a streamed body trickles in ends the iteration with CancelError."""
    token = CancelToken()
    response = await client.get(
        "/drip", params={"numbytes": 20, "duration": 5}, stream=True, cancel_token=token
    )
    cancel_later(client, token, 0.3, "enough")
    started = time.monotonic()
    with pytest.raises(CancelError):
        await client.chunks(response)
    assert time.monotonic() - started < 2
    assert await eventually(lambda: client.server.connections_closed_by_client >= 1)


async def test_cancelled_before_sending_sends_nothing(client: Client) -> None:
    """A token cancelled beforehand stops the request before it reaches the server."""
    token = CancelToken()
    token.cancel("too late")
    with pytest.raises(CancelError):
        await client.get("/get", cancel_token=token)
    assert client.server.hits["/get"] == 0


async def test_cancel_while_queued_for_a_connection(client: Client) -> None:
    """A request waiting for the only pool connection is cancelled without waiting its turn."""
    api = client.new(max_connections=1)
    busy = await client.get("/drip", api=api, params={"numbytes": 4, "duration": 3}, stream=True)
    try:
        token = CancelToken()
        cancel_later(client, token, 0.2, "queue")
        started = time.monotonic()
        slow_pool = {"connect": 5.0, "read": 5.0, "write": 5.0, "pool": 5.0}
        with pytest.raises(CancelError):
            await client.get("/get", api=api, cancel_token=token, timeout=slow_pool)
        assert time.monotonic() - started < 1.5
    finally:
        await client.close_response(busy)
    response = await client.get("/get", api=api, timeout=QUICK_POOL)
    assert response.status_code == 200


async def test_many_cancellations_leak_no_pool_slot(client: Client) -> None:
    """Forty requests cancelled in flight or queued leave a 2-connection pool fully usable."""
    api = client.new(max_connections=2)
    for _ in range(5):
        token = CancelToken()
        await _cancelled_batch(client, api, token, size=8)
        assert token._pending == 0
    started = time.monotonic()
    responses = [await client.get("/get", api=api, timeout=QUICK_POOL) for _ in range(3)]
    assert [r.status_code for r in responses] == [200] * 3
    assert time.monotonic() - started < 1


async def _cancelled_batch(client: Client, api: object, token: CancelToken, size: int) -> None:
    """Start ``size`` slow requests sharing ``token``, cancel it, expect CancelError from each."""
    results: list[object]
    options = {"cancel_token": token, "timeout": {"connect": 5, "read": 5, "write": 5, "pool": 5}}
    if client.is_async:
        tasks = [
            asyncio.ensure_future(client.get("/delay/5", api=api, **options)) for _ in range(size)
        ]
        await asyncio.sleep(0.05)
        token.cancel("batch")
        results = await asyncio.gather(*tasks, return_exceptions=True)
    else:
        get: Callable[..., object] = api.get  # type: ignore[attr-defined]
        with ThreadPoolExecutor(max_workers=size) as pool:
            futures = [pool.submit(get, "/delay/5", **options) for _ in range(size)]
            await asyncio.sleep(0.05)  # the threads run on meanwhile
            token.cancel("batch")
            results = [future.exception(timeout=3) for future in futures]
    assert all(isinstance(result, CancelError) for result in results), results


async def test_transport_alone_honours_the_token(client: Client) -> None:
    """The transport itself aborts a request carrying a token in its extensions."""
    transport = client.transport()
    token = CancelToken()
    request = Request("GET", f"{client.server.url}/delay/5", extensions={"cancel_token": token})
    cancel_later(client, token, 0.2, "direct")
    started = time.monotonic()
    with pytest.raises((CancelError, asyncio.CancelledError)):
        await _send_alone(client, transport, request, token)
    assert time.monotonic() - started < 1.5


async def _send_alone(
    client: Client, transport: object, request: Request, token: CancelToken
) -> None:
    """Send with the bare transport; on the async side cancelling the token cancels the task.

    That is what the pipeline does around an async send.
    """
    if not client.is_async:
        transport.send(request)  # type: ignore[attr-defined]
        return
    task = asyncio.ensure_future(transport.send_async(request))  # type: ignore[attr-defined]
    token.on_cancel(lambda _reason: task.get_loop().call_soon_threadsafe(task.cancel))
    await task


async def test_leaving_a_stream_after_a_cancel_raises_nothing(client: Client) -> None:
    """A reader that stops iterating once the token fired gets no error from closing."""
    token = CancelToken()
    response = await client.get(
        "/stream-bytes/200000", params={"chunk_size": 1000}, stream=True, cancel_token=token
    )
    if client.is_async:
        chunks = response.aiter_bytes()
        assert await chunks.__anext__()
        token.cancel()
        await chunks.aclose()  # type: ignore[attr-defined]
    else:
        iterator = response.iter_bytes()
        assert next(iterator)
        token.cancel()
        iterator.close()  # type: ignore[attr-defined]
    await client.close_response(response)
    assert response.is_closed
