"""Responses: status, headers, bodies and decoding come out the same on every transport."""

from __future__ import annotations

import random

import pytest

from axios_python import HTTPStatusError

from ._support import Client


async def test_get_json_is_parsed(client: Client) -> None:
    """A JSON body arrives parsed in ``data`` with status 200 and its Content-Type."""
    response = await client.get("/json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.data["slideshow"]["author"] == "axios-python"


async def test_text_body_is_decoded_with_its_charset(client: Client) -> None:
    """A text body comes back as str, decoded with the declared charset."""
    response = await client.get("/text")
    assert response.data == "hello world"
    assert response.encoding == "utf-8"


async def test_binary_body_is_exact(client: Client) -> None:
    """A binary body arrives byte for byte."""
    response = await client.get("/bytes/5000", params={"seed": 7})
    assert response.content == random.Random(7).randbytes(5000)


async def test_query_params_are_encoded(client: Client) -> None:
    """Params with spaces, non-ASCII and repeats reach the server intact."""
    response = await client.get("/get", params={"q": "a b&c", "name": "Zoë", "tag": ["x", "y"]})
    assert response.data["args_multi"] == {"q": ["a b&c"], "name": ["Zoë"], "tag": ["x", "y"]}


async def test_request_headers_reach_the_server(client: Client) -> None:
    """Custom request headers are sent as given."""
    response = await client.get("/headers", headers={"X-Trace": "abc", "Accept": "text/plain"})
    assert response.data["headers"]["X-Trace"] == "abc"
    assert response.data["headers"]["Accept"] == "text/plain"


async def test_repeated_response_headers_stay_apart(client: Client) -> None:
    """A header the server repeats keeps each value in get_list and joins them on lookup."""
    response = await client.get("/response-headers", params={"X-Multi": ["one", "two"]})
    assert response.headers.get_list("x-multi") == ["one", "two"]
    assert response.headers["X-Multi"] == "one, two"


async def test_gzip_body_is_decompressed(client: Client) -> None:
    """A gzip response is decoded, and the transport asked for compression."""
    response = await client.get("/gzip")
    assert response.data["gzipped"] is True
    assert "gzip" in response.data["headers"]["Accept-Encoding"]


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "OPTIONS"])
async def test_every_method_is_sent_as_is(client: Client, method: str) -> None:
    """The request method reaches the server unchanged."""
    response = await client.request(method, "/anything/x")
    assert response.data["method"] == method


async def test_head_has_headers_and_no_body(client: Client) -> None:
    """HEAD returns the headers of the resource and an empty body."""
    response = await client.request("HEAD", "/bytes/100")
    assert response.status_code == 200
    assert response.headers["content-length"] == "100"
    assert response.content == b""


async def test_no_content_status(client: Client) -> None:
    """A 204 has an empty body."""
    response = await client.get("/status/204")
    assert response.status_code == 204
    assert response.content == b""


async def test_error_status_keeps_the_body(client: Client) -> None:
    """A 404 raises HTTPStatusError whose response carries the body."""
    with pytest.raises(HTTPStatusError) as caught:
        await client.get("/nowhere")
    assert caught.value.response.status_code == 404
    assert caught.value.response.data["path"] == "/nowhere"


async def test_large_download_is_complete(client: Client) -> None:
    """A 3 MB body arrives complete and in order."""
    size = 3 * 1024 * 1024
    response = await client.get(f"/large/{size}")
    assert len(response.content) == size
    assert response.content[:256] == bytes(range(256))
    assert response.content[-1] == (size - 1) % 256


async def test_response_knows_its_url_and_request(client: Client) -> None:
    """The response carries the final URL and the prepared request."""
    response = await client.get("/get", params={"a": "1"})
    assert response.url == f"{client.server.url}/get?a=1"
    assert response.request is not None
    assert response.request.method == "GET"
