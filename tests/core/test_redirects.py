"""Redirects: followed by the pipeline, method rules, limits, and credentials kept home."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from echo_server import EchoServer

import axios_python
from axios_python import (
    AxiosPython,
    BaseTransport,
    HTTPStatusError,
    Request,
    Response,
    TooManyRedirectsError,
)

from ._support import Factory, Sender

__all__: list[str] = []

_SECRETS = {
    "Authorization": "Bearer s",
    "Proxy-Authorization": "Basic cA==",
    "Cookie": "sid=1",
    "X-Api-Key": "k",
    "X-Public": "p",
}


async def test_relative_redirect_chain_is_followed(
    send: Sender, api: AxiosPython, server: EchoServer
) -> None:
    """A 3-hop relative redirect chain ends at /get with every hop in history."""
    response = await send(api, "GET", "/redirect/3", params={"q": "1"})
    assert response.status_code == 200
    assert response.url == f"{server.url}/get?q=1"
    assert [r.status_code for r in response.history] == [302, 302, 302]
    assert response.data["args"] == {"q": "1"}


async def test_absolute_redirect_chain_is_followed(send: Sender, api: AxiosPython) -> None:
    """Absolute Location headers on the same origin are followed too."""
    response = await send(api, "GET", "/absolute-redirect/2")
    assert response.data["path"] == "/get"
    assert len(response.history) == 2


async def test_follow_redirects_false_returns_the_redirect(send: Sender, api: AxiosPython) -> None:
    """With follow_redirects=False the 3xx itself comes back (validate_status decides raising)."""
    response = await send(api, "GET", "/redirect/1", follow_redirects=False, validate_status=None)
    assert response.status_code == 302
    assert response.headers["location"] == "/get"
    with pytest.raises(HTTPStatusError):
        await send(api, "GET", "/redirect/1", follow_redirects=False)


async def test_max_redirects_limits_the_chain(
    send: Sender, api: AxiosPython, server: EchoServer
) -> None:
    """More hops than max_redirects raise TooManyRedirectsError after exactly that many."""
    with pytest.raises(TooManyRedirectsError, match="max_redirects=2"):
        await send(api, "GET", "/redirect/5", max_redirects=2)
    assert len(server.requests) == 3


@pytest.mark.parametrize("status", [301, 302, 303])
async def test_post_becomes_get_without_body(status: int, send: Sender, api: AxiosPython) -> None:
    """301/302/303 after a POST continue as a GET without the body."""
    response = await send(
        api,
        "POST",
        "/redirect-to",
        params={"url": "/anything/next", "status_code": status},
        json={"a": 1},
    )
    assert response.data["method"] == "GET"
    assert response.data["body"] == ""
    assert "Content-Type" not in response.data["headers"]


@pytest.mark.parametrize("status", [307, 308])
async def test_307_and_308_keep_method_and_body(
    status: int, send: Sender, api: AxiosPython
) -> None:
    """307/308 resend the same method and body."""
    response = await send(
        api,
        "PUT",
        "/redirect-to",
        params={"url": "/anything/next", "status_code": status},
        json={"a": 1},
    )
    assert response.data["method"] == "PUT"
    assert response.data["json"] == {"a": 1}


async def test_redirect_to_non_http_scheme_is_refused(send: Sender, api: AxiosPython) -> None:
    """A Location with a non-HTTP scheme is refused with an error naming it."""
    with pytest.raises(axios_python.AxiosPythonError, match="only http and https"):
        await send(api, "GET", "/redirect-to", params={"url": "file:///etc/passwd"})


# --- credentials across origins ------------------------------------------------------------


def _received(srv: EchoServer) -> dict[str, str | None]:
    """The secret-ish headers of the last request ``srv`` received."""
    last = srv.requests[-1]
    return {name: last.header(name) for name in _SECRETS}


async def test_cross_origin_redirect_strips_sensitive_headers(
    send: Sender, server: EchoServer, other: EchoServer, make: Factory
) -> None:
    """A redirect to another origin drops Authorization, Cookie and custom sensitive headers."""
    api = make({"base_url": server.url, "headers": _SECRETS, "sensitive_headers": ["x-api-key"]})
    response = await send(api, "GET", "/redirect-to", params={"url": f"{other.url}/headers"})
    assert response.status_code == 200
    assert _received(server) == _SECRETS
    assert _received(other) == {
        "Authorization": None,
        "Proxy-Authorization": None,
        "Cookie": None,
        "X-Api-Key": None,
        "X-Public": "p",
    }
    assert other.requests[-1].header("Host") == f"127.0.0.1:{other.port}"


async def test_same_origin_redirect_keeps_sensitive_headers(
    send: Sender, server: EchoServer, make: Factory
) -> None:
    """A redirect within base_url's origin keeps the credentials."""
    api = make({"base_url": server.url, "headers": _SECRETS})
    await send(api, "GET", "/redirect-to", params={"url": f"{server.url}/headers"})
    assert _received(server) == _SECRETS


