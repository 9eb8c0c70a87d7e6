"""Params serialisers and body semantics: what reaches the server, on every transport and side."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

import pytest

from axios_python import ConfigError

from ._support import Client

NESTED = {"a": [1, 2], "f": {"b": "x y", "c": [True, None, 3]}, "n": None}


@pytest.mark.parametrize(
    ("style", "query"),
    [
        ("repeat", "a=1&a=2&f[b]=x%20y&f[c]=true&f[c]=3"),
        ("brackets", "a[]=1&a[]=2&f[b]=x%20y&f[c][]=true&f[c][]=3"),
        ("indices", "a[0]=1&a[1]=2&f[b]=x%20y&f[c][0]=true&f[c][1]=3"),
        ("comma", "a=1,2&f[b]=x%20y&f[c]=true,3"),
    ],
)
async def test_named_styles_reach_the_server_as_written(
    client: Client, style: str, query: str
) -> None:
    """Each named style puts exactly its query string on the wire, brackets percent-encoded."""
    response = await client.get("/get", params=NESTED, params_serializer=style)
    sent = client.server.requests[-1].query
    assert sent == query.replace("[", "%5B").replace("]", "%5D")
    assert response.url.endswith("/get?" + sent)


async def test_indices_and_brackets_nest_lists_of_mappings(client: Client) -> None:
    """A list of mappings has an unambiguous form only with indices (and brackets)."""
    params = {"items": [{"id": 1, "tag": ["x"]}, {"id": 2}]}
    await client.get("/get", params=params, params_serializer="indices")
    await client.get("/get", params=params, params_serializer="brackets")
    assert [unquote(r.query) for r in client.server.requests] == [
        "items[0][id]=1&items[0][tag][0]=x&items[1][id]=2",
        "items[][id]=1&items[][tag][]=x&items[][id]=2",
    ]


@pytest.mark.parametrize("style", [None, "repeat", "comma"])
async def test_ambiguous_nesting_is_a_config_error(client: Client, style: str | None) -> None:
    """Nested values the chosen style cannot write raise ConfigError; nothing is sent."""
    params: dict[str, Any] = {"f": {"b": 1}} if style is None else {"items": [{"id": 1}]}
    with pytest.raises(ConfigError, match="nested dict") as info:
        await client.get("/get", params=params, params_serializer=style)
    assert "params_serializer" in str(info.value)
    assert client.server.requests == []


@pytest.mark.parametrize(
    "value", [object(), {1, 2}, frozenset(), [[1, 2]], (x for x in "ab")], ids=repr
)
async def test_values_without_a_text_form_never_reach_the_wire(
    client: Client, value: object
) -> None:
    """A Python repr is never sent: such values raise ConfigError by default."""
    with pytest.raises(ConfigError, match="'params' value for 'v'"):
        await client.get("/get", params={"v": value})
    assert client.server.requests == []


async def test_a_callable_serializer_writes_the_query(client: Client) -> None:
    """params_serializer=callable gets the params and returns the query string to send."""

    def as_json(params: dict[str, Any]) -> str:
        return "q=" + json.dumps(params, separators=(",", ":")).replace('"', "%22")

    await client.get("/get", params={"a": [1, {"b": 2}]}, params_serializer=as_json)
    assert unquote(client.server.requests[-1].query) == 'q={"a":[1,{"b":2}]}'
    with pytest.raises(ConfigError, match="must return a str"):
        await client.get("/get", params={"a": 1}, params_serializer=lambda params: 5)


@pytest.mark.parametrize("query", ["a=1\r\nX-Injected: y", "a=1\x00", "a=\t1", "a=1\x7f"])
async def test_a_serializer_returning_control_characters_is_refused(
    client: Client, query: str
) -> None:
    """Its text is sent as written, so it is checked like a params string: no CR, LF, NUL...

    (Transports disagreed: one refused, one percent-encoded, two dropped the characters
    and sent another query.)
    """
    with pytest.raises(ConfigError, match="control characters"):
        await client.get("/get", params={"a": 1}, params_serializer=lambda params: query)
    assert client.server.requests == []


async def test_non_ascii_a_serializer_returns_is_sent_as_utf8_percent_escapes(
    client: Client,
) -> None:
    """In the query (as every transport does) and in a form body alike: José is Jos%C3%A9."""
    response = await client.post(
        "/post", params={"a": 1}, data={"b": 2}, params_serializer=lambda fields: "name=José"
    )
    sent = client.server.requests[-1]
    assert (sent.query, sent.body) == ("name=Jos%C3%A9", b"name=Jos%C3%A9")
    assert response.data["form"] == {"name": "José"}


async def test_a_form_body_uses_the_serializer_too(client: Client) -> None:
    """Nested form data needs a serializer like params do; with one it is sent encoded."""
    form = {"user": {"name": "Ada", "langs": ["en", "fr"]}}
    with pytest.raises(ConfigError, match="'data' value for 'user' is a nested dict"):
        await client.post("/post", data=form)
    response = await client.post("/post", data=form, params_serializer="brackets")
    body = unquote(client.server.requests[-1].body.decode())
    assert body == "user[name]=Ada&user[langs][]=en&user[langs][]=fr"
    assert response.data["headers"]["Content-Type"] == "application/x-www-form-urlencoded"


@pytest.mark.parametrize("content_type", ["application/json", "application/vnd.api+json; x=1"])
@pytest.mark.parametrize(
    "data", [{"a": [1, {"b": None}]}, [{"id": 1}, {"id": 2}]], ids=["map", "list"]
)
async def test_data_with_a_json_content_type_is_sent_as_json(
    client: Client, content_type: str, data: Any
) -> None:
    """A mapping or list in data= under a JSON Content-Type you set goes as JSON, not a form."""
    response = await client.post("/post", data=data, headers={"Content-Type": content_type})
    assert response.data["json"] == data
    assert response.data["headers"]["Content-Type"] == content_type


@pytest.mark.parametrize(
    "data", [[{"id": 1}], [1, 2], ({"a": 1}, "b")], ids=["dicts", "ints", "mixed"]
)
async def test_data_that_is_no_body_is_refused_before_sending(client: Client, data: Any) -> None:
    """A list that is not pairs, bytes chunks or JSON-labelled: ConfigError, not a crash."""
    with pytest.raises(ConfigError, match=r"'data' is a .* which is not a body: pass json="):
        await client.post("/post", data=data)
    assert client.server.requests == []


async def test_a_list_of_byte_chunks_is_still_streamed(client: Client) -> None:
    """A list of bytes stays a body sent chunk by chunk."""
    response = await client.post("/post", data=[b"ab", bytearray(b"cd"), memoryview(b"ef")])
    assert response.data["body"] == "abcdef"


async def test_multipart_fields(client: Client) -> None:
    """A None field is an empty value, booleans are true/false, lists repeat the field."""
    response = await client.post(
        "/post",
        data={"empty": None, "flag": True, "n": 3, "tags": ["a", None]},
        files={"f": ("f.txt", b"x")},
    )
    body = client.server.requests[-1].body
    assert response.data["form"] == {"empty": "", "flag": "true", "n": "3", "tags": ""}
    assert body.count(b'name="tags"') == 2
    with pytest.raises(ConfigError, match="'data' value for 'meta' is a nested dict"):
        await client.post("/post", data={"meta": {"a": 1}}, files={"f": b"x"})
