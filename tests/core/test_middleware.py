"""Middleware: def and async def on both paths, order, ctx mutations, short-circuit, errors."""

from __future__ import annotations

import asyncio
import contextvars
import gc
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from echo_server import EchoServer

from axios_python import AxiosPython, HTTPStatusError, InterceptorError, RequestConfig, Response

from ._support import AsyncNext, Recorder, Sender, SyncNext

__all__: list[str] = []


def _async_recorder(
    name: str, log: list[str]
) -> Callable[[RequestConfig, AsyncNext], Awaitable[Response]]:
    """An async def middleware that logs entering and leaving."""

    async def middleware(ctx: RequestConfig, next_fn: AsyncNext) -> Response:
        log.append(f"{name}>")
        response = await next_fn(ctx)
        log.append(f"<{name}")
        return response

    return middleware


def _sync_recorder(name: str, log: list[str]) -> Callable[[RequestConfig, SyncNext], Response]:
    """A plain def middleware that logs entering and leaving."""

    def middleware(ctx: RequestConfig, next_fn: SyncNext) -> Response:
        log.append(f"{name}>")
        response = next_fn(ctx)
        log.append(f"<{name}")
        return response

    return middleware


def test_use_is_chainable(api: AxiosPython) -> None:
    """api.use(mw) returns the instance so calls chain."""
    log: list[str] = []
    assert api.use(_async_recorder("a", log)).use(_sync_recorder("b", log)) is api


def test_use_refuses_non_callables(api: AxiosPython) -> None:
    """A middleware must be callable."""
    with pytest.raises(TypeError, match="middleware must be callable"):
        api.use("timing")  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", ["async", "sync", "mixed"])
async def test_first_registered_is_outermost(kind: str, send: Sender, api: AxiosPython) -> None:
    """Middleware wraps in registration order on both paths, whatever its flavour."""
    log: list[str] = []
    flavours: dict[str, list[Callable[[str, list[str]], Any]]] = {
        "async": [_async_recorder, _async_recorder, _async_recorder],
        "sync": [_sync_recorder, _sync_recorder, _sync_recorder],
        "mixed": [_async_recorder, _sync_recorder, _async_recorder],
    }
    makers = flavours[kind]
    for maker, name in zip(makers, "abc", strict=True):
        api.use(maker(name, log))
    response = await send(api, "GET", "/get")
    assert response.status_code == 200
    assert log == ["a>", "b>", "c>", "<c", "<b", "<a"]


async def test_middleware_added_after_requests_runs_from_the_next_request(
    send: Sender, api: AxiosPython
) -> None:
    """The chain is composed once and kept, but api.use() recomposes it for later requests."""
    log: list[str] = []
    api.use(_async_recorder("a", log))
    await send(api, "GET", "/get")
    assert log == ["a>", "<a"]
    api.use(_sync_recorder("b", log))
    log.clear()
    await send(api, "GET", "/get")
    assert log == ["a>", "b>", "<b", "<a"]


@pytest.mark.parametrize("is_async", [False, True])
async def test_composed_chain_does_not_keep_a_dropped_client_alive(is_async: bool) -> None:
    """The composed chain reaches its client weakly: dropping the client frees it at once."""
    log: list[str] = []
    api = AxiosPython({"base_url": "http://test.invalid"}, transport=Recorder())
    api.use(_async_recorder("a", log)).use(_sync_recorder("b", log))
    if is_async:
        await api.async_get("/x")
    else:
        api.get("/x")
    assert log == ["a>", "b>", "<b", "<a"]
    ref = weakref.ref(api)
    gc.disable()
    try:
        del api
        assert ref() is None
    finally:
        gc.enable()


@pytest.mark.parametrize("flavour", ["async", "sync"])
async def test_ctx_mutations_reach_the_server(
    flavour: str, send: Sender, api: AxiosPython, server: EchoServer
) -> None:
    """Changes to method, url, headers and params in ctx are what the server receives."""

    def mutate(ctx: RequestConfig) -> None:
        ctx["method"] = "PATCH"
        ctx["url"] = "/anything/from-middleware"
        ctx["headers"]["X-Trace-Id"] = "trace-1"
        ctx["params"] = {"added": "yes"}
        ctx["json"] = {"by": "middleware"}

    if flavour == "async":

        async def middleware(ctx: RequestConfig, next_fn: AsyncNext) -> Response:
            mutate(ctx)
            return await next_fn(ctx)

        api.use(middleware)
    else:

        def sync_middleware(ctx: RequestConfig, next_fn: SyncNext) -> Response:
            mutate(ctx)
            return next_fn(ctx)

        api.use(sync_middleware)
    response = await send(api, "GET", "/get")
    received = server.requests[-1]
    assert received.method == "PATCH"
    assert received.path == "/anything/from-middleware"
    assert received.query == "added=yes"
    assert received.header("X-Trace-Id") == "trace-1"
    assert response.data["json"] == {"by": "middleware"}


