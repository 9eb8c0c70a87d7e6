"""Transports: the neutral boundary, HttpxTransport's mapping (respx) and its real pools."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncGenerator, AsyncIterator, Iterator
from importlib.util import find_spec
from typing import Any

import httpx
import pytest
import respx
from echo_server import EchoServer

import axios_python
from axios_python import (
    AxiosPython,
    BaseTransport,
    ConfigError,
    Headers,
    HttpxTransport,
    NetworkError,
    ProtocolError,
    Request,
    RequestConfig,
    Response,
    Timeout,
    TimeoutError,
)
from axios_python.transports.httpx2 import httpx2_transport

from ._support import AsyncNext, Sender

__all__: list[str] = []

BASE = "https://api.example.test"


def _no_httpx(value: Any, seen: set[int] | None = None) -> None:
    """Fail if ``value`` or anything reachable through its attributes is an httpx object."""
    seen = set() if seen is None else seen
    if id(value) in seen or isinstance(value, (str, bytes, int, float, bool, type(None))):
        return
    seen.add(id(value))
    module = type(value).__module__ or ""
    assert not module.startswith(("httpx", "httpcore")), f"httpx type leaked: {value!r}"
    if isinstance(value, dict):
        for key, item in value.items():
            _no_httpx(key, seen)
            _no_httpx(item, seen)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            _no_httpx(item, seen)
    elif isinstance(value, (Request, Response, Headers)):
        slots = getattr(type(value), "__slots__", ())
        names = list(vars(value)) if hasattr(value, "__dict__") else list(slots)
        for name in names:
            if name != "_stream":  # a transport's private byte stream may wrap its library
                _no_httpx(getattr(value, name), seen)


# --- the boundary with a custom transport ---------------------------------------------------


class Inspecting(BaseTransport):
    """Checks that only axios_python objects arrive, then answers 200."""

    def __init__(self) -> None:
        self.seen: list[Request] = []

    def send(self, request: Request) -> Response:
        """Record and answer."""
        assert type(request) is Request
        assert isinstance(request.headers, Headers)
        assert isinstance(request.timeout, Timeout)
        _no_httpx(request)
        self.seen.append(request)
        return Response(201, headers={"X-Seen": "1"}, content=b"ok", request=request)

    async def send_async(self, request: Request) -> Response:
        """Async twin of send()."""
        return self.send(request)


@pytest.mark.parametrize(
    "options",
    [
        {"json": {"a": 1}},
        {"data": {"field": "v"}},
        {"data": b"raw"},
        {"files": {"f": ("f.txt", b"content", "text/plain")}},
        {"params": {"q": "1"}, "headers": {"X-A": "b"}, "timeout": 3},
    ],
)
async def test_custom_transport_receives_only_library_types(
    options: dict[str, Any], send: Sender
) -> None:
    """A custom transport gets an axios_python.Request with no httpx object inside it."""
    transport = Inspecting()
    api = AxiosPython({"base_url": BASE}, transport=transport)
    response = await send(api, "POST", "/items", **options)
    assert response.status_code == 201
    assert transport.seen[0].url.startswith(f"{BASE}/items")
    assert transport.seen[0].method == "POST"


async def test_custom_transport_sees_the_encoded_body(send: Sender) -> None:
    """json is encoded to bytes with a Content-Type before it reaches the transport."""
    transport = Inspecting()
    api = AxiosPython({"base_url": BASE}, transport=transport)
    await send(api, "POST", "/x", json={"a": [1, "é"]})
    sent = transport.seen[0]
    assert sent.content == '{"a":[1,"é"]}'.encode()
    assert sent.headers["content-type"] == "application/json"


def test_base_transport_reports_what_it_supports() -> None:
    """supports_sync / supports_async tell which side a transport implements."""

    class SyncOnly(BaseTransport):
        def send(self, request: Request) -> Response:
            return Response(200, request=request)

    assert SyncOnly().supports_sync is True
    assert SyncOnly().supports_async is False
    assert Inspecting().supports_async is True
    with pytest.raises(NotImplementedError, match="does not support async"):
        asyncio.run(SyncOnly().send_async(Request("GET", BASE)))


# --- HttpxTransport against respx ------------------------------------------------------------


@pytest.fixture
def mock_router() -> Iterator[respx.MockRouter]:
    """respx routes for BASE; unmatched requests fail the test."""
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        yield router


async def test_httpx_request_is_built_from_ours(
    send: Sender, mock_router: respx.MockRouter
) -> None:
    """Method, URL, headers, body and the timeout parts are handed to httpx unchanged."""
    route = mock_router.post("/items").mock(return_value=httpx.Response(200, json={"ok": 1}))
    api = AxiosPython(
        {"base_url": BASE, "timeout": {"connect": 1, "read": 2, "write": 3, "pool": 4}}
    )
    await send(api, "POST", "/items", params={"q": "a b"}, headers={"X-A": "1"}, json={"k": "v"})
    sent = route.calls.last.request
    assert sent.method == "POST"
    assert str(sent.url) == f"{BASE}/items?q=a%20b"
    assert sent.headers["X-A"] == "1"
    assert sent.headers["Content-Type"] == "application/json"
    assert sent.content == b'{"k":"v"}'
    assert sent.extensions["timeout"] == {"connect": 1.0, "read": 2.0, "write": 3.0, "pool": 4.0}
    assert "gzip" in sent.headers["Accept-Encoding"]


async def test_caller_accept_encoding_wins(send: Sender, mock_router: respx.MockRouter) -> None:
    """An explicit Accept-Encoding is sent as given, not replaced by the default."""
    route = mock_router.get("/e").mock(return_value=httpx.Response(200))
    api = AxiosPython({"base_url": BASE})
    await send(api, "GET", "/e", headers={"Accept-Encoding": "identity"})
    assert route.calls.last.request.headers.get_list("Accept-Encoding") == ["identity"]


async def test_httpx_response_becomes_ours(send: Sender, mock_router: respx.MockRouter) -> None:
    """Status, repeated headers and body come back in a Response holding no httpx object."""
    mock_router.get("/r").mock(
        return_value=httpx.Response(
            200,
            headers=[
                ("Set-Cookie", "a=1"),
                ("Set-Cookie", "b=2"),
                ("Content-Type", "application/json"),
            ],
            content=b'{"x": 1}',
        )
    )
    api = AxiosPython({"base_url": BASE})
    response = await send(api, "GET", "/r")
    assert type(response) is Response
    assert response.data == {"x": 1}
    assert response.headers.get_list("set-cookie") == ["a=1", "b=2"]
    _no_httpx(response)


async def test_httpx_transport_never_follows_redirects_itself(
    send: Sender, mock_router: respx.MockRouter
) -> None:
    """HttpxTransport returns a 302 as is; following is the pipeline's job."""
    mock_router.get("/moved").mock(return_value=httpx.Response(302, headers={"Location": "/new"}))
    transport = HttpxTransport()
    request = Request("GET", f"{BASE}/moved")
    if send.is_async:
        response = await transport.send_async(request)
        await transport.aclose()
    else:
        response = transport.send(request)
        transport.close()
    assert response.status_code == 302
    assert response.request is request


