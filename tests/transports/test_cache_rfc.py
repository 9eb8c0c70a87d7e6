"""The cache plugin's RFC 9111 mode and single-flight on every transport and side.

tests/cache covers each behaviour in depth on the default transport and every
storage; here each one a user can see is checked once per (transport, side), as
the responses, the errors and the connections differ between transports.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from axios_python_cache import CachePlugin
from cache._origin import Origin, Reply, Seen

from axios_python import AxiosPython, AxiosPythonError, NetworkError, Response

from ._support import Client

__all__: list[str] = []


@pytest.fixture
def origin() -> Iterator[Origin]:
    """A scriptable origin on 127.0.0.1 that counts hits per path (tests/cache/_origin.py)."""
    with Origin() as server:
        yield server


def _cached(client: Client, **options: Any) -> tuple[AxiosPython, CachePlugin]:
    plugin = CachePlugin(**options)
    api = client.new(max_retries=0)
    api.plugin(plugin)
    return api, plugin


async def test_incoming_age_counts_and_hits_carry_the_corrected_age(
    client: Client, origin: Origin
) -> None:
    """max-age=3600 with Age: 7200 is stale; a fresh hit's Age is the upstream Age plus time."""
    stale = origin.route(
        "/stale", Reply(headers=[("Cache-Control", "max-age=3600"), ("Age", "7200")])
    )
    fresh = origin.route(
        "/fresh", Reply(headers=[("Cache-Control", "max-age=3600"), ("Age", "100")])
    )
    api, _ = _cached(client, respect_cache_control=True)
    for url in (stale, stale, fresh):
        await client.get(url, api=api)
    hit = await client.get(fresh, api=api)
    assert origin.hits["/stale"] == 2
    assert hit.from_cache
    assert 100 <= int(hit.headers["age"]) <= 105
    assert hit.headers.get_list("age") == [hit.headers["age"]]


@pytest.mark.parametrize("expires", ["Thu, 01 Jan 2099 00:00:00 UTC", "0", ""])
async def test_an_invalid_expires_means_already_expired(
    client: Client, origin: Origin, expires: str
) -> None:
    """An Expires that is not an HTTP-date keeps nothing fresh: the origin is asked each time."""
    url = origin.route("/expires", Reply(headers=[("Expires", expires)]))
    api, _ = _cached(client, respect_cache_control=True)
    responses = [await client.get(url, api=api) for _ in range(2)]
    assert [r.from_cache for r in responses] == [False, False]
    assert origin.hits["/expires"] == 2


@pytest.mark.parametrize("respect", [False, True], ids=["ttl-mode", "rfc-mode"])
async def test_connection_named_and_hop_by_hop_fields_are_not_stored(
    client: Client, origin: Origin, respect: bool
) -> None:
    """A hit has neither the fields Connection names nor Keep-Alive or Proxy-Authenticate."""
    headers = [
        ("Cache-Control", "max-age=60"),
        ("Connection", "keep-alive, X-Hop-Secret"),
        ("Keep-Alive", "timeout=5"),
        ("X-Hop-Secret", "s3cret"),
        ("Proxy-Authenticate", "Basic"),
        ("X-Kept", "yes"),
    ]
    url = origin.route("/hop", Reply(headers=headers))
    api, _ = _cached(client, respect_cache_control=respect)
    first = await client.get(url, api=api)
    hit = await client.get(url, api=api)
    assert first.headers["x-hop-secret"] == "s3cret"  # the network response is untouched
    assert hit.from_cache
    assert hit.headers["x-kept"] == "yes"
    for name in ("connection", "keep-alive", "x-hop-secret", "proxy-authenticate"):
        assert name not in hit.headers
    assert origin.hits["/hop"] == 1


async def test_a_304_matching_nothing_stored_is_repeated_without_conditions(
    client: Client, origin: Origin
) -> None:
    """A 304 whose ETag selects nothing stored never reaches the caller: the full body does."""
    counter = itertools.count(1)

    def answer(seen: Seen) -> Reply:
        if seen.header("If-None-Match"):
            return Reply(304, headers=[("ETag", '"v2"')])
        headers = [("ETag", '"v1"'), ("Cache-Control", "no-cache")]
        return Reply(headers=headers, body=b"full %d" % next(counter))

    url = origin.route("/etag", answer)
    api, _ = _cached(client, respect_cache_control=True)
    assert (await client.get(url, api=api)).content == b"full 1"
    second = await client.get(url, api=api)
    assert (second.status_code, second.content, second.from_cache) == (200, b"full 2", False)
    sent = [seen.header("If-None-Match") for seen in origin.requests_to("/etag")]
    assert sent == [None, '"v1"', None]


async def test_stale_while_revalidate_serves_stale_and_refreshes_once(
    client: Client, origin: Origin
) -> None:
    """Within the window the stale entry is served at once; one background GET refreshes it."""

    def answer(seen: Seen) -> Reply:
        count = origin.hits["/swr"]
        cache_control = ("Cache-Control", "max-age=2, stale-while-revalidate=60")
        age = ("Age", "5" if count == 1 else "0")  # stale on arrival, inside the window
        return Reply(headers=[cache_control, age], body=b"v%d" % count)

    url = origin.route("/swr", answer)
    api, plugin = _cached(client, respect_cache_control=True)
    assert (await client.get(url, api=api)).content == b"v1"
    stale = await client.get(url, api=api)
    assert (stale.from_cache, stale.content) == (True, b"v1")
    deadline = time.monotonic() + 5
    refreshed: Response = stale
    while refreshed.content != b"v2" and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
        refreshed = await client.get(url, api=api)
    assert (refreshed.from_cache, refreshed.content) == (True, b"v2")
    assert origin.hits["/swr"] == 2
    assert plugin.stats.stale >= 1


