"""respect_cache_control=True: freshness, storability and revalidation by the origin's headers."""

from __future__ import annotations

import asyncio
import time
from email.utils import formatdate
from typing import cast

import pytest
from axios_python_cache import CachePlugin
from echo_server import EchoServer

import axios_python
from axios_python import (
    AxiosPython,
    BaseTransport,
    FixedBackoff,
    HttpxTransport,
    NetworkError,
    Request,
    RequestOptions,
    Response,
)

from ._support import Sender

__all__: list[str] = []


def _api(server: EchoServer, plugin: CachePlugin, **config: object) -> AxiosPython:
    api = axios_python.create(cast("RequestOptions", {"base_url": server.url, **config}))
    api.plugin(plugin)
    return api


def _last(server: EchoServer, header: str) -> str | None:
    return server.requests[-1].header(header)


async def test_max_age_keeps_a_response_fresh(server: EchoServer, send: Sender) -> None:
    """Within max-age the cached response is used and carries an Age header."""
    api = _api(server, CachePlugin(respect_cache_control=True))
    await send(api, "GET", "/cache/60")
    hit = await send(api, "GET", "/cache/60")
    assert hit.from_cache
    assert hit.headers["age"].isdigit()
    assert server.hits["/cache/60"] == 1


async def test_max_age_zero_is_never_served_stale(server: EchoServer, send: Sender) -> None:
    """max-age=0 sends every request to the origin (without the option it is cached for ttl)."""
    strict = _api(server, CachePlugin(respect_cache_control=True))
    for _ in range(3):
        assert not (await send(strict, "GET", "/cache/0")).from_cache
    assert server.hits["/cache/0"] == 3
    loose = _api(server, CachePlugin())
    await send(loose, "GET", "/cache/0")
    assert (await send(loose, "GET", "/cache/0")).from_cache


async def test_ttl_bounds_header_freshness(server: EchoServer, send: Sender) -> None:
    """A max-age longer than ttl still ends at ttl."""
    api = _api(server, CachePlugin(ttl=0.2, respect_cache_control=True))
    await send(api, "GET", "/cache/60")
    assert (await send(api, "GET", "/cache/60")).from_cache
    await asyncio.sleep(0.3)
    assert not (await send(api, "GET", "/cache/60")).from_cache


async def test_etag_revalidation_serves_the_stored_body(server: EchoServer, send: Sender) -> None:
    """A stale entry with an ETag is revalidated; the 304 serves the stored body, marked cached."""
    plugin = CachePlugin(respect_cache_control=True)
    api = _api(server, plugin)
    first = await send(api, "GET", "/etag/v1")
    second = await send(api, "GET", "/etag/v1")
    assert _last(server, "If-None-Match") == '"v1"'
    assert second.from_cache
    assert second.status_code == 200
    assert second.data == first.data
    assert second.headers["etag"] == '"v1"'
    assert server.hits["/etag/v1"] == 2
    assert plugin.stats.revalidations == 1
    assert plugin.stats.hits == 1


async def test_304_accepted_by_validate_status_is_also_refreshed(
    server: EchoServer, send: Sender
) -> None:
    """When validate_status lets 304 through, the plugin still swaps in the stored response."""
    api = _api(server, CachePlugin(respect_cache_control=True), validate_status=lambda s: s < 400)
    first = await send(api, "GET", "/etag/v2")
    second = await send(api, "GET", "/etag/v2")
    assert second.status_code == 200
    assert second.from_cache
    assert second.data == first.data


async def test_callers_own_conditional_request_is_left_alone(
    server: EchoServer, send: Sender
) -> None:
    """A caller's If-None-Match gets the origin's 304, not a cached body."""
    api = _api(server, CachePlugin(respect_cache_control=True))
    await send(api, "GET", "/etag/v3")
    with pytest.raises(axios_python.HTTPStatusError) as info:
        await send(api, "GET", "/etag/v3", headers={"If-None-Match": '"v3"'})
    assert info.value.response is not None
    assert info.value.response.status_code == 304


async def test_no_cache_revalidates_every_time(server: EchoServer, send: Sender) -> None:
    """Cache-Control: no-cache stores the response but checks it with the origin before each use."""
    api = _api(server, CachePlugin(respect_cache_control=True))
    url = "/response-headers"
    params = {"Cache-Control": "no-cache, max-age=60", "ETag": '"nc"'}
    await send(api, "GET", url, params=params)
    again = await send(api, "GET", url, params=params)
    assert _last(server, "If-None-Match") == '"nc"'
    assert not again.from_cache  # this endpoint answers 200, not 304
    assert server.hits["/response-headers"] == 2


