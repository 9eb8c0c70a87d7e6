"""The httpcore 1.x pool pass that HttpxTransport installs: httpcore's decisions in linear time.

White-box checks of ``_assign_linear`` on a real httpcore pool holding stand-in
connections, for the two places it departs from httpcore: an HTTP/1.1 connection
handed to one queued request is not handed to another in the same pass, and only
idle connections count against ``max_keepalive_connections``.
"""

from __future__ import annotations

from typing import Any

import httpcore
from httpcore._async.connection_pool import AsyncPoolRequest

from axios_python.transports._cancellation import harden_pool

ORIGIN = httpcore.URL("http://pool.test/").origin


class StandIn:
    """A pooled connection to ORIGIN whose state the test sets (HTTP/1.1 once opened)."""

    def __init__(self, *, idle: bool) -> None:
        self._connection = httpcore.AsyncHTTP11Connection(ORIGIN, stream=None)  # type: ignore[arg-type]
        self.idle = idle
        self.closed = False

    def is_closed(self) -> bool:
        return self.closed

    def has_expired(self) -> bool:
        return False

    def is_idle(self) -> bool:
        return self.idle

    def is_available(self) -> bool:
        return self.idle

    def can_handle_request(self, origin: Any) -> bool:
        return bool(origin == ORIGIN)


def pool_with(
    connections: list[StandIn], queued: int, max_connections: int = 10, max_keepalive: int = 10
) -> Any:
    """A hardened pool holding ``connections`` (each busy one owned by a request in flight)
    and ``queued`` requests waiting, in that order."""
    pool = httpcore.AsyncConnectionPool(
        max_connections=max_connections, max_keepalive_connections=max_keepalive
    )
    harden_pool(pool, sync=False)
    pool._connections = list(connections)  # type: ignore[arg-type]
    for connection in connections:
        if not connection.idle:
            owner = AsyncPoolRequest(httpcore.Request("GET", "http://pool.test/"))
            owner.assign_to_connection(connection)  # type: ignore[arg-type]
            pool._requests.append(owner)
    pool._requests.extend(
        AsyncPoolRequest(httpcore.Request("GET", "http://pool.test/")) for _ in range(queued)
    )
    return pool


async def test_each_queued_request_gets_its_own_idle_connection() -> None:
    """Four requests queued at once get the four idle connections, one each, in one pass."""
    connections = [StandIn(idle=True) for _ in range(4)]
    pool = pool_with(connections, queued=4)
    closing = pool._assign_requests_to_connections()
    assert closing == []
    handed = [request.connection for request in pool._requests]
    assert sorted(map(id, handed)) == sorted(map(id, connections))


async def test_a_full_pool_leaves_the_rest_queued() -> None:
    """Two idle connections at the limit of two: two requests get one each, the third waits."""
    connections = [StandIn(idle=True) for _ in range(2)]
    pool = pool_with(connections, queued=3, max_connections=2)
    assert pool._assign_requests_to_connections() == []
    assert [request.is_queued() for request in pool._requests] == [False, False, True]
    assert pool._connections == connections


async def test_busy_connections_do_not_push_idle_ones_out() -> None:
    """With a keep-alive limit of 2, two busy and two idle connections are all kept."""
    connections = [StandIn(idle=False), StandIn(idle=False), StandIn(idle=True), StandIn(idle=True)]
    pool = pool_with(connections, queued=0, max_keepalive=2)
    assert pool._assign_requests_to_connections() == []
    assert pool._connections == connections
    connections[0].idle = connections[1].idle = True  # now four idle: the two oldest go
    pool._requests.clear()  # their requests ended
    assert pool._assign_requests_to_connections() == connections[:2]
    assert pool._connections == connections[2:]


async def test_closed_connections_are_dropped_without_closing() -> None:
    """A connection already closed leaves the pool and is not closed again."""
    connections = [StandIn(idle=True), StandIn(idle=True)]
    connections[0].closed = True
    pool = pool_with(connections, queued=1)
    assert pool._assign_requests_to_connections() == []
    assert pool._connections == connections[1:]
    assert pool._requests[0].connection is connections[1]
