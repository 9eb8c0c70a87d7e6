"""Fixtures for the core suite: clients bound to the echo server, a second origin, sync/async.

Most behaviour must be identical for ``api.get`` and ``await api.async_get``, so
tests that take ``send`` run twice: once through the sync methods and once
through the ``async_`` twins, with the same arguments.
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator, Iterator
from typing import Any, cast

import pytest
from echo_server import EchoServer

from axios_python import AxiosPython, HttpxTransport, RequestOptions

from ._support import Factory, Recorder, Sender

__all__: list[str] = []

# Building an SSL context costs ~60 ms per httpx client; the tests only speak plain HTTP
# to 127.0.0.1, so their clients share one context instead of building one each.
_SSL = ssl.create_default_context()


@pytest.fixture(params=["sync", "async"])
def send(request: pytest.FixtureRequest) -> Sender:
    """Run the test once through the sync methods and once through the async_ twins."""
    return Sender(str(request.param))


@pytest.fixture(scope="session")
def second_echo_server() -> Iterator[EchoServer]:
    """A second real server: a different origin (same host, other port)."""
    with EchoServer() as srv:
        yield srv


@pytest.fixture
def other(second_echo_server: EchoServer) -> EchoServer:
    """The second origin with its counters reset."""
    second_echo_server.reset_counters()
    return second_echo_server


@pytest.fixture
def own_server() -> Iterator[EchoServer]:
    """A server of the test's own, for counts no other client may disturb (open connections)."""
    with EchoServer() as srv:
        yield srv


@pytest.fixture
async def make() -> AsyncIterator[Factory]:
    """Build clients like create(config) (cheaply, over HttpxTransport); all closed afterwards."""
    made: list[AxiosPython] = []

    def factory(config: dict[str, Any] | None = None, **kwargs: Any) -> AxiosPython:
        kwargs.setdefault("transport", HttpxTransport(verify=_SSL))
        client = AxiosPython(cast("RequestOptions", config or {}), **kwargs)
        made.append(client)
        return client

    yield factory
    for client in made:
        await client.aclose()


@pytest.fixture
def api(server: EchoServer, make: Factory) -> AxiosPython:
    """A client whose base_url is the echo server; its pools are closed afterwards."""
    return make({"base_url": server.url})


@pytest.fixture
def recorder() -> Recorder:
    """A fresh recording transport."""
    return Recorder()