def test_follow_redirects_option_is_refused() -> None:
    """HttpxTransport(follow_redirects=True) is a ConfigError pointing at the config key."""
    with pytest.raises(ConfigError, match="'follow_redirects' config key"):
        HttpxTransport(follow_redirects=True)


@pytest.mark.parametrize(
    ("raised", "expected", "fragment"),
    [
        (httpx.ConnectError("refused"), NetworkError, "ConnectError"),
        (httpx.ReadError("reset"), NetworkError, "ReadError"),
        (httpx.RemoteProtocolError("garbage"), ProtocolError, "malformed response"),
        (httpx.ConnectTimeout("slow"), TimeoutError, "connect timeout"),
        (httpx.ReadTimeout("slow"), TimeoutError, "read timeout"),
        (httpx.WriteTimeout("slow"), TimeoutError, "write timeout"),
        (httpx.PoolTimeout("full"), TimeoutError, "pool timeout"),
        (httpx.UnsupportedProtocol("nope"), ConfigError, "cannot send"),
    ],
)
async def test_httpx_errors_are_mapped(
    raised: Exception,
    expected: type[Exception],
    fragment: str,
    send: Sender,
    mock_router: respx.MockRouter,
) -> None:
    """Each httpx failure becomes our error, with the httpx one kept as __cause__."""
    mock_router.get("/fail").mock(side_effect=raised)
    api = AxiosPython({"base_url": BASE})
    with pytest.raises(expected) as info:
        await send(api, "GET", "/fail")
    assert not isinstance(info.value, httpx.HTTPError)
    assert info.value.__cause__ is raised
    assert fragment in str(info.value)
    assert f"{BASE}/fail" in str(info.value)