async def test_last_modified_revalidation(server: EchoServer, send: Sender) -> None:
    """A stale entry with Last-Modified is checked with If-Modified-Since."""
    api = _api(server, CachePlugin(respect_cache_control=True))
    modified = formatdate(time.time() - 3600, usegmt=True)
    params = {"Cache-Control": "max-age=0", "Last-Modified": modified}
    await send(api, "GET", "/response-headers", params=params)
    await send(api, "GET", "/response-headers", params=params)
    assert _last(server, "If-Modified-Since") == modified


@pytest.mark.parametrize(
    ("cache_control", "shared", "cached"),
    [
        ("private, max-age=60", True, False),
        ("private, max-age=60", False, True),
        ("s-maxage=60", True, True),
        ("s-maxage=60", False, False),
        ("public, max-age=60", True, True),
    ],
)
async def test_private_and_s_maxage_follow_the_cache_kind(
    server: EchoServer, send: Sender, cache_control: str, shared: bool, cached: bool
) -> None:
    """A shared cache (default) skips private and honours s-maxage; a private cache the reverse."""
    api = _api(server, CachePlugin(respect_cache_control=True, shared=shared))
    params = {"Cache-Control": cache_control}
    await send(api, "GET", "/response-headers", params=params)
    assert (await send(api, "GET", "/response-headers", params=params)).from_cache is cached


@pytest.mark.parametrize(("offset", "cached"), [(3600, True), (-3600, False)])
async def test_expires_header(server: EchoServer, send: Sender, offset: int, cached: bool) -> None:
    """Expires in the future keeps a response fresh; in the past it does not."""
    api = _api(server, CachePlugin(respect_cache_control=True))
    params = {"Expires": formatdate(time.time() + offset, usegmt=True)}
    await send(api, "GET", "/response-headers", params=params)
    assert (await send(api, "GET", "/response-headers", params=params)).from_cache is cached


async def test_private_response_is_cached_per_user_when_authenticated(
    server: EchoServer, send: Sender
) -> None:
    """With cache_authenticated=True, a private response is kept for its own user only."""
    api = _api(server, CachePlugin(respect_cache_control=True, cache_authenticated=True))
    params = {"Cache-Control": "private, max-age=60"}
    alice = {"Authorization": "Bearer alice"}
    await send(api, "GET", "/response-headers", params=params, headers=alice)
    hit = await send(api, "GET", "/response-headers", params=params, headers=alice)
    other = await send(
        api, "GET", "/response-headers", params=params, headers={"Authorization": "Bearer bob"}
    )
    assert hit.from_cache
    assert not other.from_cache


class _FailNextSend(BaseTransport):
    """Delegates to HttpxTransport, but the send after ``arm()`` fails with NetworkError."""

    def __init__(self) -> None:
        self.inner = HttpxTransport()
        self.armed = False

    def arm(self) -> None:
        self.armed = True

    def _maybe_fail(self, request: Request) -> None:
        if self.armed:
            self.armed = False
            raise NetworkError("connection dropped (test)", request=request)

    def send(self, request: Request) -> Response:
        self._maybe_fail(request)
        return self.inner.send(request)

    async def send_async(self, request: Request) -> Response:
        self._maybe_fail(request)
        return await self.inner.send_async(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


async def test_a_retried_revalidation_still_serves_the_stored_body(
    server: EchoServer, send: Sender
) -> None:
    """When the conditional request is retried, the retry revalidates too and the 304 is served."""
    transport = _FailNextSend()
    api = axios_python.create(
        {"base_url": server.url, "max_retries": 1, "retry_strategy": FixedBackoff(delay=0)},
        transport=transport,
    )
    plugin = CachePlugin(respect_cache_control=True)
    api.plugin(plugin)
    first = await send(api, "GET", "/etag/r1")
    transport.arm()
    second = await send(api, "GET", "/etag/r1")
    assert second.from_cache
    assert second.data == first.data
    assert second.retries == 1
    assert server.requests[-1].header("If-None-Match") == '"r1"'
    await transport.aclose()
