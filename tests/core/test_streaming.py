"""stream=True: context managers, chunked and line iteration, sync and async, bounded memory."""

from __future__ import annotations

import asyncio
import json
import tracemalloc
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from echo_server import EchoServer
from hypothesis import given, settings
from hypothesis import strategies as st

from axios_python import (
    AsyncByteStream,
    AxiosPython,
    HTTPStatusError,
    HttpxTransport,
    Response,
    StreamError,
    SyncByteStream,
)

from ._support import Sender

__all__: list[str] = []

_LARGE = 50_000_000  # bytes streamed by the memory test
_MEMORY_CEILING = 4 * 1024 * 1024  # far below the body size: the body is never held


def test_iter_bytes_with_chunk_size(api: AxiosPython) -> None:
    """iter_bytes(chunk_size) yields equal chunks (last may be short) that add up to the body."""
    expected = api.get("/bytes/1000").content
    with api.get("/stream-bytes/1000?chunk_size=37", stream=True) as response:
        assert response.status_code == 200
        chunks = list(response.iter_bytes(chunk_size=64))
    assert [len(c) for c in chunks] == [64] * 15 + [40]
    assert b"".join(chunks) == expected
    assert response.is_closed


def test_iter_lines(api: AxiosPython) -> None:
    """iter_lines yields each line without its line ending."""
    with api.get("/stream/5", stream=True) as response:
        lines = list(response.iter_lines())
    assert [json.loads(line)["id"] for line in lines] == [0, 1, 2, 3, 4]


async def test_aiter_bytes_with_chunk_size(api: AxiosPython) -> None:
    """aiter_bytes(chunk_size) on an async streamed response gives the same bytes."""
    expected = (await api.async_get("/bytes/1000")).content
    async with await api.async_get("/stream-bytes/1000?chunk_size=37", stream=True) as response:
        chunks = [chunk async for chunk in response.aiter_bytes(chunk_size=100)]
    assert [len(c) for c in chunks] == [100] * 10
    assert b"".join(chunks) == expected
    assert response.is_closed


async def test_aiter_lines(api: AxiosPython) -> None:
    """aiter_lines yields each line of an async streamed response."""
    async with await api.async_get("/stream/4", stream=True) as response:
        lines = [line async for line in response.aiter_lines()]
    assert [json.loads(line)["id"] for line in lines] == [0, 1, 2, 3]


async def test_streamed_body_is_not_read_until_asked(send: Sender, api: AxiosPython) -> None:
    """A streamed response's content raises StreamError until read() / aread()."""
    response = await send(api, "GET", "/bytes/10", stream=True)
    with pytest.raises(StreamError, match="has not been read"):
        _ = response.content
    body = await response.aread() if send.is_async else response.read()
    assert body == response.content
    assert len(body) == 10


def test_stream_cannot_be_read_twice(api: AxiosPython) -> None:
    """Iterating a consumed stream again raises StreamError instead of returning nothing."""
    with api.get("/stream/2", stream=True) as response:
        list(response.iter_bytes())
        with pytest.raises(StreamError, match="already read"):
            list(response.iter_lines())


def test_closed_stream_cannot_be_iterated(api: AxiosPython) -> None:
    """After the with block, iterating raises StreamError."""
    with api.get("/stream/2", stream=True) as response:
        pass
    with pytest.raises(StreamError):
        list(response.iter_bytes())


async def test_sync_body_refuses_async_iteration(api: AxiosPython) -> None:
    """A response streamed by the sync path says to use the sync iterators."""
    with (
        api.get("/stream/1", stream=True) as response,
        pytest.raises(StreamError, match="sync body"),
    ):
        _ = [chunk async for chunk in response.aiter_bytes()]


async def test_async_body_refuses_sync_reading(api: AxiosPython) -> None:
    """A response streamed by the async path says to use the async readers."""
    async with await api.async_get("/stream/1", stream=True) as response:
        with pytest.raises(StreamError, match="async body"):
            response.read()


async def test_leaving_early_releases_the_connection(send: Sender, server: EchoServer) -> None:
    """Closing a half-read stream frees its connection, even with a pool of one."""
    transport = HttpxTransport(limits=httpx.Limits(max_connections=1))
    api = AxiosPython({"base_url": server.url, "timeout": 2}, transport=transport)
    for _ in range(3):
        response = await send(api, "GET", "/stream/1000", stream=True)
        if send.is_async:
            async for _line in response.aiter_lines():
                break
            await response.aclose()
        else:
            for _line in response.iter_lines():
                break
            response.close()
    assert (await send(api, "GET", "/get")).status_code == 200
    await api.aclose()


