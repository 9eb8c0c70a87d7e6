"""axios_before_send (each physical send) and axios_interrupted (a BaseException stopped it)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, cast
from urllib.parse import urlsplit

import pytest
from echo_server import EchoServer

import axios_python
from axios_python import (
    AxiosPython,
    BaseTransport,
    FixedBackoff,
    PluginError,
    Request,
    RequestOptions,
    Response,
)
from axios_python.hookspecs import hookimpl


def _api(server: EchoServer, *plugins: object, **config: Any) -> AxiosPython:
    api = axios_python.create(cast("RequestOptions", {"base_url": server.url, **config}))
    for plugin in plugins:
        api.plugin(plugin)
    return api


class Sends:
    """Records every send and stamps it with its ordinal, as a header the server sees."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str | None, object]] = []

    @hookimpl
    def axios_before_send(self, request: Request, resend: str | None, previous: object) -> None:
        outcome = previous
        if isinstance(previous, Response):
            outcome = previous.status_code
        elif isinstance(previous, Exception):
            outcome = type(previous).__name__
        self.seen.append((urlsplit(request.url).path, resend, outcome))
        request.headers["X-Send"] = str(len(self.seen))


def test_before_send_sees_the_first_send(server: EchoServer) -> None:
    """One plain request: one call with resend None, and the header it set is sent."""
    sends = Sends()
    response = _api(server, sends).get("/headers")
    assert sends.seen == [("/headers", None, None)]
    assert response.data["headers"]["X-Send"] == "1"


def test_before_send_runs_for_each_retry_with_what_failed(server: EchoServer) -> None:
    """A retried 503 twice: first send, then two 'retry' sends that carry the 503."""
    sends = Sends()
    api = _api(server, sends, max_retries=3, retry_strategy=FixedBackoff(0, retry_on_status=[503]))
    response = api.get("/flaky/hook-retry/2")
    assert response.status_code == 200
    assert [(resend, outcome) for _, resend, outcome in sends.seen] == [
        (None, None),
        ("retry", 503),
        ("retry", 503),
    ]
    assert [r.header("X-Send") for r in server.requests] == ["1", "2", "3"]


def test_before_send_runs_for_each_redirect_hop(server: EchoServer) -> None:
    """Two redirect hops: 'redirect' sends with the 302 that asked for them."""
    sends = Sends()
    response = _api(server, sends).get("/redirect/2")
    assert response.status_code == 200
    assert [(resend, outcome) for _, resend, outcome in sends.seen] == [
        (None, None),
        ("redirect", 302),
        ("redirect", 302),
    ]
    assert [(r.path, r.header("X-Send")) for r in server.requests] == [
        ("/redirect/2", "1"),
        ("/redirect/1", "2"),
        ("/get", "3"),
    ]


def test_before_send_is_not_called_for_a_cache_hit(server: EchoServer) -> None:
    """A response from axios_cached_response means nothing is sent, so no before_send."""

    class Hit:
        @hookimpl
        def axios_cached_response(self, request: Request) -> Response:
            return Response(200, content=b"{}", request=request)

    sends = Sends()
    assert _api(server, sends, Hit()).get("/get").status_code == 200
    assert sends.seen == []
    assert server.hits["/get"] == 0


def test_before_send_after_a_network_error_names_it(server: EchoServer) -> None:
    """A retry after a failed connection carries the exception as ``previous``."""
    calls: list[int] = []

    class FailOnce(BaseTransport):
        def send(self, request: Request) -> Response:
            calls.append(1)
            if len(calls) == 1:
                raise axios_python.NetworkError("connection refused", request=request)
            return Response(200, content=b"ok", request=request)

    sends = Sends()
    api = axios_python.create(
        {"base_url": server.url, "max_retries": 1, "retry_strategy": FixedBackoff(0)},
        transport=FailOnce(),
    )
    api.plugin(sends)
    api.get("/get")
    assert [(resend, outcome) for _, resend, outcome in sends.seen] == [
        (None, None),
        ("retry", "NetworkError"),
    ]


async def test_before_send_may_return_an_awaitable_on_the_async_path(server: EchoServer) -> None:
    """An async signer: the awaitable is awaited before the request goes out."""

    class AsyncSigner:
        @hookimpl
        def axios_before_send(self, request: Request, is_async: bool) -> Awaitable[None] | None:
            async def sign() -> None:
                await asyncio.sleep(0)
                request.headers["X-Signature"] = f"signed:{request.url.rsplit('/', 1)[-1]}"

            return sign()

    api = _api(server, AsyncSigner())
    response = await api.async_get("/headers")
    assert response.data["headers"]["X-Signature"] == "signed:headers"
    await api.aclose()


