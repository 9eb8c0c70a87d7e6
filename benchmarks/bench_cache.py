"""The cache plugin: origin hits under concurrency (single-flight) and CPU per request.

Two views::

    python benchmarks/bench_cache.py                 # both
    python benchmarks/bench_cache.py --only stampede # 32 threads, 20 URLs, 20 ms origin
    python benchmarks/bench_cache.py --only cpu      # us of CPU per hit, miss, bypass

* stampede: ``--threads`` threads GET ``--urls`` URLs in turn for ``--duration``
  seconds against a local origin that takes ``--delay-ms`` per answer, with
  ``ttl=--ttl``. Origin hits are grouped per URL into refills (hits less than
  half a TTL after the refill's first one); "hits per URL per TTL" is the size
  of a refill: 1 means every expiry cost exactly one origin request.
* cpu: one thread, an in-memory transport, CPU microseconds per request (best of
  ``--repeat`` batches) for a client without the plugin and with it on a hit, a
  miss (a new URL each time, stored) and a bypass (credentials), in the plain
  TTL mode and with ``respect_cache_control=True``.
"""

from __future__ import annotations

import argparse
import collections
import itertools
import socket
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import formatdate
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from axios_python_cache import CachePlugin
from profile_overhead import _best_us

import axios_python
from axios_python import BaseTransport, Headers, Request, Response

__all__ = ["counting_origin", "cpu_costs", "main", "stampede"]

_BODY = b'{"id":1,"name":"axios-python"}'


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # listen() backlog: the default 5 drops the SYNs of 32 threads connecting at once,
    # and each dropped one costs a 1 s retransmission.
    request_queue_size = 256


@contextmanager
def counting_origin(delay: float) -> Iterator[tuple[str, dict[str, list[float]]]]:
    """A local origin answering every path after ``delay`` s; yields its URL and hit times."""
    hits: dict[str, list[float]] = collections.defaultdict(list)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

        def do_GET(self) -> None:
            with lock:
                hits[self.path].append(time.monotonic())
            time.sleep(delay)
            self.send_response_only(200)
            self.send_header("Cache-Control", "max-age=3600")
            self.send_header("Content-Length", str(len(_BODY)))
            self.end_headers()
            self.wfile.write(_BODY)

    server = _Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _refills(times: list[float], ttl: float) -> list[int]:
    """Hit counts per refill: hits less than half a TTL after the refill's first hit."""
    sizes: list[int] = []
    start = None
    for moment in sorted(times):
        if start is None or moment - start >= ttl / 2:
            start = moment
            sizes.append(0)
        sizes[-1] += 1
    return sizes


def stampede(
    threads: int, urls: int, delay: float, ttl: float, duration: float, coalesce: bool
) -> dict[str, float]:
    """Run the stampede scenario once: origin hits and refill sizes (and requests made).

    The number of requests depends on how the threads are scheduled on a busy
    machine; it is returned, not compared.
    """
    with counting_origin(delay) as (base_url, hits):
        api = axios_python.create({"base_url": base_url, "timeout": 30})
        api.plugin(CachePlugin(ttl=ttl, max_size=urls * 2, coalesce=coalesce))
        barrier = threading.Barrier(threads)
        done = [0] * threads
        errors: list[BaseException] = []

        def worker(index: int) -> None:
            barrier.wait()
            stop = time.monotonic() + duration
            count = 0
            try:
                while time.monotonic() < stop:
                    api.get(f"/item/{(index + count) % urls}")
                    count += 1
            except BaseException as exc:  # reported below, never hidden
                errors.append(exc)
            done[index] = count

        pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        api.close()
    if errors:
        raise RuntimeError(f"{len(errors)} requests failed; first: {errors[0]!r}")
    sizes = [size for times in hits.values() for size in _refills(times, ttl)]
    return {
        "requests": float(sum(done)),
        "origin hits": float(sum(len(times) for times in hits.values())),
        "refills": float(len(sizes)),
        "mean": statistics.fmean(sizes),
        "max": float(max(sizes)),
    }


