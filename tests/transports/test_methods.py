"""Methods: any RFC 9110 token reaches the server as sent, on every transport and side."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from axios_python import ConfigError, FixedBackoff

from ._support import Client


@pytest.mark.parametrize("method", ["M-SEARCH", "PROPFIND", "MKCOL", "BREW", "X.CUSTOM_1"])
async def test_extension_methods_reach_the_server(client: Client, method: str) -> None:
    """WebDAV, SSDP and made-up tokens are sent as the method, upper-cased."""
    response = await client.request(method.lower(), "/anything", data=b"<x/>")
    assert response.data["method"] == method.upper()
    assert response.data["body"] == "<x/>"
    assert response.request is not None
    assert response.request.method == method.upper()


@pytest.mark.parametrize("method", [5, None, b"GET", "", "GE T", "GET\r\nX: y", "GÉT", "(GET)"])
async def test_bad_methods_are_config_errors(client: Client, method: object) -> None:
    """A method that is not a token is refused before anything is sent."""
    with pytest.raises(ConfigError, match="HTTP method name"):
        await client.request(method, "/anything")  # type: ignore[arg-type]
    assert client.server.requests == []


async def test_extension_methods_retry_only_when_listed(client: Client) -> None:
    """An unknown method is not idempotent: it retries only when retry_methods names it."""
    strategy = FixedBackoff(delay=0, retry_on_status=[503])
    options: dict[str, Any] = {
        "max_retries": 2,
        "retry_strategy": strategy,
        "validate_status": None,
    }
    once = await client.request("PROPFIND", "/flaky/plain/1", **options)
    assert (once.status_code, once.retries) == (503, 0)
    listed = await client.request(
        "PROPFIND", "/flaky/listed/1", retry_methods=["propfind"], **options
    )
    assert (listed.status_code, listed.retries) == (200, 1)
    assert [r.method for r in client.server.requests] == ["PROPFIND"] * 3


async def test_official_plugins_take_extension_methods(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    """The cache, auth and logger plugins pass an M-SEARCH through (and log it by name)."""
    api = client.new()
    api.plugin("cache").plugin("auth", token="t0k").plugin("logger", level=logging.INFO)
    with caplog.at_level(logging.INFO, logger="axios_python"):
        response = await client.request("M-SEARCH", "/anything", api=api)
        again = await client.request("M-SEARCH", "/anything", api=api)
    assert response.data["method"] == again.data["method"] == "M-SEARCH"
    assert response.data["headers"]["Authorization"] == "Bearer t0k"
    assert not again.from_cache
    assert len(client.server.requests) == 2
    assert any("M-SEARCH" in record.getMessage() for record in caplog.records)
