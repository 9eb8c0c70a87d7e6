"""ReqwestTransport's own options and limits, beyond the conformance suite of every transport."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axios_python_reqwest import ReqwestTransport, _headers, _transport
from axios_python_reqwest._headers import HeaderMaps
from echo_server import EchoServer
from pyreqwest.http import HeaderMap
from pyreqwest.response import ResponseBuilder

from axios_python import (
    AxiosPython,
    CancelError,
    CancelToken,
    ConfigError,
    Headers,
    NetworkError,
    Request,
    Timeout,
    TimeoutError,
)

from ._support import eventually
from ._tls import TLSServer

__all__: list[str] = []


@pytest.fixture(scope="module")
def tls_server() -> Iterator[TLSServer]:
    """One HTTPS server with its own CA for the module."""
    with TLSServer() as srv:
        yield srv


def _api(base_url: str, **options: Any) -> AxiosPython:
    return AxiosPython({"base_url": base_url, "timeout": 5}, transport=ReqwestTransport(**options))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"max_connections": 0}, r"max_connections must be an int >= 1 or None \(got 0\)"),
        ({"max_connections": "10"}, "max_connections must be an int"),
        ({"max_keepalive_connections": -1}, "max_keepalive_connections must be an int >= 0"),
        ({"keepalive_expiry": 0}, "keepalive_expiry must be a positive number"),
        ({"verify": "/nonexistent/ca.pem"}, "cannot read the CA bundle '/nonexistent/ca.pem'"),
        ({"verify": 1}, "verify must be True, False, a CA bundle path or an ssl.SSLContext"),
        ({"cert": "/nonexistent/client.pem"}, "cannot read the client certificate"),
        ({"cert": ("a", "b", "pw")}, "cannot load an encrypted private key"),
        ({"proxy": 3128}, r"proxy must be a URL string \(got 3128\)"),
        ({"proxy": "not a url"}, "pyreqwest refused an option"),
        ({"trust_env": "yes"}, "trust_env must be True or False"),
        ({"http2": 1}, "http2 must be True or False"),
        ({"configure": "builder"}, "configure must be a callable"),
    ],
)
def test_bad_options_are_refused_when_built(options: dict[str, Any], message: str) -> None:
    """Every option is checked when the transport is built, with the bad value quoted."""
    with pytest.raises(ConfigError, match=message):
        ReqwestTransport(**options)


def test_a_pem_file_without_certificates_is_refused(tmp_path: Path) -> None:
    """A CA bundle holding no certificate is a ConfigError naming the file."""
    empty = tmp_path / "empty.pem"
    empty.write_text("nothing here\n")
    with pytest.raises(ConfigError, match="no PEM certificate in the CA bundle"):
        ReqwestTransport(verify=str(empty))


def test_a_context_that_skips_host_names_is_refused() -> None:
    """An SSLContext with check_hostname=False cannot be honoured: ConfigError says so."""
    context = ssl.create_default_context()
    context.check_hostname = False
    with pytest.raises(ConfigError, match="check_hostname=False"):
        ReqwestTransport(verify=context)


async def test_verify_with_a_ca_bundle_file(tls_server: TLSServer, tmp_path: Path) -> None:
    """verify="ca.pem" trusts that bundle (in addition to the usual roots), on both sides."""
    bundle = tmp_path / "ca.pem"
    tls_server.ca.cert_pem.write_to_path(str(bundle))
    api = _api(tls_server.url, verify=str(bundle))
    assert api.get("/ok").data == {"path": "/ok", "tls": True}
    assert (await api.async_get("/ok")).data == {"path": "/ok", "tls": True}
    await api.aclose()


def test_verify_false_accepts_an_untrusted_certificate(tls_server: TLSServer) -> None:
    """verify=False skips certificate verification (and only then does it succeed)."""
    with pytest.raises(NetworkError, match="UnknownIssuer"):
        _api(tls_server.url).get("/ok")
    assert _api(tls_server.url, verify=False).get("/ok").status_code == 200


def test_client_certificate(tmp_path: Path) -> None:
    """cert= presents a client certificate; a server that demands one refuses a client without."""
    with TLSServer(client_certs=True) as server:
        pem = tmp_path / "client.pem"
        server.ca.issue_cert("client@example.org").private_key_and_cert_chain_pem.write_to_path(
            str(pem)
        )
        api = _api(server.url, verify=server.trust(), cert=str(pem))
        assert api.get("/ok").data["tls"] is True
        with pytest.raises(NetworkError):
            _api(server.url, verify=server.trust()).get("/ok")


def test_http2_falls_back_to_http1(tls_server: TLSServer) -> None:
    """http2=True offers HTTP/2; a server that speaks only HTTP/1.1 still gets its requests."""
    api = _api(tls_server.url, verify=tls_server.trust(), http2=True)
    assert api.get("/ok").status_code == 200


def test_proxy_carries_every_request(server: EchoServer) -> None:
    """proxy= sends requests through that proxy (the echo server answers as one)."""
    api = _api("http://service.invalid", proxy=server.url)
    response = api.get("/get", params={"via": "proxy"})
    assert response.data["url"] == "http://service.invalid/get?via=proxy"
    assert response.data["headers"]["Host"] == "service.invalid"


@pytest.mark.parametrize("trust_env", [True, False])
def test_trust_env_decides_on_environment_proxies(
    server: EchoServer, monkeypatch: pytest.MonkeyPatch, trust_env: bool
) -> None:
    """HTTP_PROXY is used by default; trust_env=False ignores it (and the .invalid host fails)."""
    monkeypatch.setenv("HTTP_PROXY", server.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    api = _api("http://service.invalid", trust_env=trust_env)
    if trust_env:
        assert api.get("/get").data["headers"]["Host"] == "service.invalid"
    else:
        with pytest.raises(NetworkError):
            api.get("/get")


def test_configure_reaches_pyreqwest_and_cannot_undo_the_transport(server: EchoServer) -> None:
    """configure= sets pyreqwest options; the transport's own (no redirects) still win."""
    api = _api(
        f"http://service.test:{server.port}",
        configure=lambda builder: builder.resolve(
            "service.test", "127.0.0.1", server.port
        ).follow_redirects(True),
    )
    assert api.get("/get").status_code == 200
    response = api.get("/redirect/1", follow_redirects=False, validate_status=None)
    assert response.status_code == 302


