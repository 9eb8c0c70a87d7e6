"""Test helpers and an opt-in pytest plugin for code that uses axios-python, and for plugins.

Enable the fixtures in a ``conftest.py``::

    pytest_plugins = ["axios_python.testing"]

    def test_lists_users(axios_client, axios_mock):
        axios_mock.get("/users", json=[{"id": 1}])
        assert axios_client.get("/users").data == [{"id": 1}]

Fixtures:

- ``axios_mock``: a MockTransport (a small router; no network).
- ``axios_client``: an AxiosPython on ``axios_mock`` with base_url ``MOCK_BASE_URL``.
- ``axios_hook_recorder``: a HookRecorder, to assert which plugin hooks ran.
- ``axios_plugin_client``: a factory ``(*plugins, config=None)`` that registers
  the plugins (objects or installed names) and the recorder on a mock client.

respx works too: it patches httpx, so it intercepts what the default
HttpxTransport sends. Use respx's own ``respx_mock`` fixture with any client
built without ``transport=``; a client on MockTransport never reaches httpx.

This module imports pytest; ``import axios_python`` never imports it.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Union, cast
from urllib.parse import urlsplit

import pytest

from ._client import AxiosPython
from ._headers import Headers, HeadersInput
from ._models import Request, Response
from .transports.base import BaseTransport

if TYPE_CHECKING:
    from pluggy import HookImpl
    from pluggy._result import Result

    from ._config import RequestOptions

__all__ = [
    "MOCK_BASE_URL",
    "HookCall",
    "HookRecorder",
    "MockTransport",
    "NoRouteError",
    "Route",
    "axios_client",
    "axios_hook_recorder",
    "axios_mock",
    "axios_plugin_client",
]

MOCK_BASE_URL: Final = "https://api.test"

Handler = Callable[[Request], Union[Response, Awaitable[Response]]]
_NO_JSON: Final = object()


class NoRouteError(AssertionError):
    """A MockTransport received a request that no route matches."""


@dataclass
class Route:
    """One route: what it matches, how it answers, and the requests it received."""

    method: str | None
    url: str
    handler: Handler
    calls: list[Request] = field(default_factory=list)

    @property
    def called(self) -> bool:
        """True once the route answered a request."""
        return bool(self.calls)

    def matches(self, request: Request) -> bool:
        """Match the method (None = any) and the URL: a full URL, or a path from ``/``."""
        if self.method is not None and self.method != request.method:
            return False
        want, got = urlsplit(self.url), urlsplit(request.url)
        if want.scheme and (want.scheme, want.netloc) != (got.scheme, got.netloc):
            return False
        if (want.path or "/") != (got.path or "/"):
            return False
        return not want.query or want.query == got.query


class MockTransport(BaseTransport):
    """A routing transport for tests: add routes, send requests, inspect ``calls``.

    A route answers with a canned Response (``status``, ``json``/``content``,
    ``headers``) or by calling ``handler(request)``, which may be ``async def``
    on the async path. A request no route matches raises NoRouteError, which
    lists the routes. Routes are tried newest first, so a later route overrides.
    """

    def __init__(self) -> None:
        self.routes: list[Route] = []
        self.calls: list[Request] = []

    def add(
        self,
        method: str | None,
        url: str,
        *,
        status: int = 200,
        json: Any = _NO_JSON,
        content: bytes | str | None = None,
        headers: HeadersInput | None = None,
        handler: Handler | None = None,
    ) -> Route:
        """Add a route for ``method`` (None = any) and ``url`` and return it."""
        if handler is None:
            handler = _canned(status, json, content, headers)
        route = Route(method.upper() if method else None, url, handler)
        self.routes.append(route)
        return route

    def get(self, url: str, **answer: Any) -> Route:
        """Add a GET route (same keywords as ``add``)."""
        return self.add("GET", url, **answer)

    def post(self, url: str, **answer: Any) -> Route:
        """Add a POST route."""
        return self.add("POST", url, **answer)

    def put(self, url: str, **answer: Any) -> Route:
        """Add a PUT route."""
        return self.add("PUT", url, **answer)

    def patch(self, url: str, **answer: Any) -> Route:
        """Add a PATCH route."""
        return self.add("PATCH", url, **answer)

    def delete(self, url: str, **answer: Any) -> Route:
        """Add a DELETE route."""
        return self.add("DELETE", url, **answer)

    def _route(self, request: Request) -> Route:
        self.calls.append(request)
        for route in reversed(self.routes):
            if route.matches(request):
                route.calls.append(request)
                return route
        known = ", ".join(f"{r.method or '*'} {r.url}" for r in self.routes) or "none"
        raise NoRouteError(f"no route matches {request.method} {request.url} (routes: {known})")

    def send(self, request: Request) -> Response:
        """Answer ``request`` from its route."""
        result = self._route(request).handler(request)
        if inspect.isawaitable(result):
            close = getattr(result, "close", None)
            if close is not None:
                close()
            raise TypeError(
                f"the route for {request.method} {request.url} has an async handler; "
                "use the async_ methods or a plain def handler"
            )
        return _bind(result, request)

    async def send_async(self, request: Request) -> Response:
        """Answer ``request`` from its route, awaiting an async handler."""
        result = self._route(request).handler(request)
        if inspect.isawaitable(result):
            result = await result
        return _bind(result, request)


def _canned(
    status: int, json: Any, content: bytes | str | None, headers: HeadersInput | None
) -> Handler:
    if json is not _NO_JSON and content is not None:
        raise ValueError("pass either json= or content= to a mock route, not both")

    def answer(request: Request) -> Response:
        head = Headers(headers)
        if json is not _NO_JSON:
            if "content-type" not in head:
                head["Content-Type"] = "application/json"
            return Response(status, headers=head, data=json, request=request)
        return Response(status, headers=head, content=content or b"", request=request)

    return answer


def _bind(result: object, request: Request) -> Response:
    if not isinstance(result, Response):
        raise TypeError(
            f"a mock route handler must return an axios_python.Response "
            f"(got {type(result).__name__} for {request.method} {request.url})"
        )
    if result.request is None:
        result.request = request
        result.url = result.url or request.url
    return result


# --- asserting which hooks ran ---------------------------------------------------------------


@dataclass(frozen=True)
class HookCall:
    """One hook call: its name, the plugins whose implementations it reached, its result."""

    hook: str
    plugins: tuple[str, ...]
    kwargs: Mapping[str, Any]
    result: Any = None


class HookRecorder:
    """Records every hook call on the clients it is attached to.

    ``plugins`` lists the implementations pluggy was asked to run, newest
    first; for a firstresult hook those after the first non-None result did
    not run. ``attach`` registers a hook-less marker plugin named ``NAME`` so
    the client keeps its plugin manager while the recorder watches it.
    """

    NAME: Final = "axios_python.testing.recorder"

    def __init__(self) -> None:
        self.calls: list[HookCall] = []

    def attach(self, client: AxiosPython) -> HookRecorder:
        """Start recording ``client``'s hook calls; returns the recorder."""
        if self.NAME not in client.plugin_names:
            client.plugin(_Marker(self.NAME))
        host = client._plugin_host
        assert host is not None
        host.monitor(self._before, self._after)
        return self

    def _before(self, hook: str, impls: Sequence[HookImpl], kwargs: Mapping[str, Any]) -> None:
        """Nothing to do before a call; the call is recorded with its outcome."""

    def _after(
        self, outcome: Result[Any], hook: str, impls: Sequence[HookImpl], kwargs: Mapping[str, Any]
    ) -> None:
        plugins = tuple(impl.plugin_name for impl in reversed(impls))
        result = outcome.exception if outcome.exception is not None else outcome.get_result()
        self.calls.append(HookCall(hook, plugins, dict(kwargs), result))

    def hooks(self, plugin: str | None = None) -> list[str]:
        """Hook names in call order (only those reaching ``plugin``, when given)."""
        return [c.hook for c in self.calls if plugin is None or plugin in c.plugins]

    def calls_of(self, hook: str, plugin: str | None = None) -> list[HookCall]:
        """The calls of ``hook`` (only those reaching ``plugin``, when given)."""
        return [c for c in self.calls if c.hook == hook and (plugin is None or plugin in c.plugins)]

    def assert_ran(self, hook: str, *, plugin: str | None = None, times: int | None = None) -> None:
        """Fail unless ``hook`` ran (for ``plugin``), exactly ``times`` times when given."""
        count = len(self.calls_of(hook, plugin))
        where = f" for plugin {plugin!r}" if plugin else ""
        if count == 0 or (times is not None and count != times):
            expected = f"{times} time(s)" if times is not None else "at least once"
            raise AssertionError(
                f"expected {hook}{where} to run {expected}, it ran {count} time(s); "
                f"hooks that ran: {self.hooks(plugin) or 'none'}"
            )

    def assert_not_ran(self, hook: str, *, plugin: str | None = None) -> None:
        """Fail if ``hook`` ran (for ``plugin``)."""
        count = len(self.calls_of(hook, plugin))
        if count:
            where = f" for plugin {plugin!r}" if plugin else ""
            raise AssertionError(f"expected {hook}{where} not to run, it ran {count} time(s)")

    def clear(self) -> None:
        """Forget the calls recorded so far."""
        self.calls.clear()


