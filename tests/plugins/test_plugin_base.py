"""The README's Plugin base class, adapted onto the hooks, mixed freely with raw hooks."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from echo_server import EchoServer

import axios_python
from axios_python import AxiosPython, Plugin, PluginError, Response
from axios_python._entrypoints import hooks_of
from axios_python.hookspecs import hookimpl
from axios_python.testing import HookRecorder


class CorrelationIdPlugin(Plugin):
    """Attaches a unique X-Correlation-Id header to every outgoing request (the README's)."""

    def on_request(self, config: dict) -> dict:  # type: ignore[type-arg]
        import uuid

        config["headers"]["X-Correlation-Id"] = str(uuid.uuid4())
        return config

    def on_response(self, response):  # type: ignore[no-untyped-def]
        cid = response.headers.get("X-Correlation-Id")
        response.correlation_id = cid
        return response


def _api(server: EchoServer, *plugins: object) -> AxiosPython:
    api = axios_python.create({"base_url": server.url})
    for plugin in plugins:
        api.plugin(plugin)
    return api


def test_readme_correlation_id_plugin(server: EchoServer) -> None:
    """The README example works as written: the header is sent and on_response runs."""
    response = _api(server, CorrelationIdPlugin()).get("/response-headers?X-Correlation-Id=abc")
    sent = server.requests[-1].header("X-Correlation-Id")
    assert sent is not None
    assert uuid.UUID(sent)
    assert response.correlation_id == "abc"  # type: ignore[attr-defined]


async def test_readme_plugin_on_the_async_path(server: EchoServer) -> None:
    """The same plugin serves async_ requests."""
    await _api(server, CorrelationIdPlugin()).async_get("/get")
    assert server.requests[-1].header("X-Correlation-Id") is not None


def test_on_request_may_return_a_new_mapping(server: EchoServer) -> None:
    """A different mapping returned from on_request replaces the config (headers may be a dict)."""

    class Rewrite(Plugin):
        def on_request(self, config: dict[str, Any]) -> dict[str, Any]:
            return {**config, "url": "/headers", "headers": {"X-New": "yes"}}

    response = _api(server, Rewrite()).get("/json")
    assert response.data["headers"]["X-New"] == "yes"
    assert server.hits["/json"] == 0


def test_on_request_returning_garbage_is_an_error(server: EchoServer) -> None:
    """on_request must return a mapping or None; anything else names the plugin method."""

    class Bad(Plugin):
        def on_request(self, config: dict[str, Any]) -> Any:
            return 42

    with pytest.raises(PluginError, match=r"Bad.on_request must return the config mapping or None"):
        _api(server, Bad()).get("/json")


async def test_async_on_request_and_on_response(server: EchoServer) -> None:
    """async def on_* methods are awaited on the async path."""

    class Async(Plugin):
        async def on_request(self, config: dict[str, Any]) -> dict[str, Any]:  # type: ignore[override]
            config["headers"]["X-Async"] = "1"
            return config

        async def on_response(self, response: Response) -> Response:  # type: ignore[override]
            response.data = {"wrapped": response.data["headers"]["X-Async"]}
            return response

    response = await _api(server, Async()).async_get("/headers")
    assert response.data == {"wrapped": "1"}


def test_async_on_request_on_the_sync_path(server: EchoServer) -> None:
    """An async def on_request used by a sync call is a PluginError naming the method."""

    class Async(Plugin):
        name = "asyncy"

        async def on_request(self, config: dict[str, Any]) -> dict[str, Any]:  # type: ignore[override]
            return config

    with pytest.raises(PluginError, match=r"plugin 'asyncy' \(.*Async\.on_request"):
        _api(server, Async()).get("/json")


def test_on_error_recovers(server: EchoServer) -> None:
    """A Response from on_error recovers the request; None lets the error through."""

    class Recover(Plugin):
        def on_error(self, error: Exception) -> Response | None:
            if isinstance(error, axios_python.HTTPStatusError):
                return Response(200, data={"was": error.response.status_code})
            return None

    assert _api(server, Recover()).get("/status/502").data == {"was": 502}


def test_only_overridden_methods_become_hooks(server: EchoServer) -> None:
    """A Plugin overriding only on_request registers only axios_request (no per-request cost)."""

    class OnlyRequest(Plugin):
        def on_request(self, config: dict[str, Any]) -> dict[str, Any]:
            return config

    recorder = HookRecorder()
    api = axios_python.create({"base_url": server.url})
    recorder.attach(api)
    api.plugin(OnlyRequest())
    api.get("/json")
    recorder.assert_ran("axios_request", plugin="OnlyRequest", times=1)
    recorder.assert_not_ran("axios_response", plugin="OnlyRequest")
    recorder.assert_not_ran("axios_error", plugin="OnlyRequest")
    assert hooks_of(OnlyRequest) == ("axios_request",)


def test_plugin_and_raw_hooks_interoperate(server: EchoServer) -> None:
    """Base-class plugins and raw-hook plugins share one order: newest first."""
    order: list[str] = []

    class Simple(Plugin):
        def on_request(self, config: dict[str, Any]) -> dict[str, Any]:
            order.append("simple")
            return config

    class Raw:
        @hookimpl
        def axios_request(self, config: Any, client: Any) -> None:
            order.append("raw")

    class Both(Plugin):
        """A Plugin subclass may add raw hooks of its own."""

        def on_request(self, config: dict[str, Any]) -> dict[str, Any]:
            order.append("both")
            return config

        @hookimpl
        def axios_cached_response(self, request: Any, config: Any, client: Any) -> Response:
            return Response(200, data={"short": "circuit"}, request=request)

    response = _api(server, Simple(), Raw(), Both()).get("/json")
    assert order == ["both", "raw", "simple"]
    assert response.data == {"short": "circuit"}
    assert hooks_of(Both()) == ("axios_cached_response", "axios_request")
