"""A minimal keep-alive HTTP/1.1 server for the benchmarks, fast enough not to be the bottleneck.

It answers every request with the same small JSON body, reading only as much of
the request as it must (the head, and a body when Content-Length says so), on
asyncio Protocols with no per-request objects. ``--workers N`` pre-forks N
processes sharing one listening socket (POSIX only); ``--delay-ms`` holds each
answer back, to imitate a remote service's latency. Run by benchmarks/run.py in
its own process; on its own::

    python benchmarks/bench_server.py --port 8080
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import socket
import sys

__all__ = ["BODY", "RESPONSE", "main", "serve"]

BODY = b'{"id":1,"name":"axios-python","tags":["http","client"],"ok":true}'
RESPONSE = (
    b"HTTP/1.1 200 OK\r\n"
    b"Content-Type: application/json\r\n"
    b"Content-Length: " + str(len(BODY)).encode() + b"\r\n"
    b"\r\n" + BODY
)


class _HTTPProtocol(asyncio.Protocol):
    """One connection: answer each complete request (pipelined ones too) with RESPONSE."""

    __slots__ = ("_buffer", "_delay", "_transport")

    def __init__(self, delay: float = 0.0) -> None:
        self._buffer = b""
        self._delay = delay
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data: bytes) -> None:
        buffer = self._buffer + data if self._buffer else data
        answered = 0
        while True:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                break
            total = end + 4 + _content_length(buffer[:end])
            if len(buffer) < total:
                break
            buffer = buffer[total:]
            answered += 1
        self._buffer = buffer
        if answered and self._transport is not None:
            if self._delay:
                asyncio.get_running_loop().call_later(self._delay, self._write, answered)
            else:
                self._transport.write(RESPONSE * answered)

    def _write(self, answered: int) -> None:
        if self._transport is not None and not self._transport.is_closing():
            self._transport.write(RESPONSE * answered)

    def connection_lost(self, exc: Exception | None) -> None:
        self._transport = None


def _content_length(head: bytes) -> int:
    lowered = head.lower()
    at = lowered.find(b"\r\ncontent-length:")
    if at < 0:
        return 0
    value = lowered[at + 17 :].split(b"\r\n", 1)[0]
    return int(value.strip() or b"0")


def _listen(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    sock.setblocking(False)
    return sock


def serve(sock: socket.socket, delay: float = 0.0) -> None:
    """Serve on the listening ``sock`` until SIGTERM or SIGINT, answering ``delay`` s late."""

    async def run() -> None:
        loop = asyncio.get_running_loop()
        stop = loop.create_future()
        for signum in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signum, stop.set_result, None)
        server = await loop.create_server(lambda: _HTTPProtocol(delay), sock=sock, backlog=1024)
        async with server:
            await stop

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())


def main(argv: list[str] | None = None) -> int:
    """Listen, print ``port <n>`` on stdout (the parent waits for that line), then serve."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--workers", type=int, default=1, help="processes (POSIX only)")
    parser.add_argument("--cpu", type=int, default=None, help="pin the server to this CPU")
    parser.add_argument("--delay-ms", type=float, default=0.0, help="answer this much later")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error(f"--workers must be at least 1 (got {args.workers})")
    if args.delay_ms < 0:
        parser.error(f"--delay-ms must be 0 or more (got {args.delay_ms})")
    delay = args.delay_ms / 1000
    if args.cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.cpu})
    sock = _listen(args.host, args.port)
    print(f"port {sock.getsockname()[1]}", flush=True)
    children: list[int] = []
    if args.workers > 1 and hasattr(os, "fork"):
        for _ in range(args.workers - 1):
            pid = os.fork()
            if pid == 0:
                serve(sock, delay)
                os._exit(0)
            children.append(pid)
    try:
        serve(sock, delay)
    finally:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        for pid in children:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
