"""Interceptors: ids, eject and clear, registration order, rejected handlers and recovery."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Coroutine
from typing import Any, cast

import pytest
from echo_server import EchoServer, refusing_port

import axios_python
from axios_python import (
    AxiosPython,
    ConfigError,
    HTTPStatusError,
    InterceptorError,
    NetworkError,
    RequestConfig,
    Response,
    TimeoutError,
)

from ._support import Factory, Sender

__all__: list[str] = []


def _tag(name: str, log: list[str]) -> Callable[[RequestConfig], RequestConfig]:
    """A request interceptor that logs ``name`` and appends it to X-Order."""

    def interceptor(config: RequestConfig) -> RequestConfig:
        log.append(name)
        previous = config["headers"].get("X-Order")
        config["headers"]["X-Order"] = f"{previous},{name}" if previous else name
        return config

    return interceptor


# --- registration ------------------------------------------------------------------------


def test_use_returns_distinct_ids_and_eject_removes() -> None:
    """use() returns a new id each time; eject(id) removes exactly that entry once."""
    api = axios_python.create()
    first = api.interceptors.request.use(lambda c: c)
    second = api.interceptors.request.use(lambda c: c)
    assert first != second
    assert len(api.interceptors.request) == 2
    assert api.interceptors.request.eject(first) is True
    assert api.interceptors.request.eject(first) is False
    assert len(api.interceptors.request) == 1


def test_clear_removes_every_handler() -> None:
    """clear() empties a manager."""
    api = axios_python.create()
    api.interceptors.response.use(lambda r: r)
    api.interceptors.response.use(None, lambda e: None)
    api.interceptors.response.clear()
    assert len(api.interceptors.response) == 0


def test_use_checks_its_arguments() -> None:
    """use() needs at least one handler, and handlers must be callable."""
    api = axios_python.create()
    with pytest.raises(TypeError, match="fulfilled or rejected"):
        api.interceptors.request.use()
    with pytest.raises(TypeError, match="must be callable"):
        api.interceptors.request.use("nope")  # type: ignore[arg-type]


async def test_request_interceptors_run_in_registration_order(
    send: Sender, api: AxiosPython, server: EchoServer
) -> None:
    """Request interceptors run first-registered first, and each sees the previous one's config."""
    log: list[str] = []
    for name in ("a", "b", "c"):
        api.interceptors.request.use(_tag(name, log))
    await send(api, "GET", "/get")
    assert log == ["a", "b", "c"]
    assert server.requests[-1].header("X-Order") == "a,b,c"


async def test_ejected_interceptor_no_longer_runs(
    send: Sender, api: AxiosPython, server: EchoServer
) -> None:
    """After eject, the other interceptors still run in their order."""
    log: list[str] = []
    api.interceptors.request.use(_tag("a", log))
    middle = api.interceptors.request.use(_tag("b", log))
    api.interceptors.request.use(_tag("c", log))
    api.interceptors.request.eject(middle)
    await send(api, "GET", "/get")
    assert server.requests[-1].header("X-Order") == "a,c"


async def test_response_interceptors_run_in_registration_order(
    send: Sender, api: AxiosPython
) -> None:
    """Response interceptors run first-registered first on the response."""
    log: list[str] = []

    def make(name: str) -> Callable[[Response], Response]:
        def interceptor(response: Response) -> Response:
            log.append(name)
            return response

        return interceptor

    for name in ("x", "y", "z"):
        api.interceptors.response.use(make(name))
    await send(api, "GET", "/get")
    assert log == ["x", "y", "z"]


async def test_request_interceptor_changes_reach_the_server(
    send: Sender, api: AxiosPython, server: EchoServer
) -> None:
    """A request interceptor may change url, method, params and body."""

    def rewrite(config: RequestConfig) -> RequestConfig:
        config["url"] = "/anything/rewritten"
        config["method"] = "PUT"
        config["params"] = {"via": "interceptor"}
        config["json"] = {"changed": True}
        return config

    api.interceptors.request.use(rewrite)
    response = await send(api, "POST", "/post", json={"original": True})
    assert response.data["method"] == "PUT"
    assert response.data["path"] == "/anything/rewritten"
    assert response.data["args"] == {"via": "interceptor"}
    assert response.data["json"] == {"changed": True}


async def test_response_interceptor_may_replace_data(send: Sender, api: AxiosPython) -> None:
    """A response interceptor can reshape data before the caller sees it."""

    def unwrap(response: Response) -> Response:
        response.data = response.data["slideshow"]["title"]
        return response

    api.interceptors.response.use(unwrap)
    assert (await send(api, "GET", "/json")).data == "A Tour of the Echo Server"


