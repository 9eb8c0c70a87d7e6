"""A TCPConnector that tells whether a request got a kept-alive connection or a new one.

The pipeline sends an idempotent request once more when a kept-alive connection
turns out to have been closed by the server (no response at all); a request
that fails the same way on a fresh connection is not sent again. aiohttp does
not say which it was, so the connector records it for the running task.
"""

from __future__ import annotations

import contextvars
from typing import Any

import aiohttp

__all__ = ["Connector", "took_reused"]

_reused: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "axios_python_aiohttp_reused", default=False
)


class Connector(aiohttp.TCPConnector):
    """TCPConnector that marks each connection once it has served a request."""

    async def connect(self, req: Any, traces: Any, timeout: Any) -> Any:
        conn = await super().connect(req, traces, timeout)
        protocol = conn.protocol
        _reused.set(getattr(protocol, "_axios_served", False))
        if protocol is not None:
            protocol._axios_served = True
        return conn


def took_reused() -> bool:
    """True when this task's latest request was given a connection that had served before."""
    return _reused.get()
