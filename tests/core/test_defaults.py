"""Live defaults: api.defaults is the instance's defaults, changed in place and validated."""

from __future__ import annotations

import pytest
from echo_server import EchoServer

import axios_python
from axios_python import AxiosPython, ConfigError, RequestConfig, Response, Timeout
from axios_python._decoding import accept_encoding

from ._support import AsyncNext, Factory, Recorder, Sender

USER_AGENT = f"axios-python/{axios_python.__version__}"


async def test_a_header_set_after_login_is_sent(send: Sender, api: AxiosPython) -> None:
    """api.defaults["headers"]["Authorization"] = ... applies to every later request."""
    before = await send(api, "GET", "/headers")
    api.defaults["headers"]["Authorization"] = "Bearer x"
    after = await send(api, "GET", "/headers")
    again = await send(api, "GET", "/headers")
    assert "Authorization" not in before.data["headers"]
    assert after.data["headers"]["Authorization"] == again.data["headers"]["Authorization"]
    assert after.data["headers"]["Authorization"] == "Bearer x"


async def test_a_timeout_set_later_is_used(send: Sender, api: AxiosPython) -> None:
    """api.defaults["timeout"] = 5 is validated into a Timeout and used by later requests."""
    api.defaults["timeout"] = 5
    assert api.defaults["timeout"] == Timeout.of(5)
    response = await send(api, "GET", "/get")
    assert response.request is not None
    assert response.request.timeout == Timeout(5, 5, 5, 5)
    api.defaults["timeout"] = 0.2
    with pytest.raises(axios_python.TimeoutError):
        await send(api, "GET", "/delay/2")


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("timeout", "fast", "'timeout' is invalid"),
        ("max_retries", -1, "'max_retries' must be a non-negative int"),
        ("base_url", "api.example.com", "'base_url' must be absolute"),
        ("timout", 5, "unknown config key 'timout' in api.defaults; did you mean 'timeout'"),
        ("headers", {"X-Count": 1}, "'headers' is invalid"),
        ("method", "GE T", "'method' must be an HTTP method name"),
        ("plugins", {"cache": {}}, "'plugins' is an instance setting"),
    ],
)
def test_a_bad_value_is_refused_when_set(
    recorder: Recorder, key: str, value: object, message: str
) -> None:
    """A bad value raises ConfigError naming the key at once; the old value stays in use."""
    api = AxiosPython({"base_url": "https://x.test", "timeout": 3}, transport=recorder)
    before = dict(api.defaults)
    with pytest.raises(ConfigError, match=message):
        api.defaults[key] = value
    assert dict(api.defaults) == before
    api.get("/")
    assert recorder.last.timeout == Timeout(3, 3, 3, 3)


def test_bad_header_values_set_in_place_are_refused(recorder: Recorder) -> None:
    """The live Headers check a value as it is set, like every Headers."""
    api = AxiosPython({"base_url": "https://x.test"}, transport=recorder)
    with pytest.raises(ValueError, match="CR, LF or NUL"):
        api.defaults["headers"]["X-Evil"] = "a\r\nInjected: 1"
    with pytest.raises(TypeError, match="must be a str") as wrong_type:
        api.defaults["headers"]["X-Count"] = 5
    assert isinstance(wrong_type.value, ConfigError)  # like every bad value in api.defaults
    api.get("/")
    assert "x-evil" not in recorder.last.headers


def test_headers_set_as_a_whole_keep_the_library_defaults(recorder: Recorder) -> None:
    """headers replaced as a whole are layered on User-Agent and Accept, like create()."""
    api = AxiosPython({"base_url": "https://x.test", "headers": {"X-Old": "1"}}, transport=recorder)
    api.defaults["headers"] = {"X-New": "2", "Accept": None}
    api.get("/")
    assert dict(recorder.last.headers) == {
        "User-Agent": USER_AGENT,
        "Accept-Encoding": accept_encoding(),
        "X-New": "2",
    }
    assert isinstance(api.defaults["headers"], axios_python.Headers)