# --- rejected handlers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "options", "expected"),
    [
        ("/status/500", {}, HTTPStatusError),
        ("/delay/2", {"timeout": 0.1}, TimeoutError),
        ("/reset", {}, NetworkError),
    ],
)
async def test_rejected_handler_sees_transport_and_status_errors(
    path: str,
    options: dict[str, object],
    expected: type[Exception],
    send: Sender,
    api: AxiosPython,
) -> None:
    """A response rejected handler receives HTTPStatusError, TimeoutError and NetworkError."""
    seen: list[Exception] = []

    def rejected(error: Exception) -> Response:
        seen.append(error)
        raise error

    api.interceptors.response.use(None, rejected)
    with pytest.raises(expected) as info:
        await send(api, "GET", path, **options)
    assert seen == [info.value]


async def test_rejected_handler_sees_connection_refused(send: Sender, make: Factory) -> None:
    """Connection refused reaches the rejected handler as NetworkError."""
    api = make({"base_url": f"http://127.0.0.1:{refusing_port()}"})
    seen: list[type[Exception]] = []

    def rejected(error: Exception) -> Response:
        seen.append(type(error))
        raise error

    api.interceptors.response.use(None, rejected)
    with pytest.raises(NetworkError):
        await send(api, "GET", "/")
    assert seen == [NetworkError]


async def test_rejected_handler_may_recover_with_a_response(send: Sender, api: AxiosPython) -> None:
    """Returning a Response from a rejected handler makes the request succeed with it."""

    def recover(error: Exception) -> Response:
        assert isinstance(error, HTTPStatusError)
        return Response(200, data={"fallback": True, "was": error.response.status_code})

    api.interceptors.response.use(None, recover)
    response = await send(api, "GET", "/status/503")
    assert response.data == {"fallback": True, "was": 503}


async def test_after_recovery_later_fulfilled_handlers_run(send: Sender, api: AxiosPython) -> None:
    """Once a rejected handler recovers, later fulfilled handlers get the recovered response."""
    api.interceptors.response.use(None, lambda error: Response(200, data={"n": 1}))

    def bump(response: Response) -> Response:
        response.data = {"n": response.data["n"] + 1}
        return response

    api.interceptors.response.use(bump)
    assert (await send(api, "GET", "/status/500")).data == {"n": 2}


async def test_rejected_handler_may_raise_another_error(send: Sender, api: AxiosPython) -> None:
    """A rejected handler that raises a new error replaces the original for the caller."""

    class Translated(Exception):
        pass

    def translate(error: Exception) -> Response:
        raise Translated("service down") from error

    api.interceptors.response.use(None, translate)
    with pytest.raises(Translated) as info:
        await send(api, "GET", "/status/503")
    assert isinstance(info.value.__cause__, HTTPStatusError)


async def test_error_in_fulfilled_reaches_later_rejected(send: Sender, api: AxiosPython) -> None:
    """An exception raised by a response fulfilled handler goes to later rejected handlers."""

    def broken(response: Response) -> Response:
        raise ValueError("bad envelope")

    seen: list[Exception] = []

    def rejected(error: Exception) -> Response:
        seen.append(error)
        return Response(200, data="recovered")

    api.interceptors.response.use(broken)
    api.interceptors.response.use(None, rejected)
    assert (await send(api, "GET", "/get")).data == "recovered"
    assert [str(e) for e in seen] == ["bad envelope"]


async def test_error_from_request_interceptor_reaches_rejected_handlers(
    send: Sender, api: AxiosPython, server: EchoServer
) -> None:
    """A request interceptor's error reaches later request and response rejected handlers."""
    seen: list[str] = []

    def fail(config: RequestConfig) -> RequestConfig:
        raise RuntimeError("no token")

    def request_rejected(error: Exception) -> RequestConfig:
        seen.append(f"request:{error}")
        raise error

    def response_rejected(error: Exception) -> Response:
        seen.append(f"response:{error}")
        raise error

    api.interceptors.request.use(fail)
    api.interceptors.request.use(None, request_rejected)
    api.interceptors.response.use(None, response_rejected)
    with pytest.raises(RuntimeError, match="no token"):
        await send(api, "GET", "/get")
    assert seen == ["request:no token", "response:no token"]
    assert server.requests == []


