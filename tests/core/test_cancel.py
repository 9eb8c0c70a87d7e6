"""CancelToken and cancellation in flight: slow responses, pool waits, back-offs, streams."""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from types import ModuleType
from typing import Any, cast

import httpx
import pytest
from echo_server import EchoServer

from axios_python import (
    AxiosPython,
    CancelError,
    CancelToken,
    FixedBackoff,
    HttpxTransport,
    RequestOptions,
)

from ._support import Sender

SLOW = "/delay/5"  # a response that takes far longer than any test waits

# HttpxTransport runs on httpx and, where installed (Python 3.11+), on the httpx2 fork.
MODULES: list[ModuleType] = [httpx] + [
    importlib.import_module(name) for name in ["httpx2"] if importlib.util.find_spec(name)
]


def wait_for(condition: Callable[[], bool], timeout: float = 2.0) -> None:
    """Poll ``condition`` every few milliseconds until it holds; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.005)


async def async_wait_for(condition: Callable[[], bool], timeout: float = 2.0) -> None:
    """Async twin of wait_for()."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.005)


@pytest.fixture
def threads() -> Iterator[ThreadPoolExecutor]:
    """Worker threads for sync requests that another thread cancels."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        yield pool


def one_connection(server: EchoServer, **config: Any) -> AxiosPython:
    """A client whose pool holds a single connection, so a second request must queue."""
    transport = HttpxTransport(limits=httpx.Limits(max_connections=1))
    options = cast("RequestOptions", {"base_url": server.url, **config})
    return AxiosPython(options, transport=transport)


def expect_cancel(future: Future[Any], reason: str) -> CancelError:
    """The CancelError a request in another thread ended with; it must come within 0.5 s."""
    exc = future.exception(timeout=0.5)
    assert isinstance(exc, CancelError), exc
    assert exc.reason == reason
    assert str(exc) == reason
    return exc


# --- the token itself -----------------------------------------------------------------------


def test_token_starts_active_and_cancels_once() -> None:
    """cancel() sets is_cancelled and reason; a second cancel() changes nothing."""
    token = CancelToken()
    assert repr(token) == "<CancelToken active>"
    assert (token.is_cancelled, token.reason) == (False, None)
    token.raise_if_cancelled()
    token.cancel("first")
    token.cancel("second")
    assert token.reason == "first"
    assert token.is_cancelled
    assert "cancelled: 'first'" in repr(token)
    with pytest.raises(CancelError, match="first") as caught:
        token.raise_if_cancelled()
    assert caught.value.reason == "first"


def test_cancel_without_reason_has_a_message() -> None:
    """A token cancelled with no reason raises CancelError("request cancelled")."""
    token = CancelToken()
    token.cancel()
    with pytest.raises(CancelError, match="request cancelled") as caught:
        token.raise_if_cancelled()
    assert caught.value.reason is None


def test_on_cancel_callbacks() -> None:
    """Callbacks run once with the reason; late ones run at once; unregistered ones never."""
    token = CancelToken()
    calls: list[str | None] = []
    token.on_cancel(calls.append)
    unregister = token.on_cancel(lambda reason: calls.append("removed"))
    unregister()
    token.cancel("stop")
    token.on_cancel(lambda reason: calls.append(f"late {reason}"))
    assert calls == ["stop", "late stop"]


def test_a_failing_callback_does_not_starve_the_others() -> None:
    """Every callback runs even if an earlier one raises; the error surfaces afterwards."""
    token = CancelToken()
    calls: list[str | None] = []

    def broken(reason: str | None) -> None:
        raise RuntimeError("broken callback")

    token.on_cancel(broken)
    token.on_cancel(calls.append)
    with pytest.raises(RuntimeError, match="broken callback"):
        token.cancel("go")
    assert calls == ["go"]
    assert token.is_cancelled


def test_wait_blocks_until_cancelled() -> None:
    """wait() times out on an active token and returns True once another thread cancels."""
    token = CancelToken()
    assert token.wait(0.01) is False
    threading.Timer(0.02, token.cancel).start()
    assert token.wait(2) is True


# --- before the network ------------------------------------------------------------------------


async def test_cancelled_token_never_touches_the_network(send: Sender, server: EchoServer) -> None:
    """An already-cancelled token fails fast: the server sees no request and no connection."""
    api = AxiosPython({"base_url": server.url})
    token = CancelToken()
    token.cancel("too late")
    with pytest.raises(CancelError, match="too late") as caught:
        await send(api, "GET", "/get", cancel_token=token)
    assert caught.value.request is not None
    assert sum(server.hits.values()) == 0
    assert server.connections_opened == 0


# --- sync: in flight ------------------------------------------------------------------------------


def test_sync_cancel_aborts_a_slow_response(
    server: EchoServer, threads: ThreadPoolExecutor
) -> None:
    """A thread blocked on a slow response gets CancelError quickly; the server sees it leave."""
    api = AxiosPython({"base_url": server.url})
    token = CancelToken()
    future = threads.submit(api.get, SLOW, cancel_token=token)
    wait_for(lambda: server.hits[SLOW] == 1)
    token.cancel("User navigated away")
    error = expect_cancel(future, "User navigated away")
    assert error.request is not None
    assert error.request.url.endswith(SLOW)
    wait_for(lambda: server.connections_closed_by_client == 1)
    assert api.get("/get").status_code == 200
    assert server.connections_opened == 2  # the cut connection was not pooled again
    api.close()


def test_sync_cancel_interrupts_a_pool_wait(
    server: EchoServer, threads: ThreadPoolExecutor
) -> None:
    """A request queued for the pool's only connection gives up its place when cancelled."""
    api = one_connection(server)
    holder, queued = CancelToken(), CancelToken()
    first = threads.submit(api.get, SLOW, cancel_token=holder)
    wait_for(lambda: server.hits[SLOW] == 1)
    second = threads.submit(api.get, "/get", cancel_token=queued)
    time.sleep(0.05)  # the second request is now waiting for a connection
    queued.cancel("queue too long")
    expect_cancel(second, "queue too long")
    assert server.hits["/get"] == 0
    holder.cancel("done")
    expect_cancel(first, "done")
    assert api.get("/get", timeout={"pool": 1}).status_code == 200
    api.close()


