"""HTTPS on every transport: verified against a given CA, refused otherwise, cancellable."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from axios_python import CancelError, CancelToken, NetworkError

from ._support import Client
from ._tls import TLSServer
from .test_cancellation import cancel_later


@pytest.fixture(scope="module")
def tls_server() -> Iterator[TLSServer]:
    """One HTTPS server with its own CA for the module."""
    with TLSServer() as srv:
        yield srv


async def test_https_request_verified_with_the_given_ca(
    client: Client, tls_server: TLSServer
) -> None:
    """Trusting the server's CA, requests succeed over TLS on one kept-alive connection."""
    api = client.new(ssl_context=tls_server.trust(), base_url=tls_server.url)
    before = tls_server.connections
    for _ in range(3):
        response = await client.get("/ok", api=api)
        assert response.data == {"path": "/ok", "tls": True}
        await client.settle()
    assert tls_server.connections - before == 1


async def test_untrusted_certificate_is_a_network_error(
    client: Client, tls_server: TLSServer
) -> None:
    """Without trust in the server's CA, the request fails with NetworkError."""
    api = client.new(base_url=tls_server.url)
    with pytest.raises(NetworkError):
        await client.get("/ok", api=api)


async def test_cancel_in_flight_over_tls(client: Client, tls_server: TLSServer) -> None:
    """Cancelling a TLS request the server is slow to answer raises CancelError at once."""
    api = client.new(ssl_context=tls_server.trust(), base_url=tls_server.url)
    token = CancelToken()
    cancel_later(client, token, 0.2, "tls")
    started = time.monotonic()
    with pytest.raises(CancelError):
        await client.get("/slow", api=api, cancel_token=token)
    assert time.monotonic() - started < 1.5