class _MemoryTransport(BaseTransport):
    """Answers at once with a small JSON body and ``headers``: only this library runs."""

    def __init__(self, headers: list[tuple[str, str]]) -> None:
        date = ("Date", formatdate(usegmt=True))  # as every origin sends one
        self.headers = [*headers, ("Content-Type", "application/json"), date]

    def send(self, request: Request) -> Response:
        """Return the canned response."""
        headers = Headers.from_trusted(list(self.headers))
        return Response(200, headers=headers, content=_BODY, request=request)

    async def send_async(self, request: Request) -> Response:
        """Return the canned response."""
        return self.send(request)


def _repeat(api: axios_python.AxiosPython, url: str, n: int) -> None:
    for _ in range(n):
        api.get(url)


_NEW_URLS = itertools.count()


def _misses(api: axios_python.AxiosPython, n: int) -> None:
    for _ in range(n):
        api.get(f"/new/{next(_NEW_URLS)}")


def _bypasses(api: axios_python.AxiosPython, n: int) -> None:
    for _ in range(n):
        api.get("/", headers={"Authorization": "Bearer t"})


def cpu_costs(count: int, repeat: int) -> dict[str, float]:
    """CPU us per sync request: no plugin, then hit, miss and bypass in both modes."""
    results: dict[str, float] = {}
    fresh = [("Cache-Control", "max-age=3600")]
    plain = axios_python.create({"base_url": "http://bench.local"}, transport=_MemoryTransport([]))
    results["no cache plugin"] = _best_us(partial(_repeat, plain, "/"), count, repeat)
    for label, rfc in (("ttl mode", False), ("rfc mode", True)):
        api = axios_python.create(
            {"base_url": "http://bench.local"}, transport=_MemoryTransport(fresh)
        )
        api.plugin(CachePlugin(ttl=3600, max_size=256, respect_cache_control=rfc))
        api.get("/")
        assert api.get("/").from_cache
        results[f"{label}: hit"] = _best_us(partial(_repeat, api, "/"), count, repeat)
        results[f"{label}: miss (stored)"] = _best_us(partial(_misses, api), count, repeat)
        results[f"{label}: bypass (credentials)"] = _best_us(partial(_bypasses, api), count, repeat)
    return results


def main(argv: list[str] | None = None) -> int:
    """Print the stampede table and the CPU costs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--only", choices=["stampede", "cpu"], help="run one view")
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--urls", type=int, default=20)
    parser.add_argument("--delay-ms", type=float, default=20.0)
    parser.add_argument("--ttl", type=float, default=1.0, help="seconds")
    parser.add_argument("--duration", type=float, default=3.0, help="seconds per run")
    parser.add_argument("--count", type=int, default=2000, help="requests per CPU batch")
    parser.add_argument("--repeat", type=int, default=5, help="CPU batches (the best is kept)")
    args = parser.parse_args(argv)
    if args.only in (None, "stampede"):
        print(
            f"stampede: {args.threads} threads, {args.urls} URLs, {args.delay_ms:g} ms origin, "
            f"ttl {args.ttl:g} s, {args.duration:g} s"
        )
        print(f"  {'':<16}{'origin hits':>12}{'refills':>9}"
              f"{'hits per URL per TTL (mean / max)':>36}")  # fmt: skip
        for coalesce in (True, False):
            row = stampede(
                args.threads, args.urls, args.delay_ms / 1000, args.ttl, args.duration, coalesce
            )
            print(f"  coalesce={coalesce!s:<7}{row['origin hits']:>12.0f}"
                  f"{row['refills']:>9.0f}{row['mean']:>29.2f} / {row['max']:.0f}")  # fmt: skip
    if args.only in (None, "cpu"):
        print(f"CPU us per sync request (in-memory transport, best of {args.repeat})")
        for name, cost in cpu_costs(args.count, args.repeat).items():
            print(f"  {name:<34}{cost:>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
