"""Each hook against a real server: when it runs, what it may return, sync and async alike."""

from __future__ import annotations

import inspect
import time
from collections.abc import Awaitable
from typing import Any

import pytest
from echo_server import EchoServer

import axios_python
from axios_python import AxiosPython, HTTPStatusError, PluginError, Response
from axios_python.hookspecs import hookimpl


def _api(server: EchoServer, *plugins: object) -> AxiosPython:
    api = axios_python.create({"base_url": server.url})
    for plugin in plugins:
        api.plugin(plugin)
    return api


class Header:
    """Sets X-Order to its own name, appending if another plugin set it first."""

    def __init__(self, name: str) -> None:
        self.name = name

    def _stamp(self, config: Any, client: Any) -> None:
        previous = config["headers"].get("X-Order")
        config["headers"]["X-Order"] = f"{previous},{self.name}" if previous else self.name

    @hookimpl
    def axios_request(self, config: Any, client: Any) -> None:
        self._stamp(config, client)


def test_request_hook_edits_the_sent_request(server: EchoServer) -> None:
    """axios_request edits config in place and the server receives the change."""
    api = _api(server, Header("one"))
    assert api.get("/headers").data["headers"]["X-Order"] == "one"


async def test_request_hook_on_the_async_path(server: EchoServer) -> None:
    """The same hook runs for async_ methods."""
    api = _api(server, Header("one"))
    assert (await api.async_get("/headers")).data["headers"]["X-Order"] == "one"


def test_newest_plugin_runs_first(server: EchoServer) -> None:
    """pluggy order: the plugin registered last runs first."""
    api = _api(server, Header("old"), Header("new"))
    assert api.get("/headers").data["headers"]["X-Order"] == "new,old"


class First(Header):
    """Asks to run first."""

    @hookimpl(tryfirst=True)
    def axios_request(self, config: Any, client: Any) -> None:
        self._stamp(config, client)


class Last(Header):
    """Asks to run last."""

    @hookimpl(trylast=True)
    def axios_request(self, config: Any, client: Any) -> None:
        self._stamp(config, client)


def test_tryfirst_and_trylast_pin_the_order(server: EchoServer) -> None:
    """tryfirst/trylast override registration order."""
    api = _api(server, First("first"), Last("last"), Header("mid"))
    assert api.get("/headers").data["headers"]["X-Order"] == "first,mid,last"


def test_request_hook_runs_after_interceptors(server: EchoServer) -> None:
    """Request interceptors run before axios_request, which sees their changes."""
    api = _api(server, Header("plugin"))

    def interceptor(config: Any) -> Any:
        config["headers"]["X-Order"] = "interceptor"
        return config

    api.interceptors.request.use(interceptor)
    assert api.get("/headers").data["headers"]["X-Order"] == "interceptor,plugin"


class Cache:
    """Answers GET /json from memory after the first time."""

    def __init__(self) -> None:
        self.store: dict[str, Response] = {}

    @hookimpl
    def axios_cached_response(self, request: Any, config: Any, client: Any) -> Response | None:
        hit = self.store.get(request.url)
        if hit is None:
            return None
        response = Response(200, data=hit.data, request=request)
        response.from_cache = True
        return response

    @hookimpl
    def axios_response(self, response: Response, config: Any, client: Any) -> None:
        if not response.from_cache:
            self.store[response.url] = response


def test_cached_response_skips_the_network(server: EchoServer) -> None:
    """A response from axios_cached_response means the transport is never called."""
    api = _api(server, Cache())
    first, second = api.get("/json"), api.get("/json")
    assert server.hits["/json"] == 1
    assert second.from_cache
    assert second.data == first.data


async def test_async_cached_response_awaitable(server: EchoServer) -> None:
    """On the async path an awaitable from axios_cached_response is awaited."""

    class AsyncCache:
        @hookimpl
        def axios_cached_response(self, request: Any, config: Any, client: Any) -> Any:
            async def lookup() -> Response:
                return Response(203, data={"cached": True}, request=request)

            return lookup()

    response = await _api(server, AsyncCache()).async_get("/json")
    assert (response.status_code, response.data) == (203, {"cached": True})
    assert server.hits["/json"] == 0


