"""Failures map to the library's errors on every transport: network, timeouts, bad URLs."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator

import pytest
from echo_server import refusing_port

from axios_python import AxiosPythonError, ConfigError, NetworkError, TimeoutError

from ._support import Client

QUICK = {"connect": 2.0, "read": 0.3, "write": 2.0, "pool": 2.0}


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections (in the kernel backlog) but never reads a byte."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


async def test_refused_connection_is_a_network_error(client: Client) -> None:
    """Nothing listening on the port raises NetworkError, also a ConnectionError."""
    with pytest.raises(NetworkError) as caught:
        await client.get(f"http://127.0.0.1:{refusing_port()}/get")
    assert isinstance(caught.value, ConnectionError)
    assert caught.value.request is not None


async def test_reset_connection_is_a_network_error(client: Client) -> None:
    """A connection reset before any response raises NetworkError."""
    with pytest.raises(NetworkError):
        await client.get("/reset")


async def test_read_timeout_waiting_for_the_response(client: Client) -> None:
    """A server slower than the read timeout raises TimeoutError promptly."""
    started = time.monotonic()
    with pytest.raises(TimeoutError) as caught:
        await client.get("/delay/3", timeout=QUICK)
    assert time.monotonic() - started < 2
    assert isinstance(caught.value, builtins_timeout())


async def test_read_timeout_between_body_pieces(client: Client) -> None:
    """A body that stalls longer than the read timeout raises TimeoutError mid-body."""
    with pytest.raises(TimeoutError):
        await client.get("/drip", params={"numbytes": 3, "duration": 3}, timeout=QUICK)


async def test_read_timeout_restarts_with_every_piece(client: Client) -> None:
    """Pieces 0.2 s apart never trip a 0.6 s read limit, though the body takes 1.2 s."""
    response = await client.get(
        "/drip",
        params={"numbytes": 6, "duration": 1.2},
        timeout={**QUICK, "read": 0.6},
    )
    assert response.content == b"******"


async def test_read_timeout_is_each_requests_own_on_a_kept_alive_connection(
    client: Client,
) -> None:
    """A connection that served a request with a long read limit (30 s, the default) holds
    the next request to its own shorter one; idle time between requests is not a read wait."""
    assert (await client.get("/get")).status_code == 200
    started = time.monotonic()
    with pytest.raises(TimeoutError) as caught:
        await client.get("/delay/3", timeout=QUICK)  # the connection the /get left in the pool
    assert caught.value.phase == "read"
    assert time.monotonic() - started < 2
    assert (await client.get("/get", timeout=QUICK)).status_code == 200
    await asyncio.sleep(0.5)  # idle longer than the 0.3 s limit: nothing is waiting for bytes
    assert (await client.get("/get", timeout=QUICK)).status_code == 200
    assert (await client.get("/delay/0.1", timeout=QUICK)).status_code == 200


async def test_no_timeout_waits(client: Client) -> None:
    """``timeout=None`` lets a slow response finish."""
    response = await client.get("/delay/0.5", timeout=None)
    assert response.status_code == 200


async def test_write_timeout_when_the_server_stops_reading(
    client: Client, silent_port: int
) -> None:
    """A body the server never reads raises a write TimeoutError, not a hang."""
    timeout = {"connect": 2.0, "read": 5.0, "write": 0.3, "pool": 2.0}
    started = time.monotonic()
    with pytest.raises(TimeoutError, match="write"):
        await client.post(
            f"http://127.0.0.1:{silent_port}/post", data=b"x" * (32 * 1024 * 1024), timeout=timeout
        )
    assert time.monotonic() - started < 4


async def test_pool_timeout_when_every_connection_is_busy(client: Client) -> None:
    """With one connection busy, a second request gives up after the pool timeout."""
    api = client.new(max_connections=1)
    busy = await client.get("/drip", api=api, params={"numbytes": 4, "duration": 2}, stream=True)
    try:
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            await client.get(
                "/get", api=api, timeout={"connect": 0.2, "read": 2, "write": 2, "pool": 0.2}
            )
        assert time.monotonic() - started < 1.5
    finally:
        await client.close_response(busy)


async def test_unsupported_scheme_is_a_config_error(client: Client) -> None:
    """A URL the transport cannot speak raises ConfigError, before anything is sent."""
    with pytest.raises(ConfigError):
        await client.get("ftp://127.0.0.1/file")


async def test_every_failure_is_an_axios_error(client: Client) -> None:
    """Failures carry the prepared request and derive from AxiosPythonError."""
    with pytest.raises(AxiosPythonError) as caught:
        await client.get("/reset")
    assert caught.value.request is not None
    assert caught.value.request.url.endswith("/reset")


def builtins_timeout() -> type[BaseException]:
    """The builtin TimeoutError (shadowed in this module by the library's)."""
    import builtins

    return builtins.TimeoutError
