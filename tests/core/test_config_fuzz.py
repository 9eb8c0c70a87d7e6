"""Config fuzzing: whatever create() and a request are given, only a clear error comes out.

Every key of the config registry (``_config.VALID_KEYS``) is fuzzed, so a key
added later is covered without editing this file: it gets the generic values,
and keys listed in ``_PLAUSIBLE`` also get values close to valid ones, where the
bugs hide. A request either succeeds (on a transport that answers at once) or
raises ConfigError, TypeError or ValueError with a message; nothing else may
escape (no AttributeError, IndexError, OverflowError, RecursionError...).
"""

from __future__ import annotations

import asyncio
import importlib.util
import math
import warnings
from collections.abc import AsyncIterable, Iterable, Mapping
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from axios_python import (
    AxiosPython,
    BaseTransport,
    CancelToken,
    ExponentialBackoff,
    Headers,
    PluginError,
    Request,
    Response,
    Timeout,
)
from axios_python._config import VALID_KEYS

__all__: list[str] = []

ALLOWED = (TypeError, ValueError)  # ConfigError is a ValueError; PluginOptionsError a TypeError


class Answering(BaseTransport):
    """Answers 200 at once, after reading the whole request body (so encoders run)."""

    def send(self, request: Request) -> Response:
        content = request.content
        if isinstance(content, Iterable) and not isinstance(content, (bytes, str)):
            for _ in content:
                pass
        return Response(200, content=b'{"ok": true}', request=request)

    async def send_async(self, request: Request) -> Response:
        content = request.content
        if isinstance(content, AsyncIterable):
            async for _ in content:
                pass
            return Response(200, content=b'{"ok": true}', request=request)
        return self.send(request)


def _identity(value: Any, headers: Headers) -> Any:
    return value


_objects = st.sampled_from(
    [
        object(),
        _identity,
        len,
        CancelToken(),
        ExponentialBackoff(base=0.0),
        Timeout(1.0),
        Headers({"X-A": "1"}),
        Ellipsis,
        NotImplemented,
        b"\x00\xff",
        bytearray(b"ab"),
        math.inf,
        -math.inf,
        math.nan,
        10**30,
        -(10**30),
        1e300,
    ]
)
_text = st.text(
    alphabet=st.sampled_from(list("aZ09 -_./:?#&=%@\\\t\r\n\x00\x1b\x7féü€😀[]{}()\"'")),
    max_size=16,
)
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    _text,
    st.binary(max_size=8),
    _objects,
)
_any: st.SearchStrategy[Any] = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(st.one_of(_text, st.integers(0, 3)), inner, max_size=3),
        st.frozensets(st.one_of(_text, st.integers(0, 3)), max_size=3),
    ),
    max_leaves=8,
)

_tuples = st.lists(_any, min_size=0, max_size=5).map(tuple)
_deep = st.integers(min_value=500, max_value=5000).map(lambda n: _nest(n))


class _Deep(list):  # type: ignore[type-arg]
    """A list nested ``depth`` levels, with a short repr (failures print their examples)."""

    def __init__(self, depth: int) -> None:
        inner: Any = []
        for _ in range(depth - 1):
            inner = [inner]
        super().__init__([inner])
        self.depth = depth

    def __repr__(self) -> str:
        return f"<list nested {self.depth} deep>"


def _nest(depth: int) -> Any:
    return _Deep(depth)