def test_no_keepalive_connections(own_server: EchoServer) -> None:
    """max_keepalive_connections=0 keeps no idle connection: every request opens its own."""
    api = _api(own_server.url, max_keepalive_connections=0)
    for _ in range(3):
        assert api.get("/get").status_code == 200
    assert own_server.connections_opened == 3


async def test_idle_connections_expire(own_server: EchoServer) -> None:
    """keepalive_expiry closes a connection that stayed idle that long."""
    api = _api(own_server.url, keepalive_expiry=0.3)
    assert api.get("/get").status_code == 200
    assert own_server.open_connections == 1
    assert await eventually(lambda: own_server.open_connections == 0, seconds=3)


def test_one_client_per_distinct_timeouts_and_at_most_eight(server: EchoServer) -> None:
    """Each set of connect/read/write timeouts gets a client; past eight the oldest goes."""
    transport = ReqwestTransport()
    api = AxiosPython({"base_url": server.url}, transport=transport)
    api.get("/get", timeout=5)
    api.get("/get", timeout=5)
    api.get("/get", timeout={"connect": 5, "read": 5, "write": 5, "pool": 1})  # pool: same client
    assert len(transport._sync_clients) == 1
    for seconds in range(1, 11):
        assert api.get("/get", timeout=seconds).status_code == 200
    assert len(transport._sync_clients) == 8
    api.close()
    assert transport._sync_clients == {}


def test_connect_timeout_is_named(unanswered_port: int) -> None:
    """A connect that does not finish in time raises TimeoutError naming the connect limit."""
    api = _api(f"http://127.0.0.1:{unanswered_port}")
    started = time.monotonic()
    with pytest.raises(
        TimeoutError, match=r"^connect timeout of 0\.3s for GET http://127\.0\.0\.1:\d+/$"
    ):
        api.get("/", timeout={"connect": 0.3, "read": 5})
    assert time.monotonic() - started < 2