async def test_redirect_to_trusted_origin_keeps_sensitive_headers(
    send: Sender, server: EchoServer, other: EchoServer, make: Factory
) -> None:
    """A redirect to an origin in trusted_origins keeps the credentials."""
    api = make({"base_url": server.url, "headers": _SECRETS, "trusted_origins": [other.url]})
    await send(api, "GET", "/redirect-to", params={"url": f"{other.url}/headers"})
    assert _received(other)["Authorization"] == "Bearer s"


async def test_redirect_back_home_does_not_restore_stripped_headers(
    send: Sender, server: EchoServer, other: EchoServer, make: Factory
) -> None:
    """Once stripped on the way out, credentials stay stripped on the way back."""
    api = make({"base_url": server.url, "headers": _SECRETS})
    back = f"{other.url}/redirect-to?url={server.url}/headers"
    await send(api, "GET", "/redirect-to", params={"url": back})
    assert server.requests[-1].path == "/headers"
    assert _received(server)["Authorization"] is None


async def test_redirect_without_base_url_keeps_first_origin_home(
    send: Sender, server: EchoServer, other: EchoServer
) -> None:
    """Without base_url, the first request's origin is home: leaving it strips credentials."""
    url = f"{server.url}/redirect-to"
    response = await send.module(
        "GET", url, params={"url": f"{other.url}/headers"}, headers={"Authorization": "t"}
    )
    assert response.ok
    assert server.requests[-1].header("Authorization") == "t"
    assert other.requests[-1].header("Authorization") is None


async def test_streamed_response_after_redirects(send: Sender, api: AxiosPython) -> None:
    """stream=True follows redirects and streams the final body; the hops are closed."""
    response = await send(api, "GET", "/redirect/2", params={"n": "1"}, stream=True)
    assert all(hop.is_closed for hop in response.history)
    body = await response.aread() if send.is_async else response.read()
    assert b'"path": "/get"' in body


class _Redirecting(BaseTransport):
    """Answers the first request with a redirect to ``target``, later ones with 200."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.requests: list[Request] = []

    def send(self, request: Request) -> Response:
        self.requests.append(request)
        if len(self.requests) == 1:
            return Response(302, headers={"Location": self.target}, request=request)
        return Response(200, data={"ok": True}, request=request)

    async def send_async(self, request: Request) -> Response:
        return self.send(request)


@pytest.mark.parametrize(
    ("target", "kept"),
    [
        ("http://api.example.test/next", False),  # https -> http: another scheme
        ("https://api.example.test:8443/next", False),  # another port
        ("https://sub.api.example.test/next", False),  # another host
        ("https://API.example.test:443/next", True),  # same origin, spelt differently
        ("/next", True),  # relative: same origin
    ],
)
async def test_redirect_origin_compares_scheme_host_and_port(
    target: str, kept: bool, send: Sender
) -> None:
    """A redirect keeps credentials only when scheme, host and port all stay the same."""
    transport = _Redirecting(target)
    api = AxiosPython(
        {"base_url": "https://api.example.test", "headers": {"Authorization": "t"}},
        transport=transport,
    )
    await send(api, "GET", "/start")
    assert transport.requests[0].headers.get("Authorization") == "t"
    assert ("Authorization" in transport.requests[1].headers) is kept


async def test_307_with_a_one_shot_body_is_refused(send: Sender, api: AxiosPython) -> None:
    """A 307 cannot resend a generator body; the error says why instead of sending it empty."""

    def chunks() -> Iterator[bytes]:
        yield b"once"

    with pytest.raises(axios_python.AxiosPythonError, match="one-shot stream"):
        await send(
            api,
            "POST",
            "/redirect-to",
            params={"url": "/post", "status_code": 307},
            data=chunks(),
        )


async def test_max_redirects_zero_refuses_the_first_hop(send: Sender, api: AxiosPython) -> None:
    """max_redirects=0 raises on the first redirect, carrying that response."""
    with pytest.raises(TooManyRedirectsError) as info:
        await send(api, "GET", "/redirect/1", max_redirects=0)
    assert info.value.response is not None
    assert info.value.response.status_code == 302
