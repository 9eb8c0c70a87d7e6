"""CachePlugin end to end against the real echo server, on the sync and the async path."""

from __future__ import annotations

import asyncio
import threading
from typing import cast

import pytest
from axios_python_cache import CachePlugin, MemoryStorage
from axios_python_cache._entry import encode_entry
from echo_server import EchoServer

import axios_python
from axios_python import AxiosPython, ConfigError, RequestOptions

from ._support import Sender

__all__: list[str] = []


def _api(server: EchoServer, plugin: CachePlugin, **config: object) -> AxiosPython:
    api = axios_python.create(cast("RequestOptions", {"base_url": server.url, **config}))
    api.plugin(plugin)
    return api


async def test_second_get_is_served_from_the_cache(server: EchoServer, send: Sender) -> None:
    """The spec's example: a repeated GET skips the network and says it came from the cache."""
    plugin = CachePlugin(ttl=120, max_size=256)
    api = _api(server, plugin)
    first = await send(api, "GET", "/cache/60")
    second = await send(api, "GET", "/cache/60")
    assert not first.from_cache
    assert second.from_cache
    assert second.status_code == 200
    assert second.data == first.data == {"counter": 1, "max_age": 60}
    assert server.hits["/cache/60"] == 1
    assert plugin.stats.hits == 1
    assert plugin.stats.misses == 1
    assert plugin.stats.stores == 1


def test_plugin_by_name_with_options(server: EchoServer) -> None:
    """api.plugin("cache", ttl=120) loads the entry point and caches like the class does."""
    from axios_python import CachePlugin as Lazy

    assert Lazy is CachePlugin
    api = axios_python.create({"base_url": server.url})
    api.plugin("cache", ttl=120, max_size=16)
    api.get("/get")
    assert api.get("/get").from_cache
    assert server.hits["/get"] == 1


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
async def test_unsafe_methods_bypass_and_invalidate(
    server: EchoServer, send: Sender, method: str
) -> None:
    """POST/PUT/PATCH/DELETE always reach the server and drop the entry for their URL."""
    plugin = CachePlugin(ttl=120)
    api = _api(server, plugin)
    await send(api, "GET", "/anything/item")
    await send(api, "GET", "/anything/other")
    await send(api, method, "/anything/item", json={"n": 1})
    await send(api, method, "/anything/item", json={"n": 2})
    again = await send(api, "GET", "/anything/item")
    other = await send(api, "GET", "/anything/other")
    assert not again.from_cache
    assert other.from_cache
    assert server.hits["/anything/item"] == 4
    assert plugin.stats.invalidations == 2


async def test_head_and_options_are_not_cached(server: EchoServer, send: Sender) -> None:
    """Only GET is cached."""
    api = _api(server, CachePlugin())
    for _ in range(2):
        assert not (await send(api, "HEAD", "/get")).from_cache
    assert server.hits["/get"] == 2


async def test_entries_expire_after_ttl(server: EchoServer, send: Sender) -> None:
    """After ttl seconds the next GET goes to the network again."""
    api = _api(server, CachePlugin(ttl=0.2))
    await send(api, "GET", "/get")
    assert (await send(api, "GET", "/get")).from_cache
    await asyncio.sleep(0.3)
    assert not (await send(api, "GET", "/get")).from_cache
    assert server.hits["/get"] == 2


async def test_max_size_evicts_the_least_recently_used(server: EchoServer, send: Sender) -> None:
    """With max_size=2, the URL not used for longest is dropped first."""
    api = _api(server, CachePlugin(max_size=2))
    await send(api, "GET", "/anything/a")
    await send(api, "GET", "/anything/b")
    await send(api, "GET", "/anything/a")  # a is now more recent than b
    await send(api, "GET", "/anything/c")
    assert (await send(api, "GET", "/anything/a")).from_cache
    assert not (await send(api, "GET", "/anything/b")).from_cache
    assert server.hits["/anything/b"] == 2