def test_write_limit_cutting_the_handshake_is_named(unanswered_port: int) -> None:
    """A write limit shorter than connect also ends the TCP handshake; the error says so."""
    api = _api(f"http://127.0.0.1:{unanswered_port}")
    with pytest.raises(
        TimeoutError, match=r"^connect timeout of 0\.3s for GET .* \(the write limit also"
    ):
        api.get("/", timeout={"connect": 5, "read": 5, "write": 0.3})


def test_read_timeout_names_the_wait_for_the_response(server: EchoServer) -> None:
    """Before the response head, reqwest's read limit is named as such."""
    with pytest.raises(TimeoutError, match=r"^read timeout of 0\.3s for GET .* \(no response\)$"):
        _api(server.url).get("/delay/3", timeout={"connect": 2, "read": 0.3})


def test_closing_the_transport_ends_requests_in_flight(server: EchoServer) -> None:
    """close() while a sync request waits: it ends at once with NetworkError saying why."""
    transport = ReqwestTransport()
    errors: list[BaseException] = []

    def send() -> None:
        try:
            transport.send(Request("GET", f"{server.url}/delay/5"))
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=send)
    worker.start()
    assert eventually_sync(lambda: server.hits["/delay/5"] == 1)
    started = time.monotonic()
    transport.close()
    worker.join(3)
    assert time.monotonic() - started < 1
    assert len(errors) == 1
    assert isinstance(errors[0], NetworkError)
    assert "transport was closed" in str(errors[0])


def test_sync_stream_cancelled_while_a_read_waits(server: EchoServer) -> None:
    """A sync read waiting for a slow body is walked away from at once; the connection then goes.

    The read itself ends when its chunk arrives (pyreqwest cannot interrupt it), and
    the stream is closed in the helper thread, so the server sees the client leave.
    """
    transport = ReqwestTransport()
    api = AxiosPython({"base_url": server.url}, transport=transport)
    token = CancelToken()
    response = api.get(
        "/drip", params={"numbytes": 3, "duration": 3}, stream=True, cancel_token=token
    )
    chunks = response.iter_bytes()
    assert next(chunks) == b"*"  # one byte a second
    threading.Timer(0.2, token.cancel, args=("enough",)).start()
    started = time.monotonic()
    with pytest.raises(CancelError, match="enough"):
        next(chunks)
    assert time.monotonic() - started < 1
    assert eventually_sync(lambda: server.connections_closed_by_client == 1, seconds=5)
    assert transport._sync_slots.available == 100  # the slot came back


async def test_async_slots_are_shared_by_event_loops(server: EchoServer) -> None:
    """One async pyreqwest client serves every event loop, under the same limit."""
    transport = ReqwestTransport(max_connections=1)
    api = AxiosPython({"base_url": server.url}, transport=transport)
    assert (await api.async_get("/get")).status_code == 200

    def in_another_loop() -> int:
        async def run() -> int:
            return (await api.async_get("/get")).status_code

        return asyncio.run(run())

    assert await asyncio.to_thread(in_another_loop) == 200
    assert len(transport._async_clients) == 1
    assert server.connections_opened == 1
    await api.aclose()


def test_a_request_without_a_user_agent_sends_an_empty_one(server: EchoServer) -> None:
    """The transport alone, given no User-Agent: reqwest sends an empty one, not its own."""
    transport = ReqwestTransport()
    response = transport.send(Request("GET", f"{server.url}/headers", timeout=Timeout.of(5)))
    assert response.status_code == 200
    assert server.requests[-1].header("user-agent") == ""
    assert server.requests[-1].header("accept") == "*/*"
    transport.close()


