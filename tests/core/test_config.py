"""Config: layering (library < instance < request), validation messages, timeouts, merging."""

from __future__ import annotations

import builtins
import time
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from echo_server import EchoServer
from hypothesis import given, settings
from hypothesis import strategies as st

import axios_python
from axios_python import AxiosPython, ConfigError, Timeout
from axios_python._decoding import accept_encoding

from ._support import Factory, Recorder, Sender

USER_AGENT = f"axios-python/{axios_python.__version__}"
DEFAULT_ACCEPT = "application/json, text/plain, */*"

__all__: list[str] = []


# --- precedence ----------------------------------------------------------------------


def test_library_default_timeout_is_30_seconds(recorder: Recorder) -> None:
    """With no timeout configured every part of the request timeout is 30 s."""
    api = AxiosPython({"base_url": "https://x.test"}, transport=recorder)
    api.get("/")
    assert recorder.last.timeout == Timeout(30.0, 30.0, 30.0, 30.0)


def test_instance_overrides_library_and_request_overrides_instance(recorder: Recorder) -> None:
    """Per-request keywords beat instance defaults, which beat library defaults."""
    api = AxiosPython(
        {"base_url": "https://x.test", "timeout": 15, "headers": {"X-A": "instance", "X-B": "i"}},
        transport=recorder,
    )
    api.get("/one")
    assert recorder.last.timeout == Timeout(15, 15, 15, 15)
    api.get("/two", timeout=5, headers={"x-a": "request"})
    assert recorder.last.timeout == Timeout(5, 5, 5, 5)
    assert recorder.last.headers["X-A"] == "request"
    assert recorder.last.headers["X-B"] == "i"
    assert recorder.last.headers.get_list("x-a") == ["request"]
    api.get("/three")
    assert recorder.last.headers["X-A"] == "instance"
    assert recorder.last.timeout == Timeout(15, 15, 15, 15)


def test_request_can_override_base_url(recorder: Recorder) -> None:
    """base_url given per request replaces the instance's for that request only."""
    api = AxiosPython({"base_url": "https://one.test/v1"}, transport=recorder)
    api.get("/a", base_url="https://two.test/v2")
    assert recorder.last.url == "https://two.test/v2/a"
    api.get("/a")
    assert recorder.last.url == "https://one.test/v1/a"


def test_params_merge_by_key(recorder: Recorder) -> None:
    """Instance params and request params merge, the request winning per key."""
    api = AxiosPython(
        {"base_url": "https://x.test", "params": {"a": "1", "b": "2"}}, transport=recorder
    )
    api.get("/", params={"b": "3", "c": "4"})
    assert dict(parse_qsl(urlsplit(recorder.last.url).query)) == {"a": "1", "b": "3", "c": "4"}


def test_params_pairs_merge_with_instance_params(recorder: Recorder) -> None:
    """Request params given as pairs replace same-named instance params and keep the rest."""
    api = AxiosPython(
        {"base_url": "https://x.test", "params": {"a": "1", "b": "2"}}, transport=recorder
    )
    api.get("/", params=[("b", "x"), ("b", "y"), ("c", "3")])
    assert recorder.last.url == "https://x.test/?a=1&b=x&b=y&c=3"


def test_query_string_params_replace_instance_params(recorder: Recorder) -> None:
    """A params query string is used as given, in place of the instance params."""
    api = AxiosPython({"base_url": "https://x.test", "params": {"a": "1"}}, transport=recorder)
    api.get("/", params="raw=%2F")
    assert recorder.last.url == "https://x.test/?raw=%2F"


def test_reserved_keys_are_accepted(recorder: Recorder) -> None:
    """Keys of later features (retries, cancellation, plugins) are valid config keys."""
    api = AxiosPython(
        {
            "base_url": "https://x.test",
            "max_retries": 0,
            "retry_strategy": None,
            "cancel_token": None,
            "plugins": {},
        },
        transport=recorder,
    )
    assert api.get("/").status_code == 200


# --- unknown keys --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wrong", "right"),
    [
        ("timout", "timeout"),
        ("baseURL", "base_url"),
        ("header", "headers"),
        ("follow_redirect", "follow_redirects"),
        ("validateStatus", "validate_status"),
    ],
)
def test_unknown_key_names_it_and_suggests_the_nearest(wrong: str, right: str) -> None:
    """An unknown key raises ConfigError quoting it and suggesting the closest valid key."""
    with pytest.raises(ConfigError) as info:
        axios_python.create({wrong: 1})  # type: ignore[misc]
    message = str(info.value)
    assert repr(wrong) in message
    assert f"did you mean {right!r}" in message


