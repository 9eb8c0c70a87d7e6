"""Credentials stay home: only base_url's origin and allowed_origins, never across redirects."""

from __future__ import annotations

from urllib.parse import quote

from echo_server import EchoServer

import axios_python
from axios_python import AuthPlugin

SECRET = "tok-origin-5d21"


def received(srv: EchoServer, name: str = "Authorization") -> list[str | None]:
    return [request.header(name) for request in srv.requests]


def test_absolute_url_to_another_origin_gets_no_credentials(
    server: EchoServer, other: EchoServer
) -> None:
    """An absolute URL to another host never receives the header."""
    api = axios_python.create({"base_url": server.url}).plugin(AuthPlugin(token=SECRET))
    api.get(f"{other.url}/get")
    api.get("/get")
    assert received(other) == [None]
    assert received(server) == [f"Bearer {SECRET}"]


async def test_absolute_url_to_another_origin_gets_no_credentials_async(
    server: EchoServer, other: EchoServer
) -> None:
    """The async path keeps credentials home too."""
    api = axios_python.create({"base_url": server.url}).plugin(AuthPlugin(token=SECRET))
    await api.async_get(f"{other.url}/get")
    assert received(other) == [None]
    await api.aclose()


def test_absolute_url_on_the_home_origin_gets_credentials(server: EchoServer) -> None:
    """An absolute URL on base_url's origin is home: the header is added."""
    api = axios_python.create({"base_url": f"{server.url}/v1"}).plugin(AuthPlugin(token=SECRET))
    api.get(f"{server.url}/get")
    assert received(server) == [f"Bearer {SECRET}"]


def test_per_request_base_url_to_another_origin_gets_no_credentials(
    server: EchoServer, other: EchoServer
) -> None:
    """Overriding base_url per request does not move the home origin."""
    api = axios_python.create({"base_url": server.url}).plugin(AuthPlugin(token=SECRET))
    api.get("/get", base_url=other.url)
    assert received(other) == [None]


def test_allowed_origins_receive_credentials(server: EchoServer, other: EchoServer) -> None:
    """An origin listed in allowed_origins gets the header, by absolute URL."""
    api = axios_python.create({"base_url": server.url})
    api.plugin(AuthPlugin(token=SECRET, allowed_origins=[other.url]))
    api.get(f"{other.url}/get")
    assert received(other) == [f"Bearer {SECRET}"]


def test_allowed_origins_without_base_url(server: EchoServer, other: EchoServer) -> None:
    """With no base_url, only allowed_origins receive credentials."""
    api = axios_python.create().plugin(AuthPlugin(token=SECRET, allowed_origins=[server.url]))
    api.get(f"{server.url}/get")
    api.get(f"{other.url}/get")
    assert received(server) == [f"Bearer {SECRET}"]
    assert received(other) == [None]


def test_same_origin_redirect_keeps_credentials(server: EchoServer) -> None:
    """A redirect within the home origin keeps the header."""
    api = axios_python.create({"base_url": server.url}).plugin(AuthPlugin(token=SECRET))
    api.get("/redirect/2")
    assert received(server) == [f"Bearer {SECRET}"] * 3


def test_cross_origin_redirect_drops_credentials(server: EchoServer, other: EchoServer) -> None:
    """A redirect from home to another origin arrives without the header."""
    api = axios_python.create({"base_url": server.url}).plugin(AuthPlugin(token=SECRET))
    response = api.get(f"/redirect-to?url={quote(other.url + '/get', safe='')}")
    assert response.json()["headers"].get("Authorization") is None
    assert received(server) == [f"Bearer {SECRET}"]
    assert received(other) == [None]


async def test_cross_origin_redirect_drops_a_custom_header_async(
    server: EchoServer, other: EchoServer
) -> None:
    """A custom header (X-Api-Key) is treated as sensitive and dropped too, on the async path."""
    api = axios_python.create({"base_url": server.url})
    api.plugin(AuthPlugin(scheme=None, token=SECRET, header="X-Custom-Token"))
    await api.async_get(f"/redirect-to?url={quote(other.url + '/get', safe='')}")
    assert received(server, "X-Custom-Token") == [SECRET]
    assert received(other, "X-Custom-Token") == [None]
    await api.aclose()


def test_redirect_from_allowed_origin_to_a_third_origin_drops_credentials(
    server: EchoServer, other: EchoServer
) -> None:
    """allowed_origins trusts that origin only, not where it redirects to."""
    with EchoServer() as third:
        api = axios_python.create({"base_url": server.url})
        api.plugin(AuthPlugin(token=SECRET, allowed_origins=[other.url]))
        api.get(f"{other.url}/redirect-to?url={quote(third.url + '/get', safe='')}")
        assert received(other) == [f"Bearer {SECRET}"]
        assert received(third) == [None]
