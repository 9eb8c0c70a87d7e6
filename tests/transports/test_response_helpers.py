"""Response and request helpers: the same answers on every transport and side."""

from __future__ import annotations

import gzip
import json

import pytest

from axios_python import ConfigError, Response, StreamError

from ._raw_server import RawServer
from ._support import Client

HTTP_10 = b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi"


async def _raw_chunks(client: Client, response: Response) -> bytes:
    if client.is_async:
        return b"".join([chunk async for chunk in response.aiter_raw()])
    return b"".join(response.iter_raw())


@pytest.mark.parametrize("stream", [False, True])
async def test_http_version_is_what_the_server_spoke(client: Client, stream: bool) -> None:
    """http_version says HTTP/1.1 for the echo server and HTTP/1.0 for a 1.0 server."""
    modern = await client.get("/get", stream=stream)
    with RawServer(HTTP_10) as old:
        legacy = await client.get(old.url("/x"), stream=stream)
        if stream:
            await client.chunks(legacy)
    assert (modern.http_version, legacy.http_version) == ("HTTP/1.1", "HTTP/1.0")
    await client.close_response(modern)


async def test_links_are_parsed_by_relation(client: Client) -> None:
    """response.links maps each rel of the Link header(s) to its URL and parameters."""
    link = '<https://api.test/items?page=2>; rel="next", </items?page=9>; rel="last"; title="end"'
    response = await client.get("/response-headers", params={"Link": [link, "<https://x.test/>"]})
    assert response.links == {
        "next": {"url": "https://api.test/items?page=2", "rel": "next"},
        "last": {"url": "/items?page=9", "rel": "last", "title": "end"},
        "https://x.test/": {"url": "https://x.test/"},
    }


@pytest.mark.parametrize(
    ("status", "flags"),
    [
        (200, {"ok", "is_success"}),
        (302, {"is_redirect"}),
        (304, set()),
        (404, {"is_client_error", "is_error"}),
        (503, {"is_server_error", "is_error"}),
    ],
)
async def test_status_helpers(client: Client, status: int, flags: set[str]) -> None:
    """is_success, is_redirect (a Location to follow), is_*_error answer by the status."""
    path = f"/redirect-to?url=/get&status_code={status}" if status == 302 else f"/status/{status}"
    response = await client.get(path, follow_redirects=False, validate_status=None)
    names = ["ok", "is_success", "is_informational", "is_redirect"]
    names += ["is_client_error", "is_server_error", "is_error"]
    assert {name for name in names if getattr(response, name)} == flags


async def test_iter_raw_gives_the_bytes_as_received(client: Client) -> None:
    """A streamed gzip body comes out of iter_raw()/aiter_raw() still compressed."""
    response = await client.get("/gzip", stream=True)
    raw = await _raw_chunks(client, response)
    assert json.loads(gzip.decompress(raw))["gzipped"] is True
    decoded = await client.get("/gzip", stream=True)
    assert json.loads(b"".join(await client.chunks(decoded)))["gzipped"] is True


async def test_iter_raw_after_a_read(client: Client) -> None:
    """A read body is given as it is when it was not encoded; a decoded one is a StreamError."""
    plain = await client.get("/bytes/100", params={"seed": 3})
    assert await _raw_chunks(client, plain) == plain.content
    kept = await client.get("/gzip", decompress=False)
    assert gzip.decompress(await _raw_chunks(client, kept))
    decoded = await client.get("/gzip")
    with pytest.raises(StreamError, match="read and decoded"):
        await _raw_chunks(client, decoded)


async def test_data_of_an_unread_stream_is_an_error(client: Client) -> None:
    """.data on a streamed response not read yet raises StreamError, not None."""
    response = await client.get("/json", stream=True)
    with pytest.raises(StreamError, match="has not been read"):
        _ = response.data
    if client.is_async:
        await response.aread()
    else:
        response.read()
    assert response.data["slideshow"]["author"] == "axios-python"


@pytest.mark.parametrize("method", ["post_form", "put_form", "patch_form"])
async def test_form_methods_send_multipart(client: Client, method: str) -> None:
    """post_form/put_form/patch_form send multipart/form-data, with or without files."""
    api = client.api
    call = getattr(api, f"async_{method}" if client.is_async else method)
    sent = call("/anything", data={"name": "Ada", "note": None})
    response = await sent if client.is_async else sent
    assert response.data["method"] == method.split("_")[0].upper()
    assert response.data["headers"]["Content-Type"].startswith("multipart/form-data; boundary=")
    assert response.data["form"] == {"name": "Ada", "note": ""}
    empty = call("/anything")
    empty_response = await empty if client.is_async else empty
    assert empty_response.data["headers"]["Content-Type"].startswith("multipart/form-data")


async def test_a_form_with_files_and_a_boundary_of_yours(client: Client) -> None:
    """Files go with the fields; a Content-Type with your own boundary is kept and used."""
    headers = {"Content-Type": "multipart/form-data; boundary=my-boundary"}
    options = {"data": {"a": "1"}, "files": {"f": ("f.txt", b"xyz")}, "headers": headers}
    if client.is_async:
        response = await client.api.async_post_form("/post", **options)  # type: ignore[arg-type]
    else:
        response = client.api.post_form("/post", **options)  # type: ignore[arg-type]
    assert response.data["form"] == {"a": "1"}
    assert response.data["files"]["f"]["content"] == "xyz"
    assert b"--my-boundary\r\n" in client.server.requests[-1].body
    with pytest.raises(ConfigError, match="not json="):
        client.api.post_form("/post", json={"a": 1})
