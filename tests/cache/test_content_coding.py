"""Cached bodies are the decoded ones the caller got, and their stored headers say so.

The core decodes Content-Encoding while reading a response (its headers stay as
received). A hit hands back the stored bytes as they are, so the entry must not
claim a coding its body no longer has, and a request for the body as sent
(``decompress=False``) must never get a decoded entry, nor leave a raw one behind.
"""

from __future__ import annotations

import gzip
import json
from typing import Any, cast

import pytest
from axios_python_cache import CachePlugin

import axios_python
from axios_python import AxiosPython, RequestOptions

from ._origin import Origin, Reply, Seen
from ._support import Sender

__all__: list[str] = []

PAYLOAD = json.dumps({"items": list(range(500))}).encode()
GZIPPED = gzip.compress(PAYLOAD, mtime=0)
CODED = [("Content-Type", "application/json"), ("Content-Encoding", "gzip")]


def _api(plugin: CachePlugin) -> AxiosPython:
    api = axios_python.create(cast("RequestOptions", {}))
    api.plugin(plugin)
    return api


def _gzip_route(origin: Origin) -> str:
    headers = [*CODED, ("Cache-Control", "max-age=60")]  # the origin adds Content-Length
    return origin.route("/gz", Reply(headers=headers, body=GZIPPED))


def _assert_honest(response: Any) -> None:
    assert response.content == PAYLOAD
    assert "content-encoding" not in response.headers
    assert response.headers.get_list("content-length") == [str(len(PAYLOAD))]
    assert response.data == json.loads(PAYLOAD)


@pytest.mark.parametrize("rfc", [False, True], ids=["ttl", "rfc"])
async def test_a_hit_of_a_gzip_response_claims_no_coding(
    origin: Origin, send: Sender, storage_options: dict[str, Any], rfc: bool
) -> None:
    """The entry holds the decoded body without Content-Encoding, and its own Content-Length."""
    url = _gzip_route(origin)
    api = _api(CachePlugin(respect_cache_control=rfc, **storage_options))
    first = await send(api, "GET", url)
    hit = await send(api, "GET", url)
    assert first.decoded
    assert first.content == PAYLOAD
    assert hit.from_cache
    _assert_honest(hit)
    assert origin.hits["/gz"] == 1


async def test_decompress_false_never_meets_a_decoded_entry(
    origin: Origin, send: Sender, storage_options: dict[str, Any]
) -> None:
    """A request for the body as sent goes to the origin, and what it gets is not stored."""
    url = _gzip_route(origin)
    plugin = CachePlugin(**storage_options)
    api = _api(plugin)
    await send(api, "GET", url)  # stored, decoded
    raw = await send(api, "GET", url, decompress=False)
    assert not raw.from_cache
    assert raw.content == GZIPPED
    assert raw.headers["content-encoding"] == "gzip"
    assert origin.hits["/gz"] == 2
    coded = [*CODED, ("Cache-Control", "max-age=60")]
    other = origin.route("/gz-raw-first", Reply(headers=coded, body=GZIPPED))
    assert (await send(api, "GET", other, decompress=False)).content == GZIPPED
    decoded = await send(api, "GET", other)  # the raw answer above was not kept
    assert not decoded.from_cache
    assert decoded.content == PAYLOAD
    assert plugin.stats.bypasses == 2


async def test_a_304_does_not_change_the_stored_bodys_fields(
    origin: Origin, send: Sender, storage_options: dict[str, Any]
) -> None:
    """A 304 carrying the encoded Content-Length and Content-Encoding keeps the entry honest.

    (hishel leaves both out when it updates a stored response: RFC 9111 section 3.2.)
    """

    def answer(seen: Seen) -> Reply:
        validators = [("ETag", '"v1"'), ("Cache-Control", "max-age=0")]
        if seen.header("if-none-match") == '"v1"':
            coded = [*CODED[1:], ("Content-Length", str(len(GZIPPED)))]
            return Reply(304, headers=[*validators, *coded], body=b"")
        return Reply(headers=[*CODED, *validators], body=GZIPPED)

    url = origin.route("/etag", answer)
    api = _api(CachePlugin(respect_cache_control=True, **storage_options))
    await send(api, "GET", url)
    revalidated = await send(api, "GET", url)
    assert revalidated.from_cache
    _assert_honest(revalidated)
    assert [seen.header("if-none-match") for seen in origin.requests_to("/etag")] == [None, '"v1"']


@pytest.mark.parametrize(
    "option",
    [{"max_content_length": 1 << 20}, {"on_download_progress": lambda event: None}],
    ids=["max_content_length", "on_download_progress"],
)
async def test_a_body_the_pipeline_reads_itself_is_not_cached(
    origin: Origin, send: Sender, option: dict[str, Any]
) -> None:
    """A limit or progress callback needs the body off the wire: never a stored one."""
    url = _gzip_route(origin)
    plugin = CachePlugin()
    api = _api(plugin)
    responses = [await send(api, "GET", url, **option) for _ in range(2)]
    assert [r.from_cache for r in responses] == [False, False]
    assert [r.content for r in responses] == [PAYLOAD, PAYLOAD]
    assert plugin.stats.bypasses == 2
