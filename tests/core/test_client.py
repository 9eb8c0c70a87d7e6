"""The client: create(), AxiosPython, verbs and async_ twins, helpers, lifecycle, isolation."""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable

import pytest
from echo_server import EchoServer

import axios_python
from axios_python import AxiosPython, ConfigError, RequestConfig, Response
from axios_python._decoding import accept_encoding

from ._support import AsyncNext, Factory, Recorder, Sender

UA = f"axios-python/{axios_python.__version__}"
DEFAULT_ACCEPT = "application/json, text/plain, */*"

__all__: list[str] = []

VERBS = ["get", "post", "put", "patch", "delete", "head", "options"]


def _wait_until(condition: Callable[[], bool], limit: float = 2.0) -> bool:
    """Poll ``condition`` for at most ``limit`` seconds."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


# --- construction ------------------------------------------------------------------


def test_create_returns_an_axios_python_instance(server: EchoServer) -> None:
    """create(config) builds an AxiosPython whose defaults hold the config."""
    api = axios_python.create({"base_url": server.url, "timeout": 15})
    assert isinstance(api, AxiosPython)
    assert api.defaults["base_url"] == server.url
    assert api.defaults["timeout"] == axios_python.Timeout(15, 15, 15, 15)


def test_constructor_takes_config_and_transport(recorder: Recorder) -> None:
    """AxiosPython(config=..., transport=...) sends through the given transport."""
    api = AxiosPython(config={"base_url": "https://api.example.test/v1"}, transport=recorder)
    response = api.get("/users")
    assert response.json()["url"] == "https://api.example.test/v1/users"
    assert recorder.last.method == "GET"


def test_transport_must_be_a_base_transport() -> None:
    """A transport that is not a BaseTransport is refused with a ConfigError naming it."""
    with pytest.raises(ConfigError, match="BaseTransport"):
        AxiosPython(transport=object())  # type: ignore[arg-type]


def test_url_must_be_a_string(recorder: Recorder) -> None:
    """A non-str url is a ConfigError that shows the value."""
    api = AxiosPython({"base_url": "https://api.example.test"}, transport=recorder)
    with pytest.raises(ConfigError, match="123"):
        api.get(123)  # type: ignore[arg-type]


def test_relative_url_without_base_url_is_refused(recorder: Recorder) -> None:
    """A relative url with no base_url raises a ConfigError that says what to pass."""
    api = AxiosPython(transport=recorder)
    with pytest.raises(ConfigError, match="no base_url"):
        api.get("/users")
    assert recorder.requests == []


# --- verbs ---------------------------------------------------------------------------


@pytest.mark.parametrize("verb", VERBS)
async def test_every_verb_sends_its_method(
    verb: str, send: Sender, api: AxiosPython, server: EchoServer
) -> None:
    """api.<verb>() and api.async_<verb>() send that HTTP method to the server."""
    name = f"async_{verb}" if send.is_async else verb
    method = getattr(api, name)
    response = await method("/anything/x") if send.is_async else method("/anything/x")
    assert response.status_code == 200
    assert [r.method for r in server.requests] == [verb.upper()]
    if verb != "head":
        assert response.data["method"] == verb.upper()


@pytest.mark.parametrize("verb", [*VERBS, "request"])
def test_async_twins_have_identical_signatures(verb: str) -> None:
    """Every async_ method takes exactly the parameters of its sync twin."""
    sync = inspect.signature(getattr(AxiosPython, verb))
    twin = inspect.signature(getattr(AxiosPython, f"async_{verb}"))
    assert sync.parameters == twin.parameters
    assert inspect.iscoroutinefunction(getattr(AxiosPython, f"async_{verb}"))


async def test_request_takes_method_and_url(send: Sender, api: AxiosPython) -> None:
    """request(method, url) accepts any case for the method."""
    response = await send(api, "patch", "/anything/r")
    assert response.data["method"] == "PATCH"
    assert response.request is not None
    assert response.request.method == "PATCH"


# --- module-level helpers --------------------------------------------------------------


@pytest.mark.parametrize("verb", VERBS)
async def test_module_helpers_cover_every_verb(verb: str, send: Sender, server: EchoServer) -> None:
    """axios_python.<verb>() and axios_python.async_<verb>() work without an instance."""
    helper = getattr(axios_python, f"async_{verb}" if send.is_async else verb)
    url = f"{server.url}/anything/helper"
    response = await helper(url) if send.is_async else helper(url)
    assert isinstance(response, Response)
    assert [r.method for r in server.requests] == [verb.upper()]


async def test_module_request_helper(send: Sender, server: EchoServer) -> None:
    """axios_python.request() and async_request() send the given method."""
    url = f"{server.url}/anything/req"
    if send.is_async:
        response = await axios_python.async_request("PUT", url, json={"a": 1})
    else:
        response = axios_python.request("PUT", url, json={"a": 1})
    assert response.data["method"] == "PUT"
    assert response.data["json"] == {"a": 1}


# --- lifecycle -------------------------------------------------------------------------


def test_with_block_closes_the_pool(own_server: EchoServer) -> None:
    """Leaving ``with`` closes the instance's pooled connection."""
    with axios_python.create({"base_url": own_server.url}) as api:
        api.get("/get")
        assert own_server.open_connections == 1
    assert _wait_until(lambda: own_server.open_connections == 0)


async def test_async_with_block_closes_the_pools(own_server: EchoServer) -> None:
    """Leaving ``async with`` closes the loop's pooled connection."""
    async with axios_python.create({"base_url": own_server.url}) as api:
        await api.async_get("/get")
        assert own_server.open_connections == 1
    assert _wait_until(lambda: own_server.open_connections == 0)