@pytest.fixture
def unanswered_port() -> Iterator[int]:
    """A port whose listen backlog is full, so a new connect is never answered."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        fillers = []
        for _ in range(4):
            filler = socket.socket()
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect(("127.0.0.1", port))
            fillers.append(filler)
        try:
            yield port
        finally:
            for filler in fillers:
                filler.close()


def eventually_sync(check: Any, seconds: float = 2.0) -> bool:
    """Poll ``check`` from sync code until it is true or ``seconds`` pass."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_a_header_list_sent_again_goes_out_unchanged(server: EchoServer) -> None:
    """From its second sending, a header list is handed over pre-parsed: the wire is the same.

    Names, spelling of values, order and a repeated field as the first time (when
    pyreqwest parsed the list), whichever way it was handed over.
    """
    transport = ReqwestTransport()
    pairs = [("X-B", "2"), ("Accept", "text/plain"), ("X-A", "1"), ("x-b", "3")]
    sent = []
    for _ in range(4):
        request = Request("GET", f"{server.url}/headers", headers=pairs, timeout=Timeout.of(5))
        assert transport.send(request).status_code == 200
        sent.append([(k.lower(), v) for k, v in server.requests[-1].headers])
    assert isinstance(transport._header_maps._maps[tuple(pairs)], HeaderMap)  # type: ignore[index]
    assert sent[1:] == sent[:1] * 3
    names = [name for name, _ in sent[0]]
    assert [v for k, v in sent[0] if k == "x-b"] == ["2", "3"]
    assert names.index("x-b") < names.index("accept") < names.index("x-a")
    transport.close()
    assert transport._header_maps._maps == {}  # values may be credentials: not kept after close


def test_header_maps_stop_looking_when_every_list_is_new() -> None:
    """A client whose headers change on every request stops the lookups after a run of misses."""
    maps = HeaderMaps()
    for number in range(_headers._GIVE_UP):
        items = [("X-Request-Id", str(number))]
        assert maps.of(items) is items
    assert maps._maps is not None
    last = [("X-Request-Id", "last")]
    assert maps.of(last) is last
    assert _looking(maps) is False
    assert maps.of(last) is last  # from now on: handed over as they are, no lookup


def _looking(maps: HeaderMaps) -> bool:
    """Whether ``maps`` still looks lists up (a call, so mypy does not narrow across it)."""
    return maps._maps is not None


def test_header_maps_remember_a_bounded_number_of_lists() -> None:
    """A list seen twice is remembered; at most _SIZE lists are, then all are forgotten."""
    maps = HeaderMaps()
    first = [("Accept", "application/json")]
    assert maps.of(first) is first
    made = maps.of(list(first))
    assert isinstance(made, HeaderMap)
    assert list(made.items()) == [("accept", "application/json")]
    assert maps.of(list(first)) is made
    for number in range(_headers._SIZE):
        maps.of([("X-N", str(number))])
        maps.of([("Accept", "application/json")])  # a hit between: the lookups go on
    assert maps._maps is not None
    assert len(maps._maps) <= _headers._SIZE
    # It was forgotten with the others when the table was full (seen once again since).
    assert all(value is not made for value in maps._maps.values())


def test_a_bad_header_in_a_repeated_list_is_refused_every_time(server: EchoServer) -> None:
    """A value pyreqwest refuses fails the same way when its list comes again (not remembered).

    The core refuses such values first; unchecked headers only come from code that
    builds them with from_trusted.
    """
    transport = ReqwestTransport()
    for _ in range(3):
        request = Request("GET", f"{server.url}/get", timeout=Timeout.of(5))
        request.headers = Headers.from_trusted([("X-Ok", "1"), ("X-Bad", "a\nb")])
        with pytest.raises(ValueError, match="Invalid header value"):
            transport.send(request)
    assert not server.requests
    transport.close()


@pytest.mark.parametrize(
    "pairs",
    [
        [],
        [("content-type", "application/json"), ("content-length", "2")],
        [("set-cookie", "a=1"), ("x-a", "1"), ("Set-Cookie", "b=2"), ("x-b", "2"), ("x-a", "3")],
    ],
)
async def test_response_headers_are_read_as_pyreqwest_lists_them(
    pairs: list[tuple[str, str]],
) -> None:
    """One dict_multi_value call gives the pairs, order and repeats items() gives, and the names."""
    raw = await ResponseBuilder().status(200).headers(pairs).body_bytes(b"{}").build()
    items, names = _transport._received(raw.headers)
    assert items == list(raw.headers.items())
    assert len(items) == len(pairs)
    assert names == [name.lower() for name, _ in items]  # the core's name index, in step
