"""Tests of the echo server itself, using only the standard library's HTTP clients."""

from __future__ import annotations

import gzip
import http.client
import json
import socket
import time
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from echo_server import EchoServer, refusing_port

__all__: list[str] = []

_WAIT_LIMIT = 2.0  # seconds any polling loop in these tests may take


def _connect(server: EchoServer) -> http.client.HTTPConnection:
    """Open an http.client connection to the server."""
    return http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)


def _fetch(
    server: EchoServer,
    method: str,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
) -> tuple[http.client.HTTPResponse, bytes]:
    """Send one request on a fresh connection and return the response and its body."""
    conn = _connect(server)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response, response.read()
    finally:
        conn.close()


def _fetch_json(server: EchoServer, method: str, path: str, **kwargs: Any) -> Any:
    """Send one request and return the parsed JSON body of a 200 response."""
    response, body = _fetch(server, method, path, **kwargs)
    assert response.status == 200, body
    assert response.getheader("Content-Type") == "application/json"
    return json.loads(body)


def _wait_until(condition: Callable[[], bool]) -> bool:
    """Poll ``condition`` until it holds or the bounded wait runs out."""
    deadline = time.monotonic() + _WAIT_LIMIT
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def test_echo_reports_method_query_headers_and_body(server: EchoServer) -> None:
    """The echo describes method, path, query, headers (case kept), body and JSON."""
    conn = _connect(server)
    try:
        conn.request(
            "PATCH",
            "/anything/deep/path?a=1&a=2&b=x",
            body=b'{"n": 1}',
            headers={"X-MiXeD-Case": "yes", "Content-Type": "application/json"},
        )
        response = conn.getresponse()
        data = json.loads(response.read())
        local_port = conn.sock.getsockname()[1]
    finally:
        conn.close()
    assert response.status == 200
    assert data["method"] == "PATCH"
    assert data["path"] == "/anything/deep/path"
    assert data["url"] == f"{server.url}/anything/deep/path?a=1&a=2&b=x"
    assert data["args"] == {"a": "2", "b": "x"}
    assert data["args_multi"] == {"a": ["1", "2"], "b": ["x"]}
    assert data["headers"]["X-MiXeD-Case"] == "yes"
    assert data["body"] == '{"n": 1}'
    assert data["json"] == {"n": 1}
    assert data["form"] == {}
    assert data["files"] == {}
    assert data["client_port"] == local_port


def test_requests_are_recorded(server: EchoServer) -> None:
    """Each request is kept with method, path, query, header pairs, body and port."""
    _fetch(server, "PUT", "/put?q=1", body=b"raw", headers={"X-Token": "t"})
    [recorded] = server.requests
    assert (recorded.method, recorded.path, recorded.query) == ("PUT", "/put", "q=1")
    assert ("X-Token", "t") in recorded.headers
    assert recorded.header("x-token") == "t"
    assert recorded.body == b"raw"
    assert recorded.client_port > 0