def test_awaitable_on_the_sync_path_names_the_plugin(server: EchoServer) -> None:
    """The sync path refuses an awaitable with a PluginError naming the plugin, and closes it."""
    made: list[Any] = []

    class AsyncOnly:
        name = "async-only"

        @hookimpl
        def axios_cached_response(self, request: Any, config: Any, client: Any) -> Any:
            async def lookup() -> None:
                return None

            made.append(lookup())
            return made[-1]

    pattern = r"plugin 'async-only' \(.*AsyncOnly\.axios_cached_response.*during a sync request"
    with pytest.raises(PluginError, match=pattern):
        _api(server, AsyncOnly()).get("/json")
    assert inspect.getcoroutinestate(made[0]) == inspect.CORO_CLOSED
    assert server.hits["/json"] == 0


def test_response_hook_replaces_the_response(server: EchoServer) -> None:
    """A Response returned from axios_response replaces the one the server sent."""

    class Replace:
        @hookimpl
        def axios_response(self, response: Response, config: Any, client: Any) -> Response:
            return Response(299, data={"replaced": response.status_code}, request=response.request)

    response = _api(server, Replace()).get("/json")
    assert (response.status_code, response.data) == (299, {"replaced": 200})


def test_response_hook_gets_config_and_client(server: EchoServer) -> None:
    """axios_response receives the request's config and the client."""
    seen: list[tuple[str, AxiosPython]] = []

    class Spy:
        @hookimpl
        def axios_response(self, response: Response, config: Any, client: AxiosPython) -> None:
            seen.append((config["url"], client))

    api = _api(server, Spy())
    api.get("/json")
    assert seen == [("/json", api)]


async def test_async_response_hooks_all_run_in_order(server: EchoServer) -> None:
    """Every axios_response runs, newest first; awaitables are awaited; the last one wins."""
    ran: list[str] = []

    class Tag:
        def __init__(self, name: str) -> None:
            self.name = name

        @hookimpl
        def axios_response(
            self, response: Response, config: Any, client: Any
        ) -> Awaitable[Response]:
            async def tag() -> Response:
                ran.append(self.name)
                return Response(200, data=self.name, request=response.request)

            return tag()

    response = await _api(server, Tag("a"), Tag("b")).async_get("/json")
    assert ran == ["b", "a"]
    assert response.data == "a"


def test_error_hook_recovers(server: EchoServer) -> None:
    """A Response from axios_error turns a failed request into a success."""

    class Fallback:
        @hookimpl
        def axios_error(self, error: Exception, config: Any, client: Any) -> Response | None:
            if isinstance(error, HTTPStatusError) and error.response.status_code == 503:
                return Response(200, data={"fallback": True})
            return None

    api = _api(server, Fallback())
    assert api.get("/status/503").data == {"fallback": True}
    with pytest.raises(HTTPStatusError):
        api.get("/status/404")


async def test_error_hook_async_recovery(server: EchoServer) -> None:
    """axios_error may return an awaitable on the async path."""

    class Fallback:
        @hookimpl
        def axios_error(self, error: Exception, config: Any, client: Any) -> Any:
            async def recover() -> Response:
                return Response(200, data={"recovered": type(error).__name__})

            return recover()

    response = await _api(server, Fallback()).async_get("/status/500")
    assert response.data == {"recovered": "HTTPStatusError"}


@pytest.mark.parametrize("side", ["sync", "async"])
async def test_an_error_hooks_own_exception_reaches_the_rejected_interceptors(
    server: EchoServer, side: str
) -> None:
    """What an axios_error hook raises is the request's error: rejected handlers see it."""

    class Failing:
        @hookimpl
        def axios_error(self, error: Exception, config: Any, client: Any) -> None:
            raise RuntimeError(f"the hook failed on {type(error).__name__}")

    api = _api(server, Failing())
    seen: list[BaseException] = []

    def rejected(error: BaseException) -> Response:
        seen.append(error)
        return Response(200, data={"recovered": str(error)})

    api.interceptors.response.use(None, rejected)
    if side == "async":
        response = await api.async_get("/status/503")
    else:
        response = api.get("/status/503")
    assert response.data == {"recovered": "the hook failed on HTTPStatusError"}
    assert len(seen) == 1
    assert isinstance(seen[0], RuntimeError)
    assert isinstance(seen[0].__context__, HTTPStatusError)  # the original error stays linked


