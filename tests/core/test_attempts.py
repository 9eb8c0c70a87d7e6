"""axios_python.attempts: one more attempt of a request, from a plugin hook (stage 5 only)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from echo_server import EchoServer

import axios_python
from axios_python import AxiosPython, HTTPStatusError, Request, Response
from axios_python.attempts import async_send_attempt, send_attempt
from axios_python.hookspecs import hookimpl

__all__: list[str] = []


class _Counting:
    """Counts the hooks that run per attempt and those that run once per request."""

    name = "counting"

    def __init__(self) -> None:
        self.calls: dict[str, int] = {"request": 0, "cached": 0, "send": 0, "response": 0}
        self.config: Mapping[str, Any] | None = None

    @hookimpl
    def axios_request(self, config: Mapping[str, Any]) -> None:
        self.calls["request"] += 1

    @hookimpl
    def axios_cached_response(self, request: Request) -> None:
        self.calls["cached"] += 1

    @hookimpl
    def axios_before_send(self, request: Request) -> None:
        self.calls["send"] += 1

    @hookimpl
    def axios_response(self, response: Response, config: Mapping[str, Any]) -> None:
        self.calls["response"] += 1
        self.config = config


def _client(server: EchoServer) -> tuple[AxiosPython, _Counting, dict[str, int]]:
    api = axios_python.create({"base_url": server.url})
    plugin = _Counting()
    api.plugin(plugin)
    stages = {"interceptor": 0, "middleware": 0}

    def interceptor(response: Response) -> Response:
        stages["interceptor"] += 1
        return response

    def middleware(config: Any, next_fn: Any) -> Any:
        stages["middleware"] += 1
        return next_fn(config)

    api.interceptors.response.use(interceptor)
    api.use(middleware)
    return api, plugin, stages


@pytest.mark.parametrize("side", ["sync", "async"])
async def test_an_attempt_runs_only_what_a_retry_runs(server: EchoServer, side: str) -> None:
    """Prepared from the config, the per-attempt hooks and the transform; nothing run-once."""
    api, plugin, stages = _client(server)
    api.get("/get", params={"n": "1"}, transform_response=[lambda data, headers: data["args"]])
    assert plugin.config is not None
    before = (dict(plugin.calls), dict(stages))
    if side == "async":
        again = await async_send_attempt(api, plugin.config)
    else:
        again = send_attempt(api, plugin.config)
    assert again.data == {"n": "1"}  # the same URL and params, transform_response applied
    assert again.status_code == 200
    assert not again.from_cache
    calls, ran = before
    assert plugin.calls == {**calls, "cached": calls["cached"] + 1, "send": calls["send"] + 1}
    assert stages == ran  # no interceptor, no middleware
    assert server.hits["/get"] == 2
    await api.aclose()


@pytest.mark.parametrize("side", ["sync", "async"])
async def test_an_attempt_checks_the_status_as_usual(server: EchoServer, side: str) -> None:
    """validate_status applies: a 404 is an HTTPStatusError naming the request."""
    api = axios_python.create({"base_url": server.url})
    config = {**api.defaults, "method": "GET", "url": "/status/404"}

    async def attempt() -> Response:
        if side == "async":
            return await async_send_attempt(api, config)
        return send_attempt(api, config)

    with pytest.raises(HTTPStatusError, match=r"HTTP 404 .* for GET .*/status/404") as info:
        await attempt()
    assert info.value.response.status_code == 404
    await api.aclose()
