"""Request bodies: json, form data (mapping or pairs), text, bytes-like and streamed bodies."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from echo_server import EchoServer

from axios_python import AxiosPython, ConfigError

from ._support import Sender

__all__: list[str] = []


async def test_json_is_compact_utf8_with_content_type(send: Sender, api: AxiosPython) -> None:
    """json= is sent as compact UTF-8 JSON (non-ASCII kept) with Content-Type: application/json."""
    response = await send(api, "POST", "/post", json={"name": "José", "n": [1, 2]})
    assert response.data["body"] == '{"name":"José","n":[1,2]}'
    assert response.data["headers"]["Content-Type"] == "application/json"


@pytest.mark.parametrize("value", [False, 0, "", [], {}])
async def test_falsy_json_is_still_sent(value: Any, send: Sender, api: AxiosPython) -> None:
    """json=False, 0, '', [] and {} are real bodies, not "no body"."""
    response = await send(api, "POST", "/post", json=value)
    assert response.data["json"] == value


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ({"x": float("nan")}, "not JSON compliant"),
        ({"x": float("inf")}, "not JSON compliant"),
        ({"x": {1, 2}}, "set is not JSON serializable"),
    ],
)
def test_unencodable_json_is_a_config_error(value: Any, fragment: str, api: AxiosPython) -> None:
    """NaN, infinities and non-JSON types are refused instead of sending invalid JSON."""
    with pytest.raises(ConfigError, match=fragment):
        api.post("/post", json=value)


async def test_form_mapping(send: Sender, api: AxiosPython) -> None:
    """A data mapping is sent urlencoded; list values repeat the field."""
    response = await send(api, "POST", "/post", data={"a": "1 2", "tag": ["x", "y"]})
    assert response.data["body"] == "a=1%202&tag=x&tag=y"
    assert response.data["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    assert response.data["form"] == {"a": "1 2", "tag": "y"}


async def test_form_pairs_keep_order_and_repeats(send: Sender, api: AxiosPython) -> None:
    """data as (name, value) pairs is a form too, in order, with repeated names."""
    response = await send(api, "POST", "/post", data=[("b", "2"), ("a", "1"), ("b", "3")])
    assert response.data["body"] == "b=2&a=1&b=3"
    assert response.data["headers"]["Content-Type"] == "application/x-www-form-urlencoded"


async def test_form_pairs_with_files(send: Sender, api: AxiosPython) -> None:
    """Pairs given with files= become multipart fields."""
    response = await send(
        api, "POST", "/post", data=[("title", "Q3"), ("n", "1")], files={"f": ("f.txt", b"x")}
    )
    assert response.data["form"] == {"title": "Q3", "n": "1"}
    assert response.data["files"]["f"]["content"] == "x"


async def test_text_body(send: Sender, api: AxiosPython) -> None:
    """A str body is sent as UTF-8 text/plain."""
    response = await send(api, "POST", "/post", data="héllo")
    assert response.data["body"] == "héllo"
    assert response.data["headers"]["Content-Type"] == "text/plain; charset=utf-8"


@pytest.mark.parametrize("body", [b"raw\x00bytes", bytearray(b"raw\x00bytes")])
async def test_bytes_like_body(body: bytes, send: Sender, api: AxiosPython) -> None:
    """bytes and bytearray bodies are sent as they are, without a guessed Content-Type."""
    response = await send(api, "POST", "/post", data=body)
    assert response.data["body"] == "raw\x00bytes"
    assert "Content-Type" not in response.data["headers"]


async def test_memoryview_body(send: Sender, api: AxiosPython) -> None:
    """A memoryview body is sent as its bytes."""
    response = await send(api, "POST", "/post", data=memoryview(b"view"))
    assert response.data["body"] == "view"


async def test_explicit_content_type_wins(send: Sender, api: AxiosPython) -> None:
    """A Content-Type the caller sets is not replaced by the guessed one."""
    response = await send(
        api, "POST", "/post", json={"a": 1}, headers={"content-type": "application/vnd.x+json"}
    )
    assert response.data["headers"]["content-type"] == "application/vnd.x+json"
    assert "Content-Type" not in response.data["headers"]


async def test_generator_body_is_streamed(
    send: Sender, api: AxiosPython, server: EchoServer
) -> None:
    """An iterable of bytes is sent chunked, without being joined first."""

    def chunks() -> Iterator[bytes]:
        yield b"part1-"
        yield b"part2"

    response = await send(api, "POST", "/post", data=chunks())
    assert response.data["body"] == "part1-part2"
    assert server.requests[-1].header("Transfer-Encoding") == "chunked"


async def test_async_generator_body(api: AxiosPython) -> None:
    """An async iterable of bytes is streamed by the async methods."""

    async def chunks() -> AsyncIterator[bytes]:
        yield b"a"
        yield b"b"

    response = await api.async_post("/post", data=chunks())
    assert response.data["body"] == "ab"


def test_body_of_unsupported_type_is_refused(api: AxiosPython) -> None:
    """data of an unsupported type is a ConfigError that quotes it."""
    with pytest.raises(ConfigError, match=r"'data' must be .*\(got int: 42\)"):
        api.post("/post", data=42)