_FAILURES = {"503": Reply(503), "no-answer": Reply(drop=True), "timeout": Reply(delay=1.0)}


@pytest.mark.parametrize("failure", list(_FAILURES))
async def test_stale_if_error_serves_the_stale_entry_when_the_origin_fails(
    client: Client, origin: Origin, failure: str
) -> None:
    """A 5xx, a dropped connection or a timeout is replaced by the stale entry (stale-if-error)."""
    failing = {"on": False}

    def answer(seen: Seen) -> Reply:
        if failing["on"]:
            return _FAILURES[failure]
        headers = [("Cache-Control", "max-age=1, stale-if-error=60"), ("Age", "5")]
        return Reply(headers=headers, body=b"good")

    url = origin.route("/sie", answer)
    api, plugin = _cached(client, respect_cache_control=True)
    await client.get(url, api=api)
    failing["on"] = True
    served = await client.get(url, api=api, timeout=0.3)
    assert (served.status_code, served.content, served.from_cache) == (200, b"good", True)
    assert int(served.headers["age"]) >= 5
    assert plugin.stats.stale == 1


async def test_stale_if_error_keeps_the_error_without_an_entry(
    client: Client, origin: Origin
) -> None:
    """With nothing stored, the dropped connection reaches the caller as a NetworkError."""
    url = origin.route("/down", Reply(drop=True))
    api, _ = _cached(client, respect_cache_control=True)
    with pytest.raises(NetworkError):
        await client.get(url, api=api)


@pytest.mark.parametrize(
    "failure", [Reply(500), Reply(409), Reply(drop=True)], ids=["500", "409", "no-answer"]
)
async def test_a_failed_unsafe_request_keeps_the_entry(
    client: Client, origin: Origin, failure: Reply
) -> None:
    """A POST answered with an error, or not at all, leaves the cached GET in place."""
    url = origin.route("/item", Reply(headers=[("Cache-Control", "max-age=60")], body=b"cached"))
    api, plugin = _cached(client)
    await client.get(url, api=api)
    origin.route("/item", failure)
    with pytest.raises(AxiosPythonError):  # an HTTPStatusError or a NetworkError
        await client.post(url, api=api)
    again = await client.get(url, api=api)
    assert (again.from_cache, again.content) == (True, b"cached")
    assert plugin.stats.invalidations == 0


@pytest.mark.parametrize("method", ["POST", "DELETE", "M-SEARCH"])
async def test_a_successful_unsafe_request_invalidates(
    client: Client, origin: Origin, method: str
) -> None:
    """Any method but GET, HEAD, OPTIONS and TRACE (unknown tokens too) drops the entry on 2xx."""
    url = origin.route("/item", Reply(headers=[("Cache-Control", "max-age=60")]))
    api, plugin = _cached(client)
    await client.get(url, api=api)
    assert (await client.request(method, url, api=api)).status_code == 200
    assert not (await client.get(url, api=api)).from_cache
    assert origin.hits["/item"] == 3
    assert plugin.stats.invalidations == 1


async def _at_once(
    client: Client, api: AxiosPython, count: int, url: str
) -> list[Response | BaseException]:
    """``count`` GETs at once (tasks or threads released together): responses or exceptions."""
    if client.is_async:
        calls = (api.async_get(url) for _ in range(count))
        return list(await asyncio.gather(*calls, return_exceptions=True))
    barrier = threading.Barrier(count)

    def call(_: int) -> Response | BaseException:
        barrier.wait()
        try:
            return api.get(url)
        except BaseException as exc:
            return exc

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(call, range(count)))


async def test_concurrent_misses_make_one_origin_request(client: Client, origin: Origin) -> None:
    """16 concurrent GETs (threads or tasks) for one URL: one origin request, one shared body."""
    slow = Reply(headers=[("Cache-Control", "max-age=60")], body=b"shared", delay=0.3)
    url = origin.route("/slow", slow)
    api, plugin = _cached(client)
    results = await _at_once(client, api, 16, url)
    assert [getattr(r, "content", r) for r in results] == [b"shared"] * 16
    assert origin.hits["/slow"] == 1
    assert (plugin.stats.misses, plugin.stats.hits) == (1, 15)  # a latecomer hits the entry


async def test_a_failure_reaches_every_waiter(client: Client, origin: Origin) -> None:
    """The leader's dropped connection is raised to each of the concurrent callers."""
    url = origin.route("/down", Reply(drop=True, delay=0.3))
    api, plugin = _cached(client)
    results = await _at_once(client, api, 8, url)
    assert all(isinstance(r, NetworkError) for r in results), results
    assert origin.hits["/down"] == 1
    assert plugin.stats.coalesced == 7