async def test_request_rejected_handler_may_recover_with_a_config(
    send: Sender, api: AxiosPython, server: EchoServer
) -> None:
    """A request rejected handler that returns a config lets the request go ahead."""
    kept: list[RequestConfig] = []

    def remember(config: RequestConfig) -> RequestConfig:
        kept.append(config)
        return config

    def fail(config: RequestConfig) -> RequestConfig:
        raise RuntimeError("optional step failed")

    api.interceptors.request.use(remember)
    api.interceptors.request.use(fail)
    api.interceptors.request.use(None, lambda error: kept[0])
    assert (await send(api, "GET", "/get")).status_code == 200
    assert len(server.requests) == 1


# --- misuse --------------------------------------------------------------------------------


async def test_request_interceptor_returning_none_is_a_clear_error(
    send: Sender, api: AxiosPython, server: EchoServer
) -> None:
    """A request interceptor that forgets to return raises InterceptorError naming it."""

    def forgot_return(config: RequestConfig) -> None:
        config["headers"]["X-A"] = "1"

    api.interceptors.request.use(forgot_return)  # type: ignore[arg-type]
    with pytest.raises(InterceptorError) as info:
        await send(api, "GET", "/get")
    message = str(info.value)
    assert "forgot_return" in message
    assert "returned None" in message
    assert "return" in message.split("returned None", 1)[1]
    assert server.requests == []


async def test_response_interceptor_returning_none_is_a_clear_error(
    send: Sender, api: AxiosPython
) -> None:
    """A response interceptor that returns None raises InterceptorError naming it."""

    def no_return(response: Response) -> None:
        return None

    api.interceptors.response.use(no_return)  # type: ignore[arg-type]
    with pytest.raises(
        InterceptorError, match=r"no_return returned None.*must return the response"
    ):
        await send(api, "GET", "/get")


async def test_async_def_interceptors_run_on_the_async_path(
    send: Sender, api: AxiosPython, server: EchoServer
) -> None:
    """async def handlers are awaited in order among def ones; on the sync path: a clear error."""
    order: list[str] = []

    async def fetch_token(config: RequestConfig) -> RequestConfig:
        await asyncio.sleep(0)
        order.append("async request")
        config["headers"]["Authorization"] = "Bearer from-an-await"
        return config

    def plain(config: RequestConfig) -> RequestConfig:
        order.append("def request")
        return config

    async def unwrap(response: Response) -> Response:
        await asyncio.sleep(0)
        order.append("async response")
        response.data = response.data["headers"]
        return response

    api.interceptors.request.use(plain)
    api.interceptors.request.use(fetch_token)
    api.interceptors.response.use(unwrap)
    if not send.is_async:
        with pytest.raises(
            InterceptorError, match=r"fetch_token is async def, so it runs on the async path only"
        ):
            await send(api, "GET", "/headers")
        assert server.requests == []
        return
    response = await send(api, "GET", "/headers")
    assert response.data["Authorization"] == "Bearer from-an-await"
    assert order == ["def request", "async request", "async response"]


async def test_async_rejected_handlers_may_recover(api: AxiosPython) -> None:
    """An async def rejected handler gets the error and may answer with a Response."""

    async def recover(error: Exception) -> Response:
        await asyncio.sleep(0)
        assert isinstance(error, axios_python.HTTPStatusError)
        return Response(200, data={"recovered": error.response.status_code})

    async def broken(config: RequestConfig) -> RequestConfig:
        raise RuntimeError("token service down")

    async def explain(error: Exception) -> RequestConfig:
        raise InterceptorError(f"no token: {error}") from error

    recovering = api.interceptors.response.use(None, recover)
    assert (await api.async_get("/status/503")).data == {"recovered": 503}
    api.interceptors.response.eject(recovering)
    api.interceptors.request.use(broken, None)
    api.interceptors.request.use(None, explain)
    with pytest.raises(InterceptorError, match="no token: token service down"):
        await api.async_get("/get")


def test_ejecting_the_last_async_handler_restores_the_sync_path(api: AxiosPython) -> None:
    """Sync calls work again once no async def interceptor is registered."""

    async def later(config: RequestConfig) -> RequestConfig:
        return config

    manager = api.interceptors.request
    handler_id = manager.use(later)
    states = [manager.is_async]
    manager.eject(handler_id)
    states.append(manager.is_async)
    assert states == [True, False]
    assert api.get("/get").status_code == 200


