"""Response: status, body views, metadata, transforms and Axios-style status validation."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from echo_server import EchoServer

import axios_python
from axios_python import AxiosPython, Headers, HTTPStatusError, Request, Response

from ._support import Factory, Sender

__all__: list[str] = []


async def test_json_response(send: Sender, api: AxiosPython, server: EchoServer) -> None:
    """A JSON response exposes status, ok, parsed data, json(), text, content and metadata."""
    response = await send(api, "GET", "/json")
    assert response.status_code == 200
    assert response.ok is True
    assert response.headers["content-type"] == "application/json"
    assert response.data["slideshow"]["author"] == "axios-python"
    assert response.json() == response.data
    assert response.text.startswith('{"slideshow"')
    assert isinstance(response.content, bytes)
    assert response.url == f"{server.url}/json"
    assert isinstance(response.elapsed, datetime.timedelta)
    assert response.elapsed > datetime.timedelta(0)
    assert isinstance(response.request, Request)
    assert response.request.url == f"{server.url}/json"
    assert response.config is not None
    assert response.config["url"] == "/json"
    assert response.config["method"] == "GET"


async def test_text_response_data_is_text(send: Sender, api: AxiosPython) -> None:
    """A non-JSON response's data is its decoded text."""
    response = await send(api, "GET", "/text")
    assert response.data == "hello world"
    assert response.text == "hello world"
    assert response.content == b"hello world"
    assert response.encoding == "utf-8"


async def test_empty_body_data_is_empty_string(send: Sender, api: AxiosPython) -> None:
    """An empty body gives data == '' and content == b''."""
    response = await send(api, "GET", "/status/204")
    assert response.status_code == 204
    assert response.data == ""
    assert response.content == b""


def test_invalid_json_with_json_content_type_falls_back_to_text() -> None:
    """data stays usable (text) when a JSON content type carries invalid JSON."""
    response = Response(200, headers={"Content-Type": "application/json"}, content=b"{oops")
    assert response.data == "{oops"


def test_problem_json_is_parsed() -> None:
    """Any +json media type is parsed into data."""
    response = Response(
        400, headers={"Content-Type": "application/problem+json"}, content=b'{"title": "bad"}'
    )
    assert response.data == {"title": "bad"}


def test_data_can_be_reassigned() -> None:
    """Interceptors may replace response.data (the spec's envelope unwrapping)."""
    response = Response(200, headers={"Content-Type": "application/json"}, content=b'{"data": 1}')
    response.data = response.json()["data"]
    assert response.data == 1
    assert response.json() == {"data": 1}


def test_response_built_from_data() -> None:
    """A Response built from data serves json(), content and text from it."""
    response = Response(200, data={"mock": True})
    assert response.json() == {"mock": True}
    assert response.content == b'{"mock": true}'
    assert response.ok


def test_text_uses_the_declared_charset() -> None:
    """text decodes with the charset named in Content-Type."""
    response = Response(
        200, headers={"Content-Type": "text/plain; charset=latin-1"}, content="é".encode("latin-1")
    )
    assert response.text == "é"


async def test_head_has_no_body(send: Sender, api: AxiosPython) -> None:
    """A HEAD response has headers and an empty body."""
    response = await send(api, "HEAD", "/json")
    assert response.ok
    assert response.content == b""


# --- status validation ---------------------------------------------------------------


@pytest.mark.parametrize("status", [400, 404, 500, 503])
async def test_default_validate_status_raises_with_the_response(
    status: int, send: Sender, api: AxiosPython, server: EchoServer
) -> None:
    """A non-2xx status raises HTTPStatusError carrying response, request and config."""
    with pytest.raises(HTTPStatusError) as info:
        await send(api, "GET", f"/status/{status}")
    error = info.value
    assert error.response.status_code == status
    assert error.response.ok is False
    assert error.request is not None
    assert error.request.url == f"{server.url}/status/{status}"
    assert error.config is not None
    assert error.config["url"] == f"/status/{status}"
    assert str(status) in str(error)


async def test_error_response_keeps_its_body(send: Sender, api: AxiosPython) -> None:
    """The response on an HTTPStatusError has its JSON body parsed."""
    with pytest.raises(HTTPStatusError) as info:
        await send(api, "GET", "/flaky/body/1?status=409")
    assert info.value.response.data == {"key": "body", "attempt": 1, "status": 409}


async def test_validate_status_none_never_raises(send: Sender, api: AxiosPython) -> None:
    """validate_status=None returns every response, whatever its status."""
    response = await send(api, "GET", "/status/500", validate_status=None)
    assert response.status_code == 500
    assert response.ok is False


async def test_custom_validate_status(send: Sender, api: AxiosPython) -> None:
    """A custom validate_status decides which statuses raise."""
    accepted = await send(api, "GET", "/status/404", validate_status=lambda s: s < 500)
    assert accepted.status_code == 404
    with pytest.raises(HTTPStatusError):
        await send(api, "GET", "/status/200", validate_status=lambda s: s == 201)


def test_raise_for_status() -> None:
    """raise_for_status returns the response for 2xx and raises HTTPStatusError otherwise."""
    request = Request("GET", "https://x.test/a")
    good = Response(204, request=request)
    assert good.raise_for_status() is good
    bad = Response(418, request=request)
    with pytest.raises(HTTPStatusError, match="418") as info:
        bad.raise_for_status()
    assert info.value.response is bad
    assert info.value.request is request


async def test_raise_for_status_after_validate_status_none(send: Sender, api: AxiosPython) -> None:
    """With validation off, raise_for_status still reports a failing status."""
    response = await send(api, "GET", "/status/503", validate_status=None)
    with pytest.raises(HTTPStatusError) as info:
        response.raise_for_status()
    assert info.value.response is response


