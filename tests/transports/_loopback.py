"""LoopbackServer: a TCP server on 127.0.0.1 with a thread per connection, for hostile test servers.

Subclasses implement ``serve(sock)``; the base accepts, counts connections,
and on exit wakes every blocked accept and read so the test never waits on it.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from types import TracebackType
from typing import Any

__all__ = ["LoopbackServer"]


class LoopbackServer:
    """Accepts connections on its own port and serves each in a thread; a context manager."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self.connections = 0
        self.stopping = threading.Event()
        self._open: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []

    def serve(self, sock: socket.socket) -> None:
        """Serve one accepted connection (the base closes it afterwards)."""
        raise NotImplementedError  # pragma: no cover

    def track(self, sock: socket.socket) -> socket.socket:
        """Count ``sock`` among the sockets shut down on exit (also outgoing ones)."""
        with self._lock:
            self._open.add(sock)
        return sock

    def __enter__(self) -> Any:
        self._spawn(self._accept)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stopping.set()
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self._listener.close()
        with self._lock:
            for sock in list(self._open):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
        for thread in list(self._threads):
            thread.join(timeout=5)

    def _spawn(self, target: Any, *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
            self._spawn(self._run, self.track(sock))

    def _run(self, sock: socket.socket) -> None:
        try:
            self.serve(sock)
        except OSError:
            pass
        finally:
            with self._lock:
                self._open.discard(sock)
            with contextlib.suppress(OSError):
                sock.close()
