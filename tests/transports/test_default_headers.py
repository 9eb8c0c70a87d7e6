"""Default headers: every transport sends exactly the headers the core prepared, no more.

User-Agent and Accept come from the library defaults; a None value at any layer
removes a header, and no transport puts its own library's value back. The one
documented exception, reqwest, always sends both: an empty User-Agent and
``Accept: */*`` (what no Accept means) stand in for a removed one.
"""

from __future__ import annotations

import pytest

import axios_python
from axios_python import RequestConfig

from ._support import Client

USER_AGENT = f"axios-python/{axios_python.__version__}"
ACCEPT = "application/json, text/plain, */*"
# What a transport adds by itself and may: message framing and the connection. (The
# core decodes bodies, so Accept-Encoding is the core's too.)
_TRANSPORT_OWNED = frozenset({"host", "content-length", "transfer-encoding", "connection"})


def _received(client: Client) -> list[tuple[str, str]]:
    """The header lines of the last request the server received, lower-cased names."""
    return [(name.lower(), value) for name, value in client.server.requests[-1].headers]


def _values(client: Client, name: str) -> list[str]:
    return [value for key, value in _received(client) if key == name]


def _absent(client: Client, name: str) -> list[str]:
    """What the server receives for a header the request lacks: nothing, or the filler."""
    return [value for key, value in client.case.fills_absent if key == name]


async def test_user_agent_and_accept_are_sent_by_default(client: Client) -> None:
    """Every request carries axios-python's User-Agent and axios's Accept, once each."""
    await client.get("/get")
    assert _values(client, "user-agent") == [USER_AGENT]
    assert _values(client, "accept") == [ACCEPT]


async def test_only_the_prepared_headers_reach_the_server(client: Client) -> None:
    """Apart from framing, the server sees the prepared headers exactly."""
    for method, options in (
        ("GET", {}),
        ("POST", {"data": b"raw bytes"}),
        ("PUT", {}),
        ("DELETE", {"headers": {"User-Agent": None, "Accept": None}}),
    ):
        response = await client.request(method, "/anything", **options)
        assert response.request is not None
        prepared = {name.lower() for name in response.request.headers}
        received = {name for name, _ in _received(client)}
        filled = {name for name, _ in client.case.fills_absent} - prepared
        assert received - _TRANSPORT_OWNED == (prepared | filled) - _TRANSPORT_OWNED, method
        for name in filled:
            assert _values(client, name) == _absent(client, name), method


@pytest.mark.parametrize("name", ["User-Agent", "Accept"])
async def test_none_per_request_removes_a_default(client: Client, name: str) -> None:
    """headers={name: None} on a request sends no such header at all, on every transport."""
    await client.get("/get", headers={name: None})
    assert _values(client, name.lower()) == _absent(client, name.lower())


async def test_none_removes_accept_encoding(client: Client) -> None:
    """Without the core's Accept-Encoding no transport sends one of its library's
    (aiohttp's "gzip, deflate, br, zstd" named codings the core may not decode)."""
    response = await client.get("/get", headers={"Accept-Encoding": None})
    assert response.request is not None
    assert "accept-encoding" not in response.request.headers
    assert _values(client, "accept-encoding") == _absent(client, "accept-encoding")


async def test_none_in_the_instance_removes_a_default(client: Client) -> None:
    """create({"headers": {"User-Agent": None}}) removes it for every request of the instance."""
    api = client.new(headers={"user-agent": None})
    await client.get("/get", api=api)
    assert _values(client, "user-agent") == _absent(client, "user-agent")
    await client.get("/get", api=api, headers={"User-Agent": "back/1.0"})
    assert _values(client, "user-agent") == ["back/1.0"]


async def test_none_set_by_an_interceptor_removes_a_header(client: Client) -> None:
    """An interceptor that sets a header to None removes it from what is sent."""

    def drop(config: RequestConfig) -> RequestConfig:
        config["headers"]["User-Agent"] = None
        return config

    client.api.interceptors.request.use(drop)
    await client.get("/get")
    assert _values(client, "user-agent") == _absent(client, "user-agent")


async def test_user_values_replace_the_defaults_in_any_case(client: Client) -> None:
    """A User-Agent or Accept the user sets (any letter case) is the only one sent."""
    api = client.new(headers={"user-agent": "my-app/2.0"})
    await client.get("/get", api=api, headers={"ACCEPT": "text/csv"})
    assert _values(client, "user-agent") == ["my-app/2.0"]
    assert _values(client, "accept") == ["text/csv"]


@pytest.mark.parametrize("options", [{}, {"data": b"\x00\x01"}], ids=["no body", "bytes"])
async def test_no_content_type_is_invented(client: Client, options: dict[str, bytes]) -> None:
    """A POST without a Content-Type of its own is sent without one (no octet-stream guess)."""
    await client.post("/post", **options)
    assert _values(client, "content-type") == []
