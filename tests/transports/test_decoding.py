"""Decompression happens once, in the core, the same on every transport and in bounded steps.

The transports hand bodies over as received; the core decodes gzip, deflate
(zlib-wrapped or raw), br and zstd, advertises exactly those, returns the raw
body with ``decompress=False``, and decodes a gzip bomb without ever holding
more than a step of it: streamed, or stopped by ``max_content_length``.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import json
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import brotli  # type: ignore[import-untyped]
import pytest
from backports import zstd

from axios_python import ContentTooLargeError, NetworkError, StreamError
from axios_python._decoding import accept_encoding

from ._hostile import Conn, HostileServer
from ._support import Client

PAYLOAD = json.dumps({"hello": "world", "items": list(range(2000))}).encode()


def _raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


ENCODERS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": lambda data: gzip.compress(data, mtime=0),
    "deflate": zlib.compress,
    "raw-deflate": _raw_deflate,
    "br": brotli.compress,
    "zstd": zstd.compress,
    "gzip-twice": lambda data: gzip.compress(gzip.compress(data, mtime=0), mtime=0),
    "br-then-gzip": lambda data: gzip.compress(brotli.compress(data), mtime=0),
    "two-gzip-members": lambda data: gzip.compress(data[:100]) + gzip.compress(data[100:]),
}
CODINGS = {
    "raw-deflate": "deflate",
    "gzip-twice": "gzip, gzip",
    "br-then-gzip": "br, gzip",
    "two-gzip-members": "gzip",
}


def answer_encoded(conn: Conn, index: int) -> bool:
    """``/NAME`` answers PAYLOAD through ENCODERS[NAME] (chunked when ``?chunked``)."""
    name = conn.target.split("?")[0].strip("/")
    body = ENCODERS[name](PAYLOAD)
    headers = [("Content-Type", "application/json"), ("Content-Encoding", CODINGS.get(name, name))]
    if "chunked" in conn.target:
        conn.send_head(200, [*headers, ("Transfer-Encoding", "chunked")])
        for start in range(0, len(body), 700):
            piece = body[start : start + 700]
            conn.send(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        conn.send(b"0\r\n\r\n")
    else:
        conn.send_head(200, [*headers, ("Content-Length", str(len(body)))])
        conn.send(body)
    return True


@pytest.fixture(scope="module")
def encoded() -> Iterator[HostileServer]:
    """A server answering PAYLOAD in every coding the core decodes."""
    with HostileServer(answer_encoded) as srv:
        yield srv


def test_core_advertises_what_it_decodes() -> None:
    """Accept-Encoding names exactly the codings with a bounded decoder installed."""
    assert accept_encoding() == "zstd, br, gzip, deflate"


async def test_accept_encoding_is_sent_by_the_core(client: Client) -> None:
    """Every transport sends the core's Accept-Encoding, and only once."""
    response = await client.get("/headers")
    assert response.data["headers"]["Accept-Encoding"] == accept_encoding()
    sent = client.server.requests[-1]
    assert [v for k, v in sent.headers if k.lower() == "accept-encoding"] == [accept_encoding()]


@pytest.mark.parametrize("name", sorted(ENCODERS))
@pytest.mark.parametrize("chunked", [False, True], ids=["length", "chunked"])
async def test_every_coding_is_decoded(
    client: Client, encoded: HostileServer, name: str, chunked: bool
) -> None:
    """gzip, deflate (both forms), br, zstd, stacked codings and gzip members decode alike."""
    url = encoded.url(f"/{name}" + ("?chunked" if chunked else ""))
    response = await client.get(url)
    assert response.content == PAYLOAD
    assert response.data["items"][-1] == 1999
    streamed = await client.get(url, stream=True)
    assert b"".join(await client.chunks(streamed)) == PAYLOAD


async def test_decompress_false_returns_the_body_as_sent(
    client: Client, encoded: HostileServer
) -> None:
    """``decompress=False`` hands over the encoded bytes with their Content-Encoding."""
    response = await client.get(encoded.url("/br"), decompress=False, response_type="bytes")
    assert response.headers["content-encoding"] == "br"
    assert response.data == brotli.compress(PAYLOAD)
    assert brotli.decompress(response.content) == PAYLOAD


