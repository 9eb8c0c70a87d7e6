"""Unsafe requests drop cached entries only once the origin accepted them (RFC 9111 section 4.4)."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from axios_python_cache import CachePlugin

import axios_python
from axios_python import AxiosPython, AxiosPythonError

from ._origin import Origin, Reply
from ._support import Sender

__all__: list[str] = []

_CACHEABLE = Reply(headers=[("Cache-Control", "max-age=60")], body=b"cached")


def _api(plugin: CachePlugin) -> AxiosPython:
    api = axios_python.create({"max_retries": 0})
    api.plugin(plugin)
    return api


async def _cached(send: Sender, api: AxiosPython, url: str) -> bool:
    return bool((await send(api, "GET", url)).from_cache)


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "M-SEARCH", "FROB"])
async def test_a_successful_unsafe_request_invalidates(
    origin: Origin, send: Sender, storage_options: dict[str, Any], method: str
) -> None:
    """Any method but GET, HEAD, OPTIONS and TRACE (unknown tokens too) drops the URL's entry."""
    url = origin.route("/item", _CACHEABLE)
    other = origin.route("/other", _CACHEABLE)
    plugin = CachePlugin(**storage_options)
    api = _api(plugin)
    await send(api, "GET", url)
    await send(api, "GET", other)
    response = await send(api, method, url)
    assert response.status_code == 200
    assert not await _cached(send, api, url)
    assert await _cached(send, api, other)
    assert plugin.stats.invalidations == 1
    await plugin.aclose()


@pytest.mark.parametrize(
    "answer",
    [Reply(500), Reply(404), Reply(409), Reply(drop=True)],
    ids=["500", "404", "409", "no-answer"],
)
async def test_a_failed_unsafe_request_keeps_the_entry(
    origin: Origin, send: Sender, storage_options: dict[str, Any], answer: Reply
) -> None:
    """An error status or no answer at all changes nothing on the origin: the entry stays."""
    url = origin.route("/item", _CACHEABLE)
    plugin = CachePlugin(**storage_options)
    api = _api(plugin)
    await send(api, "GET", url)
    origin.route("/item", answer)
    with pytest.raises(AxiosPythonError):
        await send(api, "POST", url, json={"n": 1})
    assert await _cached(send, api, url)
    assert plugin.stats.invalidations == 0
    await plugin.aclose()


async def test_an_error_status_let_through_by_validate_status_keeps_the_entry(
    origin: Origin, send: Sender
) -> None:
    """A 4xx the caller accepts as a response is still an error for invalidation."""
    url = origin.route("/item", _CACHEABLE)
    api = _api(CachePlugin())
    await send(api, "GET", url)
    origin.route("/item", Reply(422))
    response = await send(api, "PUT", url, validate_status=lambda status: True)
    assert response.status_code == 422
    assert await _cached(send, api, url)


@pytest.mark.parametrize(
    "then", [Reply(200), Reply(500), Reply(drop=True)], ids=["200", "500", "no-answer"]
)
async def test_a_redirected_unsafe_request_invalidates_whatever_follows(
    origin: Origin, send: Sender, storage_options: dict[str, Any], then: Reply
) -> None:
    """A POST answered 303 succeeded: its URL is dropped even if the GET that follows fails."""
    url = origin.route("/item", _CACHEABLE)
    other = origin.route("/other", _CACHEABLE)
    plugin = CachePlugin(**storage_options)
    api = _api(plugin)
    await send(api, "GET", url)
    await send(api, "GET", other)
    origin.route("/item", Reply(303, headers=[("Location", "/other")]))
    origin.route("/other", then)
    if then.status == 200 and not then.drop:
        assert (await send(api, "POST", url, json={"n": 1})).url == other
    else:
        with pytest.raises(AxiosPythonError):
            await send(api, "POST", url, json={"n": 1})
    origin.route("/item", _CACHEABLE)
    origin.route("/other", _CACHEABLE)
    assert not await _cached(send, api, url)
    assert not await _cached(send, api, other)  # the 303's Location, on the same origin
    assert plugin.stats.invalidations == 1
    await plugin.aclose()


@pytest.mark.parametrize("method", ["HEAD", "OPTIONS", "TRACE"])
async def test_safe_methods_do_not_invalidate(origin: Origin, send: Sender, method: str) -> None:
    """HEAD, OPTIONS and TRACE are safe: they neither use nor drop the entry."""
    url = origin.route("/item", _CACHEABLE)
    api = _api(CachePlugin())
    await send(api, "GET", url)
    await send(api, method, url)
    assert await _cached(send, api, url)


async def test_location_and_content_location_of_the_same_origin_are_invalidated(
    origin: Origin, send: Sender
) -> None:
    """A 201's Location and a Content-Location on the same origin are dropped too; others not."""
    for path in ("/items/1", "/items/1/view", "/unrelated"):
        origin.route(path, _CACHEABLE)
    headers = [
        ("Location", "/items/1"),
        ("Content-Location", "1/view"),  # relative to /items/
        ("Link", "</unrelated>"),
    ]
    create = origin.route("/items/", Reply(201, headers=headers))
    elsewhere = origin.route("/moved", Reply(200, headers=[("Location", "http://other.test/x")]))
    api = _api(CachePlugin())
    for path in ("/items/1", "/items/1/view", "/unrelated"):
        await send(api, "GET", origin.url + path)
    await send(api, "POST", create)
    await send(api, "POST", elsewhere)
    assert not await _cached(send, api, origin.url + "/items/1")
    assert not await _cached(send, api, origin.url + "/items/1/view")
    assert await _cached(send, api, origin.url + "/unrelated")


def test_the_entry_is_used_while_an_unsafe_request_is_in_flight(origin: Origin) -> None:
    """The entry is not dropped before the POST is answered (a failed POST would lose it)."""
    url = origin.route("/item", _CACHEABLE)
    api = _api(CachePlugin())
    api.get(url)
    origin.route("/item", Reply(200, delay=0.5))
    poster = threading.Thread(target=api.post, args=(url,))
    poster.start()
    assert origin.wait_for_hits("/item", 2)  # the POST reached the origin and waits there
    during = api.get(url)
    poster.join()
    assert during.from_cache
    assert during.content == b"cached"
    assert not api.get(url).from_cache  # the POST succeeded: now it is dropped


async def test_the_entry_is_used_while_an_unsafe_request_is_in_flight_async(
    origin: Origin,
) -> None:
    """The async twin: a task's slow PUT does not empty the cache for other tasks meanwhile."""
    url = origin.route("/item", _CACHEABLE)
    api = _api(CachePlugin())
    await api.async_get(url)
    origin.route("/item", Reply(200, delay=0.5))
    put = asyncio.ensure_future(api.async_put(url))
    assert await asyncio.to_thread(origin.wait_for_hits, "/item", 2)
    during = await api.async_get(url)
    await put
    assert during.from_cache
    assert not (await api.async_get(url)).from_cache
    await api.aclose()
