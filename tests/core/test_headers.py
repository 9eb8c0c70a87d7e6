"""Headers: case-insensitive, spelling-keeping, multi-valued; and as they cross the wire."""

from __future__ import annotations

import pytest
from echo_server import EchoServer
from hypothesis import given, settings
from hypothesis import strategies as st

from axios_python import AxiosPython, ConfigError, Headers, RequestConfig

from ._support import Recorder, Sender

__all__: list[str] = []


def test_lookup_ignores_case_and_keeps_spelling() -> None:
    """Any case finds a field; iteration shows the name as it was set."""
    headers = Headers({"Content-Type": "application/json"})
    assert headers["content-type"] == "application/json"
    assert headers["CONTENT-TYPE"] == "application/json"
    assert "cOnTeNt-TyPe" in headers
    assert list(headers) == ["Content-Type"]


def test_set_replaces_every_value_of_that_name() -> None:
    """Assigning a name replaces all of its values, in any case."""
    headers = Headers([("Accept", "a"), ("accept", "b"), ("X-Other", "o")])
    headers["ACCEPT"] = "c"
    assert headers.multi_items() == [("ACCEPT", "c"), ("X-Other", "o")]


def test_delete_removes_every_value_and_missing_raises() -> None:
    """del removes every field of that name; deleting a missing one raises KeyError."""
    headers = Headers([("Set-Cookie", "a=1"), ("set-cookie", "b=2")])
    del headers["SET-COOKIE"]
    assert len(headers) == 0
    with pytest.raises(KeyError):
        del headers["Set-Cookie"]


def test_repeated_fields_join_on_lookup_and_stay_apart_in_lists() -> None:
    """A repeated field reads as 'a, b' but get_list and multi_items keep each value."""
    headers = Headers()
    headers.add("Vary", "Accept")
    headers.add("vary", "Origin")
    assert headers["Vary"] == "Accept, Origin"
    assert headers.get_list("VARY") == ["Accept", "Origin"]
    assert len(headers) == 1
    assert headers.get_list("missing") == []


def test_copy_is_independent() -> None:
    """Changing a copy never changes the original."""
    original = Headers({"X-A": "1"})
    copy = original.copy()
    copy["X-A"] = "2"
    copy["X-B"] = "3"
    assert original == {"X-A": "1"}


def test_equality_ignores_name_case() -> None:
    """Headers compare equal to headers or dicts with the same fields in another case."""
    assert Headers({"X-A": "1"}) == {"x-a": "1"}
    assert Headers({"X-A": "1"}) == Headers({"X-a": "1"})
    assert Headers({"X-A": "1"}) != {"X-A": "2"}


@pytest.mark.parametrize(
    ("name", "value", "error", "fragment"),
    [
        ("X-A", 1, TypeError, "header 'X-A' must be a str (got int: 1)"),
        ("X-A", "a\r\nInjected: 1", ValueError, "CR, LF or NUL"),
        ("Bad Name", "v", ValueError, "'Bad Name'"),
        ("", "v", ValueError, "non-empty"),
        ("X:Y", "v", ValueError, "'X:Y'"),
    ],
)
def test_invalid_fields_are_refused_with_the_bad_value(
    name: str, value: object, error: type[Exception], fragment: str
) -> None:
    """Bad names and values raise with a message quoting them."""
    with pytest.raises(error) as info:
        Headers({name: value})  # type: ignore[arg-type]
    assert fragment in str(info.value)


def test_update_from_overlays_by_name() -> None:
    """update_from replaces same-named fields (any case) and keeps the others."""
    headers = Headers([("Accept", "a"), ("X-Keep", "k")])
    headers.update_from({"accept": "b", "X-New": "n"})
    assert headers == {"Accept": "b", "X-Keep": "k", "X-New": "n"}


_names = st.sampled_from(
    [
        spelling
        for name in ("accept", "x-a", "x-b", "content-type")
        for spelling in (
            name,
            name.upper(),
            name.title(),
            "".join(c.upper() if i % 2 else c for i, c in enumerate(name)),
        )
    ]
)
_ops = st.lists(
    st.tuples(
        st.sampled_from(["set", "del", "add", "copy", "update"]),
        _names,
        st.text("abc", max_size=3),
    ),
    max_size=20,
)
_fields = st.lists(st.tuples(_names, st.text("abc", max_size=3)), max_size=4)