def test_close_releases_connections(own_server: EchoServer) -> None:
    """close() drops the keep-alive connection it held."""
    api = axios_python.create({"base_url": own_server.url})
    api.get("/get")
    api.close()
    assert _wait_until(lambda: own_server.open_connections == 0)


async def test_aclose_releases_sync_and_async_connections(own_server: EchoServer) -> None:
    """aclose() drops both the sync pool and the running loop's async pool."""
    api = axios_python.create({"base_url": own_server.url})
    api.get("/get")
    await api.async_get("/get")
    assert own_server.connections_opened == 2
    await api.aclose()
    assert _wait_until(lambda: own_server.open_connections == 0)


# --- isolation ---------------------------------------------------------------------------


async def test_interceptor_header_stays_in_its_instance(
    send: Sender, server: EchoServer, make: Factory
) -> None:
    """A header one instance's interceptor adds never reaches another instance or the helpers."""
    leaky = make({"base_url": server.url})
    clean = make({"base_url": server.url})

    def add_header(config: RequestConfig) -> RequestConfig:
        config["headers"]["X-Leak"] = "yes"
        return config

    leaky.interceptors.request.use(add_header)
    await send(leaky, "GET", "/headers")
    await send(clean, "GET", "/headers")
    await send.module("GET", f"{server.url}/headers")
    sent = [r.header("X-Leak") for r in server.requests]
    assert sent == ["yes", None, None]


async def test_middleware_header_stays_in_its_instance(
    send: Sender, server: EchoServer, make: Factory
) -> None:
    """A header one instance's middleware adds never reaches another instance or the helpers."""
    leaky = make({"base_url": server.url})
    clean = make({"base_url": server.url})

    async def add_header(ctx: RequestConfig, next_fn: AsyncNext) -> Response:
        ctx["headers"]["X-Leak"] = "yes"
        return await next_fn(ctx)

    leaky.use(add_header)
    await send(leaky, "GET", "/headers")
    await send(clean, "GET", "/headers")
    await send.module("GET", f"{server.url}/headers")
    assert [r.header("X-Leak") for r in server.requests] == ["yes", None, None]


async def test_interceptor_mutations_do_not_change_instance_defaults(
    send: Sender, server: EchoServer, make: Factory
) -> None:
    """Mutating the config inside an interceptor changes that request only, never the defaults."""
    api = make({"base_url": server.url, "headers": {"X-Base": "1"}, "params": {"page": "1"}})

    def mutate(config: RequestConfig) -> RequestConfig:
        config["headers"]["X-Base"] = "changed"
        config["headers"]["X-Extra"] = "added"
        config["params"]["page"] = "99"  # type: ignore[index]
        config["timeout"] = axios_python.Timeout(1)
        return config

    handler_id = api.interceptors.request.use(mutate)
    first = await send(api, "GET", "/get")
    api.interceptors.request.eject(handler_id)
    second = await send(api, "GET", "/get")
    assert first.data["args"] == {"page": "99"}
    assert second.data["args"] == {"page": "1"}
    assert server.requests[1].header("X-Base") == "1"
    assert server.requests[1].header("X-Extra") is None
    assert api.defaults["headers"] == {
        "X-Base": "1",
        "Accept": DEFAULT_ACCEPT,
        "User-Agent": UA,
        "Accept-Encoding": accept_encoding(),
    }
    assert api.defaults["timeout"] == axios_python.Timeout(30, 30, 30, 30)


def test_caller_dict_is_not_aliased(recorder: Recorder) -> None:
    """Changing the dicts passed to create() later does not change the instance, and vice versa."""
    headers = {"X-App": "1"}
    params = {"q": "a"}
    api = AxiosPython(
        {"base_url": "https://x.test", "headers": headers, "params": params}, transport=recorder
    )
    headers["X-App"] = "mutated"
    params["q"] = "mutated"
    api.get("/", headers={"X-More": "2"}, params={"r": "b"})
    assert recorder.last.headers["X-App"] == "1"
    assert recorder.last.url == "https://x.test/?q=a&r=b"
    assert headers == {"X-App": "mutated"}
    assert params == {"q": "mutated"}


def test_instances_have_separate_interceptors_and_middleware(recorder: Recorder) -> None:
    """Registering on one instance leaves another instance's chains empty."""
    first = AxiosPython(transport=recorder)
    second = AxiosPython(transport=recorder)
    first.interceptors.request.use(lambda c: c)
    first.interceptors.response.use(lambda r: r)
    assert len(second.interceptors.request) == 0
    assert len(second.interceptors.response) == 0
    assert first.interceptors is not second.interceptors


async def test_middleware_ctx_mutations_do_not_persist(
    send: Sender, server: EchoServer, make: Factory
) -> None:
    """A middleware changing ctx headers and params affects its request only."""
    api = make({"base_url": server.url, "headers": {"X-Base": "1"}, "params": {"p": "1"}})
    calls = 0

    async def once(ctx: RequestConfig, next_fn: AsyncNext) -> Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            ctx["headers"]["X-Base"] = "changed"
            ctx["params"]["p"] = "changed"  # type: ignore[index]
        return await next_fn(ctx)

    api.use(once)
    first = await send(api, "GET", "/get")
    second = await send(api, "GET", "/get")
    assert first.data["args"] == {"p": "changed"}
    assert second.data["args"] == {"p": "1"}
    assert [r.header("X-Base") for r in server.requests] == ["changed", "1"]