# Values near the valid ones for the keys we know; any other key gets _any only.
_PLAUSIBLE: dict[str, st.SearchStrategy[Any]] = {
    "method": st.one_of(st.sampled_from(["GET", "post", "M-SEARCH", "", "G ET", "GET\r\n"]), _text),
    "url": st.one_of(st.sampled_from(["/x", "https://h.test/a", "//evil", "..//e"]), _text),
    "base_url": st.one_of(st.sampled_from(["https://h.test/v1", "http://h.test:99999"]), _text),
    "headers": st.one_of(
        st.dictionaries(_text, st.one_of(_text, st.none(), st.integers()), max_size=3),
        st.lists(_tuples, max_size=3),
    ),
    "params": st.one_of(
        _text,
        st.dictionaries(_text, st.one_of(_any, _deep), max_size=3),
        st.lists(_tuples, max_size=3),
    ),
    "timeout": st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.dictionaries(
            st.sampled_from(["connect", "read", "write", "pool", "total", "bogus"]),
            st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)),
            max_size=3,
        ),
    ),
    "json": st.one_of(_any, _deep),
    "data": st.one_of(
        _text, st.binary(), st.dictionaries(_text, _any, max_size=3), st.lists(_any, max_size=3)
    ),
    "files": st.one_of(
        st.dictionaries(_text, st.one_of(_tuples, _text, st.binary(max_size=4)), max_size=2),
        st.lists(_tuples, max_size=2),
    ),
    "max_redirects": st.integers(-5, 10**20),
    "max_retries": st.integers(-5, 10**20),
    "retry_deadline": st.floats(allow_nan=True, allow_infinity=True),
    "sensitive_headers": st.lists(_text, max_size=3),
    "trusted_origins": st.lists(st.one_of(_text, st.just("https://ok.test:8443")), max_size=2),
    "auth": st.one_of(
        st.tuples(_text, _text), st.dictionaries(st.sampled_from(["username", "password"]), _text)
    ),
    "cookies": st.dictionaries(_text, _text, max_size=3),
    "max_content_length": st.integers(-5, 10**20),
    "max_body_length": st.integers(-5, 10**20),
}

# Never sent through the pipeline: they would make the request wait or fail on purpose.
_PER_REQUEST_SAFE = {"cancel_token", "plugins"}


def _values(key: str) -> st.SearchStrategy[Any]:
    plausible = _PLAUSIBLE.get(key)
    return _any if plausible is None else st.one_of(_any, plausible)


@st.composite
def _configs(draw: st.DrawFn, exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
    keys = draw(st.lists(st.sampled_from(sorted(VALID_KEYS - exclude)), max_size=5, unique=True))
    return {key: draw(_values(key)) for key in keys}


def _call(action: Any) -> None:
    """Run ``action``; only ConfigError/TypeError/ValueError (with a message) may escape.

    A PluginError is accepted too: "plugins" may name a plugin that is not installed.
    """
    error: BaseException | None = None
    try:
        action()
    except (*ALLOWED, PluginError) as exc:
        error = exc
    if error is not None:
        assert str(error), f"{type(error).__name__} without a message"


def test_the_fuzzer_sees_every_registered_key() -> None:
    """Keys come from the registry; the plausible ones are real keys (a rename is noticed)."""
    assert set(_PLAUSIBLE) <= VALID_KEYS
    assert {"url", "headers", "timeout"} <= VALID_KEYS


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(config=st.one_of(_configs(), _any))
@example(config=[("base_url", "https://h.test")])
@example(config={"timeout": math.inf})
@example(config={"timeout": 1e10})
@example(config={"retry_deadline": math.inf})
@example(config={"files": {0: None}})
def test_create_raises_only_clear_errors(config: Any) -> None:
    """create() with any config (a non-mapping too) works or raises a clear error."""

    def action() -> None:
        api = AxiosPython(config, transport=Answering())
        api.get("https://h.test/x")

    _call(action)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    method=_values("method"),
    url=_values("url"),
    options=_configs(exclude=frozenset(_PER_REQUEST_SAFE | {"method", "url"})),
    side=st.sampled_from(["sync", "async"]),
)
@example(method="POST", url="/f", options={"files": {"f": ("name.txt",)}}, side="sync")
@example(method=None, url="/x", options={}, side="sync")
@example(method="GET", url="/x", options={"timeout": math.inf}, side="async")
@example(method="POST", url="/x", options={"json": _nest(5000)}, side="sync")
@example(method="GET", url="/x", options={"params": {"a": _nest(5000)}}, side="sync")
def test_request_options_raise_only_clear_errors(
    method: Any, url: Any, options: dict[str, Any], side: str
) -> None:
    """A request with any method, url and options succeeds or raises a clear error."""
    api = AxiosPython({"base_url": "https://h.test/v1"}, transport=Answering())

    def action() -> None:
        if side == "sync":
            api.request(method, url, **options)
        else:
            asyncio.run(api.async_request(method, url, **options))

    _call(action)


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"timeout": math.inf}, "at most"),
        ({"timeout": 1e10}, "at most"),
        ({"timeout": {"read": math.inf}}, "at most"),
        ({"retry_deadline": math.inf}, "at most"),
        ({"files": {"f": ("name.txt",)}}, "(filename, content"),
        ({"files": {"f": ("n", b"x", "text/plain\r\nX-Injected: 1")}}, "control characters"),
        ({"files": {"f": ("n", b"x", "text/plain", {"X(A)": "1"})}}, "HTTP token"),
        ({"files": {0: None}}, "multipart file name must be a str .got 0"),
        ({"files": {"f": b"x"}, "data": {None: "v"}}, "data field name must be a str .got None"),
    ],
)
def test_known_crashes_are_config_errors(options: Mapping[str, Any], fragment: str) -> None:
    """Values that used to crash inside (OverflowError, IndexError...) are ConfigErrors."""
    from axios_python import ConfigError

    api = AxiosPython({"base_url": "https://h.test"}, transport=Answering())
    with pytest.raises(ConfigError, match=fragment.replace("(", r"\(")):
        api.post("/x", **options)


