"""What we accept: every transport refuses a broken response the same way.

Each case is a raw-socket server sending exactly the bytes under test. A broken
head or body is a ProtocolError (a NetworkError), never a raw library exception
and never a body read to EOF and returned as a success.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time

import pytest
from axios_python_logger import LoggerPlugin

from axios_python import NetworkError, ProtocolError, Response

from ._hostile import Conn, HostileServer
from ._raw_server import RawServer, Reply
from ._support import Client

CLOSE = b"Connection: close\r\n"
OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n" + CLOSE + b"\r\nok"
BODILESS = [
    ("GET", b"HTTP/1.1 204 No Content\r\n\r\n"),
    ("GET", b'HTTP/1.1 304 Not Modified\r\nETag: "a"\r\n\r\n'),
    ("HEAD", b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"),
]
STRAY = b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nevil"  # read as a response if reused


def _with_length(length: bytes, body: bytes = b"hello") -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Length: " + length + b"\r\n" + CLOSE + b"\r\n" + body


def _chunked(body: bytes) -> bytes:
    return b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n" + CLOSE + b"\r\n" + body


async def _refused(client: Client, reply: bytes, **options: object) -> ProtocolError:
    """Send one GET to a server answering ``reply``; return the ProtocolError it must raise."""

    async def fetch(url: str) -> None:
        response = await client.get(url, **options)
        if options.get("stream"):
            await client.chunks(response)

    with RawServer(reply) as raw, pytest.raises(ProtocolError) as caught:
        await fetch(raw.url("/x"))
    assert isinstance(caught.value, NetworkError)
    assert caught.value.request is not None
    return caught.value


@pytest.mark.parametrize("length", [b"-1", b"abc", b"0x5", b"+5", b"5, 6", b"", b"1e1"])
async def test_invalid_content_length_is_a_protocol_error(client: Client, length: bytes) -> None:
    """A Content-Length that is not digits (or lists values that disagree) is refused."""
    error = await _refused(client, _with_length(length))
    assert "malformed response" in str(error)


@pytest.mark.parametrize("length", [2**62, 2**63, 10**30], ids=["2^62", "2^63", "10^30"])
@pytest.mark.parametrize("stream", [False, True], ids=["read", "streamed"])
async def test_huge_content_length_is_refused_in_bounded_memory(
    client: Client, length: int, stream: bool
) -> None:
    """A Content-Length far beyond what arrives is a ProtocolError, never an attempt to
    allocate it (urllib3 raised a raw MemoryError or OverflowError)."""
    await _refused(client, _with_length(str(length).encode()), stream=stream)


async def test_conflicting_content_length_headers_are_refused(client: Client) -> None:
    """Two Content-Length fields with different values are refused."""
    reply = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"
    await _refused(client, reply)


@pytest.mark.parametrize(
    "body",
    [
        b"zz\r\nhello\r\n0\r\n\r\n",  # not hex
        b"-5\r\nhello\r\n0\r\n\r\n",  # negative
        b"+5\r\nhello\r\n0\r\n\r\n",  # signed
        b"0x5\r\nhello\r\n0\r\n\r\n",  # a prefix
        b"5\r\nhelloXX0\r\n\r\n",  # the chunk's CRLF is missing
        b"5\r\nhel",  # cut short
        b"ffffffffffffffff\r\nhello\r\n0\r\n\r\n",  # 2^64 - 1 announced, 5 sent
    ],
    ids=["not-hex", "negative", "signed", "0x-prefix", "no-crlf", "truncated", "huge"],
)
@pytest.mark.parametrize("stream", [False, True], ids=["read", "streamed"])
async def test_bad_chunked_body_is_a_protocol_error(
    client: Client, body: bytes, stream: bool
) -> None:
    """A bad chunk size, a chunk without its CRLF or a cut-short body fails, read or streamed."""
    await _refused(client, _chunked(body), stream=stream)


async def test_body_shorter_than_content_length_is_a_protocol_error(client: Client) -> None:
    """A body cut short by the server is an error, not a short success."""
    await _refused(client, _with_length(b"10", b"hel"))


@pytest.mark.parametrize(
    "line",
    [
        b"X-A: a\rX-B: b",  # bare CR
        b"X-A a",  # no colon
        b"X-A : a",  # space before the colon
        b"X-A: a\x00b",  # NUL in the value
        b"X(A): a",  # not a token
    ],
    ids=["bare-cr", "no-colon", "space-before-colon", "nul", "bad-name"],
)
async def test_malformed_header_line_is_a_protocol_error(client: Client, line: bytes) -> None:
    """A header line that is not `token ":" value` is refused, never skipped or split."""
    reply = b"HTTP/1.1 200 OK\r\n" + line + b"\r\nContent-Length: 5\r\n" + CLOSE + b"\r\nhello"
    await _refused(client, reply)


@pytest.mark.parametrize("code", [b"2x0", b"099", b"000", b"20", b"2000"])
async def test_malformed_status_line_is_a_protocol_error(client: Client, code: bytes) -> None:
    """A status code that is not three digits from 100 up is refused (aiohttp took 099)."""
    await _refused(client, b"HTTP/1.1 " + code + b" OK\r\nContent-Length: 5\r\n\r\nhello")


async def test_huge_header_block_is_refused_in_bounded_memory(client: Client) -> None:
    """A one-megabyte header is refused (each transport's limit is far below; see security.md)."""
    reply = b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * (1024 * 1024) + b"\r\n\r\n"
    await _refused(client, reply)


async def test_close_before_any_response_is_a_network_error_not_malformed(
    client: Client,
) -> None:
    """A connection closed without a byte of response is a NetworkError, not a ProtocolError."""
    with RawServer(b"") as raw, pytest.raises(NetworkError) as caught:
        await client.get(raw.url("/x"))
    assert not isinstance(caught.value, ProtocolError)


@pytest.mark.parametrize(
    "interim",
    [
        b"HTTP/1.1 100 Continue\r\n\r\n",
        b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n",
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.js>\r\n\r\n",
    ],
    ids=["100", "103", "100-then-103"],
)
async def test_interim_responses_are_skipped(client: Client, interim: bytes) -> None:
    """1xx interim responses are skipped: the final response, its own headers only, comes back."""
    final = b"HTTP/1.1 200 OK\r\nX-Final: yes\r\nContent-Length: 5\r\n" + CLOSE + b"\r\nhello"
    with RawServer(interim + final) as raw:
        response = await client.get(raw.url("/x"))
    assert response.status_code == 200
    assert response.content == b"hello"
    assert response.headers["x-final"] == "yes"
    assert "link" not in response.headers


@pytest.mark.parametrize(("method", "head"), BODILESS, ids=["204", "304", "HEAD"])
async def test_stray_bytes_after_a_bodiless_response_discard_the_connection(
    client: Client, method: str, head: bytes
) -> None:
    """The response comes back; the connection it came on is not reused for the next request."""
    ok = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
    with RawServer(Reply(head + STRAY, keep_open=True), Reply(ok, keep_open=True)) as raw:
        api = client.new(validate_status=None)
        first = await client.request(method, raw.url("/first"), api=api)
        second = await client.get(raw.url("/second"), api=api)
    assert first.status_code == int(head[9:12])
    assert first.content == b""
    assert second.content == b"ok"
    assert raw.connections == 2


def _bodiless_then_stray(head: bytes, how: str, sent: threading.Event) -> HostileServer:
    """Answers /first with ``head`` and stray bytes, delivered ``how``; anything else with "ok"."""

    def answer(conn: Conn, index: int) -> bool:
        if conn.target != "/first":
            conn.send(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            return True
        if how == "head-split":  # the head's last CRLF arrives with the stray bytes
            conn.send(head[:-2])
            time.sleep(0.05)
            conn.send(head[-2:] + STRAY)
        elif how == "late":  # the stray bytes come once the response is over
            conn.send(head)
            time.sleep(0.05)
            conn.send(STRAY)
        else:  # "after-100": an interim response first, then head and stray bytes at once
            conn.send(b"HTTP/1.1 100 Continue\r\n\r\n" + head + STRAY)
        sent.set()
        return True

    return HostileServer(answer)


@pytest.mark.parametrize("how", ["head-split", "late", "after-100"])
@pytest.mark.parametrize(("method", "head"), BODILESS, ids=["204", "304", "HEAD"])
async def test_stray_bytes_arriving_apart_discard_the_connection(
    client: Client, method: str, head: bytes, how: str
) -> None:
    """However the stray bytes arrive (in a later read, once the response is over, after a
    100), the bodiless response comes back and its connection never serves another request."""
    sent = threading.Event()
    with _bodiless_then_stray(head, how, sent) as server:
        api = client.new(validate_status=None, timeout=5)
        first = await client.request(method, server.url("/first"), api=api)
        assert sent.wait(5)
        await asyncio.sleep(0.1)  # the stray bytes reach the idle pooled connection
        second = await client.get(server.url("/second"), api=api)
    assert first.status_code == int(head[9:12])
    assert first.content == b""
    assert second.content == b"ok"
    assert server.connections == 2


@pytest.mark.parametrize(
    "first",
    [
        b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nhel",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhel\r\n0\r\n\r\n",
    ],
    ids=["content-length", "chunked"],
)
@pytest.mark.parametrize("stream", [False, True], ids=["read", "streamed"])
async def test_bytes_after_a_complete_response_are_never_the_next_response(
    client: Client, first: bytes, stream: bool
) -> None:
    """A body followed by more than it announced: the response is what it announced, and
    the rest never answers the next request on that connection (it did on httpx, httpx2).
    The extra bytes come on a kept-alive connection's second response."""
    ok = Reply(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", keep_open=True)
    with RawServer(ok, Reply(first + STRAY, keep_open=True), ok) as raw:
        api = client.new()
        before = await client.get(raw.url("/before"), api=api)
        await client.settle()
        response = await client.get(raw.url("/first"), api=api, stream=stream)
        body = b"".join(await client.chunks(response)) if stream else response.content
        await client.settle()
        after = await client.get(raw.url("/after"), api=api)
    assert (before.content, body, after.content) == (b"ok", b"hel", b"ok")


async def test_raw_utf8_location_is_followed_percent_encoded(client: Client) -> None:
    """A Location with raw UTF-8 (`/café`) is followed to `/caf%C3%A9`, as browsers do."""
    redirect = b"HTTP/1.1 302 Found\r\nLocation: /caf\xc3\xa9?q=\xc3\xa9\r\n" + CLOSE
    with RawServer(redirect + b"Content-Length: 0\r\n\r\n", OK) as raw:
        if client.case.ascii_headers_only:  # a documented limit of this transport
            with pytest.raises(ProtocolError, match="visible ASCII"):
                await client.get(raw.url("/start"))
            return
        response = await client.get(raw.url("/start"))
    assert response.status_code == 200
    assert raw.targets == ["/start", "/caf%C3%A9?q=%C3%A9"]
    assert response.url == raw.url("/caf%C3%A9?q=%C3%A9")


def _deep_json(depth: int) -> bytes:
    body = b"[" * depth + b"]" * depth
    return (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\n"
        + CLOSE
        + b"\r\n"
        + body
    )


async def test_deeply_nested_json_falls_back_to_text(client: Client) -> None:
    """JSON nested past the recursion limit is `data` as text, like any JSON that will not parse."""
    seen: list[object] = []

    def transform(data: object, headers: object) -> object:
        seen.append(data)
        return data

    with RawServer(_deep_json(100_000)) as raw:
        response = await client.get(raw.url("/x"), transform_response=transform)
    assert isinstance(response.data, str)
    assert response.data.startswith("[[[[")
    assert seen == [response.data]
    with pytest.raises(ValueError, match="nested deeper"):
        response.json()


async def test_deeply_nested_json_is_logged_without_recursion_error(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    """The logger renders a body it cannot parse (too deep, or just below the limit) as text."""
    api = client.new()
    api.plugin(LoggerPlugin(log_body=True))
    with RawServer(_deep_json(100_000), _deep_json(900)) as raw, caplog.at_level(logging.INFO):
        responses: list[Response] = [
            await client.get(raw.url("/deep"), api=api),
            await client.get(raw.url("/nearly"), api=api),
        ]
    assert [r.status_code for r in responses] == [200, 200]
    assert sum("[[[[" in record.getMessage() for record in caplog.records) >= 1
