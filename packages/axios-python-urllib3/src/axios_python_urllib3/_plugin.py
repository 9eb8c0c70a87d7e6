"""Urllib3Plugin: ``api.plugin("urllib3")`` makes that client's sync requests use urllib3."""

from __future__ import annotations

import threading
from typing import Any, Literal

from axios_python import AxiosPython, BaseTransport
from axios_python.hookspecs import hookimpl

from ._transport import Urllib3Transport

__all__ = ["Urllib3Plugin"]


class Urllib3Plugin:
    """Supplies a Urllib3Transport for the sync side only; async requests keep their transport.

    Options are Urllib3Transport's (``max_connections``, ``pool_block``, pool
    options)::

        api = axios_python.create({"base_url": "https://api.example.com"})
        api.plugin("urllib3", max_connections=20)
        api.plugin("urllib3").plugin("aiohttp")  # fast paths on both sides

    Each plugin instance owns one transport, built on first use; the client
    closes it with its other transports.
    """

    name = "urllib3"

    def __init__(self, **options: Any) -> None:
        Urllib3Transport(**options).close()  # validate options now, at the edge
        self._options = options
        self._transport: Urllib3Transport | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<Urllib3Plugin options={self._options!r}>"

    @property
    def transport(self) -> Urllib3Transport:
        """This plugin's transport (created on first access)."""
        if self._transport is None:
            with self._lock:
                if self._transport is None:
                    self._transport = Urllib3Transport(**self._options)
        return self._transport

    @hookimpl
    def axios_transport(
        self, client: AxiosPython, kind: Literal["sync", "async"]
    ) -> BaseTransport | None:
        """Return the urllib3 transport for ``kind == "sync"``, None for the async side."""
        return self.transport if kind == "sync" else None
