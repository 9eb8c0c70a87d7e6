"""AiohttpPlugin: ``api.plugin("aiohttp")`` makes that client's async requests use aiohttp."""

from __future__ import annotations

import threading
from typing import Any, Literal

from axios_python import AxiosPython, BaseTransport
from axios_python.hookspecs import hookimpl

from ._transport import AiohttpTransport

__all__ = ["AiohttpPlugin"]


class AiohttpPlugin:
    """Supplies an AiohttpTransport for the async side only; sync requests keep their transport.

    Options are AiohttpTransport's (``max_connections``,
    ``max_connections_per_host``, ``keepalive_expiry``, ``ssl``, session options)::

        api = axios_python.create({"base_url": "https://api.example.com"})
        api.plugin("aiohttp", max_connections=64)
        api.plugin("urllib3").plugin("aiohttp")  # fast paths on both sides

    Each plugin instance owns one transport, built on first use; the client
    closes it with its other transports (``await api.aclose()``).
    """

    name = "aiohttp"

    def __init__(self, **options: Any) -> None:
        AiohttpTransport(**options)  # validate options now, at the edge
        self._options = options
        self._transport: AiohttpTransport | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<AiohttpPlugin options={self._options!r}>"

    @property
    def transport(self) -> AiohttpTransport:
        """This plugin's transport (created on first access)."""
        if self._transport is None:
            with self._lock:
                if self._transport is None:
                    self._transport = AiohttpTransport(**self._options)
        return self._transport

    @hookimpl
    def axios_transport(
        self, client: AxiosPython, kind: Literal["sync", "async"]
    ) -> BaseTransport | None:
        """Return the aiohttp transport for ``kind == "async"``, None for the sync side."""
        return self.transport if kind == "async" else None