def test_sync_cancel_interrupts_a_backoff_wait(
    server: EchoServer, threads: ThreadPoolExecutor
) -> None:
    """Cancelling during a 5 s retry back-off ends the request at once, with no new attempt."""
    strategy = FixedBackoff(5.0, retry_on_status=[503])
    api = AxiosPython({"base_url": server.url, "max_retries": 3, "retry_strategy": strategy})
    token = CancelToken()
    future = threads.submit(api.get, "/flaky/backoff-sync/5", cancel_token=token)
    wait_for(lambda: server.flaky_attempts("backoff-sync") == 1)
    time.sleep(0.05)
    token.cancel("stop retrying")
    expect_cancel(future, "stop retrying")
    assert server.flaky_attempts("backoff-sync") == 1
    api.close()


def test_sync_cancel_interrupts_a_streaming_read(server: EchoServer) -> None:
    """A blocked read of a streamed body ends with CancelError; the server sees the close."""
    api = AxiosPython({"base_url": server.url})
    token = CancelToken()
    response = api.get("/drip?numbytes=2&duration=5", stream=True, cancel_token=token)
    threading.Timer(0.1, token.cancel, args=("enough",)).start()
    started = time.monotonic()
    with pytest.raises(CancelError, match="enough"):
        response.read()
    assert time.monotonic() - started < 0.6
    assert response.is_closed
    wait_for(lambda: server.connections_closed_by_client == 1)
    api.close()


def test_sync_shared_token_cancels_every_request(
    server: EchoServer, threads: ThreadPoolExecutor
) -> None:
    """One token passed to five concurrent requests cancels all five."""
    api = AxiosPython({"base_url": server.url})
    token = CancelToken()
    futures = [threads.submit(api.get, SLOW, cancel_token=token) for _ in range(5)]
    wait_for(lambda: server.hits[SLOW] == 5)
    token.cancel("shutdown")
    for future in futures:
        expect_cancel(future, "shutdown")
    wait_for(lambda: server.connections_closed_by_client == 5)
    api.close()


def test_sync_separate_tokens_are_independent(
    server: EchoServer, threads: ThreadPoolExecutor
) -> None:
    """Cancelling one request's token leaves a request with another token running."""
    api = AxiosPython({"base_url": server.url})
    doomed, spared = CancelToken(), CancelToken()
    cancelled = threads.submit(api.get, "/delay/0.3", cancel_token=doomed)
    kept = threads.submit(api.get, "/delay/0.3", cancel_token=spared)
    wait_for(lambda: server.hits["/delay/0.3"] == 2)
    doomed.cancel("only this one")
    expect_cancel(cancelled, "only this one")
    assert kept.result(timeout=2).status_code == 200
    assert not spared.is_cancelled
    api.close()


# --- async: in flight ----------------------------------------------------------------------------


async def test_async_cancel_aborts_a_slow_response(server: EchoServer) -> None:
    """Cancelling the token cancels the awaiting send: CancelError, connection closed."""
    api = AxiosPython({"base_url": server.url})
    token = CancelToken()
    task = asyncio.ensure_future(api.async_get(SLOW, cancel_token=token))
    await async_wait_for(lambda: server.hits[SLOW] == 1)
    started = time.monotonic()
    token.cancel("User navigated away")
    with pytest.raises(CancelError, match="User navigated away") as caught:
        await task
    assert time.monotonic() - started < 0.5
    assert caught.value.reason == "User navigated away"
    await async_wait_for(lambda: server.connections_closed_by_client == 1)
    assert (await api.async_get("/get")).status_code == 200
    assert server.connections_opened == 2
    await api.aclose()