@pytest.mark.parametrize("flavour", ["async", "sync"])
async def test_short_circuit_with_a_response(
    flavour: str, send: Sender, api: AxiosPython, server: EchoServer
) -> None:
    """A middleware may answer without calling next_fn; nothing reaches the network."""

    async def cached(ctx: RequestConfig, next_fn: AsyncNext) -> Response:
        return Response(200, data={"cached": True, "url": ctx["url"]})

    def sync_cached(ctx: RequestConfig, next_fn: SyncNext) -> Response:
        return Response(200, data={"cached": True, "url": ctx["url"]})

    api.use(cached if flavour == "async" else sync_cached)
    response = await send(api, "GET", "/users/1")
    assert response.data == {"cached": True, "url": "/users/1"}
    assert server.requests == []


@pytest.mark.parametrize("flavour", ["async", "sync"])
async def test_middleware_can_catch_errors(flavour: str, send: Sender, api: AxiosPython) -> None:
    """HTTPStatusError from further in is catchable in middleware, which may answer instead."""

    async def guard(ctx: RequestConfig, next_fn: AsyncNext) -> Response:
        try:
            return await next_fn(ctx)
        except HTTPStatusError as error:
            return Response(200, data={"degraded": error.response.status_code})

    def sync_guard(ctx: RequestConfig, next_fn: SyncNext) -> Response:
        try:
            return next_fn(ctx)
        except HTTPStatusError as error:
            return Response(200, data={"degraded": error.response.status_code})

    api.use(guard if flavour == "async" else sync_guard)
    assert (await send(api, "GET", "/status/503")).data == {"degraded": 503}


async def test_middleware_may_call_next_twice(
    send: Sender, api: AxiosPython, server: EchoServer
) -> None:
    """next_fn can be called again (a hand-rolled retry) and each call reaches the server."""

    async def twice(ctx: RequestConfig, next_fn: AsyncNext) -> Response:
        await next_fn(ctx)
        return await next_fn(ctx)

    api.use(twice)
    await send(api, "GET", "/get")
    assert server.hits["/get"] == 2


async def test_middleware_sees_the_response(send: Sender, api: AxiosPython) -> None:
    """The value next_fn returns is the Response, and middleware may change it."""

    async def stamp(ctx: RequestConfig, next_fn: AsyncNext) -> Response:
        response = await next_fn(ctx)
        response.data = {"status_seen": response.status_code}
        return response

    api.use(stamp)
    assert (await send(api, "GET", "/get")).data == {"status_seen": 200}


async def test_async_middleware_can_await_on_the_async_path(api: AxiosPython) -> None:
    """On the async path an async middleware can await real async work."""

    async def slow(ctx: RequestConfig, next_fn: AsyncNext) -> Response:
        await asyncio.sleep(0.01)
        return await next_fn(ctx)

    api.use(slow)
    assert (await api.async_get("/get")).ok


def test_async_middleware_awaiting_io_on_sync_path_is_a_clear_error(api: AxiosPython) -> None:
    """On the sync path an async middleware that awaits real I/O gets an explanatory error."""

    async def slow(ctx: RequestConfig, next_fn: AsyncNext) -> Response:
        await asyncio.sleep(0.01)
        return await next_fn(ctx)

    api.use(slow)
    with pytest.raises(InterceptorError, match=r"slow.*sync request"):
        api.get("/get")


async def test_async_middleware_awaiting_io_on_sync_path_inside_a_loop(api: AxiosPython) -> None:
    """The same error comes when the sync call is made from a thread that runs a loop."""

    async def slow(ctx: RequestConfig, next_fn: AsyncNext) -> Response:
        await asyncio.sleep(0.01)
        return await next_fn(ctx)

    api.use(slow)
    with pytest.raises(InterceptorError, match=r"slow.*sync request"):
        api.get("/get")


@pytest.mark.parametrize("flavour", ["async", "sync"])
async def test_middleware_returning_none_is_a_clear_error(
    flavour: str, send: Sender, api: AxiosPython
) -> None:
    """A middleware that forgets to return raises InterceptorError naming it."""

    async def forgetful(ctx: RequestConfig, next_fn: AsyncNext) -> None:
        await next_fn(ctx)

    def sync_forgetful(ctx: RequestConfig, next_fn: SyncNext) -> None:
        next_fn(ctx)

    api.use(forgetful if flavour == "async" else sync_forgetful)  # type: ignore[arg-type]
    with pytest.raises(InterceptorError, match="forgetful returned NoneType"):
        await send(api, "GET", "/get")


