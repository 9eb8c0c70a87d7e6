"""Fixtures shared by the whole suite.

One real echo server (examples/echo_server.py) runs for the test session; tests that
need sockets take ``server``, which is that server with its counters reset.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from echo_server import EchoServer

__all__ = ["echo_server", "server"]


# -- real HTTP server on 127.0.0.1 --------------------------------------------------


@pytest.fixture(scope="session")
def echo_server() -> Iterator[EchoServer]:
    """Run one EchoServer for the whole session and stop it at the end."""
    with EchoServer() as srv:
        yield srv


@pytest.fixture
def server(echo_server: EchoServer) -> EchoServer:
    """Give the session EchoServer with hits, requests and counters reset."""
    echo_server.reset_counters()
    return echo_server