async def test_async_cancel_from_another_thread(server: EchoServer) -> None:
    """A token cancelled from a plain thread still interrupts a request on the event loop."""
    api = AxiosPython({"base_url": server.url})
    token = CancelToken()

    def cancel_once_sent() -> None:
        wait_for(lambda: server.hits[SLOW] == 1)
        token.cancel("from a thread")

    canceller = threading.Thread(target=cancel_once_sent)
    canceller.start()
    with pytest.raises(CancelError, match="from a thread"):
        await api.async_get(SLOW, cancel_token=token)
    canceller.join()
    await api.aclose()


async def test_async_token_cancel_leaves_the_task_usable(server: EchoServer) -> None:
    """After a token cancel becomes CancelError the task is not left half-cancelled."""
    api = AxiosPython({"base_url": server.url})
    token = CancelToken()

    async def cancel_once_sent() -> None:
        await async_wait_for(lambda: server.hits[SLOW] == 1)
        token.cancel("stop")

    canceller = asyncio.ensure_future(cancel_once_sent())
    with pytest.raises(CancelError):
        await api.async_get(SLOW, cancel_token=token)  # in this very task
    await canceller
    await asyncio.sleep(0.01)  # would raise CancelledError if a cancel were still pending
    if sys.version_info >= (3, 11):  # no pending cancellation request is left counted
        # (Before 3.11 only backported tasks count them, and anyio does not balance those.)
        task = asyncio.current_task()
        assert task is not None
        assert task.cancelling() == 0
    await api.aclose()