def test_deleting_restores_the_library_default(recorder: Recorder) -> None:
    """del, pop and clear bring the library defaults back instead of leaving holes."""
    api = AxiosPython(
        {"base_url": "https://x.test", "timeout": 3, "params": {"a": "1"}}, transport=recorder
    )
    del api.defaults["timeout"]
    assert api.defaults["timeout"] == Timeout.of(30)
    assert api.defaults.pop("params") == {"a": "1"}
    assert "params" not in api.defaults
    api.defaults.setdefault("params", {"b": "2"})
    api.get("/")
    assert recorder.last.url == "https://x.test/?b=2"
    api.defaults.clear()
    assert api.defaults["base_url"] is None
    with pytest.raises(KeyError):
        del api.defaults["params"]
    with pytest.raises(TypeError, match="popitem"):
        api.defaults.popitem()


def test_update_validates_every_key(recorder: Recorder) -> None:
    """update() and |= go through the same checks, one key at a time."""
    api = AxiosPython({"base_url": "https://x.test"}, transport=recorder)
    api.defaults.update({"timeout": 4}, max_retries=1)
    api.defaults |= {"follow_redirects": False}
    assert (api.defaults["timeout"], api.defaults["max_retries"]) == (Timeout.of(4), 1)
    assert api.defaults["follow_redirects"] is False
    with pytest.raises(ConfigError, match="'stream' must be a bool"):
        api.defaults.update(stream="yes")
    with pytest.raises(ConfigError, match="either 'json' or 'data'"):
        api.defaults.update(json={"a": 1}, data="x")


def test_nested_params_changes_apply(recorder: Recorder) -> None:
    """The instance params mapping is live too; each request still gets its own copy."""
    api = AxiosPython({"base_url": "https://x.test", "params": {"a": "1"}}, transport=recorder)
    api.defaults["params"]["a"] = "2"
    api.get("/")
    assert recorder.last.url == "https://x.test/?a=2"


async def test_defaults_stay_per_instance(send: Sender, server: EchoServer, make: Factory) -> None:
    """Changing one instance's defaults changes nothing for another, nor the module helpers."""
    one = make({"base_url": server.url})
    two = make({"base_url": server.url})
    one.defaults["headers"]["X-Mine"] = "one"
    one.defaults["params"] = {"only": "one"}
    await send(two, "GET", "/get")
    await send.module("GET", f"{server.url}/get")
    assert [r.header("X-Mine") for r in server.requests] == [None, None]
    assert [r.query for r in server.requests] == ["", ""]


async def test_a_request_in_flight_keeps_its_config(send: Sender, api: AxiosPython) -> None:
    """A change made while a request runs applies from the next request on."""

    async def change_mid_request(ctx: RequestConfig, next_fn: AsyncNext) -> Response:
        api.defaults["headers"]["X-Later"] = "yes"
        return await next_fn(ctx)

    api.use(change_mid_request)
    first = await send(api, "GET", "/headers")
    second = await send(api, "GET", "/headers")
    assert "X-Later" not in first.data["headers"]
    assert second.data["headers"]["X-Later"] == "yes"


async def test_auth_plugin_follows_a_new_base_url(
    send: Sender, server: EchoServer, other: EchoServer, make: Factory
) -> None:
    """The auth plugin's credential goes to the base_url set in api.defaults, not the old one."""
    api = make({"base_url": server.url})
    api.plugin("auth", token="t0k")
    api.defaults["base_url"] = other.url
    moved = await send(api, "GET", "/headers")
    stale = await send(api, "GET", f"{server.url}/headers")
    assert moved.data["headers"]["Authorization"] == "Bearer t0k"
    assert "Authorization" not in stale.data["headers"]


def test_assigning_defaults_replaces_them_all(recorder: Recorder) -> None:
    """api.defaults = {...} starts again from the library defaults, validated as a whole."""
    api = AxiosPython({"base_url": "https://x.test", "timeout": 3}, transport=recorder)
    live = api.defaults
    api.defaults = {"base_url": "https://y.test", "headers": {"X-A": "1"}}
    assert api.defaults is live  # the same object, changed in place
    api.get("/")
    assert recorder.last.url == "https://y.test/"
    assert recorder.last.timeout == Timeout.of(30)
    assert recorder.last.headers["X-A"] == "1"
    with pytest.raises(ConfigError, match="'retry_deadline' must be a positive number"):
        api.defaults = {"retry_deadline": 0}
    with pytest.raises(ConfigError, match="must be set to a mapping"):
        api.defaults = ["timeout", 5]  # type: ignore[assignment]
    assert api.defaults["base_url"] == "https://y.test"