class _Marker:
    """A plugin with no hooks: keeps a client's plugin manager alive for the recorder."""

    def __init__(self, name: str) -> None:
        self.name = name


# --- pytest fixtures ---------------------------------------------------------------------------


@pytest.fixture
def axios_mock() -> MockTransport:
    """A fresh MockTransport; add routes to it before sending."""
    return MockTransport()


@pytest.fixture
def axios_client(axios_mock: MockTransport) -> Iterator[AxiosPython]:
    """An AxiosPython on ``axios_mock`` with base_url MOCK_BASE_URL; closed afterwards."""
    with AxiosPython({"base_url": MOCK_BASE_URL}, transport=axios_mock) as client:
        yield client


@pytest.fixture
def axios_hook_recorder() -> HookRecorder:
    """A HookRecorder (``axios_plugin_client`` attaches it for you)."""
    return HookRecorder()


@pytest.fixture
def axios_plugin_client(
    axios_mock: MockTransport, axios_hook_recorder: HookRecorder
) -> Iterator[Callable[..., AxiosPython]]:
    """A factory: ``axios_plugin_client(plugin, ..., config=None)`` -> client with them registered.

    Plugins are objects or installed names; the recorder is attached first, so
    ``axios_hook_recorder`` sees every hook the plugins run, including
    ``axios_client_created``.
    """
    clients: list[AxiosPython] = []

    def make(*plugins: object, config: Mapping[str, Any] | None = None) -> AxiosPython:
        options = cast("RequestOptions", {"base_url": MOCK_BASE_URL, **(config or {})})
        client = AxiosPython(options, transport=axios_mock)
        clients.append(client)
        axios_hook_recorder.attach(client)
        for plugin in plugins:
            client.plugin(plugin)
        return client

    yield make
    for client in clients:
        client.close()