def test_each_plugin_instance_has_its_own_cache(server: EchoServer) -> None:
    """Two clients with their own CachePlugin never see each other's entries."""
    first = _api(server, CachePlugin())
    second = _api(server, CachePlugin())
    first.get("/get")
    assert not second.get("/get").from_cache
    assert first.get("/get").from_cache
    assert server.hits["/get"] == 2


async def test_query_order_is_normalised(server: EchoServer, send: Sender) -> None:
    """?a=1&b=2 and the same parameters in another order share one entry."""
    api = _api(server, CachePlugin())
    await send(api, "GET", "/get?a=1&b=2")
    assert (await send(api, "GET", "/get?b=2&a=1")).from_cache
    assert (await send(api, "GET", "/get", params={"b": 2, "a": 1})).from_cache
    assert not (await send(api, "GET", "/get?a=1&b=3")).from_cache
    assert server.hits["/get"] == 2


async def test_vary_headers_are_part_of_the_key(server: EchoServer, send: Sender) -> None:
    """A response that varies on Accept is only reused for the same Accept."""
    api = _api(server, CachePlugin())
    url = "/response-headers?Vary=Accept"
    await send(api, "GET", url, headers={"Accept": "text/plain"})
    other = await send(api, "GET", url, headers={"Accept": "application/json"})
    same = await send(api, "GET", url, headers={"Accept": "text/plain"})
    assert not other.from_cache
    assert same.from_cache
    assert server.hits["/response-headers"] == 2


@pytest.mark.parametrize(
    ("config", "headers"),
    [
        ({}, {"Authorization": "Bearer secret-token"}),
        ({}, {"Cookie": "session=secret-token"}),
        ({"sensitive_headers": ["X-Api-Key"]}, {"X-Api-Key": "secret-token"}),
    ],
    ids=["authorization", "cookie", "sensitive-header"],
)
async def test_requests_with_credentials_are_not_cached_by_default(
    server: EchoServer, send: Sender, config: dict[str, object], headers: dict[str, str]
) -> None:
    """A GET that carries credentials always goes to the network unless opted in."""
    plugin = CachePlugin()
    api = _api(server, plugin, **config)
    await send(api, "GET", "/get", headers=headers)
    assert not (await send(api, "GET", "/get", headers=headers)).from_cache
    assert server.hits["/get"] == 2
    assert plugin.stats.bypasses == 2
    assert plugin.stats.stores == 0


async def test_plugin_credential_headers_option(server: EchoServer, send: Sender) -> None:
    """credential_headers names more headers that make a request private."""
    api = _api(server, CachePlugin(credential_headers=["X-Tenant-Token"]))
    await send(api, "GET", "/get", headers={"X-Tenant-Token": "t"})
    assert not (await send(api, "GET", "/get", headers={"X-Tenant-Token": "t"})).from_cache


async def test_cache_authenticated_keys_entries_by_credential(
    server: EchoServer, send: Sender
) -> None:
    """With cache_authenticated=True a user gets their own cached response, never another's."""
    storage = MemoryStorage()
    api = _api(server, CachePlugin(storage=storage, cache_authenticated=True))
    alice = {"Authorization": "Bearer alice-token"}
    bob = {"Authorization": "Bearer bob-token"}
    await send(api, "GET", "/headers", headers=alice)
    bob_first = await send(api, "GET", "/headers", headers=bob)
    alice_again = await send(api, "GET", "/headers", headers=alice)
    anonymous = await send(api, "GET", "/headers")
    assert not bob_first.from_cache
    assert bob_first.data["headers"]["Authorization"] == "Bearer bob-token"
    assert alice_again.from_cache
    assert alice_again.data["headers"]["Authorization"] == "Bearer alice-token"
    assert not anonymous.from_cache
    assert server.hits["/headers"] == 3
    stored = storage.get(f"GET {server.url}/headers")
    assert stored is not None
    assert len(stored) == 3
    # The token is in the echoed body, but the key material (partition) is a digest.
    assert all("bob-token" not in (item.partition or "") for item in stored)


