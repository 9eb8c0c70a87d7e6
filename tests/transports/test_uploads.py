"""Request bodies: JSON, forms, multipart files and streamed iterables, on every transport."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Iterator

import pytest

from axios_python import ConfigError

from ._support import Client


async def test_json_body(client: Client) -> None:
    """``json=`` is sent as a JSON document with its Content-Type."""
    response = await client.post("/post", json={"name": "Zoë", "n": [1, 2]})
    assert response.data["json"] == {"name": "Zoë", "n": [1, 2]}
    assert response.data["headers"]["Content-Type"] == "application/json"


async def test_form_body(client: Client) -> None:
    """A ``data`` mapping is sent url-encoded."""
    response = await client.post("/post", data={"a": "1 2", "b": "&"})
    assert response.data["form"] == {"a": "1 2", "b": "&"}


async def test_multipart_files_and_fields(client: Client) -> None:
    """Files (a file object and bytes) and fields arrive as multipart/form-data."""
    files = {
        "report": ("report.csv", io.BytesIO(b"a,b\n1,2\n"), "text/csv"),
        "note": ("note.txt", b"hello"),
    }
    response = await client.post("/post", files=files, data={"title": "Q3"})
    assert response.data["form"] == {"title": "Q3"}
    assert response.data["files"]["report"] == {
        "filename": "report.csv",
        "content_type": "text/csv",
        "content": "a,b\n1,2\n",
    }
    assert response.data["files"]["note"]["content"] == "hello"


async def test_generator_body_is_streamed(client: Client) -> None:
    """An iterable of bytes is sent in full (chunked, as its length is unknown)."""

    def pieces() -> Iterator[bytes]:
        yield b"first,"
        yield b"second"

    response = await client.post("/post", data=pieces())
    assert response.data["body"] == "first,second"
    assert response.data["headers"]["Transfer-Encoding"] == "chunked"


async def test_large_bytes_body(client: Client) -> None:
    """A 1 MB bytes body arrives intact, with its Content-Length."""
    body = bytes(range(256)) * 4096
    response = await client.post("/post", data=body, headers={"Content-Type": "text/plain"})
    assert response.data["headers"]["Content-Length"] == str(len(body))
    assert response.data["body"].encode("latin-1") == body


async def test_async_iterable_body(client: Client) -> None:
    """An async iterable body is sent by async transports and refused with ConfigError on sync."""

    async def pieces() -> AsyncIterator[bytes]:
        yield b"async,"
        yield b"body"

    if client.is_async:
        response = await client.post("/post", data=pieces())
        assert response.data["body"] == "async,body"
    else:
        with pytest.raises(ConfigError, match="async"):
            await client.post("/post", data=pieces())
