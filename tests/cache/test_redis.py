"""RedisStorage end to end against a real redis-server: sharing between processes, outages."""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import sys
import textwrap
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from axios_python_cache import CachePlugin, CacheStorageWarning, RedisStorage
from echo_server import EchoServer, refusing_port

import axios_python
from axios_python import AxiosPython

from ._origin import Origin, Reply
from ._redis_server import RedisServer, redis_server_binary
from ._support import Sender

__all__: list[str] = []

_CLIENT_SCRIPT = textwrap.dedent(
    """
    import json
    import sys

    import axios_python

    base_url, redis_url = sys.argv[1], sys.argv[2]
    api = axios_python.create({"base_url": base_url})
    api.plugin("cache", ttl=120, storage="redis", redis_url=redis_url)
    response = api.get("/cache/60")
    print(json.dumps({"from_cache": response.from_cache, "data": response.data}))
    """
)


def _api(server: EchoServer, plugin: CachePlugin) -> AxiosPython:
    api = axios_python.create({"base_url": server.url})
    api.plugin(plugin)
    return api


async def test_redis_cache_serves_repeated_gets(
    server: EchoServer, send: Sender, redis_url: str
) -> None:
    """With storage="redis" the second GET comes from Redis on both paths."""
    plugin = CachePlugin(storage="redis", redis_url=redis_url)
    api = _api(server, plugin)
    first = await send(api, "GET", "/cache/60")
    second = await send(api, "GET", "/cache/60")
    assert not first.from_cache
    assert second.from_cache
    assert second.data == first.data
    assert server.hits["/cache/60"] == 1
    assert plugin.stats.errors == 0
    await plugin.aclose()


async def test_async_path_uses_redis_asyncio(server: EchoServer, redis_url: str) -> None:
    """async_get talks to Redis through redis.asyncio only; a sync storage then sees the entry."""
    storage = RedisStorage(redis_url)
    api = _api(server, CachePlugin(storage=storage))
    await api.async_get("/get")
    assert (await api.async_get("/get")).from_cache
    assert storage._sync is None  # the blocking client was never created
    assert RedisStorage(redis_url).get(f"GET {server.url}/get") is not None
    await storage.aclose()


async def test_sync_call_inside_a_coroutine_uses_the_sync_client(
    server: EchoServer, redis_url: str
) -> None:
    """A blocking api.get made from async code still works (no awaitable on the sync path)."""
    api = _api(server, CachePlugin(storage="redis", redis_url=redis_url))
    api.get("/get")
    assert api.get("/get").from_cache


def test_two_processes_share_one_redis_cache(
    server: EchoServer, redis_url: str, tmp_path: Path
) -> None:
    """A second process is served from the cache the first one filled; the origin sees one hit."""
    script = tmp_path / "client.py"
    script.write_text(_CLIENT_SCRIPT)
    results = []
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, str(script), server.url, redis_url],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        results.append(json.loads(done.stdout))
    assert [r["from_cache"] for r in results] == [False, True]
    assert results[1]["data"] == results[0]["data"] == {"counter": 1, "max_age": 60}
    assert server.hits["/cache/60"] == 1


async def test_redis_outage_degrades_to_a_miss(
    server: EchoServer, send: Sender, caplog: pytest.LogCaptureFixture
) -> None:
    """With Redis unreachable, requests succeed from the network; one warning, one log line."""
    plugin = CachePlugin(storage="redis", redis_url=f"redis://127.0.0.1:{refusing_port()}/0")
    api = _api(server, plugin)
    with (
        caplog.at_level(logging.WARNING, logger="axios_python_cache"),
        warnings.catch_warnings(record=True) as seen,
    ):
        warnings.simplefilter("always")
        first = await send(api, "GET", "/get")
        second = await send(api, "GET", "/get")
    messages = [str(w.message) for w in seen if issubclass(w.category, CacheStorageWarning)]
    assert len(messages) == 1
    assert "requests go to the network until it is back" in messages[0]
    assert first.status_code == second.status_code == 200
    assert not second.from_cache
    assert server.hits["/get"] == 2
    assert plugin.stats.errors >= 2  # failed, then skipped until the next try
    assert plugin.stats.stores == 0
    assert len([r for r in caplog.records if r.name == "axios_python_cache"]) == 1


@pytest.fixture
def restartable_redis(redis_server: str) -> Iterator[RedisServer]:
    """A redis-server of the test's own (redis_server proves one can be started)."""
    binary = redis_server_binary()
    assert binary is not None
    process = RedisServer(binary).start()
    try:
        yield process
    finally:
        process.stop()


async def test_an_outage_is_logged_once_and_its_end_once_with_a_count(
    origin: Origin,
    send: Sender,
    restartable_redis: RedisServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """480 requests during an outage: one warning when it starts, one line when Redis is back."""
    url = origin.route("/r", Reply(headers=[("Cache-Control", "max-age=60")]))
    plugin = CachePlugin(storage="redis", redis_url=restartable_redis.url, storage_retry_after=0.05)
    api = axios_python.create()
    api.plugin(plugin)
    await send(api, "GET", url)
    assert (await send(api, "GET", url)).from_cache
    restartable_redis.stop()
    with (
        caplog.at_level(logging.INFO, logger="axios_python_cache"),
        warnings.catch_warnings(record=True) as seen,
    ):
        warnings.simplefilter("always")
        for _ in range(480):
            response = await send(api, "GET", url)
            assert response.status_code == 200
            assert not response.from_cache
        restartable_redis.start()
        deadline = time.monotonic() + 10
        while not (await send(api, "GET", url)).from_cache:  # back: stored again, then a hit
            assert time.monotonic() < deadline, "the cache never came back"
            await asyncio.sleep(0.06)
    lines = [r.getMessage() for r in caplog.records if r.name == "axios_python_cache"]
    assert len(lines) == 2, lines
    assert "failed to read an entry" in lines[0]
    assert "is back after" in lines[1]
    errors = plugin.stats.errors
    assert errors >= 480
    assert f"; {errors} operations failed or skipped meanwhile" in lines[1]
    assert len([w for w in seen if issubclass(w.category, CacheStorageWarning)]) == 1
    await plugin.aclose()


async def test_redis_outage_does_not_break_invalidation(server: EchoServer, send: Sender) -> None:
    """A POST while Redis is down still goes through."""
    plugin = CachePlugin(storage="redis", redis_url=f"redis://127.0.0.1:{refusing_port()}/0")
    api = _api(server, plugin)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        response = await send(api, "POST", "/post", json={"a": 1})
    assert any(issubclass(w.category, CacheStorageWarning) for w in seen)
    assert response.data["json"] == {"a": 1}


def test_redis_clear_removes_only_its_prefix(redis_url: str) -> None:
    """clear() deletes the storage's own keys and leaves others in the database alone."""

    mine = RedisStorage(redis_url, prefix="mine:")
    theirs = RedisStorage(redis_url, prefix="theirs:")
    from axios_python_cache import StoredResponse

    entry = (StoredResponse("http://h/", 200, (), b"x", 0.0),)
    mine.set("k", entry, 60)
    theirs.set("k", entry, 60)
    mine.clear()
    assert mine.get("k") is None
    assert theirs.get("k") == entry
    raw = redis.Redis.from_url(redis_url)
    assert raw.keys("mine:*") == []
    raw.close()
    mine.close()
    theirs.close()