async def test_credentials_never_reach_the_storage_as_key_material(
    server: EchoServer, send: Sender
) -> None:
    """A response varying on Authorization keeps only a digest of the token."""
    storage = MemoryStorage()
    api = _api(server, CachePlugin(storage=storage, cache_authenticated=True))
    await send(
        api, "GET", "/response-headers?Vary=Authorization", headers={"Authorization": "tok-123"}
    )
    entry = storage.get(f"GET {server.url}/response-headers?Vary=Authorization")
    assert entry is not None
    assert b"tok-123" not in encode_entry(entry)


@pytest.mark.parametrize("respect", [False, True])
async def test_no_store_is_never_stored(server: EchoServer, send: Sender, respect: bool) -> None:
    """Cache-Control: no-store responses are not kept, whatever the mode."""
    plugin = CachePlugin(respect_cache_control=respect)
    api = _api(server, plugin)
    url = "/response-headers?Cache-Control=no-store"
    await send(api, "GET", url)
    assert not (await send(api, "GET", url)).from_cache
    assert plugin.stats.stores == 0


async def test_request_no_store_is_honoured(server: EchoServer, send: Sender) -> None:
    """A request that says Cache-Control: no-store is not stored either."""
    api = _api(server, CachePlugin())
    await send(api, "GET", "/get", headers={"Cache-Control": "no-store"})
    assert not (await send(api, "GET", "/get")).from_cache


async def test_bodies_over_max_entry_bytes_are_not_stored(server: EchoServer, send: Sender) -> None:
    """One body larger than max_entry_bytes stays out of the cache; smaller ones go in."""
    api = _api(server, CachePlugin(max_entry_bytes=1000))
    await send(api, "GET", "/bytes/2000")
    assert not (await send(api, "GET", "/bytes/2000")).from_cache
    small = await send(api, "GET", "/bytes/500")
    again = await send(api, "GET", "/bytes/500")
    assert again.from_cache
    assert again.content == small.content


async def test_set_cookie_responses_are_not_stored(server: EchoServer, send: Sender) -> None:
    """A response that sets a cookie is never replayed from the cache."""
    api = _api(server, CachePlugin())
    url = "/response-headers?Set-Cookie=id%3D1"
    await send(api, "GET", url)
    assert not (await send(api, "GET", url)).from_cache


async def test_streamed_responses_are_not_cached(server: EchoServer, send: Sender) -> None:
    """stream=True bypasses the cache and still streams."""
    plugin = CachePlugin()
    api = _api(server, plugin)
    for _ in range(2):
        response = await send(api, "GET", "/bytes/100", stream=True)
        assert not response.from_cache
        body = await response.aread() if send.mode == "async" else response.read()
        assert len(body) == 100
    assert server.hits["/bytes/100"] == 2
    assert plugin.stats.bypasses == 2


async def test_cached_responses_are_independent_copies(server: EchoServer, send: Sender) -> None:
    """Mutating a response (data, headers) never changes what the next hit returns."""
    api = _api(server, CachePlugin())
    await send(api, "GET", "/json")
    hit = await send(api, "GET", "/json")
    original = hit.json()
    hit.data["slideshow"] = "mutated"
    hit.headers["Content-Type"] = "text/plain"
    again = await send(api, "GET", "/json")
    assert again.from_cache
    assert again.data == original
    assert again.headers["content-type"] == "application/json"


async def test_error_statuses_are_not_served_from_the_cache(
    server: EchoServer, send: Sender
) -> None:
    """A 500 (rejected by validate_status) is never stored."""
    api = _api(server, CachePlugin())
    for _ in range(2):
        with pytest.raises(axios_python.HTTPStatusError):
            await send(api, "GET", "/status/500")
    assert server.hits["/status/500"] == 2


async def test_redirect_target_is_cached_under_the_requested_url(
    server: EchoServer, send: Sender
) -> None:
    """A followed redirect is cached for the URL the caller asked for."""
    api = _api(server, CachePlugin())
    first = await send(api, "GET", "/redirect/1")
    second = await send(api, "GET", "/redirect/1")
    assert second.from_cache
    assert second.url == first.url
    assert server.hits["/get"] == 1