async def test_streamed_error_status_still_raises_with_body(send: Sender, api: AxiosPython) -> None:
    """A failing status with stream=True raises HTTPStatusError whose response body was read."""
    with pytest.raises(HTTPStatusError) as info:
        await send(api, "GET", "/flaky/s/1?status=500", stream=True)
    assert info.value.response.data["status"] == 500


def test_non_streamed_response_iterates_too(api: AxiosPython) -> None:
    """iter_bytes and iter_lines also work on an already read body."""
    response = api.get("/text")
    assert list(response.iter_bytes(chunk_size=5)) == [b"hello", b" worl", b"d"]
    assert list(response.iter_lines()) == ["hello world"]


def test_chunk_size_must_be_positive(api: AxiosPython) -> None:
    """A zero chunk_size is a ValueError quoting it."""
    response = api.get("/text")
    with pytest.raises(ValueError, match="chunk_size must be a positive int"):
        list(response.iter_bytes(chunk_size=0))


# --- bounded memory ----------------------------------------------------------------------


def test_sync_stream_memory_stays_bounded(api: AxiosPython) -> None:
    """Streaming 50 MB keeps the traced memory peak far below the body size."""
    total = 0
    tracemalloc.start()
    try:
        with api.get(f"/large/{_LARGE}", stream=True) as response:
            for chunk in response.iter_bytes(chunk_size=65536):
                total += len(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == _LARGE
    assert peak < _MEMORY_CEILING, f"peak {peak} bytes while streaming {_LARGE}"


async def test_async_stream_memory_stays_bounded(api: AxiosPython) -> None:
    """Async streaming of 50 MB keeps the traced memory peak far below the body size."""
    total = 0
    first = b""
    tracemalloc.start()
    try:
        async with await api.async_get(f"/large/{_LARGE}", stream=True) as response:
            async for chunk in response.aiter_bytes():
                if not first:
                    first = chunk[:512]
                total += len(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == _LARGE
    assert first == bytes(range(256)) * 2
    assert peak < _MEMORY_CEILING, f"peak {peak} bytes while streaming {_LARGE}"


# --- chunking properties ---------------------------------------------------------------------


class _Chunks(SyncByteStream):
    """A sync byte stream over fixed chunks."""

    def __init__(self, chunks: list[bytes]) -> None:
        self._chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._chunks)


class _AsyncChunks(AsyncByteStream):
    """An async byte stream over fixed chunks."""

    def __init__(self, chunks: list[bytes]) -> None:
        self._chunks = chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._chunks:
            yield chunk


def _split(data: bytes, cuts: list[int]) -> list[bytes]:
    """Split ``data`` at the given offsets (empty pieces included)."""
    points = sorted({min(c, len(data)) for c in cuts})
    pieces, start = [], 0
    for point in points:
        pieces.append(data[start:point])
        start = point
    pieces.append(data[start:])
    return pieces


_TEXT = st.text(alphabet="ab \r\né€\t", max_size=60)
_CUTS = st.lists(st.integers(min_value=0, max_value=200), max_size=12)


@settings(max_examples=200, deadline=None)
@given(text=_TEXT, cuts=_CUTS)
def test_iter_lines_is_independent_of_chunking(text: str, cuts: list[int]) -> None:
    """However the bytes are chunked (even inside \\r\\n or a UTF-8 character), lines match."""
    pieces = _split(text.encode("utf-8"), cuts)
    response = Response(200, stream=_Chunks(pieces))
    assert list(response.iter_lines()) == text.splitlines()


@settings(max_examples=100, deadline=None)
@given(text=_TEXT, cuts=_CUTS)
def test_aiter_lines_is_independent_of_chunking(text: str, cuts: list[int]) -> None:
    """The async line iterator gives the same lines for any chunking."""
    pieces = _split(text.encode("utf-8"), cuts)

    async def collect() -> list[str]:
        response = Response(200, stream=_AsyncChunks(pieces))
        return [line async for line in response.aiter_lines()]

    assert asyncio.run(collect()) == text.splitlines()


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=300), cuts=_CUTS, size=st.integers(min_value=1, max_value=64))
def test_iter_bytes_rechunks_exactly(data: bytes, cuts: list[int], size: int) -> None:
    """iter_bytes(n) yields n-byte chunks (only the last shorter) that join to the body."""
    response = Response(200, stream=_Chunks(_split(data, cuts)))
    chunks = list(response.iter_bytes(chunk_size=size))
    assert b"".join(chunks) == data
    assert all(len(chunk) == size for chunk in chunks[:-1])
    assert all(0 < len(chunk) <= size for chunk in chunks)
