"""A raw-socket server that answers each request with the next scripted bytes, exactly as given.

Hostile cases (bad framing, malformed header lines, stray bytes after a 204, 1xx
interim responses...) need bytes no well-behaved server library would send::

    with RawServer(b"HTTP/1.1 200 OK\\r\\nContent-Length: abc\\r\\n\\r\\nhello") as raw:
        api.get(raw.url("/x"))

Each request gets the next reply in order, across connections (the last one
repeats). After a reply the connection is closed, unless the reply is a
``Reply(..., keep_open=True)``: then the next request on it is read. It is a
HostileServer whose answer is the script; ``connections`` counts connections and
``targets`` lists the request target of every request received.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Union

from ._hostile import Conn, HostileServer

__all__ = ["RawServer", "Reply"]


@dataclass(frozen=True)
class Reply:
    """Bytes to send for one request, and whether the connection stays open afterwards."""

    data: bytes
    keep_open: bool = False


class RawServer(HostileServer):
    """Serves scripted replies on its own port; use as a context manager."""

    def __init__(self, *replies: Union[bytes, Reply]) -> None:
        if not replies:
            raise ValueError("RawServer needs at least one reply")
        self._replies = [r if isinstance(r, Reply) else Reply(r) for r in replies]
        self._served = 0
        self._script_lock = threading.Lock()
        super().__init__(self._play)

    def __enter__(self) -> RawServer:
        super().__enter__()
        return self

    @property
    def targets(self) -> list[str]:
        """The request target of every request received (``/path?query``), as sent."""
        return [request.split(" ", 1)[1] for request in self.requests]

    def _play(self, conn: Conn, index: int) -> bool:
        with self._script_lock:
            reply = self._replies[min(self._served, len(self._replies) - 1)]
            self._served += 1
        conn.send(reply.data)
        return reply.keep_open
