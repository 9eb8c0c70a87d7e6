"""Size limits: max_content_length and max_body_length raise ContentTooLargeError, free the line."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from axios_python import AxiosPython, ContentTooLargeError

from ._support import Client, eventually

LIMIT = 64 * 1024


async def test_a_body_within_the_limit_arrives_whole(client: Client) -> None:
    """A body up to the limit is returned as usual, buffered and streamed."""
    response = await client.get(f"/bytes/{LIMIT}", max_content_length=LIMIT)
    assert len(response.content) == LIMIT
    streamed = await client.get(f"/bytes/{LIMIT}", max_content_length=LIMIT, stream=True)
    assert sum(len(chunk) for chunk in await client.chunks(streamed)) == LIMIT


async def test_a_content_length_over_the_limit_fails_unread(client: Client) -> None:
    """A 200 MB Content-Length fails at once, and the connection is dropped, not pooled."""
    started = time.monotonic()
    with pytest.raises(ContentTooLargeError) as caught:
        await client.get(f"/large/{200 * 1024 * 1024}", max_content_length=LIMIT)
    assert time.monotonic() - started < 2  # 200 MB were not read
    assert caught.value.limit == LIMIT
    assert caught.value.response is not None
    assert caught.value.response.status_code == 200
    assert await eventually(lambda: client.server.connections_closed_by_client >= 1)
    assert (await client.get("/get")).status_code == 200


async def test_a_chunked_body_fails_as_it_passes_the_limit(client: Client) -> None:
    """A body of unknown size fails once it passes the limit, buffered or streamed."""
    with pytest.raises(ContentTooLargeError, match=f"max_content_length of {LIMIT} bytes"):
        await client.get(
            "/stream-bytes/200000", params={"chunk_size": 4096}, max_content_length=LIMIT
        )
    response = await client.get(
        "/stream-bytes/200000", params={"chunk_size": 4096}, max_content_length=LIMIT, stream=True
    )
    with pytest.raises(ContentTooLargeError):
        await client.chunks(response)
    assert response.is_closed


async def read_body(client: Client, api: AxiosPython, stream: bool, **options: Any) -> bytes:
    """GET 200,000 bytes in chunks and the whole body, streamed or not."""
    response = await client.get("/stream-bytes/200000", api=api, stream=stream, **options)
    return b"".join(await client.chunks(response)) if stream else response.content


@pytest.mark.parametrize("stream", [False, True], ids=["buffered", "streamed"])
async def test_a_body_over_the_limit_frees_its_connection(client: Client, stream: bool) -> None:
    """On a pool of one connection, the request after a refused body gets a connection."""
    api = client.new(max_connections=1)
    options = {"params": {"chunk_size": 4096}, "max_content_length": LIMIT}
    with pytest.raises(ContentTooLargeError):
        await read_body(client, api, stream, **options)
    quick = {"connect": 2, "read": 2, "write": 2, "pool": 1}
    assert (await client.get("/get", api=api, timeout=quick)).status_code == 200


async def test_the_limit_counts_decompressed_bytes(client: Client) -> None:
    """The gzip body is small on the wire; its decoded size is what the limit measures."""
    response = await client.get("/gzip")
    decoded = len(response.content)
    with pytest.raises(ContentTooLargeError):
        await client.get("/gzip", max_content_length=decoded - 1)
    assert len((await client.get("/gzip", max_content_length=decoded)).content) == decoded


async def test_a_known_request_body_over_the_limit_is_not_sent(client: Client) -> None:
    """bytes, JSON and forms over max_body_length fail before anything reaches the server."""
    with pytest.raises(ContentTooLargeError) as caught:
        await client.post("/post", data=b"x" * 2000, max_body_length=1000)
    assert caught.value.limit == 1000
    assert "is 2000 bytes" in str(caught.value)
    with pytest.raises(ContentTooLargeError):
        await client.post("/post", json={"k": "v" * 2000}, max_body_length=1000)
    assert client.server.hits["/post"] == 0
    ok = await client.post("/post", data=b"x" * 1000, max_body_length=1000)
    assert ok.data["body"] == "x" * 1000


async def test_a_streamed_request_body_fails_as_it_passes_the_limit(client: Client) -> None:
    """A generator body is counted as it is sent; past the limit the request fails."""

    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b"y" * 500

    async def achunks() -> AsyncIterator[bytes]:
        for _ in range(10):
            yield b"y" * 500

    body = achunks() if client.is_async else chunks()
    with pytest.raises(ContentTooLargeError, match="passed it while being sent"):
        await client.post("/post", data=body, max_body_length=2000)
    small = achunks() if client.is_async else chunks()
    response = await client.post("/post", data=small, max_body_length=5000)
    assert response.data["body"] == "y" * 5000