async def test_stream_through_httpx_transport(send: Sender, mock_router: respx.MockRouter) -> None:
    """stream=True hands back a Response whose body is read lazily from httpx."""
    mock_router.get("/s").mock(return_value=httpx.Response(200, content=b"line1\nline2\n"))
    api = AxiosPython({"base_url": BASE})
    response = await send(api, "GET", "/s", stream=True)
    assert not response.is_closed
    if send.is_async:
        lines = [line async for line in response.aiter_lines()]
    else:
        lines = list(response.iter_lines())
    assert lines == ["line1", "line2"]
    assert response.is_closed


async def test_async_iterable_body_is_streamed(mock_router: respx.MockRouter) -> None:
    """An async generator body is sent by the async path."""
    route = mock_router.post("/upload").mock(return_value=httpx.Response(200))

    async def body() -> AsyncIterator[bytes]:
        yield b"part1-"
        yield b"part2"

    api = AxiosPython({"base_url": BASE})
    await api.async_post("/upload", data=body())
    assert route.calls.last.request.content == b"part1-part2"


def test_async_iterable_body_on_sync_path_is_refused(mock_router: respx.MockRouter) -> None:
    """An async generator body on the sync path raises ConfigError saying to use async_."""

    async def body() -> AsyncGenerator[bytes, None]:
        yield b"x"

    api = AxiosPython({"base_url": BASE})
    generator = body()
    with pytest.raises(ConfigError, match="async_ methods"):
        api.post("/upload", data=generator)
    asyncio.run(generator.aclose())


# --- real pools against the echo server -------------------------------------------------------


def test_sync_keep_alive_uses_one_connection(server: EchoServer) -> None:
    """100 sequential sync requests travel over a single TCP connection."""
    with axios_python.create({"base_url": server.url}) as api:
        for _ in range(100):
            api.get("/get")
    assert server.hits["/get"] == 100
    assert server.connections_opened == 1


async def test_async_keep_alive_uses_one_connection(server: EchoServer) -> None:
    """100 sequential async requests travel over a single TCP connection."""
    async with axios_python.create({"base_url": server.url}) as api:
        for _ in range(100):
            await api.async_get("/get")
    assert server.hits["/get"] == 100
    assert server.connections_opened == 1


async def test_async_concurrency_reuses_a_bounded_pool(server: EchoServer) -> None:
    """Concurrent async requests open at most one connection each, then reuse them."""
    async with axios_python.create({"base_url": server.url}) as api:
        for _ in range(5):
            await asyncio.gather(*(api.async_get("/delay/0.01") for _ in range(20)))
    assert server.hits["/delay/0.01"] == 100
    assert server.connections_opened <= 20


def test_sync_request_from_inside_a_running_loop(server: EchoServer) -> None:
    """api.get() works when called synchronously from a coroutine and a loop callback."""
    api = axios_python.create({"base_url": server.url})
    results: list[int] = []

    async def main() -> int:
        loop = asyncio.get_running_loop()
        done = loop.create_future()

        def callback() -> None:
            results.append(api.get("/get").status_code)
            done.set_result(None)

        loop.call_soon(callback)
        await done
        return api.get("/get", params={"from": "coroutine"}).status_code

    assert asyncio.run(main()) == 200
    assert results == [200]
    assert server.hits["/get"] == 2
    api.close()


