"""What a transport cannot do, it says with a documented error: never a silent difference."""

from __future__ import annotations

import asyncio
import threading

import pytest
from axios_python_aiohttp import AiohttpTransport
from axios_python_urllib3 import Urllib3Transport
from echo_server import EchoServer

from axios_python import AxiosPython, ConfigError, HttpxTransport, Request

from ._support import TRANSPORTS


@pytest.mark.parametrize("case", TRANSPORTS, ids=lambda case: case.name)
def test_declared_sides_match_the_transport(case: object) -> None:
    """Each transport supports exactly the sides the conformance suite runs it on."""
    transport = case.build(None, None)  # type: ignore[attr-defined]
    sides = case.sides  # type: ignore[attr-defined]
    assert transport.supports_sync == ("sync" in sides)
    assert transport.supports_async == ("async" in sides)
    transport.close()


async def test_urllib3_refuses_async_requests(server: EchoServer) -> None:
    """Urllib3Transport as the only transport: an async_ request raises NotImplementedError."""
    api = AxiosPython({"base_url": server.url}, transport=Urllib3Transport())
    with pytest.raises(NotImplementedError, match="does not support async"):
        await api.async_get("/get")
    assert server.hits["/get"] == 0
    api.close()


def test_aiohttp_refuses_sync_requests(server: EchoServer) -> None:
    """AiohttpTransport as the only transport: a sync request raises NotImplementedError."""
    api = AxiosPython({"base_url": server.url}, transport=AiohttpTransport())
    with pytest.raises(NotImplementedError, match="does not support synchronous"):
        api.get("/get")
    assert server.hits["/get"] == 0


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"max_connections": 0}, "at least 1"),
        ({"max_connections": "10"}, "must be an int"),
        ({"timeout": 5}, "sets timeout itself"),
        ({"retries": 3}, "sets retries itself"),
        ({"proxy": "http://127.0.0.1:3128"}, "unknown option 'proxy'"),
        ({"ca_cert": "/tmp/ca.pem"}, "did you mean 'ca_certs'"),
    ],
)
def test_urllib3_rejects_bad_options_at_once(options: dict[str, object], message: str) -> None:
    """Bad or unsupported Urllib3Transport options raise ConfigError when it is built."""
    with pytest.raises(ConfigError, match=message):
        Urllib3Transport(**options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"max_connections": -1}, "int >= 0"),
        ({"keepalive_expiry": 0}, "must be positive"),
        ({"connector": None}, "sets connector itself"),
        ({"cookie_jar": None}, "sets cookie_jar itself"),
        ({"trust_evn": True}, "did you mean 'trust_env'"),
        ({"ssl": 5}, "ssl must be True, False, an ssl.SSLContext"),
        ({"ssl": "yes"}, "got str: 'yes'"),
        ({"proxy": 5}, "proxy must be a URL string .got int: 5."),
    ],
)
def test_aiohttp_rejects_bad_options_at_once(options: dict[str, object], message: str) -> None:
    """Bad or unsupported AiohttpTransport options raise ConfigError when it is built."""
    with pytest.raises(ConfigError, match=message):
        AiohttpTransport(**options)  # type: ignore[arg-type]


def test_urllib3_rejects_a_body_it_cannot_send(server: EchoServer) -> None:
    """Content that is neither bytes nor an iterable of bytes raises ConfigError naming its type."""
    transport = Urllib3Transport()
    request = Request("POST", f"{server.url}/post", content=42)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="got int"):
        transport.send(request)
    transport.close()


async def test_aiohttp_sessions_are_per_event_loop(server: EchoServer) -> None:
    """One transport serves two event loops, each with its own session, and closes both."""
    transport = AiohttpTransport()
    api = AxiosPython({"base_url": server.url}, transport=transport)
    assert (await api.async_get("/get")).status_code == 200

    def in_another_loop() -> int:
        async def run() -> int:
            response = await api.async_get("/get")
            await api.aclose()
            return response.status_code

        return asyncio.run(run())

    assert await asyncio.to_thread(in_another_loop) == 200
    assert server.connections_opened == 2
    await api.aclose()
    assert transport._sessions.get(asyncio.get_running_loop()) is None


async def test_aiohttp_requests_alternating_between_loops_use_each_loops_session(
    server: EchoServer,
) -> None:
    """The session the transport remembers is the running loop's, never another loop's.

    Requests alternate between this loop and one in another thread; after aclose()
    the next request here gets a new session, not the closed one.
    """
    transport = AiohttpTransport()
    api = AxiosPython({"base_url": server.url}, transport=transport)
    other = asyncio.new_event_loop()
    thread = threading.Thread(target=other.run_forever)
    thread.start()
    try:
        for _ in range(3):
            assert (await api.async_get("/get")).status_code == 200
            there = asyncio.run_coroutine_threadsafe(api.async_get("/get"), other)
            assert (await asyncio.wrap_future(there)).status_code == 200
        assert len(transport._sessions) == 2
        assert server.connections_opened == 2  # one kept-alive connection per loop
        mine = transport._sessions[asyncio.get_running_loop()]
        await transport.aclose()
        assert mine.closed
        for closing in list(transport._closing):  # the other loop's, closed on that loop
            await asyncio.wrap_future(closing)
        assert (await api.async_get("/get")).status_code == 200
        assert transport._sessions[asyncio.get_running_loop()] is not mine
        await transport.aclose()
    finally:
        other.call_soon_threadsafe(other.stop)
        thread.join(5)
        other.close()


def test_aiohttp_close_outside_any_loop_closes_sessions(server: EchoServer) -> None:
    """close() from sync code closes the session of a finished event loop's run."""
    transport = AiohttpTransport()
    api = AxiosPython({"base_url": server.url}, transport=transport)
    loop = asyncio.new_event_loop()
    try:
        assert loop.run_until_complete(api.async_get("/get")).status_code == 200
        session = transport._sessions[loop]
        api.close()
        assert session.closed
    finally:
        loop.close()


def test_httpx_transport_refuses_redirect_following() -> None:
    """The default transport refuses to follow redirects itself (the pipeline does)."""
    with pytest.raises(ConfigError, match="never follows redirects"):
        HttpxTransport(follow_redirects=True)