def test_error_hook_sees_network_errors(server: EchoServer) -> None:
    """axios_error also runs for transport failures, with the request config."""
    from echo_server import refusing_port

    seen: list[tuple[str, str]] = []

    class Spy:
        @hookimpl
        def axios_error(self, error: Exception, config: Any, client: Any) -> None:
            seen.append((type(error).__name__, config["url"]))

    api = axios_python.create({"base_url": f"http://127.0.0.1:{refusing_port()}"})
    api.plugin(Spy())
    with pytest.raises(axios_python.NetworkError):
        api.get("/x")
    assert seen == [("NetworkError", "/x")]


def test_client_created_is_historic(server: EchoServer) -> None:
    """axios_client_created reaches a plugin registered after the client was made."""
    seen: list[AxiosPython] = []

    class Watcher:
        @hookimpl
        def axios_client_created(self, client: AxiosPython) -> None:
            seen.append(client)

    api = _api(server)
    api.plugin(Watcher())
    assert seen == [api]


def test_hook_exception_propagates(server: EchoServer) -> None:
    """An exception raised in a hook reaches the caller unchanged."""

    class Boom:
        @hookimpl
        def axios_request(self, config: Any, client: Any) -> None:
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        _api(server, Boom()).get("/json")
    assert server.hits["/json"] == 0


@pytest.mark.parametrize(
    ("hook", "path"),
    [
        ("axios_cached_response", "/json"),
        ("axios_response", "/json"),
        ("axios_error", "/status/500"),
    ],
)
def test_wrong_return_type_is_a_plugin_error(server: EchoServer, hook: str, path: str) -> None:
    """A hook returning something other than a Response or None is named in a PluginError."""

    class Bad:
        pass

    setattr(Bad, hook, hookimpl(lambda self, **kwargs: {"not": "a response"}))
    with pytest.raises(PluginError, match=rf"{hook} must return a Response or None \(got dict"):
        _api(server, Bad()).get(path)


def test_request_hook_must_not_return_a_value(server: EchoServer) -> None:
    """axios_request returning a new dict is refused: edit the config in place."""

    class Returns:
        @hookimpl
        def axios_request(self, config: Any, client: Any) -> dict[str, Any]:
            return {"url": "/elsewhere"}

    with pytest.raises(PluginError, match="edit the config in place and return None"):
        _api(server, Returns()).get("/json")


def test_wrapper_hookimpls_are_honoured(server: EchoServer) -> None:
    """A pluggy wrapper around a hook sees the other implementations' results."""
    seen: list[list[Any]] = []

    class Around:
        @hookimpl(wrapper=True)
        def axios_response(self, response: Response, config: Any, client: Any) -> Any:
            results = yield
            seen.append(results)
            return results

    class Replace:
        @hookimpl
        def axios_response(self, response: Response, config: Any, client: Any) -> Response:
            return Response(299, data="replaced", request=response.request)

    response = _api(server, Replace(), Around()).get("/json")
    assert response.data == "replaced"
    assert [[r.data for r in results] for results in seen] == [["replaced"]]


def test_hooks_take_any_subset_of_arguments(server: EchoServer) -> None:
    """An implementation may declare only the arguments it needs, in any order."""
    seen: list[str] = []

    class Picky:
        @hookimpl
        def axios_request(self, client: Any, config: Any) -> None:
            seen.append(f"{type(client).__name__} {config['url']}")

        @hookimpl
        def axios_cached_response(self, request: Any) -> None:
            seen.append(request.method)

        @hookimpl
        def axios_response(self) -> None:
            seen.append("response")

    _api(server, Picky()).get("/json")
    assert seen == ["AxiosPython /json", "GET", "response"]


def test_sync_path_closes_every_pending_awaitable(server: EchoServer) -> None:
    """When the sync path refuses the first awaitable, the others are closed, not leaked."""
    made: list[Any] = []

    class Lazy:
        def __init__(self, name: str) -> None:
            self.name = name

        @hookimpl
        def axios_request(self, config: Any, client: Any) -> Any:
            async def later() -> None:
                return None

            made.append(later())
            return made[-1]

    with pytest.raises(PluginError, match="during a sync request"):
        _api(server, Lazy("a"), Lazy("b")).get("/json")
    assert [inspect.getcoroutinestate(c) for c in made] == [inspect.CORO_CLOSED] * 2