def test_form_body_is_parsed(server: EchoServer) -> None:
    """An urlencoded body shows up under "form"."""
    data = _fetch_json(
        server,
        "POST",
        "/post",
        body="name=Ada+L&lang=py",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert data["form"] == {"name": "Ada L", "lang": "py"}
    assert data["json"] is None


def test_chunked_request_body_is_reassembled(server: EchoServer) -> None:
    """A body sent with Transfer-Encoding: chunked arrives whole."""

    def pieces() -> Iterator[bytes]:
        """Yield the body in three chunks."""
        yield b"hello "
        yield b"chunked "
        yield b"world"

    conn = _connect(server)
    try:
        conn.request("POST", "/post", body=pieces(), encode_chunked=True)
        data = json.loads(conn.getresponse().read())
    finally:
        conn.close()
    assert data["body"] == "hello chunked world"
    assert data["headers"]["Transfer-Encoding"] == "chunked"
    assert server.requests[0].body == b"hello chunked world"


def test_multipart_fields_and_files_are_parsed(server: EchoServer) -> None:
    """multipart/form-data splits into "form" fields and "files" entries."""
    body = (
        b"--BOUNDARY\r\n"
        b'Content-Disposition: form-data; name="title"\r\n\r\n'
        b"report\r\n"
        b"--BOUNDARY\r\n"
        b'Content-Disposition: form-data; name="upload"; filename="notes.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\n"
        b"line one\r\nline two\r\n"
        b"--BOUNDARY--\r\n"
    )
    data = _fetch_json(
        server,
        "POST",
        "/post",
        body=body,
        headers={"Content-Type": "multipart/form-data; boundary=BOUNDARY"},
    )
    assert data["form"] == {"title": "report"}
    assert data["files"] == {
        "upload": {
            "filename": "notes.txt",
            "content_type": "text/plain",
            "content": "line one\r\nline two",
        }
    }


@pytest.mark.parametrize("code", [201, 204, 404, 500, 503])
def test_status_endpoint_answers_that_code(server: EchoServer, code: int) -> None:
    """/status/{code} answers that status with an empty body."""
    response, body = _fetch(server, "GET", f"/status/{code}")
    assert response.status == code
    assert body == b""
    assert response.getheader("Retry-After") is None


def test_status_endpoint_sets_retry_after(server: EchoServer) -> None:
    """?retry_after=N adds a Retry-After: N header."""
    response, _ = _fetch(server, "GET", "/status/503?retry_after=3")
    assert response.status == 503
    assert response.getheader("Retry-After") == "3"


def test_keep_alive_uses_one_connection(server: EchoServer) -> None:
    """Two requests on one http.client connection share a single TCP connection."""
    conn = _connect(server)
    try:
        ports = []
        for path in ("/get", "/json"):
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            assert response.status == 200
            ports.append(server.requests[-1].client_port)
    finally:
        conn.close()
    assert server.connections_opened == 1
    assert ports[0] == ports[1]


def test_hits_count_paths_without_query_and_reset(server: EchoServer) -> None:
    """hits counts per path ignoring the query; reset_counters clears everything."""
    _fetch(server, "GET", "/get?a=1")
    _fetch(server, "GET", "/get?a=2")
    _fetch(server, "GET", "/ip")
    assert server.hits["/get"] == 2
    assert server.hits["/ip"] == 1
    assert server.connections_opened == 3
    server.reset_counters()
    assert server.hits["/get"] == 0
    assert server.requests == []
    assert server.connections_opened == 0


def test_flaky_fails_n_times_then_succeeds(server: EchoServer) -> None:
    """/flaky/{key}/{n} fails n times per key, then answers 200 with the attempt."""
    statuses = [_fetch(server, "GET", "/flaky/alpha/2")[0].status for _ in range(3)]
    assert statuses == [503, 503, 200]
    other, _ = _fetch(server, "GET", "/flaky/beta/1?status=429&retry_after=1")
    assert other.status == 429
    assert other.getheader("Retry-After") == "1"
    assert _fetch_json(server, "GET", "/flaky/alpha/2") == {"key": "alpha", "attempt": 4}
    assert server.flaky_attempts("alpha") == 4
    assert server.flaky_attempts("beta") == 1
    server.reset_counters()
    assert server.flaky_attempts("alpha") == 0


def test_relative_redirects_end_at_get(server: EchoServer) -> None:
    """urllib follows /redirect/3 through three relative hops to /get."""
    with urllib.request.urlopen(f"{server.url}/redirect/3", timeout=10) as response:
        final_url = response.geturl()
        data = json.loads(response.read())
    assert final_url == f"{server.url}/get"
    assert data["path"] == "/get"
    assert [server.hits[f"/redirect/{n}"] for n in (3, 2, 1)] == [1, 1, 1]
    assert server.requests[0].path == "/redirect/3"


def test_redirect_locations(server: EchoServer) -> None:
    """Redirect endpoints send the expected status and Location."""
    response, _ = _fetch(server, "GET", "/redirect-to?url=/json&status_code=307")
    assert (response.status, response.getheader("Location")) == (307, "/json")
    response, _ = _fetch(server, "GET", "/redirect/2")
    assert (response.status, response.getheader("Location")) == (302, "/redirect/1")
    response, _ = _fetch(server, "GET", "/absolute-redirect/2")
    assert response.getheader("Location") == f"{server.url}/absolute-redirect/1"


def test_reset_drops_the_connection(server: EchoServer) -> None:
    """/reset closes the socket without answering, so the client sees a reset."""
    conn = _connect(server)
    try:
        conn.request("GET", "/reset")
        with pytest.raises(ConnectionError):
            conn.getresponse()
    finally:
        conn.close()
    assert server.hits["/reset"] == 1


def test_delay_answers_after_waiting(server: EchoServer) -> None:
    """/delay/{s} waits at least s seconds and then echoes."""
    started = time.monotonic()
    data = _fetch_json(server, "GET", "/delay/0.2?x=1")
    assert time.monotonic() - started >= 0.2
    assert data["args"] == {"x": "1"}


def test_peak_in_flight_counts_overlapping_requests(server: EchoServer) -> None:
    """Three /delay requests on three connections overlap; one after another do not."""
    connections = [_connect(server) for _ in range(3)]
    try:
        for conn in connections:
            conn.request("GET", "/delay/0.3")
        for conn in connections:
            assert conn.getresponse().read()
    finally:
        for conn in connections:
            conn.close()
    assert server.peak_in_flight == 3
    server.reset_counters()
    assert server.peak_in_flight == 0
    _fetch_json(server, "GET", "/get")
    _fetch_json(server, "GET", "/get")
    assert server.peak_in_flight == 1


def test_delay_detects_client_disconnect(server: EchoServer) -> None:
    """Closing the socket during /delay is counted as closed by the client."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    try:
        sock.sendall(b"GET /delay/10 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert _wait_until(lambda: server.hits["/delay/10"] == 1)
    finally:
        sock.close()
    assert _wait_until(lambda: server.connections_closed_by_client == 1)


def test_drip_stops_when_client_leaves(server: EchoServer) -> None:
    """A client that leaves mid-/drip is counted as closed by the client."""
    conn = _connect(server)
    try:
        conn.request("GET", "/drip?numbytes=50&duration=10")
        response = conn.getresponse()
        assert response.getheader("Transfer-Encoding") == "chunked"
        assert response.read(1) == b"*"
    finally:
        conn.close()
    assert _wait_until(lambda: server.connections_closed_by_client == 1)


def test_stream_bytes_is_chunked_and_matches_bytes(server: EchoServer) -> None:
    """/stream-bytes/{n} is chunked and carries the same bytes as /bytes/{n}."""
    streamed, streamed_body = _fetch(server, "GET", "/stream-bytes/1000?chunk_size=64")
    fixed, fixed_body = _fetch(server, "GET", "/bytes/1000")
    assert streamed.getheader("Transfer-Encoding") == "chunked"
    assert fixed.getheader("Content-Length") == "1000"
    assert streamed_body == fixed_body
    assert len(set(fixed_body)) > 200  # looks random, not a constant fill


def test_stream_sends_json_lines(server: EchoServer) -> None:
    """/stream/{n} sends n newline-delimited JSON objects."""
    response, body = _fetch(server, "GET", "/stream/3")
    lines = body.decode().splitlines()
    assert response.getheader("Transfer-Encoding") == "chunked"
    assert [json.loads(line)["id"] for line in lines] == [0, 1, 2]


def test_large_has_fixed_length_and_pattern(server: EchoServer) -> None:
    """/large/{n} sends n bytes with Content-Length where byte i is i % 256."""
    size = 200_000
    response, body = _fetch(server, "GET", f"/large/{size}")
    assert response.getheader("Content-Length") == str(size)
    assert response.getheader("Transfer-Encoding") is None
    assert body == bytes(i % 256 for i in range(size))


def test_gzip_etag_cookies_and_response_headers(server: EchoServer) -> None:
    """The smaller endpoints answer as documented."""
    response, body = _fetch(server, "GET", "/gzip")
    assert response.getheader("Content-Encoding") == "gzip"
    assert json.loads(gzip.decompress(body))["gzipped"] is True

    response, body = _fetch(server, "GET", "/etag/v1", headers={"If-None-Match": '"v1"'})
    assert (response.status, body, response.getheader("ETag")) == (304, b"", '"v1"')

    response, _ = _fetch(server, "GET", "/cookies/set?flavour=oat")
    assert response.status == 302
    assert response.getheader("Set-Cookie") == "flavour=oat; Path=/"
    cookies = _fetch_json(server, "GET", "/cookies", headers={"Cookie": "a=1; b=2"})
    assert cookies == {"cookies": {"a": "1", "b": "2"}}

    response, body = _fetch(server, "GET", "/response-headers?X-One=1")
    assert response.getheader("X-One") == "1"
    assert json.loads(body) == {"X-One": "1"}


def test_cache_counts_hits(server: EchoServer) -> None:
    """/cache/{s} sets max-age and its counter grows on every hit."""
    first, body = _fetch(server, "GET", "/cache/60")
    assert first.getheader("Cache-Control") == "public, max-age=60"
    assert json.loads(body)["counter"] == 1
    assert _fetch_json(server, "GET", "/cache/60")["counter"] == 2


def test_unknown_path_is_404(server: EchoServer) -> None:
    """Unknown paths (and known names with the wrong shape) answer 404 JSON."""
    for path in ("/nowhere", "/get/extra", "/status"):
        response, body = _fetch(server, "GET", path)
        assert response.status == 404, path
        assert json.loads(body)["path"] == path


def test_bad_parameter_is_400(server: EchoServer) -> None:
    """A malformed path parameter answers 400 with a message."""
    response, body = _fetch(server, "GET", "/delay/soon")
    assert response.status == 400
    assert "seconds" in json.loads(body)["error"]


def test_stop_closes_idle_keep_alive_connections() -> None:
    """stop() shuts down connections kept alive by clients, promptly."""
    srv = EchoServer().start()
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=_WAIT_LIMIT)
    try:
        conn.request("GET", "/get")
        conn.getresponse().read()
        assert srv.open_connections == 1
        srv.stop()
        assert conn.sock.recv(1) == b""  # EOF from the server, not a timeout
    finally:
        conn.close()
        srv.stop()
    assert _wait_until(lambda: srv.open_connections == 0)
    assert srv.connections_closed_by_client == 0


def test_refusing_port_refuses() -> None:
    """Nothing listens on refusing_port()."""
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", refusing_port()), timeout=_WAIT_LIMIT).close()
