"""ReqwestPlugin: ``api.plugin("reqwest")`` sends both sides of a client with pyreqwest."""

from __future__ import annotations

import inspect
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

    Each plugin instance owns one transport (``transport``); the client closes
    it with its other transports (``api.close()`` / ``await api.aclose()``).
    """

    name = "reqwest"
    # The transport's keyword options, so a misspelt one is named with the nearest valid one.
    __signature__ = inspect.signature(ReqwestTransport)

    def __init__(self, **options: Any) -> None:
        self._options = options
        # Built now, so bad options fail here; it opens nothing before its first request.
        self.transport = ReqwestTransport(**options)

    def __repr__(self) -> str:
        # Option names only: a proxy URL may carry a password.
        return f"<ReqwestPlugin options={sorted(self._options)}>"

    @hookimpl
    def axios_transport(
        self, client: AxiosPython, kind: Literal["sync", "async"]
    ) -> BaseTransport | None:
        """Return the reqwest transport for either side."""
        return self.transport