def test_sync_path_never_starts_an_event_loop(
    server: EchoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sync requests (with async middleware and streaming) create no event loop at all."""

    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the sync path tried to start an event loop")

    monkeypatch.setattr(asyncio, "run", forbidden)
    monkeypatch.setattr(asyncio, "new_event_loop", forbidden)
    monkeypatch.setattr(asyncio.events, "new_event_loop", forbidden)
    monkeypatch.setattr(asyncio.BaseEventLoop, "__init__", forbidden)

    async def passthrough(ctx: RequestConfig, next_fn: AsyncNext) -> Response:
        return await next_fn(ctx)

    api = axios_python.create({"base_url": server.url}).use(passthrough)
    for _ in range(3):
        assert api.get("/get").ok
    with api.get("/stream/3", stream=True) as response:
        assert len(list(response.iter_lines())) == 3
    assert api.post("/post", json={"a": 1}).data["json"] == {"a": 1}
    api.close()


def test_sync_requests_from_many_threads_share_the_pool(server: EchoServer) -> None:
    """One instance serves concurrent threads; connections stay bounded by the thread count."""
    api = axios_python.create({"base_url": server.url})
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(10):
                api.get("/get")
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert server.hits["/get"] == 40
    assert server.connections_opened <= 4
    api.close()


async def test_each_event_loop_gets_its_own_async_pool(server: EchoServer) -> None:
    """An instance used from a second event loop (in a thread) still works there, and after.

    The transport's aclose() frees only that loop's pool (and the sync one): unlike
    the client's aclose(), it leaves the transport usable, pools re-created on demand.
    """
    transport = HttpxTransport()
    api = axios_python.create({"base_url": server.url}, transport=transport)
    assert (await api.async_get("/get")).ok

    def other_loop() -> int:
        async def go() -> int:
            response = await api.async_get("/get")
            await transport.aclose()
            return response.status_code

        return asyncio.run(go())

    assert await asyncio.to_thread(other_loop) == 200
    assert (await api.async_get("/get")).ok
    await api.aclose()


def test_transports_share_one_default_ssl_context() -> None:
    """Two default transports reuse one verifying SSL context; an explicit verify is kept."""
    import ssl

    from axios_python import HttpxTransport

    first, second = HttpxTransport(), HttpxTransport()
    shared = first._options["verify"]
    assert isinstance(shared, ssl.SSLContext)
    assert shared.verify_mode == ssl.CERT_REQUIRED
    assert second._options["verify"] is shared
    assert HttpxTransport(verify=False)._options["verify"] is False


def test_many_threads_never_have_their_connection_closed_under_them(
    own_server: EchoServer,
) -> None:
    """50 threads x 40 rounds on one client: no request fails because the pool closed its socket.

    httpcore closes "surplus idle" connections outside its lock, which can close one a
    thread was just handed (EBADF on raw httpx); HttpxTransport's pool keeps those.
    """
    api = AxiosPython({"base_url": own_server.url})
    failures: list[BaseException] = []
    for _ in range(40):
        barrier = threading.Barrier(50)

        def work(barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            try:
                api.get("/delay/0.01")
            except Exception as exc:  # collected, asserted below
                failures.append(exc)

        threads = [threading.Thread(target=work) for _ in range(50)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    api.close()
    assert failures == []


async def test_a_one_sided_transport_raises_a_library_error_for_the_other_side() -> None:
    """A sync-only transport= refuses async_ requests with UnsupportedRequestError."""
    from axios_python import (
        AxiosPythonError,
        BaseTransport,
        Response,
        UnsupportedRequestError,
    )

    class SyncOnly(BaseTransport):
        def send(self, request: Request) -> Response:
            return Response(200, request=request)

    api = AxiosPython({"base_url": "http://x.test"}, transport=SyncOnly())
    assert api.get("/").status_code == 200
    with pytest.raises(UnsupportedRequestError, match="does not support async") as info:
        await api.async_get("/")
    assert isinstance(info.value, AxiosPythonError)
    assert isinstance(info.value, NotImplementedError)


# httpx2 (the [httpx2] extra) installs on Python 3.11+ only.
@pytest.mark.parametrize("module", ["httpx", *(["httpx2"] if find_spec("httpx2") else [])])
async def test_the_httpx_clients_keep_no_cookies_of_their_own(
    server: EchoServer, module: str
) -> None:
    """Cookies are the pipeline's: httpx's client jar stays empty (it kept every Set-Cookie).

    With ``cookies: False`` nothing may persist anywhere, and a jar nobody reads
    must not grow with each new cookie name a server sets.
    """
    transport = HttpxTransport() if module == "httpx" else httpx2_transport()
    api = AxiosPython({"base_url": server.url, "cookies": False}, transport=transport)
    for index in range(3):
        set_cookie = {"Set-Cookie": f"c{index}=v; Path=/"}
        api.get("/response-headers", params=set_cookie)
        await api.async_get("/response-headers", params=set_cookie)
    assert transport._client is not None
    clients = [transport._client, *transport._async_clients.values()]
    assert [len(client.cookies.jar) for client in clients] == [0, 0]
    assert api.get("/cookies").data == {"cookies": {}}
    await api.aclose()