# --- transforms ---------------------------------------------------------------------------


async def test_transform_request_changes_the_json_body(send: Sender, api: AxiosPython) -> None:
    """transform_request gets (data, headers) and its result is what is sent."""

    def stamp(data: Any, headers: Headers) -> Any:
        headers["X-Transformed"] = "yes"
        return {**data, "stamped": True}

    response = await send(api, "POST", "/post", json={"a": 1}, transform_request=stamp)
    assert response.data["json"] == {"a": 1, "stamped": True}
    assert response.data["headers"]["X-Transformed"] == "yes"


async def test_transform_request_list_runs_in_order(send: Sender, api: AxiosPython) -> None:
    """A list of transform_request functions is applied left to right."""
    response = await send(
        api,
        "POST",
        "/post",
        data="a",
        transform_request=[lambda d, h: d + "b", lambda d, h: d + "c"],
    )
    assert response.data["body"] == "abc"


async def test_transform_response_shapes_data(send: Sender, api: AxiosPython) -> None:
    """transform_response replaces data with what it returns; the raw body stays in content."""
    response = await send(
        api,
        "GET",
        "/json",
        transform_response=[
            lambda data, headers: data["slideshow"],
            lambda data, headers: (data["title"], headers["content-type"]),
        ],
    )
    assert response.data == ("A Tour of the Echo Server", "application/json")
    assert response.json()["slideshow"]["title"] == "A Tour of the Echo Server"


def test_instance_transform_applies_to_every_request(server: EchoServer, make: Factory) -> None:
    """A transform_response in create() applies to each request of that instance only."""
    api = make({"base_url": server.url, "transform_response": lambda d, h: "transformed"})
    assert api.get("/json").data == "transformed"
    assert axios_python.get(f"{server.url}/json").data != "transformed"


def test_encoding_can_be_set() -> None:
    """A chosen encoding decodes text and data; None goes back to Content-Type's charset."""
    response = Response(
        200, headers={"Content-Type": "text/plain"}, content="café".encode("latin-1")
    )
    assert response.encoding == "utf-8"
    assert response.text == "caf\ufffd"
    response.encoding = "Latin-1"
    assert (response.encoding, response.text, response.data) == ("iso8859-1", "café", "café")
    response.encoding = None
    assert response.encoding == "utf-8"
    with pytest.raises(ValueError, match="unknown text encoding 'klingon'"):
        response.encoding = "klingon"


@pytest.mark.parametrize(
    ("header", "links"),
    [
        (
            '<https://a.test/2>; rel="next prev"',
            {"next": "https://a.test/2", "prev": "https://a.test/2"},
        ),
        (
            "<https://a.test/?a=1,2>; rel=next, <https://b.test/>",
            {"next": "https://a.test/?a=1,2", "https://b.test/": "https://b.test/"},
        ),
        ('garbage, <https://c.test/>; rel="x"; title="a, \\"b\\""', {"x": "https://c.test/"}),
        ("", {}),
    ],
)
def test_link_header_parsing(header: str, links: dict[str, str]) -> None:
    """Several rels, commas inside URLs or quoted titles, and junk before a link are handled."""
    response = Response(200, headers={"Link": header})
    assert {rel: link["url"] for rel, link in response.links.items()} == links


def test_quoted_link_parameters_are_unquoted() -> None:
    """A quoted parameter value loses its quotes and escapes."""
    response = Response(200, headers={"Link": '</x>; rel="a"; Title="say \\"hi\\", bye"'})
    assert response.links["a"] == {"url": "/x", "rel": "a", "title": 'say "hi", bye'}


class _Chunks:
    """A stream of two chunks, sync and async, as a transport hands it over."""

    def __iter__(self) -> Any:
        return iter([b'{"a": ', b"1}"])

    def close(self) -> None:
        """Nothing to release."""


@pytest.mark.parametrize("body", ["content", "stream"])
def test_response_from_trusted_is_the_response_the_constructor_builds(body: str) -> None:
    """A transport's shortcut builds the same object as Response(...): attributes and views."""
    request = Request("GET", "http://trusted.test/a?b=1")
    parts: dict[str, Any] = {"content": b'{"a": 1}'} if body == "content" else {"stream": _Chunks()}
    slow = Response(
        201,
        headers=Headers.from_trusted([("Content-Type", "application/json")]),
        request=request,
        http_version="HTTP/2",
        **parts,
    )
    fast = Response.from_trusted(
        201,
        Headers.from_trusted([("Content-Type", "application/json")]),
        request,
        http_version="HTTP/2",
        **parts,
    )
    assert type(fast) is Response
    assert vars(fast).keys() == vars(slow).keys()
    for name, value in vars(slow).items():
        if name != "history":  # each Response has a list of its own
            assert getattr(fast, name) is value or getattr(fast, name) == value, name
    assert fast.history == []
    assert fast.history is not slow.history
    assert fast.url == "http://trusted.test/a?b=1"
    assert fast.is_closed is (body == "content")
    fast.read()
    assert fast.json() == {"a": 1}
    assert fast.data == {"a": 1}
    assert fast.headers["content-type"] == "application/json"
    assert repr(fast) == "<Response [201 Created]>"


def test_response_from_trusted_keeps_a_subclass() -> None:
    """Called on a subclass, it builds that subclass."""

    class Mine(Response):
        pass

    request = Request("GET", "http://trusted.test/")
    built = Mine.from_trusted(200, Headers(), request, content=b"")
    assert type(built) is Mine
    assert built.ok
    assert built.text == ""