@settings(max_examples=300, deadline=None)
@given(start=_fields, trusted=st.booleans(), ops=_ops)
def test_headers_behave_like_a_lowercase_keyed_multidict(
    start: list[tuple[str, str]], trusted: bool, ops: list[tuple[str, str, str]]
) -> None:
    """Any sequence of edits gives the same fields as a model keyed by lower-case name.

    Starting from a transport's (trusted) list, whose lower-cased names are built
    on first lookup, must behave exactly like starting from validated input.
    """
    headers = Headers.from_trusted(list(start)) if trusted else Headers(start)
    model: list[tuple[str, str]] = [(k.lower(), v) for k, v in start]
    left_behind: list[tuple[Headers, list[tuple[str, str]]]] = []  # copied-from, as they were
    for op, name, value in ops:
        key = name.lower()
        if op == "copy":
            left_behind.append((headers, list(model)))
            headers = headers.copy()
        elif op == "update":
            headers.update_from({name: value})
            model = [(k, v) for k, v in model if k != key] + [(key, value)]
        elif op == "set":
            headers[name] = value
            first = next((i for i, (k, _) in enumerate(model) if k == key), None)
            if first is None:
                model.append((key, value))
            else:
                model = [
                    *model[:first],
                    (key, value),
                    *[(k, v) for k, v in model[first + 1 :] if k != key],
                ]
        elif op == "add":
            headers.add(name, value)
            model.append((key, value))
        elif any(k == key for k, _ in model):
            del headers[name]
            model = [(k, v) for k, v in model if k != key]
        else:
            with pytest.raises(KeyError):
                del headers[name]
    assert [(k.lower(), v) for k, v in headers.multi_items()] == model
    assert len(headers) == len({k for k, _ in model})
    for key in {k for k, _ in model}:
        assert headers[key.upper()] == ", ".join(v for k, v in model if k == key)
        assert headers.get_list(key.title()) == [v for k, v in model if k == key]
    for absent in {"accept", "x-a", "x-b", "content-type"} - {k for k, _ in model}:
        assert absent not in headers
        assert headers.get(absent) is None
    for original, original_model in left_behind:  # edits to a copy never reach the original
        assert [(k.lower(), v) for k, v in original.multi_items()] == original_model
        for name in ("accept", "x-a", "x-b", "content-type"):
            assert (name in original) == any(k == name for k, _ in original_model)


