"""Fixtures for the auth plugin tests: a token-checking server and a second origin."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from echo_server import EchoServer

from ._token_server import TokenServer


@pytest.fixture
def tokens() -> Iterator[TokenServer]:
    """A server that accepts only 'Bearer new' until a test changes ``valid``."""
    with TokenServer("Bearer new") as srv:
        yield srv


@pytest.fixture(scope="session")
def other_origin() -> Iterator[EchoServer]:
    """A second EchoServer: another port on 127.0.0.1 is another origin."""
    with EchoServer() as srv:
        yield srv


@pytest.fixture
def other(other_origin: EchoServer) -> EchoServer:
    """The second origin with its counters reset."""
    other_origin.reset_counters()
    return other_origin
