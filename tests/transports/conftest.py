"""Fixtures of the transport conformance suite: ``client`` runs a test on every transport side.

``client`` is parametrised over every (transport, side) pair in
``_support.TRANSPORTS``: httpx and httpx2 on both sides, urllib3 sync only,
aiohttp async only.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from echo_server import EchoServer

from ._h2 import H2Server
from ._support import Client, cases

__all__: list[str] = []


@pytest.fixture(params=cases(), ids=lambda pair: f"{pair[0].name}-{pair[1]}")
async def client(request: pytest.FixtureRequest, server: EchoServer) -> AsyncIterator[Client]:
    """A client on one transport and side, bound to the echo server; closed afterwards."""
    case, side = request.param
    facade = Client(case, side, server)
    yield facade
    await facade.close()


@pytest.fixture
def own_server() -> Iterator[EchoServer]:
    """A server of the test's own, for connection counts no other client may disturb."""
    with EchoServer() as srv:
        yield srv


@pytest.fixture(scope="module")
def h2_server() -> Iterator[H2Server]:
    """HTTPS that speaks HTTP/2 when the client offers it (ALPN), HTTP/1.1 otherwise."""
    with H2Server() as srv:
        yield srv