def test_unknown_request_keyword_is_refused_before_sending(recorder: Recorder) -> None:
    """A misspelt per-request keyword raises ConfigError and sends nothing."""
    api = AxiosPython({"base_url": "https://x.test"}, transport=recorder)
    with pytest.raises(ConfigError, match=r"'timout'.*'timeout'"):
        api.get("/", timout=1)  # type: ignore[call-arg]
    assert recorder.requests == []


async def test_unknown_key_on_async_path(recorder: Recorder) -> None:
    """The async methods validate keywords the same way."""
    api = AxiosPython({"base_url": "https://x.test"}, transport=recorder)
    with pytest.raises(ConfigError, match=r"'paramz'.*'params'"):
        await api.async_get("/", paramz={})  # type: ignore[call-arg]


def test_config_error_is_a_value_error() -> None:
    """ConfigError is an AxiosPythonError and a ValueError."""
    with pytest.raises(ValueError):
        axios_python.create({"nope": 1})  # type: ignore[typeddict-unknown-key]
    assert issubclass(ConfigError, axios_python.AxiosPythonError)


# --- wrong types ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("timeout", "fast", "number of seconds"),
        ("timeout", -1, "positive"),
        ("timeout", True, "bool"),
        ("stream", "yes", "a bool"),
        ("follow_redirects", 1, "a bool"),
        ("base_url", 42, "a str"),
        ("max_redirects", -3, "non-negative int"),
        ("validate_status", 200, "callable"),
        ("transform_response", "upper", "callable"),
        ("params", 3.5, "mapping"),
        ("sensitive_headers", "authorization", "collection of strings"),
        ("trusted_origins", ["not an origin"], "origins like"),
        ("max_retries", "3", "non-negative int"),
        ("plugins", ["cache"], "map plugin names"),
    ],
)
def test_wrong_type_names_key_value_and_expectation(key: str, value: Any, expected: str) -> None:
    """A bad value raises ConfigError naming the key, the value and the rule it broke."""
    with pytest.raises(ConfigError) as info:
        axios_python.create({key: value})  # type: ignore[misc]
    message = str(info.value)
    assert repr(key) in message
    # a list value may be reported by its offending entry
    shown = (
        [repr(value), *(repr(item) for item in value)] if isinstance(value, list) else [repr(value)]
    )
    assert any(text in message for text in shown)
    assert expected in message


def test_header_value_of_wrong_type_is_named() -> None:
    """A non-str header value is refused with the header name and the value."""
    with pytest.raises(ConfigError, match=r"'headers'.*'X-Count'.*int: 1"):
        axios_python.create({"headers": {"X-Count": 1}})  # type: ignore[typeddict-item]


def test_header_value_with_newline_is_refused() -> None:
    """A header value with CR/LF (header injection) is a ConfigError."""
    with pytest.raises(ConfigError, match="CR, LF"):
        axios_python.create({"headers": {"X-A": "1\r\nX-Injected: 2"}})


def test_relative_base_url_is_refused() -> None:
    """base_url must be absolute; the message shows the bad value and an example."""
    with pytest.raises(ConfigError, match=r"absolute.*'api\.example\.com/v1'"):
        axios_python.create({"base_url": "api.example.com/v1"})


def test_json_and_data_together_are_refused(recorder: Recorder) -> None:
    """Passing both json and data is ambiguous and refused."""
    api = AxiosPython({"base_url": "https://x.test"}, transport=recorder)
    with pytest.raises(ConfigError, match="either 'json' or 'data'"):
        api.post("/", json={"a": 1}, data="b")


# --- timeouts ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (5, Timeout(5, 5, 5, 5)),
        (2.5, Timeout(2.5, 2.5, 2.5, 2.5)),
        (None, Timeout(None, None, None, None)),
        ({"connect": 1, "read": 10}, Timeout(1, 10, 30, 30)),
        ({"read": None}, Timeout(30, None, 30, 30)),
        ({"connect": 1, "read": 2, "write": 3, "pool": 4}, Timeout(1, 2, 3, 4)),
        (Timeout(1, read=9), Timeout(1, 9, None, None)),
    ],
)
def test_timeout_forms(value: Any, expected: Timeout, recorder: Recorder) -> None:
    """A timeout is a number, None, a mapping of parts or a Timeout; transports get a Timeout."""
    api = AxiosPython({"base_url": "https://x.test", "timeout": value}, transport=recorder)
    api.get("/")
    assert recorder.last.timeout == expected