@pytest.mark.parametrize("key", sorted(VALID_KEYS - _PER_REQUEST_SAFE))
@pytest.mark.parametrize("side", ["create", "request"])
def test_deeply_nested_value_for_any_key_is_a_clear_error(key: str, side: str) -> None:
    """A list nested 5000 deep, for every key, never surfaces as a RecursionError."""
    value: Any = []
    for _ in range(5000):
        value = [value]
    config: Any = {key: value}
    if side == "create":
        _call(lambda: AxiosPython(config, transport=Answering()).get("https://h.test/x"))
    else:
        api = AxiosPython({"base_url": "https://h.test"}, transport=Answering())
        _call(lambda: api.request("POST", "/x", **config))


def test_non_mapping_config_is_a_config_error() -> None:
    """create([...]) names what was expected instead of failing on .items()."""
    from axios_python import ConfigError, create

    with pytest.raises(ConfigError, match="must be a mapping"):
        create([("base_url", "https://h.test")])  # type: ignore[arg-type]


@pytest.mark.parametrize("config", [NotImplemented, 0, "", (), b""])
def test_falsy_non_mapping_config_is_a_config_error_without_warnings(config: object) -> None:
    """A falsy non-mapping is refused like any other, not taken for "no config".

    NotImplemented in a boolean context is a DeprecationWarning (an error in a
    later Python), so the check must not test the config's truth.
    """
    from axios_python import ConfigError, create

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ConfigError, match="must be a mapping"):
            create(config)  # type: ignore[arg-type]


def test_bad_httpx_transport_option_fails_at_construction() -> None:
    """A transport option httpx refuses fails where it is given, not at the first request."""
    from axios_python import ConfigError, HttpxTransport

    with pytest.raises(ConfigError, match="limits"):
        HttpxTransport(limits=5)
    with pytest.raises(ConfigError, match="bogus"):
        HttpxTransport(bogus=1)


@pytest.mark.skipif(
    importlib.util.find_spec("httpx2") is None, reason="httpx2 (the [httpx2] extra) needs 3.11+"
)
def test_bad_httpx2_plugin_option_fails_when_the_plugin_is_added() -> None:
    """plugin("httpx2", limits=5) is refused by api.plugin(), not at the first request."""
    from axios_python import PluginOptionsError

    with pytest.raises(PluginOptionsError, match="limits"):
        AxiosPython().plugin("httpx2", limits=5)