def test_before_send_awaitable_on_the_sync_path_is_refused(server: EchoServer) -> None:
    """The sync path refuses an awaitable from axios_before_send, naming the hook."""

    class AsyncOnly:
        @hookimpl
        def axios_before_send(self, request: Request) -> Awaitable[None]:
            async def sign() -> None:
                return None

            return sign()

    with pytest.raises(PluginError, match="axios_before_send"):
        _api(server, AsyncOnly()).get("/get")
    assert server.hits["/get"] == 0


def test_before_send_must_return_none(server: EchoServer) -> None:
    """Any other return value is a PluginError that says to edit in place."""

    class Returns:
        @hookimpl
        def axios_before_send(self, request: Request) -> str:
            return "oops"

    with pytest.raises(PluginError, match=r"edit the request in place and return None"):
        _api(server, Returns()).get("/get")


class Lifecycle:
    """Records the end hooks a request reaches."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []

    @hookimpl
    def axios_response(self, response: Response) -> None:
        self.events.append(("response", str(response.status_code)))

    @hookimpl
    def axios_error(self, error: Exception) -> None:
        self.events.append(("error", type(error).__name__))

    @hookimpl
    def axios_interrupted(self, error: BaseException, config: Any, is_async: bool) -> None:
        self.events.append(("interrupted", f"{type(error).__name__} {config['url']} {is_async}"))


async def test_a_cancelled_task_reaches_axios_interrupted_only(server: EchoServer) -> None:
    """Cancelling the task mid-request: axios_interrupted, not axios_error; still cancelled."""
    lifecycle = Lifecycle()
    api = _api(server, lifecycle)
    task = asyncio.ensure_future(api.async_get("/delay/5"))
    await asyncio.sleep(0.2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert lifecycle.events == [("interrupted", "CancelledError /delay/5 True")]
    await api.aclose()


async def test_wait_for_timeout_reaches_axios_interrupted(server: EchoServer) -> None:
    """asyncio.wait_for around a request: the caller gets TimeoutError, plugins are told."""
    lifecycle = Lifecycle()
    api = _api(server, lifecycle)
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(api.async_get("/delay/5"), 0.2)
    assert lifecycle.events == [("interrupted", "CancelledError /delay/5 True")]
    await api.aclose()


class Interrupting(BaseTransport):
    """A sync transport whose send is interrupted, like Ctrl-C during a blocking read."""

    def send(self, request: Request) -> Response:
        raise KeyboardInterrupt


def test_keyboard_interrupt_reaches_axios_interrupted() -> None:
    """KeyboardInterrupt during the send goes on unchanged after axios_interrupted."""
    lifecycle = Lifecycle()
    api = axios_python.create({"base_url": "http://example.invalid"}, transport=Interrupting())
    api.plugin(lifecycle)
    with pytest.raises(KeyboardInterrupt):
        api.get("/x")
    assert lifecycle.events == [("interrupted", "KeyboardInterrupt /x False")]


def test_ordinary_errors_do_not_reach_axios_interrupted(server: EchoServer) -> None:
    """A failed request goes to axios_error; a good one to axios_response; neither interrupts."""
    lifecycle = Lifecycle()
    api = _api(server, lifecycle)
    api.get("/get")
    with pytest.raises(axios_python.HTTPStatusError):
        api.get("/status/500")
    assert lifecycle.events == [("response", "200"), ("error", "HTTPStatusError")]


def test_a_failing_axios_interrupted_is_reported_not_raised() -> None:
    """The interruption goes on: a hook's own exception becomes a RuntimeWarning."""
    told: list[str] = []

    class Broken:
        @hookimpl
        def axios_interrupted(self, error: BaseException) -> None:
            raise ValueError("bug in the plugin")

    class Fine:
        @hookimpl
        def axios_interrupted(self, error: BaseException) -> None:
            told.append(type(error).__name__)

    api = axios_python.create({"base_url": "http://example.invalid"}, transport=Interrupting())
    api.plugin(Fine()).plugin(Broken())
    with (
        pytest.warns(RuntimeWarning, match="axios_interrupted hook failed .* ValueError: bug"),
        pytest.raises(KeyboardInterrupt),
    ):
        api.get("/x")
    assert told == ["KeyboardInterrupt"]  # the other implementation still ran
