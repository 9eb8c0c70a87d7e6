"""A closed client stays closed: every later request raises ClientClosedError, on every transport.

close(), aclose() and the end of a ``with`` / ``async with`` block close the client
for good. Its pools are not re-created behind the user's back, not even by a retry
that was waiting when close() ran.
"""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from axios_python import AxiosPython, AxiosPythonError, ClientClosedError, FixedBackoff

from ._support import Client, eventually

__all__: list[str] = []


async def _close(client: Client, api: AxiosPython) -> None:
    """Close ``api`` the way this side would: close() or await aclose()."""
    if client.is_async:
        await api.aclose()
    else:
        api.close()


async def test_request_after_close_raises_and_sends_nothing(client: Client) -> None:
    """After close()/aclose() a request raises ClientClosedError before reaching the server."""
    assert (await client.get("/get")).ok
    await _close(client, client.api)
    assert client.api.is_closed
    with pytest.raises(ClientClosedError) as info:
        await client.get("/get")
    assert client.server.hits["/get"] == 1
    message = str(info.value)
    assert repr(client.server.url) in message  # which client: its base_url
    assert "create a new one" in message


async def test_closed_error_is_a_runtime_error(client: Client) -> None:
    """ClientClosedError is an AxiosPythonError and a RuntimeError, like httpx's own."""
    await _close(client, client.api)
    with pytest.raises(RuntimeError):
        await client.post("/post", json={"a": 1})
    assert issubclass(ClientClosedError, AxiosPythonError)


async def test_leaving_the_with_block_closes_the_client(client: Client) -> None:
    """The end of ``with`` / ``async with`` closes the client; entering it again is refused."""
    api = client.new()
    if client.is_async:
        async with api:
            assert (await client.get("/get", api=api)).ok
        with pytest.raises(ClientClosedError):
            await api.__aenter__()
    else:
        with api:
            assert (await client.get("/get", api=api)).ok
        with pytest.raises(ClientClosedError):
            api.__enter__()
    assert api.is_closed
    with pytest.raises(ClientClosedError):
        await client.get("/get", api=api)


async def test_closing_twice_and_both_ways_is_harmless(client: Client) -> None:
    """close() and aclose() may both run, in any order and more than once."""
    client.api.close()
    client.api.close()
    await client.api.aclose()
    client.api.close()
    assert client.api.is_closed


async def test_close_during_retry_backoff_ends_the_request(client: Client) -> None:
    """A retry waiting when close() runs raises ClientClosedError instead of reopening a pool."""
    api = client.new(max_retries=3, retry_strategy=FixedBackoff(delay=0.5, retry_on_status=[503]))
    server = client.server

    if client.is_async:

        async def aclose_after_first_answer() -> None:
            await eventually(lambda: server.hits["/status/503"] >= 1, seconds=5)
            await api.aclose()

        closer = asyncio.create_task(aclose_after_first_answer())
        with pytest.raises(ClientClosedError):
            await client.get("/status/503", api=api)
        await closer
    else:

        def close_after_first_answer() -> None:
            deadline = time.monotonic() + 5
            while server.hits["/status/503"] < 1 and time.monotonic() < deadline:
                time.sleep(0.01)
            api.close()

        thread = threading.Thread(target=close_after_first_answer)
        thread.start()
        with pytest.raises(ClientClosedError):
            await client.get("/status/503", api=api)
        thread.join(timeout=5)
    assert server.hits["/status/503"] == 1


async def test_a_new_client_on_the_same_transport_works(client: Client) -> None:
    """Closing is per client: a transport object given to a new client re-opens its pools."""
    transport = client.case.build(None, None)
    first = AxiosPython({"base_url": client.server.url}, transport=transport)
    assert (await client.get("/get", api=first)).ok
    await _close(client, first)
    second = AxiosPython({"base_url": client.server.url}, transport=transport)
    try:
        assert (await client.get("/get", api=second)).ok
    finally:
        await second.aclose()
