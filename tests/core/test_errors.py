"""The error hierarchy and the mapping of every transport failure onto it."""

from __future__ import annotations

import builtins
from collections.abc import Callable

import httpx
import pytest
from echo_server import EchoServer, refusing_port

import axios_python
from axios_python import (
    AxiosPython,
    AxiosPythonError,
    CancelError,
    ConfigError,
    HTTPStatusError,
    InterceptorError,
    NetworkError,
    PluginError,
    RetryError,
    StreamError,
    TimeoutError,
    TooManyRedirectsError,
)

from ._support import Factory, Sender

__all__: list[str] = []


@pytest.mark.parametrize(
    "error",
    [
        HTTPStatusError,
        TimeoutError,
        NetworkError,
        RetryError,
        CancelError,
        ConfigError,
        PluginError,
        InterceptorError,
        StreamError,
        TooManyRedirectsError,
    ],
)
def test_every_error_derives_from_the_root(error: type[Exception]) -> None:
    """Every public error is an AxiosPythonError."""
    assert issubclass(error, AxiosPythonError)


def test_builtin_bases() -> None:
    """TimeoutError is a builtin TimeoutError, NetworkError a ConnectionError."""
    assert issubclass(TimeoutError, builtins.TimeoutError)
    assert issubclass(NetworkError, ConnectionError)
    assert TimeoutError is not builtins.TimeoutError


def test_root_carries_config_request_and_response() -> None:
    """The root error stores config, request and response and prints its message."""
    error = AxiosPythonError("boom", config={"url": "/x"})
    assert (error.config, error.request, error.response) == ({"url": "/x"}, None, None)
    assert str(error) == "boom"


def _assert_ours(error: BaseException) -> None:
    """The raised error is ours, not httpx's (httpx may only be the cause)."""
    assert isinstance(error, AxiosPythonError)
    assert httpx.HTTPError not in type(error).__mro__
    assert type(error).__module__.startswith("axios_python")


async def test_connection_refused_is_a_network_error(send: Sender, make: Factory) -> None:
    """Connecting to a port with no listener raises NetworkError (a ConnectionError)."""
    port = refusing_port()
    api = make({"base_url": f"http://127.0.0.1:{port}"})
    with pytest.raises(NetworkError) as info:
        await send(api, "GET", "/get")
    error = info.value
    _assert_ours(error)
    assert isinstance(error, ConnectionError)
    assert isinstance(error.__cause__, httpx.ConnectError)
    assert error.request is not None
    assert error.request.url == f"http://127.0.0.1:{port}/get"
    assert error.config is not None
    assert error.config["base_url"] == f"http://127.0.0.1:{port}"
    assert error.response is None
    assert str(port) in str(error)


async def test_connection_reset_is_a_network_error(send: Sender, api: AxiosPython) -> None:
    """A server that resets the connection without answering raises NetworkError."""
    with pytest.raises(NetworkError) as info:
        await send(api, "GET", "/reset")
    _assert_ours(info.value)
    assert isinstance(info.value.__cause__, httpx.HTTPError)


async def test_timeout_is_ours_with_httpx_cause(send: Sender, api: AxiosPython) -> None:
    """A read timeout raises our TimeoutError whose cause is httpx's."""
    with pytest.raises(TimeoutError) as info:
        await send(api, "GET", "/delay/2", timeout=0.1)
    _assert_ours(info.value)
    assert isinstance(info.value.__cause__, httpx.TimeoutException)


async def test_http_status_error_is_ours(send: Sender, api: AxiosPython) -> None:
    """A failing status raises HTTPStatusError, never httpx.HTTPStatusError."""
    with pytest.raises(HTTPStatusError) as info:
        await send(api, "GET", "/status/502")
    _assert_ours(info.value)


@pytest.mark.parametrize(
    "url",
    ["ftp://127.0.0.1/file", "http://[::1/broken", "http://127.0.0.1:99999/x", "http:///nohost"],
)
async def test_unsendable_urls_raise_our_errors(url: str, send: Sender) -> None:
    """Unsupported schemes and malformed URLs raise an AxiosPythonError, not an httpx one."""
    api = axios_python.create()
    with pytest.raises(AxiosPythonError) as info:
        await send(api, "GET", url)
    _assert_ours(info.value)


async def test_network_error_during_streaming_is_ours(
    send: Sender, server: EchoServer, make: Factory
) -> None:
    """A read timeout while iterating a streamed body raises our TimeoutError."""
    api = make({"base_url": server.url, "timeout": 0.2})
    response = await send(api, "GET", "/drip?numbytes=4&duration=2", stream=True)

    async def drain() -> None:
        if send.is_async:
            async for _ in response.aiter_bytes():
                pass
        else:
            for _ in response.iter_bytes():
                pass

    with pytest.raises(TimeoutError) as info:
        await drain()
    _assert_ours(info.value)


def test_catching_the_root_catches_everything(server: EchoServer) -> None:
    """except AxiosPythonError catches status, network and config errors alike."""
    caught: list[str] = []
    calls: list[Callable[[], object]] = [
        lambda: axios_python.get(f"{server.url}/status/500"),
        lambda: axios_python.get(f"http://127.0.0.1:{refusing_port()}/"),
        lambda: axios_python.get("/relative-without-base"),
    ]
    for call in calls:
        try:
            call()
        except AxiosPythonError as error:
            caught.append(type(error).__name__)
    assert caught == ["HTTPStatusError", "NetworkError", "ConfigError"]