async def test_run_when_skips_an_interceptor(
    send: Sender, api: AxiosPython, server: EchoServer
) -> None:
    """run_when(config) False skips both handlers of that interceptor for that request."""
    seen: list[str] = []

    def tag(config: RequestConfig) -> RequestConfig:
        config["headers"]["X-Tagged"] = "yes"
        return config

    def only_posts(config: RequestConfig) -> bool:
        seen.append(config["method"])
        return config["method"] == "POST"

    api.interceptors.request.use(tag, run_when=only_posts)
    await send(api, "GET", "/anything")
    await send(api, "POST", "/anything")
    assert [r.header("X-Tagged") for r in server.requests] == [None, "yes"]
    assert seen == ["GET", "POST"]


def _failing_then_recovering(
    api: AxiosPython, recover: Callable[[Exception], Any], method: str
) -> None:
    """A request interceptor that raises, then one whose rejected handler would recover."""

    def fail(config: RequestConfig) -> RequestConfig:
        raise RuntimeError("refused by a request interceptor")

    api.interceptors.request.use(fail)
    api.interceptors.request.use(None, recover, run_when=lambda config: config["method"] == method)


def _recovery(seen: list[str], server: EchoServer) -> RequestConfig:
    seen.append("rejected")
    return cast("RequestConfig", {"method": "PUT", "url": f"{server.url}/put", "headers": {}})


async def test_run_when_false_skips_the_rejected_handler_too(
    send: Sender, api: AxiosPython, server: EchoServer
) -> None:
    """An error passes a skipped interceptor by: its rejected handler is not called (axios)."""
    seen: list[str] = []
    _failing_then_recovering(api, lambda error: _recovery(seen, server), "PUT")
    with pytest.raises(RuntimeError, match="refused"):
        await send(api, "GET", "/get")
    assert seen == []
    assert server.requests == []
    response = await send(api, "PUT", "/put")  # the predicate is true: it recovers
    assert (response.status_code, seen) == (200, ["rejected"])


async def test_run_when_false_skips_an_async_rejected_handler_too(
    api: AxiosPython, server: EchoServer
) -> None:
    """The same with an async def rejected handler (the awaiting chain)."""
    seen: list[str] = []

    async def recover(error: Exception) -> RequestConfig:
        return _recovery(seen, server)

    _failing_then_recovering(api, recover, "PUT")
    with pytest.raises(RuntimeError, match="refused"):
        await api.async_get("/get")
    assert seen == []
    assert server.requests == []
    response = await api.async_put("/put")
    assert (response.status_code, seen) == (200, ["rejected"])


async def test_run_when_sees_what_earlier_interceptors_did(send: Sender, api: AxiosPython) -> None:
    """The predicate gets the config the handler would get, after the earlier handlers."""

    def mark(config: RequestConfig) -> RequestConfig:
        config["headers"]["X-Internal"] = "1"
        return config

    def count(config: RequestConfig) -> RequestConfig:
        config["headers"]["X-Counted"] = "1"
        return config

    api.interceptors.request.use(mark)
    api.interceptors.request.use(count, run_when=lambda config: "x-internal" in config["headers"])
    response = await send(api, "GET", "/headers")
    assert response.data["headers"]["X-Counted"] == "1"


async def test_a_failing_run_when_is_an_interceptor_error(send: Sender, api: AxiosPython) -> None:
    """A predicate that raises fails the request with InterceptorError naming it."""

    def broken(config: RequestConfig) -> bool:
        raise KeyError("tenant")

    api.interceptors.request.use(lambda config: config, run_when=broken)
    with pytest.raises(InterceptorError, match=r"run_when predicate .*broken raised KeyError"):
        await send(api, "GET", "/get")


def test_run_when_is_checked_at_registration() -> None:
    """run_when must be a plain callable, and only request interceptors take it."""
    api = axios_python.create()

    async def later(config: RequestConfig) -> bool:
        return True

    with pytest.raises(TypeError, match="run_when must be a plain function"):
        api.interceptors.request.use(lambda c: c, run_when=later)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="run_when must be a plain function"):
        api.interceptors.request.use(lambda c: c, run_when="yes")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="run_when applies to request interceptors"):
        api.interceptors.response.use(lambda r: r, run_when=lambda r: True)


