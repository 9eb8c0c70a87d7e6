"""AiohttpTransport's fast paths: the direct send (past ClientSession._request), the lazy timer.

The conformance suite runs both (they are the default); these tests pin that the
direct path is in use on the installed aiohttp, that the server cannot tell it
from ``session.request``, that options of the user's take the session's road,
and that the read timer is one per connection and gone with it.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from axios_python_aiohttp import AiohttpTransport, _direct, _headers
from axios_python_aiohttp._protocol import AxiosResponseHandler
from echo_server import EchoServer

import axios_python
from axios_python import TimeoutError

__all__: list[str] = []


async def _chunks() -> Any:
    yield b"streamed "
    yield b"body"


def test_the_direct_path_is_available_on_this_aiohttp() -> None:
    """A silent fallback to session.request would cost every request ~15 us: fail loudly."""
    assert _direct.AVAILABLE
    assert AiohttpTransport()._direct


async def _received(server: EchoServer, direct: bool) -> list[tuple[str, str, list[Any], bytes]]:
    transport = AiohttpTransport()
    transport._direct = direct
    api = axios_python.create({"base_url": server.url}, transport=transport)
    requests: list[tuple[str, dict[str, Any]]] = [
        ("GET", {"params": {"q": "1 2"}}),
        ("HEAD", {}),
        ("POST", {"data": b"raw bytes"}),
        ("POST", {"data": {"json": True}}),
        ("PUT", {"data": _chunks()}),
        ("DELETE", {"headers": {"User-Agent": None, "Accept": None}}),
        ("PATCH", {"headers": [("X-Twice", "1"), ("X-Twice", "2")]}),
    ]
    seen = []
    for method, options in requests:
        response = await api.async_request(method, "/anything#fragment", **options)
        assert response.status_code == 200, (method, response.status_code)
        got = server.requests[-1]
        seen.append((got.method, got.path + "?" + got.query, got.headers, got.body))
    await api.aclose()
    return seen


async def test_the_server_sees_the_same_requests_either_way(server: EchoServer) -> None:
    """Methods, targets, header lines in order and bodies match session.request's byte for byte."""
    assert await _received(server, direct=True) == await _received(server, direct=False)


async def test_session_options_take_the_sessions_road(server: EchoServer) -> None:
    """A session option (here default headers) turns the direct path off, so it applies."""
    transport = AiohttpTransport(headers={"X-From-Session": "yes"})
    assert not transport._direct
    api = axios_python.create({"base_url": server.url}, transport=transport)
    assert (await api.async_get("/get")).status_code == 200
    assert server.requests[-1].header("X-From-Session") == "yes"
    await api.aclose()


async def _failures(server: EchoServer, direct: bool) -> list[tuple[type[Exception], str]]:
    transport = AiohttpTransport()
    transport._direct = direct
    api = axios_python.create({"base_url": server.url}, transport=transport)
    seen: list[tuple[type[Exception], str]] = []
    try:
        for url, timeout in (
            ("/reset", None),
            ("/delay/2", {"connect": 2, "read": 0.2}),
            ("ftp://127.0.0.1/file", None),
        ):
            with pytest.raises(axios_python.AxiosPythonError) as caught:
                await api.async_get(url, timeout=timeout)
            seen.append((type(caught.value), str(caught.value).replace(server.url, "")))
    finally:
        await api.aclose()
    return seen


async def test_errors_are_the_same_either_way(server: EchoServer) -> None:
    """A reset, a read timeout and a bad scheme raise the same errors, saying the same."""
    direct = await _failures(server, direct=True)
    assert [kind for kind, _ in direct] == [
        axios_python.NetworkError,
        TimeoutError,
        axios_python.ConfigError,
    ]
    assert direct[1][1].startswith("read timeout of 0.2s for GET /delay/2")
    assert direct == await _failures(server, direct=False)


def _read_timers(loop: asyncio.AbstractEventLoop) -> list[asyncio.TimerHandle]:
    """The loop's pending read-limit timers (the lazy ones of AxiosResponseHandler)."""
    scheduled: list[asyncio.TimerHandle] = getattr(loop, "_scheduled", [])
    return [
        handle
        for handle in scheduled
        if not handle.cancelled()
        and getattr(getattr(handle, "_callback", None), "__func__", None)
        is AxiosResponseHandler._axios_check
    ]


async def test_the_read_timer_outlives_requests_not_its_connection(server: EchoServer) -> None:
    """Requests on one kept-alive connection share one armed timer (none cancelled and
    replaced per read); closing the client cancels it, so nothing keeps the connection alive."""
    loop = asyncio.get_running_loop()
    api = axios_python.create({"base_url": server.url}).plugin("aiohttp")
    for _ in range(20):
        assert (await api.async_get("/get")).status_code == 200
    assert len(_read_timers(loop)) == 1
    await api.aclose()
    await asyncio.sleep(0)  # connection_lost runs on the next loop iteration
    assert _read_timers(loop) == []


def test_response_headers_are_decoded_as_latin1_with_their_names_remembered() -> None:
    """Pairs in order with repeats, latin-1 (as before), the core's lower-cased names in step."""
    raw = (
        (b"Content-Type", b"text/plain"),
        (b"Set-Cookie", b"a=1"),
        (b"X-Caf\xe9", b"cr\xe8me"),
        (b"set-cookie", b"b=2"),
    )
    headers = _headers.received(raw)
    assert headers.multi_items() == [
        ("Content-Type", "text/plain"),
        ("Set-Cookie", "a=1"),
        ("X-Caf\xe9", "cr\xe8me"),
        ("set-cookie", "b=2"),
    ]
    assert headers._names == ["content-type", "set-cookie", "x-caf\xe9", "set-cookie"]
    assert headers.get_list("Set-Cookie") == ["a=1", "b=2"]
    assert headers.multi_items() == [(k.decode("latin-1"), v.decode("latin-1")) for k, v in raw]
    assert _headers.received(raw).multi_items() == headers.multi_items()  # names remembered


def test_remembered_response_header_names_are_bounded() -> None:
    """A server sending ever new names cannot grow the memo past its size."""
    for number in range(_headers._SIZE * 3):
        name = f"X-N{number}".encode()
        assert _headers.received(((name, b"v"),))._names == [name.decode().lower()]
        assert len(_headers._names) <= _headers._SIZE
