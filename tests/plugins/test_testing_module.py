"""axios_python.testing: the mock router, the hook recorder, the fixtures, respx alongside."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

import axios_python
from axios_python import AxiosPython, Request, Response
from axios_python.hookspecs import hookimpl
from axios_python.testing import MOCK_BASE_URL, HookRecorder, MockTransport, NoRouteError


def test_client_fixture_uses_the_mock(axios_client: AxiosPython, axios_mock: MockTransport) -> None:
    """axios_client sends to axios_mock with base_url MOCK_BASE_URL; no network."""
    route = axios_mock.get("/users", json=[{"id": 1}], headers={"X-Total": "1"})
    response = axios_client.get("/users", params={"page": 2})
    assert response.data == [{"id": 1}]
    assert response.headers["X-Total"] == "1"
    assert route.called
    assert route.calls[0].url == f"{MOCK_BASE_URL}/users?page=2"


async def test_async_handler(axios_client: AxiosPython, axios_mock: MockTransport) -> None:
    """A handler may be async def on the async path and sees the prepared request."""

    async def echo(request: Request) -> Response:
        return Response(201, data={"method": request.method, "body": request.content})

    axios_mock.add(None, "/echo", handler=echo)
    response = await axios_client.async_post("/echo", data="hi")
    assert (response.status_code, response.data) == (201, {"method": "POST", "body": b"hi"})


def test_async_handler_on_the_sync_path(
    axios_client: AxiosPython, axios_mock: MockTransport
) -> None:
    """An async handler used by a sync call fails clearly instead of returning a coroutine."""

    async def later(request: Request) -> Response:
        return Response(200)

    axios_mock.get("/x", handler=later)
    with pytest.raises(TypeError, match="has an async handler"):
        axios_client.get("/x")


def test_routes_match_method_url_and_newest_first(axios_mock: MockTransport) -> None:
    """Routes match on method (None = any) and full URL or path; the newest route wins."""
    axios_mock.add(None, "/any", content="any")
    axios_mock.get("https://other.test/x", content="other")
    axios_mock.get("/x", content="old")
    axios_mock.get("/x", content="new")
    api = axios_python.create(transport=axios_mock)
    assert api.delete("https://api.test/any").text == "any"
    assert api.get("https://other.test/x").text == "new"
    assert api.get("https://third.test/x?q=1").text == "new"
    axios_mock.get("/q?page=2", content="page two")
    assert api.get("https://api.test/q", params={"page": 2}).text == "page two"


def test_unmatched_request_lists_routes(
    axios_client: AxiosPython, axios_mock: MockTransport
) -> None:
    """A request no route matches raises NoRouteError naming it and the routes."""
    axios_mock.post("/only", status=201)
    with pytest.raises(
        NoRouteError, match=r"no route matches GET https://api.test/x \(routes: POST /only\)"
    ):
        axios_client.get("/x")


def test_handler_must_return_a_response(
    axios_client: AxiosPython, axios_mock: MockTransport
) -> None:
    """A handler returning something else is a TypeError naming the request."""
    axios_mock.get("/x", handler=lambda request: {"not": "a response"})
    with pytest.raises(TypeError, match=r"must return an axios_python\.Response"):
        axios_client.get("/x")


def test_json_and_content_together_is_refused(axios_mock: MockTransport) -> None:
    """A route takes json= or content=, not both."""
    with pytest.raises(ValueError, match="either json= or content="):
        axios_mock.get("/x", json={}, content="x")


class Spy:
    """Implements every request-path hook, doing nothing."""

    name = "spy"

    @hookimpl
    def axios_request(self, config: Any, client: Any) -> None:
        pass

    @hookimpl
    def axios_cached_response(self, request: Any, config: Any, client: Any) -> None:
        pass

    @hookimpl
    def axios_response(self, response: Any, config: Any, client: Any) -> None:
        pass

    @hookimpl
    def axios_error(self, error: Any, config: Any, client: Any) -> None:
        pass


def test_recorder_sees_which_hooks_ran(
    axios_plugin_client: Callable[..., AxiosPython],
    axios_mock: MockTransport,
    axios_hook_recorder: HookRecorder,
) -> None:
    """The recorder lists hook calls in order, per plugin, with their results."""
    axios_mock.get("/ok", json={})
    axios_mock.get("/fail", status=500)
    api = axios_plugin_client(Spy())
    api.get("/ok")
    assert axios_hook_recorder.hooks("spy") == [
        "axios_request",
        "axios_cached_response",
        "axios_response",
    ]
    axios_hook_recorder.clear()
    with pytest.raises(axios_python.HTTPStatusError):
        api.get("/fail")
    axios_hook_recorder.assert_ran("axios_error", plugin="spy", times=1)
    axios_hook_recorder.assert_not_ran("axios_response")
    (call,) = axios_hook_recorder.calls_of("axios_error")
    assert isinstance(call.kwargs["error"], axios_python.HTTPStatusError)
    assert call.result is None


def test_recorder_sees_client_created(
    axios_plugin_client: Callable[..., AxiosPython], axios_hook_recorder: HookRecorder
) -> None:
    """Plugins registered through the factory are seen from axios_client_created on."""

    class Hello:
        @hookimpl
        def axios_client_created(self, client: AxiosPython) -> None:
            pass

    api = axios_plugin_client(Hello())
    (call,) = axios_hook_recorder.calls_of("axios_client_created", plugin="Hello")
    assert call.kwargs["client"] is api


def test_recorder_assertions_fail_with_detail(
    axios_plugin_client: Callable[..., AxiosPython],
    axios_mock: MockTransport,
    axios_hook_recorder: HookRecorder,
) -> None:
    """assert_ran / assert_not_ran fail with what did run."""
    axios_mock.get("/ok", json={})
    axios_plugin_client(Spy()).get("/ok")
    with pytest.raises(AssertionError, match=r"axios_error for plugin 'spy' to run at least once"):
        axios_hook_recorder.assert_ran("axios_error", plugin="spy")
    with pytest.raises(AssertionError, match=r"to run 2 time\(s\), it ran 1 time\(s\)"):
        axios_hook_recorder.assert_ran("axios_request", times=2)
    with pytest.raises(AssertionError, match="expected axios_request not to run, it ran 1"):
        axios_hook_recorder.assert_not_ran("axios_request")


def test_plugin_client_by_name(
    example_plugin: str,
    axios_plugin_client: Callable[..., AxiosPython],
    axios_mock: MockTransport,
    axios_hook_recorder: HookRecorder,
) -> None:
    """The factory takes installed plugin names too (a plugin with required options: by object)."""
    axios_mock.get("/x", json={})
    api = axios_plugin_client(config={"plugins": {"hmac": {"secret": "k"}}})
    api.get("/x")
    axios_hook_recorder.assert_ran("axios_request", plugin="hmac", times=1)


def test_respx_mocks_the_default_transport() -> None:
    """respx intercepts what the default HttpxTransport sends; no socket is opened."""
    with respx.mock(assert_all_called=True) as router:
        route = router.get("https://api.test/users").mock(
            return_value=httpx.Response(200, json=[{"id": 7}])
        )
        api = axios_python.create({"base_url": "https://api.test"})
        assert api.get("/users").data == [{"id": 7}]
        assert route.call_count == 1
        api.close()


async def test_respx_on_the_async_path() -> None:
    """respx also answers async_ requests through the default transport."""
    with respx.mock as router:
        router.post("https://api.test/items").mock(return_value=httpx.Response(201, json={"ok": 1}))
        api = axios_python.create({"base_url": "https://api.test"})
        response = await api.async_post("/items", json={"name": "x"})
        assert (response.status_code, response.data) == (201, {"ok": 1})
        await api.aclose()


def test_respx_does_not_see_mock_transport_traffic(
    axios_client: AxiosPython, axios_mock: MockTransport
) -> None:
    """A client on MockTransport never reaches httpx, so respx routes stay uncalled."""
    axios_mock.get("/users", json=[])
    with respx.mock(assert_all_called=False) as router:
        route = router.get("https://api.test/users")
        axios_client.get("/users")
        assert not route.called


def test_opt_in_pytest_plugin(tmp_path: Path) -> None:
    """pytest_plugins = ['axios_python.testing'] in a user's conftest gives the fixtures."""
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["axios_python.testing"]\n')
    (tmp_path / "test_user.py").write_text(
        textwrap.dedent(
            """
            def test_it(axios_client, axios_mock, axios_hook_recorder):
                axios_mock.get("/ping", json={"pong": True})
                assert axios_client.get("/ping").data == {"pong": True}
                assert axios_hook_recorder.calls == []
            """
        )
    )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        # Only the plugins the run asks for (-p / pytest_plugins): faster, and proves it.
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout


def test_import_does_not_import_pytest_or_pluggy() -> None:
    """import axios_python pulls in neither pytest, pluggy, nor any plugin distribution."""
    code = (
        "import sys, axios_python; "
        "print(sorted(m for m in ('pytest', 'pluggy', 'axios_python.testing', "
        "'axios_python_cache', 'axios_python_hmac') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