async def test_task_cancellation_still_raises_cancelled_error(server: EchoServer) -> None:
    """Cancelling the asyncio Task is never turned into CancelError and frees the connection."""
    api = AxiosPython({"base_url": server.url})
    token = CancelToken()
    task = asyncio.ensure_future(api.async_get(SLOW, cancel_token=token))
    await async_wait_for(lambda: server.hits[SLOW] == 1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await async_wait_for(lambda: server.connections_closed_by_client == 1)
    assert not token.is_cancelled
    assert token._pending == 0
    assert (await api.async_get("/get")).status_code == 200
    await api.aclose()


async def test_wait_for_timeout_stays_asyncios(server: EchoServer) -> None:
    """asyncio.wait_for around a request times out as usual, not with CancelError."""
    api = AxiosPython({"base_url": server.url})
    token = CancelToken()
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(api.async_get(SLOW, cancel_token=token), 0.2)
    await async_wait_for(lambda: server.connections_closed_by_client == 1)
    assert token._pending == 0
    await api.aclose()


async def test_async_cancel_interrupts_a_pool_wait(server: EchoServer) -> None:
    """An async request queued for the only pool connection gives up its place when cancelled."""
    api = one_connection(server)
    holder, queued = CancelToken(), CancelToken()
    first = asyncio.ensure_future(api.async_get(SLOW, cancel_token=holder))
    await async_wait_for(lambda: server.hits[SLOW] == 1)
    second = asyncio.ensure_future(api.async_get("/get", cancel_token=queued))
    await asyncio.sleep(0.05)
    queued.cancel("queue too long")
    with pytest.raises(CancelError, match="queue too long"):
        await asyncio.wait_for(second, 0.5)
    assert server.hits["/get"] == 0
    holder.cancel("done")
    with pytest.raises(CancelError, match="done"):
        await asyncio.wait_for(first, 0.5)
    assert (await api.async_get("/get", timeout={"pool": 1})).status_code == 200
    await api.aclose()


async def test_async_cancel_interrupts_a_backoff_wait(server: EchoServer) -> None:
    """Cancelling during a 5 s async back-off ends the request at once."""
    strategy = FixedBackoff(5.0, retry_on_status=[503])
    api = AxiosPython({"base_url": server.url, "max_retries": 3, "retry_strategy": strategy})
    token = CancelToken()
    task = asyncio.ensure_future(api.async_get("/flaky/backoff-async/5", cancel_token=token))
    await async_wait_for(lambda: server.flaky_attempts("backoff-async") == 1)
    await asyncio.sleep(0.05)
    token.cancel("stop retrying")
    with pytest.raises(CancelError, match="stop retrying"):
        await asyncio.wait_for(task, 0.5)
    assert server.flaky_attempts("backoff-async") == 1
    await api.aclose()


async def test_async_cancel_interrupts_a_streaming_read(server: EchoServer) -> None:
    """A pending read of an async streamed body ends with CancelError; the server sees it."""
    api = AxiosPython({"base_url": server.url})
    token = CancelToken()
    response = await api.async_get("/drip?numbytes=2&duration=5", stream=True, cancel_token=token)
    asyncio.get_running_loop().call_later(0.1, token.cancel, "enough")
    with pytest.raises(CancelError, match="enough"):
        await asyncio.wait_for(response.aread(), 0.6)
    assert response.is_closed
    await async_wait_for(lambda: server.connections_closed_by_client == 1)
    await api.aclose()


async def test_async_shared_token_cancels_a_gather(server: EchoServer) -> None:
    """One token shared by gathered requests cancels all of them."""
    api = AxiosPython({"base_url": server.url})
    token = CancelToken()
    gathered = asyncio.gather(
        *(api.async_get(SLOW, cancel_token=token) for _ in range(5)), return_exceptions=True
    )
    await async_wait_for(lambda: server.hits[SLOW] == 5)
    token.cancel("shutdown")
    results = await asyncio.wait_for(gathered, 0.5)
    assert [type(r) for r in results] == [CancelError] * 5
    await async_wait_for(lambda: server.connections_closed_by_client == 5)
    await api.aclose()


async def test_async_separate_tokens_are_independent(server: EchoServer) -> None:
    """Cancelling one token does not disturb a concurrent request with another token."""
    api = AxiosPython({"base_url": server.url})
    doomed, spared = CancelToken(), CancelToken()
    cancelled = asyncio.ensure_future(api.async_get("/delay/0.3", cancel_token=doomed))
    kept = asyncio.ensure_future(api.async_get("/delay/0.3", cancel_token=spared))
    await async_wait_for(lambda: server.hits["/delay/0.3"] == 2)
    doomed.cancel("only this one")
    with pytest.raises(CancelError):
        await cancelled
    assert (await kept).status_code == 200
    await api.aclose()


# --- the same on every httpx-compatible module ---------------------------------------------------


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_sync_cancel_on_each_httpx_module(
    server: EchoServer, threads: ThreadPoolExecutor, module: ModuleType
) -> None:
    """In-flight and queued sync requests are cut on httpx and httpx2 alike."""
    transport = HttpxTransport(module=module, limits=module.Limits(max_connections=1))
    api = AxiosPython({"base_url": server.url}, transport=transport)
    holder, queued = CancelToken(), CancelToken()
    first = threads.submit(api.get, SLOW, cancel_token=holder)
    wait_for(lambda: server.hits[SLOW] == 1)
    second = threads.submit(api.get, "/get", cancel_token=queued)
    time.sleep(0.05)
    queued.cancel("queued")
    expect_cancel(second, "queued")
    holder.cancel("in flight")
    expect_cancel(first, "in flight")
    wait_for(lambda: server.connections_closed_by_client == 1)
    assert api.get("/get", timeout={"pool": 1}).status_code == 200
    api.close()


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
async def test_async_cancel_on_each_httpx_module(server: EchoServer, module: ModuleType) -> None:
    """An in-flight async request is cut on httpx and httpx2 alike."""
    api = AxiosPython({"base_url": server.url}, transport=HttpxTransport(module=module))
    token = CancelToken()
    task = asyncio.ensure_future(api.async_get(SLOW, cancel_token=token))
    await async_wait_for(lambda: server.hits[SLOW] == 1)
    token.cancel("in flight")
    with pytest.raises(CancelError, match="in flight"):
        await asyncio.wait_for(task, 0.5)
    await async_wait_for(lambda: server.connections_closed_by_client == 1)
    await api.aclose()


# --- no dead callbacks on a long-lived token ------------------------------------------------------


async def test_finished_requests_unregister_from_the_token(
    send: Sender, server: EchoServer
) -> None:
    """Successes, failures, retries and streams all leave no callback behind on the token."""
    api = AxiosPython(
        {
            "base_url": server.url,
            "max_retries": 1,
            "retry_strategy": FixedBackoff(0.01, retry_on_status=[503]),
        }
    )
    token = CancelToken()
    for _ in range(3):
        await send(api, "GET", "/get", cancel_token=token)
        await send(api, "GET", "/flaky/unregister/1", cancel_token=token)
        await send(api, "GET", "/status/404", cancel_token=token, validate_status=None)
    streamed = await send(api, "GET", "/stream/3", cancel_token=token, stream=True)
    if send.is_async:
        await streamed.aread()
    else:
        streamed.read()
    abandoned = await send(api, "GET", "/stream/3", cancel_token=token, stream=True)
    if send.is_async:
        await abandoned.aclose()
    else:
        abandoned.close()
    assert token._pending == 0
    await api.aclose()
