"""Helpers shared by the core tests: a sync/async sender and a recording transport."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import axios_python
from axios_python import AxiosPython, BaseTransport, Request, RequestConfig, Response

__all__ = ["AsyncNext", "Factory", "Recorder", "Sender", "SyncNext"]

AsyncNext = Callable[[RequestConfig], Awaitable[Response]]
"""What an ``async def`` middleware receives as ``next_fn``."""
SyncNext = Callable[[RequestConfig], Response]
"""What a plain ``def`` middleware receives as ``next_fn`` on the sync path."""
Factory = Callable[..., AxiosPython]
"""The ``make`` fixture: builds a client like create(config) and closes it after the test."""


class Sender:
    """Calls a client the sync or the async way, so one test body covers both paths."""

    def __init__(self, mode: str) -> None:
        self.mode = mode

    @property
    def is_async(self) -> bool:
        """True when requests go through the ``async_`` methods."""
        return self.mode == "async"

    async def __call__(self, api: AxiosPython, method: str, url: str, **options: Any) -> Response:
        """Send ``method url`` through ``api`` on this sender's path."""
        if self.is_async:
            return await api.async_request(method, url, **options)
        return api.request(method, url, **options)

    async def module(self, method: str, url: str, **options: Any) -> Response:
        """Send through the module-level helpers on this sender's path."""
        if self.is_async:
            return await axios_python.async_request(method, url, **options)
        return axios_python.request(method, url, **options)

    def __repr__(self) -> str:
        return f"<Sender {self.mode}>"


class Recorder(BaseTransport):
    """A transport that answers 200 with JSON and keeps every Request it was given."""

    def __init__(self) -> None:
        self.requests: list[Request] = []

    def send(self, request: Request) -> Response:
        """Record ``request`` and answer with its method and URL."""
        self.requests.append(request)
        return Response(
            200,
            headers={"Content-Type": "application/json"},
            data={"method": request.method, "url": request.url},
            request=request,
        )

    async def send_async(self, request: Request) -> Response:
        """Async twin of send()."""
        return self.send(request)

    @property
    def last(self) -> Request:
        """The most recent request."""
        return self.requests[-1]