def test_timeout_unknown_part_is_named() -> None:
    """A timeout mapping with an unknown part names it and lists the valid parts."""
    with pytest.raises(ConfigError, match=r"connect, read, write, pool.*'reed'"):
        axios_python.create({"timeout": {"reed": 1}})


async def test_read_timeout_against_a_slow_server(
    send: Sender, server: EchoServer, make: Factory
) -> None:
    """A server slower than the read timeout raises axios_python.TimeoutError quickly."""
    api = make({"base_url": server.url, "timeout": 0.2})
    started = time.monotonic()
    with pytest.raises(axios_python.TimeoutError) as info:
        await send(api, "GET", "/delay/3")
    assert time.monotonic() - started < 2.5
    assert isinstance(info.value, builtins.TimeoutError)
    assert info.value.request is not None
    assert info.value.request.url == f"{server.url}/delay/3"


async def test_per_request_read_part_overrides_instance(
    send: Sender, server: EchoServer, make: Factory
) -> None:
    """A per-request {'read': ...} timeout applies to that request only."""
    api = make({"base_url": server.url, "timeout": 10})
    with pytest.raises(axios_python.TimeoutError):
        await send(api, "GET", "/delay/3", timeout={"connect": 5, "read": 0.2})
    assert (await send(api, "GET", "/delay/0.05")).status_code == 200


# --- merging properties --------------------------------------------------------------

_NAMES = st.sampled_from(["accept", "x-app", "x-trace-id", "authorization", "x-a", "x-b"])
_VALUES = st.text(alphabet="abcXYZ0189-_=; /", min_size=0, max_size=8)


@st.composite
def _header_dicts(draw: st.DrawFn) -> dict[str, str]:
    """Header dicts with distinct names, each spelt in a random letter case."""
    names = draw(st.lists(_NAMES, unique=True, max_size=4))
    result: dict[str, str] = {}
    for name in names:
        flips = draw(st.lists(st.booleans(), min_size=len(name), max_size=len(name)))
        spelt = "".join(c.upper() if flip else c for c, flip in zip(name, flips, strict=True))
        result[spelt] = draw(_VALUES)
    return result


@settings(max_examples=150, deadline=None)
@given(instance=_header_dicts(), request=_header_dicts())
def test_headers_overlay_case_insensitively(
    instance: dict[str, str], request: dict[str, str]
) -> None:
    """Request headers replace instance headers of the same name in any case; others stay.

    Values arrive trimmed of surrounding spaces, as every header value is.
    """
    recorder = Recorder()
    api = AxiosPython({"base_url": "https://x.test", "headers": instance}, transport=recorder)
    api.get("/", headers=request)
    expected = {  # the library defaults
        "accept": DEFAULT_ACCEPT,
        "user-agent": USER_AGENT,
        "accept-encoding": accept_encoding(),
    }
    expected.update({k.lower(): v.strip(" ") for k, v in instance.items()})
    expected.update({k.lower(): v.strip(" ") for k, v in request.items()})
    sent = recorder.last.headers
    assert {k.lower(): v for k, v in sent.multi_items()} == expected
    assert len(sent.multi_items()) == len(expected)
    for name, value in request.items():
        assert sent[name.swapcase()] == value.strip(" ")


_PARAMS = st.dictionaries(
    st.sampled_from(["page", "q", "sort", "a", "b", "limit"]),
    st.text(alphabet="abc xyz&=?/%+é", max_size=6),
    max_size=4,
)


@settings(max_examples=150, deadline=None)
@given(instance=_PARAMS, request=_PARAMS, as_pairs=st.booleans())
def test_params_merge_property(
    instance: dict[str, str], request: dict[str, str], as_pairs: bool
) -> None:
    """The final query holds instance params overlaid by request params, values round-tripping."""
    recorder = Recorder()
    api = AxiosPython({"base_url": "https://x.test/v1", "params": instance}, transport=recorder)
    api.get("/items", params=list(request.items()) if as_pairs else request)
    query = urlsplit(recorder.last.url).query
    assert dict(parse_qsl(query, keep_blank_values=True)) == {**instance, **request}
    again = api.get("/items")
    assert again.request is not None
    sent_again = dict(parse_qsl(urlsplit(again.request.url).query, keep_blank_values=True))
    assert sent_again == instance
