"""Streamed responses: bytes and lines as they arrive, and an early close frees the connection."""

from __future__ import annotations

import random
import time

import pytest

from axios_python import TimeoutError

from ._hostile import Conn, HostileServer
from ._support import Client, eventually, total


async def test_stream_bytes_arrive_complete(client: Client) -> None:
    """A chunked body streamed with iter_bytes/aiter_bytes equals the whole body."""
    response = await client.get("/stream-bytes/20000", params={"chunk_size": 1000}, stream=True)
    assert not response.is_closed
    chunks = await client.chunks(response)
    assert b"".join(chunks) == random.Random(0).randbytes(20000)
    assert response.is_closed


async def test_stream_lines(client: Client) -> None:
    """iter_lines/aiter_lines yields one JSON document per line."""
    response = await client.get("/stream/4", stream=True)
    lines = await client.lines(response)
    assert [line.startswith('{"id": ') for line in lines] == [True] * 4
    assert '"id": 3' in lines[-1]


async def test_stream_yields_before_the_body_ends(client: Client) -> None:
    """The first piece of a slow body arrives long before the last one is sent."""
    started = time.monotonic()
    response = await client.get("/drip", params={"numbytes": 4, "duration": 2}, stream=True)
    chunk = await client.first_chunk(response)
    assert chunk.startswith(b"*")
    assert time.monotonic() - started < 1.5
    await client.close_response(response)


def answer_sized_slowly(conn: Conn, index: int) -> bool:
    """A 4-byte body with a Content-Length, one byte every 0.5 s."""
    conn.send_head(200, [("Content-Length", "4")])
    conn.trickle(b"abcd", pause=0.5)
    return False


async def test_a_sized_body_streams_as_it_arrives(client: Client) -> None:
    """A body with a Content-Length is handed over as it arrives too, not once a buffer fills."""
    with HostileServer(answer_sized_slowly) as srv:
        started = time.monotonic()
        response = await client.get(srv.url("/sized"), stream=True)
        chunk = await client.first_chunk(response)
        assert chunk.startswith(b"a")
        assert time.monotonic() - started < 1.2  # the whole body takes 2 s
        await client.close_response(response)


async def test_streamed_gzip_is_decompressed(client: Client) -> None:
    """A gzip body read as a stream comes out decompressed."""
    response = await client.get("/gzip", stream=True)
    assert b'"gzipped": true' in b"".join(await client.chunks(response))


async def test_early_close_frees_the_connection(client: Client) -> None:
    """Closing a half-read large body drops its connection and frees the pool slot."""
    api = client.new(max_connections=1)
    size = 50 * 1024 * 1024
    response = await client.get(f"/large/{size}", api=api, stream=True)
    first = await client.first_chunk(response)
    assert 0 < len(first) < size
    await client.close_response(response)
    quick = {"connect": 1, "read": 2, "write": 1, "pool": 1}
    follow_up = await client.get("/get", api=api, timeout=quick)
    assert follow_up.status_code == 200
    assert await eventually(lambda: client.server.connections_opened == 2)


async def test_read_timeout_while_streaming(client: Client) -> None:
    """A stream that stalls longer than the read timeout raises TimeoutError while iterating."""
    timeout = {"connect": 2, "read": 0.3, "write": 2, "pool": 2}
    response = await client.get(
        "/drip", params={"numbytes": 3, "duration": 3}, stream=True, timeout=timeout
    )
    with pytest.raises(TimeoutError):
        await client.chunks(response)


async def test_large_stream_in_bounded_chunks(client: Client) -> None:
    """A 4 MB body streams in many chunks of at most 64 KiB (or so), not one blob."""
    size = 4 * 1024 * 1024
    response = await client.get(f"/large/{size}", stream=True)
    chunks = await client.chunks(response)
    assert total(chunks) == size
    assert len(chunks) >= 16
