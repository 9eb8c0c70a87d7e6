"""ReqwestPlugin: ``api.plugin("reqwest")`` sends both sides of a client with pyreqwest."""

from __future__ import annotations

import inspect
import threading
from typing import Any, Literal

from axios_python import AxiosPython, BaseTransport
from axios_python.hookspecs import hookimpl

from ._transport import ReqwestTransport

__all__ = ["ReqwestPlugin"]


class ReqwestPlugin:
    """Supplies one ReqwestTransport for both sides.

    Options are ReqwestTransport's (``max_connections``, ``verify``, ``proxy``,
    ``http2``...)::

        api = axios_python.create({"base_url": "https://api.example.com"})
        api.plugin("reqwest", max_connections=64)

    Each plugin instance owns one transport, built on first use; the client
    closes it with its other transports (``api.close()`` / ``await api.aclose()``).
    """

    name = "reqwest"
    # The transport's keyword options, so a misspelt one is named with the nearest valid one.
    __signature__ = inspect.signature(ReqwestTransport)

    def __init__(self, **options: Any) -> None:
        ReqwestTransport(**options)  # validate options now, at the edge
        self._options = options
        self._transport: ReqwestTransport | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<ReqwestPlugin options={self._options!r}>"

    @property
    def transport(self) -> ReqwestTransport:
        """This plugin's transport (created on first access)."""
        if self._transport is None:
            with self._lock:
                if self._transport is None:
                    self._transport = ReqwestTransport(**self._options)
        return self._transport

    @hookimpl
    def axios_transport(
        self, client: AxiosPython, kind: Literal["sync", "async"]
    ) -> BaseTransport | None:
        """Return the reqwest transport for either side."""
        return self.transport
