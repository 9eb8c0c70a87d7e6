"""Pool churn: how many TCP connections many concurrent requests open, on every transport.

httpcore counts busy connections against its keep-alive limit, so with httpx's
own default (20 kept alive) 32 threads on one client open a new connection for
most requests. axios-python keeps as many alive as it may open
(``max_keepalive_connections`` defaults to ``max_connections``). This prints,
per transport and side, the connections a burst opened against the limit::

    python benchmarks/bench_pools.py            # 32 threads x 200 requests; 200 tasks x 20
    python benchmarks/bench_pools.py --quick    # 32 threads x 20; 200 tasks x 2

Each request waits ``--delay`` seconds (default 0.02) at the server, so every
worker's request is in flight at once, as with a real server; with ``--delay 0``
a fast loopback server answers before most workers have sent anything, which
hides the churn.

The last two rows repeat the sync burst on HttpxTransport with a keep-alive
limit of 20 (only the idle connections past 20 are closed) and on a bare
``httpx.Client()`` (httpcore counts busy connections against its 20: most
requests open a connection), to show the churn this avoids. Counts, not
timings: the machine's speed does not change them much.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from axios_python_aiohttp import AiohttpTransport
from axios_python_reqwest import ReqwestTransport
from axios_python_urllib3 import Urllib3Transport

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
from echo_server import EchoServer

import axios_python
from axios_python import BaseTransport, HttpxTransport
from axios_python.transports.httpx2 import httpx2_transport

__all__ = ["main"]

LIMIT = 100  # every transport's default max_connections

SYNC: dict[str, Callable[[], BaseTransport]] = {
    "httpx": HttpxTransport,
    "httpx2": httpx2_transport,
    "urllib3": Urllib3Transport,
    "reqwest": ReqwestTransport,
}
ASYNC: dict[str, Callable[[], BaseTransport]] = {
    "httpx": HttpxTransport,
    "httpx2": httpx2_transport,
    "aiohttp": AiohttpTransport,
    "reqwest": ReqwestTransport,
}


def sync_burst(transport: BaseTransport, threads: int, each: int, path: str) -> int:
    """``threads`` threads send ``each`` GETs on one client; the connections the server accepted."""
    with EchoServer() as server:
        api = axios_python.create({"base_url": server.url}, transport=transport)

        def work() -> None:
            for _ in range(each):
                api.get(path)

        with ThreadPoolExecutor(max_workers=threads) as pool:
            for future in [pool.submit(work) for _ in range(threads)]:
                future.result()
        api.close()
        return server.connections_opened


def async_burst(transport: BaseTransport, tasks: int, each: int, path: str) -> int:
    """``tasks`` tasks send ``each`` GETs on one client; the connections the server accepted."""
    with EchoServer() as server:
        api = axios_python.create({"base_url": server.url}, transport=transport)

        async def work() -> None:
            for _ in range(each):
                await api.async_get(path)

        async def burst() -> None:
            await asyncio.gather(*(work() for _ in range(tasks)))
            await api.aclose()

        asyncio.run(burst())
        return server.connections_opened


def main(argv: list[str] | None = None) -> int:
    """Print the connections each transport opened for the bursts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="fewer requests")
    parser.add_argument(
        "--delay", type=float, default=0.02, help="seconds the server waits before each answer"
    )
    args = parser.parse_args(argv)
    path = f"/delay/{args.delay}"
    threads, sync_each = 32, (20 if args.quick else 200)
    tasks, async_each = 200, (2 if args.quick else 20)
    print(f"{'transport':<38}{'requests':>10}{'connections':>13}{'limit':>7}")
    for name, build in SYNC.items():
        row(
            f"{name} sync, {threads} threads",
            threads * sync_each,
            sync_burst(build(), threads, sync_each, path),
        )
    for name, build in ASYNC.items():
        row(
            f"{name} async, {tasks} tasks",
            tasks * async_each,
            async_burst(build(), tasks, async_each, path),
        )
    churn = HttpxTransport(limits=httpx.Limits(max_connections=LIMIT, max_keepalive_connections=20))
    row(
        "httpx sync, keep-alive 20",
        threads * sync_each,
        sync_burst(churn, threads, sync_each, path),
    )
    opened, failed = bare_burst(threads, sync_each, path)
    row(f"bare httpx.Client ({failed} failed)", threads * sync_each, opened)
    return 0


def bare_burst(threads: int, each: int, path: str) -> tuple[int, int]:
    """The sync burst on a bare ``httpx.Client()`` (keep-alive 20), for contrast: the
    connections the server accepted, and the requests that failed (httpcore closes a
    connection another thread was just handed: EBADF)."""
    failed = 0
    lock = threading.Lock()
    with EchoServer() as server, httpx.Client(base_url=server.url) as client:

        def work() -> None:
            nonlocal failed
            for _ in range(each):
                try:
                    client.get(path)
                except httpx.TransportError:
                    with lock:
                        failed += 1

        with ThreadPoolExecutor(max_workers=threads) as pool:
            for future in [pool.submit(work) for _ in range(threads)]:
                future.result()
        return server.connections_opened, failed


def row(label: str, requests: int, opened: int) -> None:
    """One line of the table: what ran, how many requests, how many connections they opened."""
    print(f"{label:<38}{requests:>10}{opened:>13}{LIMIT:>7}")


if __name__ == "__main__":
    sys.exit(main())
