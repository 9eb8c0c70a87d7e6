"""Refresh on 401 (opt-in): one shared refresh, one replay, a second 401 is the error."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

import axios_python
from axios_python import AuthPlugin, HTTPStatusError, PluginError

from ._token_server import TokenServer


class Renewer:
    """A refresh callable that counts its calls and hands out 'new'."""

    def __init__(self, token: str = "new") -> None:
        self.token = token
        self.calls = 0
        self._lock = threading.Lock()

    def __call__(self) -> str:
        with self._lock:
            self.calls += 1
        return self.token


def test_401_refreshes_and_replays_once(tokens: TokenServer) -> None:
    """A 401 calls refresh once and replays the request with the new token."""
    renew = Renewer()
    api = axios_python.create({"base_url": tokens.url})
    plugin = AuthPlugin(token="old", refresh=renew)
    api.plugin(plugin)
    response = api.post("/protected", json={"n": 1})
    assert response.status_code == 200
    assert response.json() == {"authorization": "Bearer new", "body": '{"n":1}'}
    assert tokens.seen == ["Bearer old", "Bearer new"]
    assert tokens.bodies[0] == tokens.bodies[1]
    assert renew.calls == plugin.refresh_count == 1


def test_refreshed_token_is_used_afterwards(tokens: TokenServer) -> None:
    """After a refresh, later requests send the new token straight away."""
    renew = Renewer()
    api = axios_python.create({"base_url": tokens.url}).plugin(
        AuthPlugin(token="old", refresh=renew)
    )
    api.get("/protected")
    api.get("/protected")
    assert tokens.seen == ["Bearer old", "Bearer new", "Bearer new"]
    assert renew.calls == 1


async def test_async_refresh_on_the_async_path(tokens: TokenServer) -> None:
    """An async refresh callable is awaited and the request replayed asynchronously."""
    calls = 0

    async def renew() -> str:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0)
        return "new"

    api = axios_python.create({"base_url": tokens.url}).plugin(
        AuthPlugin(token="old", refresh=renew)
    )
    response = await api.async_get("/protected")
    assert response.json()["authorization"] == "Bearer new"
    assert calls == 1
    await api.aclose()


def test_second_401_after_refresh_is_the_error(tokens: TokenServer) -> None:
    """When the new token is refused too, the 401 is raised and refresh ran once."""
    tokens.valid = {"Bearer other"}
    renew = Renewer()
    api = axios_python.create({"base_url": tokens.url}).plugin(
        AuthPlugin(token="old", refresh=renew)
    )
    with pytest.raises(HTTPStatusError) as info:
        api.get("/protected")
    assert info.value.response.status_code == 401
    assert tokens.seen == ["Bearer old", "Bearer new"]
    assert renew.calls == 1


async def test_second_401_after_refresh_is_the_error_async(tokens: TokenServer) -> None:
    """The async path also replays once and then returns the 401."""
    tokens.valid = set()
    renew = Renewer()
    api = axios_python.create({"base_url": tokens.url}).plugin(
        AuthPlugin(token="old", refresh=renew)
    )
    with pytest.raises(HTTPStatusError):
        await api.async_get("/protected")
    assert tokens.refused == 2
    assert renew.calls == 1
    await api.aclose()


def test_without_refresh_a_401_is_just_an_error(tokens: TokenServer) -> None:
    """Refresh is opt-in: without it a 401 is raised after one request."""
    api = axios_python.create({"base_url": tokens.url}).plugin(AuthPlugin(token="old"))
    with pytest.raises(HTTPStatusError):
        api.get("/protected")
    assert tokens.seen == ["Bearer old"]


def test_fifty_concurrent_401s_refresh_once_threads(tokens: TokenServer) -> None:
    """50 threads that all get 401 together cause exactly one refresh; all then succeed."""
    tokens.hold = threading.Barrier(50)
    renew = Renewer()
    api = axios_python.create({"base_url": tokens.url}).plugin(
        AuthPlugin(token="old", refresh=renew)
    )
    with ThreadPoolExecutor(max_workers=50) as pool:
        responses = list(pool.map(lambda _: api.get("/protected"), range(50)))
    assert [r.status_code for r in responses] == [200] * 50
    assert renew.calls == 1
    assert (tokens.refused, tokens.ok) == (50, 50)
    api.close()


async def test_fifty_concurrent_401s_refresh_once_gather(tokens: TokenServer) -> None:
    """50 tasks under asyncio.gather that all get 401 cause exactly one (async) refresh."""
    tokens.hold = threading.Barrier(50)
    calls = 0

    async def renew() -> str:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.01)  # let the other 49 arrive while this refresh is in flight
        return "new"

    api = axios_python.create({"base_url": tokens.url}).plugin(
        AuthPlugin(token="old", refresh=renew)
    )
    responses = await asyncio.gather(*(api.async_get("/protected") for _ in range(50)))
    assert [r.status_code for r in responses] == [200] * 50
    assert calls == 1
    assert (tokens.refused, tokens.ok) == (50, 50)
    await api.aclose()


def test_token_provider_with_refresh_reuses_the_refreshed_token(tokens: TokenServer) -> None:
    """A request whose provider token predates the refresh replays with it, no second refresh."""
    renew = Renewer()
    api = axios_python.create({"base_url": tokens.url})
    api.plugin(AuthPlugin(token_provider=lambda: "old", refresh=renew))
    api.get("/protected")
    api.get("/protected")
    assert tokens.seen == ["Bearer old", "Bearer new", "Bearer old", "Bearer new"]
    assert renew.calls == 1


def test_a_later_expiry_refreshes_again(tokens: TokenServer) -> None:
    """When the refreshed token itself expires later, the next 401 refreshes again."""
    issued = iter(["new", "newer"])
    calls = 0

    def renew() -> str:
        nonlocal calls
        calls += 1
        return next(issued)

    api = axios_python.create({"base_url": tokens.url}).plugin(
        AuthPlugin(token="old", refresh=renew)
    )
    api.get("/protected")
    tokens.valid = {"Bearer newer"}
    assert api.get("/protected").json()["authorization"] == "Bearer newer"
    assert calls == 2


def test_failing_refresh_is_reported_and_chained(tokens: TokenServer) -> None:
    """A refresh that raises surfaces as that error; nothing is replayed."""

    def renew() -> str:
        raise RuntimeError("identity provider down")

    api = axios_python.create({"base_url": tokens.url}).plugin(
        AuthPlugin(token="old", refresh=renew)
    )
    with pytest.raises(RuntimeError, match="identity provider down"):
        api.get("/protected")
    assert tokens.seen == ["Bearer old"]


def test_async_refresh_on_the_sync_path_is_a_clear_error(tokens: TokenServer) -> None:
    """An async refresh cannot run in a sync request: PluginError says to use async_ methods."""

    async def renew() -> str:
        return "new"

    api = axios_python.create({"base_url": tokens.url}).plugin(
        AuthPlugin(token="old", refresh=renew)
    )
    with pytest.raises(PluginError, match="async_ methods"):
        api.get("/protected")


def test_401_from_another_origin_does_not_refresh(tokens: TokenServer) -> None:
    """A 401 from an origin that never got our credentials triggers no refresh."""
    renew = Renewer()
    with TokenServer() as elsewhere:
        api = axios_python.create({"base_url": tokens.url})
        api.plugin(AuthPlugin(token="old", refresh=renew))
        with pytest.raises(HTTPStatusError):
            api.get(f"{elsewhere.url}/protected")
        assert elsewhere.seen == [None]
    assert renew.calls == 0


def test_interceptors_see_the_replayed_success(tokens: TokenServer) -> None:
    """Response interceptors receive the replayed 200, not the 401."""
    seen: list[int] = []
    api = axios_python.create({"base_url": tokens.url}).plugin(
        AuthPlugin(token="old", refresh=Renewer())
    )

    def record(response: axios_python.Response) -> axios_python.Response:
        seen.append(response.status_code)
        return response

    api.interceptors.response.use(record)
    api.get("/protected")
    assert seen[-1] == 200