async def test_middleware_runs_after_request_interceptors(
    send: Sender, api: AxiosPython, server: EchoServer
) -> None:
    """Request interceptors run before middleware, response interceptors after it."""
    log: list[str] = []

    def request_interceptor(config: RequestConfig) -> RequestConfig:
        log.append("request-interceptor")
        return config

    def response_interceptor(response: Response) -> Response:
        log.append("response-interceptor")
        return response

    api.interceptors.request.use(request_interceptor)
    api.interceptors.response.use(response_interceptor)
    api.use(_async_recorder("mw", log))
    await send(api, "GET", "/get")
    assert log == ["request-interceptor", "mw>", "<mw", "response-interceptor"]


async def test_callable_object_with_async_call(send: Sender, api: AxiosPython) -> None:
    """An object whose __call__ is async def counts as async middleware."""

    class Counter:
        def __init__(self) -> None:
            self.calls = 0

        async def __call__(self, ctx: RequestConfig, next_fn: AsyncNext) -> Response:
            self.calls += 1
            return await next_fn(ctx)

    counter = Counter()
    api.use(counter)
    await send(api, "GET", "/get")
    assert counter.calls == 1


@pytest.mark.parametrize("inner_async", [False, True])
async def test_nested_def_middleware_under_concurrency_does_not_deadlock(
    inner_async: bool, api: AxiosPython, server: EchoServer
) -> None:
    """Many concurrent async requests through nested def middleware all complete."""

    def outer(ctx: RequestConfig, next_fn: SyncNext) -> Response:
        return next_fn(ctx)

    async def middle(ctx: RequestConfig, next_fn: AsyncNext) -> Response:
        return await next_fn(ctx)

    def inner(ctx: RequestConfig, next_fn: SyncNext) -> Response:
        return next_fn(ctx)

    api.use(outer)
    if inner_async:
        api.use(middle)
    api.use(inner)
    requests = asyncio.gather(*(api.async_get("/delay/0.05") for _ in range(48)))
    responses = await asyncio.wait_for(requests, timeout=10)
    assert all(r.ok for r in responses)
    assert server.hits["/delay/0.05"] == 48


async def test_def_middleware_sees_the_callers_contextvars(api: AxiosPython) -> None:
    """On the async path a def middleware runs with the caller's context variables."""
    request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id")
    seen: list[str] = []

    def read_context(ctx: RequestConfig, next_fn: SyncNext) -> Response:
        seen.append(request_id.get("missing"))
        return next_fn(ctx)

    api.use(read_context)
    request_id.set("req-42")
    await api.async_get("/get")
    assert seen == ["req-42"]


async def test_def_middleware_error_reaches_the_async_caller(api: AxiosPython) -> None:
    """An exception raised by a def middleware on the async path propagates unchanged."""

    def broken(ctx: RequestConfig, next_fn: SyncNext) -> Response:
        raise LookupError("no route")

    api.use(broken)
    with pytest.raises(LookupError, match="no route"):
        await api.async_get("/get")


async def test_def_middleware_threads_are_reused_on_the_async_path(api: AxiosPython) -> None:
    """Sequential async requests through a def middleware start at most one new thread."""
    import threading

    def middleware_threads() -> set[threading.Thread]:
        return {t for t in threading.enumerate() if t.name == "axios-python-middleware"}

    def passthrough(ctx: RequestConfig, next_fn: SyncNext) -> Response:
        return next_fn(ctx)

    api.use(passthrough)
    before = middleware_threads()
    for _ in range(10):
        assert (await api.async_get("/get")).status_code == 200
    assert len(middleware_threads() - before) <= 1


def test_elastic_pool_grows_when_busy_and_lets_idle_threads_go() -> None:
    """Busy threads make the pool start another; an unclaimed idle thread exits after its wait."""
    import threading
    import time

    from axios_python._middleware import _ElasticPool

    pool = _ElasticPool(idle_seconds=0.05)
    release = threading.Event()
    started: list[int] = []
    done = threading.Semaphore(0)

    def blocker() -> Callable[[], None]:
        started.append(threading.get_ident())
        release.wait(5)
        return done.release

    pool.submit(blocker)
    pool.submit(blocker)
    deadline = time.monotonic() + 5
    while len(started) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(set(started)) == 2  # the second job did not wait behind the first
    release.set()
    assert done.acquire(timeout=5)
    assert done.acquire(timeout=5)
    deadline = time.monotonic() + 5
    while pool._idle and time.monotonic() < deadline:
        time.sleep(0.01)
    assert pool._idle == 0  # both idle threads timed out and left
