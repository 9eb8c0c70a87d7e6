"""Helpers for the cache tests: one test body for the sync and the async path."""

from __future__ import annotations

from typing import Any

from axios_python import AxiosPython, Response

__all__ = ["Sender"]


class Sender:
    """Calls a client the sync or the async way, so one test body covers both paths."""

    def __init__(self, mode: str) -> None:
        self.mode = mode

    async def __call__(self, api: AxiosPython, method: str, url: str, **options: Any) -> Response:
        """Send ``method url`` through ``api`` on this sender's path."""
        if self.mode == "async":
            return await api.async_request(method, url, **options)
        return api.request(method, url, **options)

    def __repr__(self) -> str:
        return f"<Sender {self.mode}>"