async def test_async_request_hook_is_awaited_before_sending(server: EchoServer) -> None:
    """An awaitable from axios_request (an async token lookup) completes before the send."""

    class AsyncToken:
        @hookimpl
        def axios_request(self, config: Any, client: Any) -> Awaitable[None]:
            async def fetch() -> None:
                config["headers"]["Authorization"] = "Bearer from-vault"

            return fetch()

    response = await _api(server, AsyncToken()).async_get("/headers")
    assert response.data["headers"]["Authorization"] == "Bearer from-vault"


class PathRecorder:
    """Records the is_async flag each request hook receives."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, bool]] = []

    @hookimpl
    def axios_request(self, config: Any, is_async: bool) -> None:
        self.seen.append(("request", is_async))

    @hookimpl
    def axios_cached_response(self, request: Any, is_async: bool) -> None:
        self.seen.append(("cached_response", is_async))

    @hookimpl
    def axios_response(self, response: Any, is_async: bool) -> None:
        self.seen.append(("response", is_async))


async def test_hooks_are_told_which_path_runs_the_request(server: EchoServer) -> None:
    """is_async is False for a blocking call (even inside a coroutine) and True for async_."""
    recorder = PathRecorder()
    api = _api(server, recorder)
    api.get("/get")
    assert recorder.seen == [("request", False), ("cached_response", False), ("response", False)]
    recorder.seen.clear()
    await api.async_get("/get")
    assert recorder.seen == [("request", True), ("cached_response", True), ("response", True)]
    await api.aclose()


class Timer:
    """Keeps the ``started`` each response and error hook receives, with the clock then."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, float | None, float]] = []

    @hookimpl
    def axios_response(
        self, response: Response, config: Any, client: Any, is_async: bool, started: float | None
    ) -> None:
        self.seen.append(("response", started, time.perf_counter()))

    @hookimpl
    def axios_error(
        self, error: Exception, config: Any, client: Any, is_async: bool, started: float | None
    ) -> None:
        self.seen.append(("error", started, time.perf_counter()))


@pytest.mark.parametrize("side", ["sync", "async"])
async def test_started_covers_the_whole_request_with_retries(server: EchoServer, side: str) -> None:
    """``started`` is taken once before the request hooks: retries and back-off are inside it."""
    timer = Timer()
    api = axios_python.create(
        {
            "base_url": server.url,
            "max_retries": 2,
            "retry_strategy": axios_python.FixedBackoff(delay=0.05, retry_on_status=[503]),
        }
    ).plugin(timer)
    before = time.perf_counter()
    path = f"/flaky/hook-started-{side}/2"
    response = api.get(path) if side == "sync" else await api.async_get(path)
    assert response.status_code == 200
    ((hook, started, at),) = timer.seen
    assert hook == "response"
    assert started is not None
    assert before <= started <= at
    assert at - started >= 0.1  # two 50 ms back-offs happened inside this request
    assert at - started >= response.elapsed.total_seconds()


@pytest.mark.parametrize("side", ["sync", "async"])
async def test_started_reaches_the_error_hook(side: str) -> None:
    """A transport failure's axios_error gets the request's start; an interceptor's gets None."""
    from echo_server import refusing_port

    timer = Timer()
    api = axios_python.create({"base_url": f"http://127.0.0.1:{refusing_port()}"}).plugin(timer)
    before = time.perf_counter()
    with pytest.raises(axios_python.NetworkError):
        api.get("/x") if side == "sync" else await api.async_get("/x")
    ((hook, started, at),) = timer.seen
    assert hook == "error"
    assert started is not None
    assert before <= started <= at

    def refuse(config: Any) -> Any:
        raise ValueError("refused by an interceptor")

    api.interceptors.request.use(refuse)
    with pytest.raises(ValueError, match="refused by an interceptor"):
        api.get("/x") if side == "sync" else await api.async_get("/x")
    assert timer.seen[-1][:2] == ("error", None)


def test_the_clock_is_read_only_while_a_hook_takes_started(server: EchoServer) -> None:
    """A client whose hooks do not take ``started`` never times its requests."""
    api = _api(server, Header("a"))
    host = api._plugin_host
    assert host is not None

    def timed() -> bool:
        assert host is not None
        return host.timed

    assert not timed()
    timer = Timer()
    api.plugin(timer)
    assert timed()
    api.get("/get")
    assert timer.seen[-1][1] is not None
    api.unplugin(timer)
    assert not timed()
