"""A response handler that lets a bodiless response through when junk follows it.

aiohttp parses everything a read returns at once. When a 204, a 304 or the
answer to a HEAD arrives in the same read as stray bytes after it, the parser
fails on those bytes and the good response is lost with them. This handler
feeds such a response's head alone, then drops the rest and marks the
connection to be closed instead of pooled, as the other transports do.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

from aiohttp.client_proto import ResponseHandler

__all__ = ["StrictResponseHandler", "install"]

_BODILESS = (b"204", b"304")


class StrictResponseHandler(ResponseHandler):
    """aiohttp's ResponseHandler; a bodiless response's trailing bytes close the connection."""

    _axios_first = False

    def set_response_params(self, **kwargs: Any) -> None:
        self._axios_first = True  # before super(): it may feed bytes already received
        super().set_response_params(**kwargs)

    def data_received(self, data: bytes) -> None:
        if self._axios_first and data:
            self._axios_first = False
            if self._skip_payload or data[9:12] in _BODILESS:  # HEAD, or "HTTP/1.1 204"
                end = data.find(b"\r\n\r\n") + 4
                if 3 < end < len(data):
                    super().data_received(data[:end])
                    self.force_close()  # the rest is not ours to read: never reuse this
                    return
        super().data_received(data)


def install(connector: Any) -> None:
    """Make ``connector`` build its connections' protocols with StrictResponseHandler."""
    loop: asyncio.AbstractEventLoop | None = getattr(connector, "_loop", None)
    if loop is not None and hasattr(connector, "_factory"):
        connector._factory = functools.partial(StrictResponseHandler, loop=loop)