async def test_response_headers_are_case_insensitive(send: Sender, api: AxiosPython) -> None:
    """Response headers from the server can be read in any case; repeats stay apart."""
    response = await send(
        api,
        "GET",
        "/response-headers",
        params=[("X-Thing", "one"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")],
    )
    assert response.headers["x-thing"] == "one"
    assert response.headers["X-THING"] == "one"
    assert response.headers.get_list("set-cookie") == ["a=1", "b=2"]
    assert isinstance(response.headers, Headers)


async def test_request_headers_reach_the_server_as_spelt(
    send: Sender, api: AxiosPython, server: EchoServer
) -> None:
    """Headers given per request are sent with the caller's spelling."""
    await send(api, "GET", "/headers", headers={"X-Mixed-Case": "v"})
    names = [name for name, _ in server.requests[-1].headers]
    assert "X-Mixed-Case" in names


@pytest.mark.parametrize(("name", "value"), [("X-Name", "José"), ("X-Emoji", "😀"), ("Ñame", "v")])
async def test_non_ascii_header_is_a_config_error(
    name: str, value: str, send: Sender, api: AxiosPython, server: EchoServer
) -> None:
    """Non-ASCII header text is refused before sending, naming the header and the value."""
    with pytest.raises(ConfigError) as info:
        await send(api, "GET", "/headers", headers={name: value})
    assert repr(name) in str(info.value)
    assert repr(value) in str(info.value) or value == "v"
    assert "ASCII" in str(info.value)
    assert server.requests == []


async def test_non_ascii_header_added_by_interceptor_is_refused(
    send: Sender, api: AxiosPython
) -> None:
    """The check also covers headers that interceptors add after config validation."""

    def add(config: RequestConfig) -> RequestConfig:
        config["headers"]["X-User"] = "Zoë"
        return config

    api.interceptors.request.use(add)
    with pytest.raises(ConfigError, match="'X-User' must be ASCII text"):
        await send(api, "GET", "/headers")


def test_repr_hides_credential_values() -> None:
    """repr() of Headers masks Authorization, Cookie and friends but shows other values."""
    headers = Headers({"Authorization": "Bearer s3cret", "Cookie": "sid=abc", "Accept": "x/y"})
    text = repr(headers)
    assert "s3cret" not in text
    assert "sid=abc" not in text
    assert "x/y" in text


def test_none_values_remove_headers() -> None:
    """None means "no such header": left out when building, a delete when set or overlaid."""
    headers = Headers({"Accept": "a/b", "User-Agent": None, "X-A": "1"})
    assert headers.multi_items() == [("Accept", "a/b"), ("X-A", "1")]
    headers["accept"] = None
    headers["Not-There"] = None  # removing an absent header is not an error
    assert headers.multi_items() == [("X-A", "1")]
    headers.update_from([("x-a", None), ("X-B", "2")])
    assert headers.multi_items() == [("X-B", "2")]
    headers.update_from({"X-B": None})
    assert headers.multi_items() == []


def test_a_none_header_layer_removes_a_default(recorder: Recorder) -> None:
    """None in create() or per request removes that header, other defaults stay."""
    api = AxiosPython(
        {"base_url": "https://x.test", "headers": {"accept": None}}, transport=recorder
    )
    api.get("/")
    assert "accept" not in recorder.last.headers
    assert recorder.last.headers["User-Agent"].startswith("axios-python/")
    api.get("/", headers=[("User-Agent", None), ("Accept-Encoding", None), ("X-Kept", "1")])
    assert [name for name, _ in recorder.last.headers.multi_items()] == ["X-Kept"]


_TOKEN_CHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


@settings(max_examples=300, deadline=None)
@given(name=st.text(max_size=12))
def test_a_name_is_accepted_exactly_when_it_is_a_token(name: str) -> None:
    """Headers accepts a name iff it is a non-empty RFC 9110 token; otherwise ConfigError."""
    is_token = bool(name) and all(char in _TOKEN_CHARS for char in name)
    if is_token:
        assert Headers({name: "v"})[name] == "v"
    else:
        with pytest.raises(ConfigError, match="non-empty HTTP token"):
            Headers({name: "v"})


@settings(max_examples=300, deadline=None)
@given(value=st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=12))
def test_a_value_is_accepted_unless_it_holds_a_control_character(value: str) -> None:
    """Any control character but tab is a ConfigError; an accepted value is trimmed of SP/HT."""
    controls = [char for char in value if (ord(char) < 0x20 and char != "\t") or char == "\x7f"]
    headers = Headers()
    if controls:
        with pytest.raises(ConfigError, match="'X-V' must not contain control characters"):
            headers["X-V"] = value
        return
    headers["X-V"] = value
    headers.add("X-W", value)
    assert headers["X-V"] == headers["X-W"] == value.strip(" \t")


def test_default_sensitive_headers_are_what_repr_masks() -> None:
    """One list: every default sensitive header (and Set-Cookie) is masked by repr(Headers)."""
    from axios_python._config import DEFAULT_SENSITIVE_HEADERS

    assert {"x-api-key", "api-key", "x-auth-token", "x-access-token"} <= DEFAULT_SENSITIVE_HEADERS
    names = [*DEFAULT_SENSITIVE_HEADERS, "set-cookie"]
    headers = Headers({name: f"secret-{name}" for name in names})
    assert "secret-" not in repr(headers)


def test_from_trusted_with_lower_cased_names_answers_every_lookup() -> None:
    """A transport's lower-cased name list (hyper's) stands in for the index, in step."""
    items = [("content-type", "text/plain"), ("set-cookie", "a=1"), ("set-cookie", "b=2")]
    headers = Headers.from_trusted(items, [name for name, _ in items])
    assert headers["Content-Type"] == "text/plain"
    assert "SET-COOKIE" in headers
    assert headers.get_list("Set-Cookie") == ["a=1", "b=2"]
    assert headers.has_any(frozenset({"set-cookie"}))
    copy = headers.copy()
    copy["Content-Type"] = "application/json"
    copy.add("Via", "1.1 proxy")
    assert copy["content-type"] == "application/json"
    assert copy["via"] == "1.1 proxy"
    assert headers["content-type"] == "text/plain"
    assert "via" not in headers
    del headers["set-cookie"]
    assert headers.multi_items() == [("content-type", "text/plain")]