async def test_interceptor_returning_an_awaitable_is_refused(
    send: Sender, api: AxiosPython
) -> None:
    """A handler that returns a coroutine gets InterceptorError and the coroutine is closed."""
    created: list[Coroutine[Any, Any, Response]] = []

    async def later(response: Response) -> Response:
        return response

    def sneaky(response: Response) -> Response:
        coroutine = later(response)
        created.append(coroutine)
        return coroutine  # type: ignore[return-value]

    api.interceptors.response.use(sneaky)
    with pytest.raises(InterceptorError, match="sneaky returned an awaitable"):
        await send(api, "GET", "/get")
    # closed, so Python never warns that it was not awaited
    assert inspect.getcoroutinestate(created[0]) == inspect.CORO_CLOSED


@pytest.mark.parametrize(
    ("stage", "returned", "fragment"),
    [
        ("request", "GET /x", r"returned str \('GET /x'\); it must return the config \(a dict\)"),
        ("request", 42, r"returned int \(42\); it must return the config"),
        ("response", {"data": 1}, r"returned dict .*axios_python\.Response"),
        ("response", "ok", r"returned str \('ok'\); it must return the response"),
    ],
)
async def test_interceptor_returning_the_wrong_type_is_named(
    stage: str, returned: object, fragment: str, send: Sender, api: AxiosPython
) -> None:
    """A handler returning something other than a config / Response gets a clear error."""

    def wrong(value: Any) -> Any:
        return returned

    manager = api.interceptors.request if stage == "request" else api.interceptors.response
    manager.use(wrong)
    with pytest.raises(InterceptorError, match=fragment):
        await send(api, "GET", "/get")


def test_rejected_handler_returning_the_wrong_type_is_named(api: AxiosPython) -> None:
    """A rejected handler must recover with a Response; anything else is an InterceptorError."""
    api.interceptors.response.use(None, lambda error: {"fallback": True})
    with pytest.raises(InterceptorError, match="must return a response"):
        api.get("/status/500")


def test_interceptor_error_is_a_type_error() -> None:
    """InterceptorError is also a TypeError (a handler returned the wrong kind of thing)."""
    assert issubclass(InterceptorError, TypeError)


@pytest.mark.parametrize(
    ("key", "value", "fragment"),
    [
        ("headers", {"X-Count": 3}, r"'headers' is invalid: header 'X-Count' must be a str"),
        ("headers", [("bad name", "v")], r"'headers' is invalid: .*'bad name'"),
        ("timeout", "soon", r"'timeout' is invalid: .*'soon'"),
        ("timeout", -1, r"'timeout' is invalid: .*positive"),
        ("params", 5, r"'params' must be a mapping.*\(got int: 5\)"),
        ("params", [1, 2], r"'params' must be a mapping.*\[1, 2\]"),
        ("method", "GE T", r"'method' must be an HTTP method name.*'GE T'"),
        ("method", 5, r"'method' must be an HTTP method name"),
        ("base_url", 5, r"'base_url' must be a str"),
        ("files", 5, r"'files' must be a mapping"),
        ("validate_status", 5, r"'validate_status' must be callable"),
        ("transform_response", 5, r"'transform_response' must be a callable or a list"),
        ("max_redirects", "x", r"'max_redirects' must be a non-negative int"),
    ],
)
async def test_bad_values_set_by_an_interceptor_are_config_errors(
    key: str, value: object, fragment: str, send: Sender, api: AxiosPython, server: EchoServer
) -> None:
    """Config values an interceptor replaces are checked before sending, as ConfigError."""

    def replace(config: RequestConfig) -> RequestConfig:
        config[key] = value  # type: ignore[literal-required]
        return config

    api.interceptors.request.use(replace)
    with pytest.raises(ConfigError, match=fragment):
        await send(api, "GET", "/get")
    assert server.requests == []


async def test_plain_dict_headers_from_an_interceptor_are_sent(
    send: Sender, api: AxiosPython, server: EchoServer
) -> None:
    """An interceptor may replace headers with a plain dict; it is sent as given."""

    def replace(config: RequestConfig) -> RequestConfig:
        config["headers"] = {"X-Only": "1"}  # type: ignore[typeddict-item]
        return config

    api.interceptors.request.use(replace)
    await send(api, "GET", "/get")
    assert server.requests[-1].header("X-Only") == "1"


async def test_transforms_set_by_an_interceptor_apply(send: Sender, api: AxiosPython) -> None:
    """An interceptor may set transform_response (a callable or a tuple of them)."""

    def add_transforms(config: RequestConfig) -> RequestConfig:
        config["transform_response"] = (lambda d, h: d["slideshow"], lambda d, h: d["author"])
        return config

    api.interceptors.request.use(add_transforms)
    assert (await send(api, "GET", "/json")).data == "axios-python"