def test_many_threads_share_one_plugin(server: EchoServer) -> None:
    """32 threads hitting one cached URL all succeed and every request is counted."""
    plugin = CachePlugin()
    api = _api(server, plugin)
    api.get("/get")
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(5):
                assert api.get("/get").data["path"] == "/get"
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert plugin.stats.hits == 160
    assert server.hits["/get"] == 1


async def test_many_tasks_share_one_plugin(server: EchoServer) -> None:
    """64 concurrent tasks read one cached URL; all are hits after the first store."""
    plugin = CachePlugin()
    api = _api(server, plugin)
    await api.async_get("/get")
    responses = await asyncio.gather(*(api.async_get("/get") for _ in range(64)))
    assert all(r.from_cache for r in responses)
    assert plugin.stats.hits == 64
    await api.aclose()


async def test_clear_drops_everything(server: EchoServer, send: Sender) -> None:
    """plugin.clear() empties the cache; stats can be reset."""
    plugin = CachePlugin()
    api = _api(server, plugin)
    await send(api, "GET", "/get")
    plugin.clear()
    assert not (await send(api, "GET", "/get")).from_cache
    plugin.reset_stats()
    assert plugin.stats.misses == 0


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"ttl": 0}, "'ttl' must be a positive number of seconds or None (got 0)"),
        ({"max_size": 1.5}, "'max_size' must be a positive int (got 1.5)"),
        ({"max_entry_bytes": -1}, "'max_entry_bytes' must be a positive int or None"),
        ({"storage": "disk"}, "'storage' must be one of 'memory', 'sqlite', 'redis'"),
        ({"storage": "sqlite"}, "needs sqlite_path"),
        ({"respect_cache_control": "yes"}, "'respect_cache_control' must be a bool"),
        ({"credential_headers": "X-Key"}, "must be a list of header names"),
        ({"coalesce": 1}, "'coalesce' must be a bool (got 1)"),
        (
            {"coalesce_timeout": 0},
            "'coalesce_timeout' must be a positive number of seconds (got 0)",
        ),
        ({"storage_retry_after": -1}, "'storage_retry_after' must be a positive number of seconds"),
    ],
)
def test_bad_options_name_the_plugin_and_the_value(
    options: dict[str, object], message: str
) -> None:
    """Bad options raise ConfigError naming CachePlugin and quoting the value."""
    with pytest.raises(ConfigError, match="CachePlugin") as info:
        CachePlugin(**options)  # type: ignore[arg-type]
    assert message in str(info.value)


@pytest.mark.parametrize("header", ["Authorization", "X-Api-Key"])
async def test_headers_added_by_the_auth_plugin_count_as_credentials(
    server: EchoServer, send: Sender, header: str
) -> None:
    """A credential the auth plugin adds (marked sensitive) keeps the request out of the cache."""
    from axios_python import AuthPlugin

    plugin = CachePlugin()
    api = axios_python.create({"base_url": server.url})
    api.plugin(plugin)
    api.plugin(AuthPlugin(scheme=None, token="secret-value", header=header))
    for _ in range(2):
        response = await send(api, "GET", "/headers")
        assert not response.from_cache
        assert response.data["headers"][header] == "secret-value"
    assert server.hits["/headers"] == 2
    assert plugin.stats.bypasses == 2


async def test_per_request_sensitive_headers_decide_for_that_request_only(
    server: EchoServer, send: Sender
) -> None:
    """Each request is judged by its own sensitive_headers, whatever the one before used.

    The plugin remembers the credential names per distinct set; alternating sets
    on one client must never mix them.
    """
    plugin = CachePlugin()
    api = _api(server, plugin)
    secret = {"X-Tenant-Secret": "k1"}  # not a default sensitive header
    await send(api, "GET", "/get", headers=secret, sensitive_headers=["X-Tenant-Secret"])
    await send(api, "GET", "/get", headers=secret, sensitive_headers=["X-Other"])
    cached = await send(api, "GET", "/get", headers=secret, sensitive_headers=["X-Other"])
    private = await send(api, "GET", "/get", headers=secret, sensitive_headers=["X-Tenant-Secret"])
    assert cached.from_cache
    assert not private.from_cache
    assert plugin.stats.bypasses == 2
    assert plugin.stats.stores == 1