@pytest.mark.parametrize("limit", [None, 1 << 20], ids=["no-limit", "limit"])
async def test_decoded_says_whether_the_core_decoded_the_body(
    client: Client, encoded: HostileServer, limit: int | None
) -> None:
    """``response.decoded``: True after the core decoded, on both read paths; else False."""
    url = encoded.url("/gzip")
    decoded = await client.get(url, max_content_length=limit)
    raw = await client.get(url, max_content_length=limit, decompress=False)
    plain = await client.get("/get", max_content_length=limit)
    assert (decoded.decoded, raw.decoded, plain.decoded) == (True, False, False)
    assert decoded.content == PAYLOAD
    assert decoded.headers["content-encoding"] == "gzip"  # the headers stay as received
    with pytest.raises(StreamError, match="read and decoded"):
        decoded.iter_raw()  # no longer the bytes as received, also after a limited read


async def test_a_corrupt_body_is_a_network_error(client: Client) -> None:
    """Bytes that are not the announced coding raise NetworkError naming the coding."""

    def answer(conn: Conn, index: int) -> bool:
        conn.send_head(200, [("Content-Encoding", "gzip"), ("Content-Length", "9")])
        conn.send(b"not gzip!")
        return False

    with HostileServer(answer) as srv, pytest.raises(NetworkError, match="'gzip'"):
        await client.get(srv.url("/bad"))


# --- a gzip bomb: 1 MB on the wire, 1 GB decoded --------------------------------------------

BOMB_SIZE = 1024**3


@functools.cache
def gzip_bomb() -> bytes:
    """1 GiB of zeros, gzip-compressed (about 1 MB)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = bytes(1024 * 1024)
    parts = [packer.compress(block) for _ in range(BOMB_SIZE // len(block))]
    return b"".join([*parts, packer.flush()])


def answer_bomb(conn: Conn, index: int) -> bool:
    """The gzip bomb, as one Content-Length body."""
    bomb = gzip_bomb()
    conn.send_head(200, [("Content-Encoding", "gzip"), ("Content-Length", str(len(bomb)))])
    with contextlib.suppress(OSError):  # the client hung up, as it should
        conn.send(bomb)
    return False


@pytest.fixture(scope="module")
def bomb_server() -> Iterator[HostileServer]:
    """A server that answers every request with the gzip bomb."""
    gzip_bomb()
    with HostileServer(answer_bomb) as srv:
        yield srv


async def read_all(client: Client, url: str, **options: Any) -> bytes:
    """GET ``url`` and the whole body, streamed or not."""
    response = await client.get(url, **options)
    if options.get("stream"):
        return b"".join(await client.chunks(response))
    return response.content


LIMIT = 1024 * 1024
GROWTH = 12 * 1024 * 1024  # what the decoded bomb may add to peak memory, at most


@pytest.mark.parametrize("stream", [False, True], ids=["buffered", "streamed"])
async def test_gzip_bomb_stops_at_the_limit_in_bounded_memory(
    client: Client, bomb_server: HostileServer, stream: bool
) -> None:
    """max_content_length stops a 1 MB -> 1 GB bomb; memory grows by a few MB at most."""
    assert len(gzip_bomb()) < 1_100_000
    tracemalloc.start()
    try:
        with pytest.raises(ContentTooLargeError) as caught:
            await read_all(
                client, bomb_server.url("/bomb"), max_content_length=LIMIT, stream=stream
            )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.limit == LIMIT
    assert "max_content_length of 1048576 bytes" in str(caught.value)
    assert peak < GROWTH, f"peak {peak / 1e6:.1f} MB"


async def test_decompress_false_limits_the_bytes_as_received(
    client: Client, bomb_server: HostileServer
) -> None:
    """With ``decompress=False`` the limit counts the bomb's 1 MB on the wire, not its 1 GB."""
    url = bomb_server.url("/bomb")
    raw = await client.get(url, decompress=False, max_content_length=2 * LIMIT)
    assert raw.content == gzip_bomb()
    assert raw.headers["content-encoding"] == "gzip"
    with pytest.raises(ContentTooLargeError):
        await client.get(url, decompress=False, max_content_length=LIMIT // 2)


async def test_streamed_bomb_comes_in_bounded_pieces(
    client: Client, bomb_server: HostileServer
) -> None:
    """Without a limit, a streamed bomb arrives in pieces of about 64 KiB, never in one blob."""
    response = await client.get(bomb_server.url("/bomb"), stream=True)
    tracemalloc.start()
    received = largest = 0
    try:
        if client.is_async:
            async for chunk in response.aiter_bytes():
                received += len(chunk)
                largest = max(largest, len(chunk))
                if received >= 64 * LIMIT:
                    break
        else:
            for chunk in response.iter_bytes():
                received += len(chunk)
                largest = max(largest, len(chunk))
                if received >= 64 * LIMIT:
                    break
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        await client.close_response(response)
    assert received >= 64 * LIMIT
    assert largest <= 100 * 1024
    assert peak < GROWTH, f"peak {peak / 1e6:.1f} MB"
