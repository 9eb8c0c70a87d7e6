"""What the pipeline plans once per client is planned again when the client changes.

The hook calls are planned when plugins come and go, header names are checked
once and remembered, a plugin with nothing to do is not called: none of this may
hide a later change (a plugin added after the first request, live defaults, a
logger level set at run time) or a bad value.
"""

from __future__ import annotations

import collections
import datetime
import logging
from typing import Any

import pytest
from echo_server import EchoServer

import axios_python
from axios_python import (
    AxiosPython,
    ConfigError,
    Headers,
    HTTPStatusError,
    InterceptorError,
    PluginError,
    RequestConfig,
    Response,
)
from axios_python._config import merge_config
from axios_python.hookspecs import hookimpl
from axios_python.testing import HookRecorder

from ._support import AsyncNext, Recorder, Sender


class Stamp:
    """Marks each stage it sees, so a test can tell which hooks ran."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    @hookimpl
    def axios_request(self, config: Any) -> None:
        self.seen.append("request")
        config["headers"]["X-Stamp"] = "yes"

    @hookimpl
    def axios_cached_response(self, request: Any) -> None:
        self.seen.append("cached")

    @hookimpl
    def axios_before_send(self, request: Any) -> None:
        self.seen.append("send")

    @hookimpl
    def axios_response(self, response: Response) -> None:
        self.seen.append("response")


@pytest.mark.parametrize("side", ["sync", "async"])
async def test_a_plugin_added_after_requests_runs_on_the_next_one(
    server: EchoServer, side: str
) -> None:
    """The hooks are planned again on api.plugin(): the new plugin's every hook runs."""
    api = axios_python.create({"base_url": server.url})

    async def get() -> Response:
        return api.get("/headers") if side == "sync" else await api.async_get("/headers")

    assert "X-Stamp" not in (await get()).data["headers"]
    stamp = Stamp()
    api.plugin(stamp)
    assert (await get()).data["headers"]["X-Stamp"] == "yes"
    assert stamp.seen == ["request", "cached", "send", "response"]
    api.unplugin(stamp)
    assert "X-Stamp" not in (await get()).data["headers"]
    assert stamp.seen == ["request", "cached", "send", "response"]  # not called any more


def test_a_second_plugin_joins_the_planned_hooks(server: EchoServer) -> None:
    """A plugin added while another's hooks are planned runs too, newest first."""
    api = axios_python.create({"base_url": server.url})
    first = Stamp()
    api.plugin(first)
    api.get("/headers")

    class Later:
        @hookimpl
        def axios_request(self, config: Any) -> None:
            config["headers"]["X-Later"] = "1"

    api.plugin(Later())
    assert api.get("/headers").data["headers"]["X-Later"] == "1"
    assert first.seen.count("request") == 2


async def test_a_hook_result_that_is_neither_none_nor_awaitable_is_refused(
    server: EchoServer,
) -> None:
    """The plain-call hook path still checks what a hook returned, on both sides."""

    class Wrong:
        @hookimpl
        def axios_request(self, config: Any) -> object:
            return 42

    api = axios_python.create({"base_url": server.url})
    api.plugin(Wrong())
    with pytest.raises(PluginError, match="return None"):
        api.get("/headers")
    with pytest.raises(PluginError, match="return None"):
        await api.async_get("/")


async def test_awaitable_hook_results_are_awaited_on_the_async_path(server: EchoServer) -> None:
    """axios_request, axios_cached_response and axios_response may return awaitables."""

    class Async:
        @hookimpl
        def axios_request(self, config: Any, is_async: bool) -> Any:
            async def edit() -> None:
                config["headers"]["X-Async"] = "edited"

            return edit() if is_async else None

        @hookimpl
        def axios_cached_response(self, request: Any, is_async: bool) -> Any:
            async def none() -> None:
                return None

            return none() if is_async else None

        @hookimpl
        def axios_response(self, response: Response, is_async: bool) -> Any:
            async def replace() -> Response:
                return Response(299, content=response.content, request=response.request)

            return replace() if is_async else None

    api = axios_python.create({"base_url": server.url})
    api.plugin(Async())
    response = await api.async_get("/headers")
    assert response.status_code == 299
    assert response.json()["headers"]["X-Async"] == "edited"
    assert api.get("/headers").status_code == 200


def test_live_defaults_apply_to_the_next_request(server: EchoServer) -> None:
    """api.defaults changes reach the next request, plugins or not (nothing is frozen)."""
    api = axios_python.create({"base_url": server.url})
    api.plugin(Stamp())
    api.get("/headers")
    api.defaults["headers"]["X-Tenant"] = "a"
    assert api.get("/headers").data["headers"]["X-Tenant"] == "a"
    api.defaults["headers"]["X-Tenant"] = "b"
    assert api.get("/headers").data["headers"]["X-Tenant"] == "b"
    del api.defaults["headers"]["X-Tenant"]
    assert "X-Tenant" not in api.get("/headers").data["headers"]


def test_auth_follows_a_base_url_changed_at_run_time(server: EchoServer) -> None:
    """The credential's home is the live base_url: moving it moves where the token goes."""
    api = axios_python.create({"base_url": "http://elsewhere.invalid"})
    api.plugin("auth", token="s3cret")
    api.defaults["base_url"] = server.url
    assert api.get("/headers").data["headers"]["Authorization"] == "Bearer s3cret"
    # An absolute URL to another origin gets no credential.
    other = server.url.replace("127.0.0.1", "localhost")
    assert "Authorization" not in api.get(f"{other}/headers").data["headers"]


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.events: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.events.append(record.http["event"])  # type: ignore[attr-defined]


def test_logger_level_changes_at_run_time_apply(server: EchoServer) -> None:
    """A logger disabled for its level costs a check and logs nothing; enabling it works at once."""
    logger = logging.getLogger("axios_python.test_planning")
    records = _Records()
    logger.addHandler(records)
    logger.setLevel(logging.WARNING)
    try:
        api = axios_python.create({"base_url": server.url})
        api.plugin("logger", logger=logger)
        api.get("/headers")
        assert records.events == []
        logger.setLevel(logging.INFO)
        api.get("/headers")
        assert records.events == ["request", "response"]
        logger.setLevel(logging.WARNING)
        api.get("/headers")
        assert records.events == ["request", "response"]
    finally:
        logger.removeHandler(records)
        logger.setLevel(logging.NOTSET)


def test_header_fast_path_still_validates() -> None:
    """A name seen before skips its own check, never the value's; None still deletes."""
    headers = Headers({"X-Seen": "1"})
    headers["X-Seen"] = "  padded  "
    assert headers["x-seen"] == "padded"
    with pytest.raises(ConfigError, match="control characters"):
        headers["X-Seen"] = "bad\r\nInjected: 1"
    with pytest.raises(TypeError, match="must be a str"):
        headers["X-Seen"] = 5  # type: ignore[assignment]
    headers["X-Seen"] = "tab\tinside"
    assert headers["X-Seen"] == "tab\tinside"
    headers["x-seen"] = None
    assert "X-Seen" not in headers
    with pytest.raises(ConfigError, match="HTTP token"):
        headers["Bad Name"] = "v"


def test_headers_copy_and_has_any() -> None:
    """A copy shares no name index with its original; has_any tests lower-cased names."""
    original = Headers([("Authorization", "Bearer t"), ("Accept", "*/*")])
    copy = original.copy()
    copy["X-Extra"] = "1"
    del copy["Accept"]
    assert list(original) == ["Authorization", "Accept"]
    assert "x-extra" not in original
    assert list(copy) == ["Authorization", "X-Extra"]
    assert original.has_any(frozenset({"cookie", "authorization"}))
    assert not original.has_any(frozenset({"cookie"}))
    assert Headers.from_trusted([("Cookie", "a=1")]).has_any({"cookie"})


def test_elapsed_is_a_timedelta_built_when_read(server: EchoServer) -> None:
    """The pipeline stores seconds; response.elapsed is a timedelta, and can be set."""
    response = axios_python.create({"base_url": server.url}).get("/headers")
    assert isinstance(response.elapsed, datetime.timedelta)
    assert response.elapsed > datetime.timedelta(0)
    assert response.elapsed is response.elapsed  # built once
    response.elapsed = datetime.timedelta(seconds=3)
    assert response.elapsed.total_seconds() == 3
    assert Response(200).elapsed == datetime.timedelta(0)


# --- interceptor chains: a bare loop while only fulfilled handlers are registered ---------------


async def test_interceptor_chain_is_planned_again_on_use_and_eject(
    send: Sender, recorder: Recorder
) -> None:
    """A rejected handler or a run_when added later takes part; ejecting it restores the loop."""
    api = axios_python.create({"base_url": "http://planned.test"}, transport=recorder)
    seen: list[str] = []

    def stamp(config: RequestConfig) -> RequestConfig:
        seen.append("stamp")
        config["headers"]["X-Stamp"] = "1"
        return config

    def fail(config: RequestConfig) -> RequestConfig:
        raise ValueError("refused by fail")

    def recover(error: Exception) -> dict[str, Any]:  # a fresh, partial config
        seen.append(f"recovered {error}")
        return {"url": "/recovered", "base_url": "http://planned.test", "headers": {}}

    api.interceptors.request.use(stamp)
    await send(api, "GET", "/a")
    failing = api.interceptors.request.use(fail)
    with pytest.raises(ValueError, match="refused by fail"):  # the error itself, unchanged
        await send(api, "GET", "/b")
    rescuing = api.interceptors.request.use(None, recover)
    assert (await send(api, "GET", "/c")).data["url"] == "http://planned.test/recovered"
    api.interceptors.request.eject(failing)
    api.interceptors.request.eject(rescuing)
    api.interceptors.request.use(stamp, run_when=lambda config: config["url"] != "/skip")
    await send(api, "GET", "/skip")
    assert seen == ["stamp", "stamp", "stamp", "recovered refused by fail", "stamp"]
    assert [r.url.rsplit("/", 1)[1] for r in recorder.requests] == ["a", "recovered", "skip"]
    assert recorder.requests[-1].headers["X-Stamp"] == "1"


async def test_interceptor_results_are_still_checked_and_named(
    send: Sender, recorder: Recorder
) -> None:
    """On the plain loop, a handler returning a wrong value is named, request and response."""
    api = axios_python.create({"base_url": "http://planned.test"}, transport=recorder)

    def keep(config: RequestConfig) -> RequestConfig:
        return config

    def forgetful_request(config: RequestConfig) -> None:
        config["headers"]["X-A"] = "1"

    api.interceptors.request.use(keep)
    handler = api.interceptors.request.use(forgetful_request)  # type: ignore[arg-type]
    with pytest.raises(InterceptorError, match="forgetful_request returned None"):
        await send(api, "GET", "/x")
    api.interceptors.request.eject(handler)

    def wrong_response(response: Response) -> object:
        return "not a response"

    api.interceptors.response.use(lambda response: response)
    api.interceptors.response.use(wrong_response)  # type: ignore[arg-type]
    with pytest.raises(InterceptorError, match="wrong_response returned str"):
        await send(api, "GET", "/x")


async def test_response_chain_passes_errors_through_unchanged(send: Sender, make: Any) -> None:
    """With fulfilled handlers only, an error skips them and arrives as it was raised."""

    class Failing(Recorder):
        def send(self, request: Any) -> Response:
            return Response(503, content=b"down", request=request)

    api = make({"base_url": "http://planned.test"}, transport=Failing())
    called: list[int] = []

    def count(response: Response) -> Response:
        called.append(1)
        return response

    api.interceptors.response.use(count)
    with pytest.raises(HTTPStatusError, match="HTTP 503"):
        await send(api, "GET", "/x")
    assert called == []


# --- middleware: the outermost async middleware is called directly ----------------------------


async def test_middleware_results_are_checked_at_every_depth(
    send: Sender, api: AxiosPython
) -> None:
    """Whichever middleware returns a wrong value is the one the error names."""

    async def passing(ctx: RequestConfig, next_fn: AsyncNext) -> Response:
        return await next_fn(ctx)

    async def inner_forgetful(ctx: RequestConfig, next_fn: AsyncNext) -> None:
        await next_fn(ctx)

    api.use(passing)
    assert (await send(api, "GET", "/get")).status_code == 200
    api.use(inner_forgetful)  # type: ignore[arg-type]  # the chain is composed again
    with pytest.raises(InterceptorError, match="inner_forgetful returned NoneType"):
        await send(api, "GET", "/get")


async def test_outermost_middleware_result_is_checked(send: Sender, api: AxiosPython) -> None:
    """The outermost middleware, called without a wrapping link, is still checked and named."""

    async def outer_wrong(ctx: RequestConfig, next_fn: AsyncNext) -> object:
        await next_fn(ctx)
        return {"status": 200}

    async def inner(ctx: RequestConfig, next_fn: AsyncNext) -> Response:
        ctx["headers"]["X-Inner"] = "1"
        return await next_fn(ctx)

    api.use(outer_wrong)  # type: ignore[arg-type]
    api.use(inner)
    with pytest.raises(InterceptorError, match="outer_wrong returned dict"):
        await send(api, "GET", "/get")


async def test_middleware_gets_a_config_an_interceptor_made_a_mapping(
    send: Sender, recorder: Recorder
) -> None:
    """A request interceptor may return any Mapping; the middleware get that very object."""
    api = axios_python.create({"base_url": "http://planned.test"}, transport=recorder)
    seen: list[object] = []

    def as_user_dict(config: RequestConfig) -> Any:
        return collections.UserDict(config)

    async def outer(ctx: RequestConfig, next_fn: AsyncNext) -> Response:
        seen.append(ctx)
        ctx["headers"]["X-Outer"] = "1"
        return await next_fn(ctx)

    async def inner(ctx: RequestConfig, next_fn: AsyncNext) -> Response:
        seen.append(ctx)
        return await next_fn(ctx)

    api.interceptors.request.use(as_user_dict)
    api.use(outer)
    api.use(inner)
    response = await send(api, "GET", "/mapped")
    assert response.status_code == 200
    assert [type(ctx) for ctx in seen] == [collections.UserDict, collections.UserDict]
    assert seen[0] is seen[1]
    assert recorder.requests[0].headers["X-Outer"] == "1"


@pytest.mark.parametrize(
    ("key", "value"),
    [("validate_status", "2xx"), ("transform_response", 5), ("max_redirects", "3")],
)
@pytest.mark.parametrize("where", ["interceptor", "middleware"])
async def test_a_bad_pipeline_option_set_late_is_refused_before_sending(
    key: str, value: object, where: str, send: Sender, recorder: Recorder
) -> None:
    """Options the pipeline reads after the response are checked before anything is sent."""
    api = axios_python.create({"base_url": "http://planned.test"}, transport=recorder)

    def spoil(config: RequestConfig) -> RequestConfig:
        config[key] = value  # type: ignore[literal-required]
        return config

    async def spoiling(ctx: RequestConfig, next_fn: AsyncNext) -> Response:
        return await next_fn(spoil(ctx))

    if where == "interceptor":
        api.interceptors.request.use(spoil)
    else:
        api.use(spoiling)
    with pytest.raises(ConfigError, match=key):
        await send(api, "GET", "/never")
    assert recorder.requests == []


@pytest.mark.parametrize(
    "config",
    [{}, {"params": {"page": "1"}}, {"headers": {"X-Instance": "1"}, "timeout": 3}],
    ids=["plain", "instance params", "instance headers"],
)
@pytest.mark.parametrize("url", ["/x", "https://user:pass@other.test/y"], ids=["plain", "userinfo"])
async def test_a_request_without_options_gets_the_config_merge_config_builds(
    config: dict[str, Any], url: str, send: Sender, recorder: Recorder
) -> None:
    """The usual request's config (built in one step by the flow) is merge_config's, and its own."""
    api = axios_python.create(
        {"base_url": "http://planned.test", **config},  # type: ignore[typeddict-item]
        transport=recorder,
    )
    seen: list[Any] = []

    def capture(merged: RequestConfig) -> RequestConfig:
        seen.append(merged)
        return merged

    api.interceptors.request.use(capture)
    await send(api, "GET", url)
    merged = seen[0]
    expected = merge_config(api.defaults, {"method": "GET", "url": url.replace("user:pass@", "")})
    if "@" in url:
        expected["auth"] = merged["auth"]  # the credentials the URL carried, taken out of it
        assert "@" not in merged["url"]
    assert list(merged) == list(expected)
    for key, value in expected.items():
        if key == "headers":
            assert merged[key].multi_items() == value.multi_items()
        else:
            assert merged[key] == value, key
    merged["headers"]["X-Mine"] = "1"
    if "params" in merged:
        merged["params"]["page"] = "2"
    assert "X-Mine" not in api.defaults["headers"]
    assert api.defaults.get("params") in (None, {"page": "1"})


async def test_each_prepared_request_is_built_whole_and_its_own(
    send: Sender, recorder: Recorder
) -> None:
    """The pipeline's Request: final method, URL, a headers copy, a bool stream, own extensions."""
    api = axios_python.create({"base_url": "http://planned.test"}, transport=recorder)

    def truthy_stream(config: RequestConfig) -> RequestConfig:
        config["stream"] = 1  # type: ignore[typeddict-item]  # any truthy value streams
        return config

    await send(api, "GET", "/one")
    api.interceptors.request.use(truthy_stream)
    await send(api, "POST", "/two", json={"a": 1})
    first, second = recorder.requests
    assert (first.method, first.url, first.stream) == ("GET", "http://planned.test/one", False)
    assert (second.method, second.url, second.stream) == ("POST", "http://planned.test/two", True)
    assert second.content == b'{"a":1}'
    assert second.headers["content-type"].startswith("application/json")
    assert first.extensions == {}
    assert first.extensions is not second.extensions
    assert first.headers is not api.defaults["headers"]
    assert "content-type" not in api.defaults["headers"]


# --- planned hook calls ------------------------------------------------------------------------


class Reordered:
    """Hooks that take their arguments in another order, or only some of them."""

    def __init__(self) -> None:
        self.got: list[tuple[str, object]] = []

    @hookimpl
    def axios_request(self, is_async: bool, config: Any) -> None:
        self.got.append(("request", (is_async, config["url"])))

    @hookimpl
    def axios_before_send(self, previous: Any, request: Any, resend: Any) -> None:
        self.got.append(("send", (previous, request.url.rsplit("/", 1)[1], resend)))

    @hookimpl
    def axios_response(self, config: Any, response: Response) -> None:
        self.got.append(("response", (config["url"], response.status_code)))


@pytest.mark.parametrize("monitored", [False, True], ids=["planned", "monitored"])
async def test_planned_calls_pass_each_hook_the_arguments_it_names(
    monitored: bool, send: Sender, recorder: Recorder
) -> None:
    """Any order and any subset of a hook's arguments, as pluggy would pass them.

    Hook-call monitoring switches the plan to pluggy's own calls, which it reports.
    """
    api = axios_python.create({"base_url": "http://planned.test"}, transport=recorder)
    plugin = Reordered()
    api.plugin(plugin)
    watched = HookRecorder().attach(api) if monitored else None
    await send(api, "GET", "/p")
    assert plugin.got == [
        ("request", (send.is_async, "/p")),
        ("send", (None, "p", None)),
        ("response", ("/p", 200)),
    ]
    if watched is not None:
        stages = ("axios_request", "axios_before_send", "axios_response")
        reported = [call for call in watched.calls if call.hook in stages]
        assert [call.hook for call in reported] == list(stages)
        assert all("Reordered" in call.plugins for call in reported)


async def test_planned_calls_keep_pluggy_order_and_first_result(
    send: Sender, recorder: Recorder
) -> None:
    """Newest plugin first; the first non-None axios_cached_response wins; replacements apply."""
    api = axios_python.create({"base_url": "http://planned.test"}, transport=recorder)
    order: list[str] = []

    def make_plugin(name: str, cached: int | None, replace: int | None) -> object:
        class Plugin:
            @hookimpl
            def axios_cached_response(self, request: Any) -> Response | None:
                order.append(f"{name}.cached")
                return None if cached is None else Response(cached, request=request)

            @hookimpl
            def axios_response(self, response: Response) -> Response | None:
                order.append(f"{name}.response")
                return None if replace is None else Response(replace, request=response.request)

        Plugin.__name__ = name
        return Plugin()

    api.plugin(make_plugin("old", 201, None))
    api.plugin(make_plugin("new", None, 299))
    response = await send(api, "GET", "/x")
    assert order == ["new.cached", "old.cached", "new.response", "old.response"]
    assert response.status_code == 299
    assert recorder.requests == []  # answered by the old plugin's cached response


async def test_a_lone_first_result_hook_taking_every_argument_is_called_directly(
    send: Sender, recorder: Recorder
) -> None:
    """No forwarding frame for one axios_cached_response implementation with every argument.

    One that takes fewer arguments, or a second implementation, gets a planned call.
    """

    class Full:
        @hookimpl
        def axios_cached_response(
            self, request: Any, config: Any, client: Any, is_async: bool
        ) -> Response:
            return Response(203, request=request)

    api = axios_python.create({"base_url": "http://planned.test"}, transport=recorder)
    full = Full()
    api.plugin(full)
    host = api._plugin_host
    assert host is not None
    assert host.cached_response_hook == full.axios_cached_response
    assert (await send(api, "GET", "/x")).status_code == 203
    assert recorder.requests == []

    class Partial:
        @hookimpl
        def axios_cached_response(self, request: Any) -> None:
            return None

    api.plugin(Partial())  # newest first: it is asked first, and passes
    assert host.cached_response_hook != full.axios_cached_response
    assert (await send(api, "GET", "/x")).status_code == 203
    api.unplugin(full)
    assert (await send(api, "GET", "/x")).status_code == 200  # Partial alone: a planned call
    assert len(recorder.requests) == 1


# --- the ASCII check is remembered per Headers, and forgotten by every change ------------------

_MUTATIONS = {
    "set a known name": lambda h: h.__setitem__("Accept", "tëxt/plain"),
    "set a new name": lambda h: h.__setitem__("X-Planned-New", "Zoë"),
    "add": lambda h: h.add("X-Planned-Added", "Zoë"),
    "update_from a mapping": lambda h: h.update_from({"X-Planned-Update": "Zoë"}),
    "update_from Headers": lambda h: h.update_from(Headers({"X-Planned-Headers": "Zoë"})),
    "setdefault": lambda h: h.setdefault("X-Planned-Default", "Zoë"),
    "update": lambda h: h.update({"X-Planned-Mixin": "Zoë"}),
}


@pytest.mark.parametrize("how", sorted(_MUTATIONS))
async def test_non_ascii_text_is_refused_after_requests_remembered_ascii(
    how: str, send: Sender, recorder: Recorder
) -> None:
    """Defaults found ASCII once are not scanned again, until a change brings other text."""
    api = axios_python.create({"base_url": "http://planned.test"}, transport=recorder)
    await send(api, "GET", "/ok")  # the defaults' headers are now known to be ASCII
    _MUTATIONS[how](api.defaults["headers"])
    with pytest.raises(ConfigError, match="must be ASCII text"):
        await send(api, "GET", "/refused")
    assert [r.url for r in recorder.requests] == ["http://planned.test/ok"]


@pytest.mark.parametrize("how", sorted(_MUTATIONS))
async def test_non_ascii_text_from_an_interceptor_is_refused(
    how: str, send: Sender, recorder: Recorder
) -> None:
    """The per-request copy inherits the defaults' ASCII mark; a change to it drops the mark."""
    api = axios_python.create({"base_url": "http://planned.test"}, transport=recorder)

    def change(config: RequestConfig) -> RequestConfig:
        _MUTATIONS[how](config["headers"])
        return config

    await send(api, "GET", "/ok")
    api.interceptors.request.use(change)
    with pytest.raises(ConfigError, match="must be ASCII text"):
        await send(api, "GET", "/refused")
    api.interceptors.request.clear()
    await send(api, "GET", "/ok-again")  # the defaults themselves were not changed
    assert len(recorder.requests) == 2


def test_removing_headers_keeps_them_checked() -> None:
    """Deleting never brings other text: the mark stays; copies carry it; a new value drops it."""

    def marked(headers: Headers) -> bool:
        return headers._ascii

    headers = Headers({"Accept": "a", "X-One": "1"})
    assert marked(headers.copy())  # found once, on the original
    del headers["X-One"]
    assert marked(headers)
    assert marked(headers.copy())
    headers["X-Two"] = "Zoë"
    assert not marked(headers)
    assert not marked(headers.copy())  # scanned again, and found not ASCII
    assert not marked(Headers.from_trusted([("X", "v")]))  # unknown until scanned


# --- Headers.copy shares its lists until one side changes ---------------------------------------

_CHANGES = {
    "set a new name": lambda h: h.__setitem__("X-New", "1"),
    "replace a name": lambda h: h.__setitem__("accept", "text/plain"),
    "replace a repeated name": lambda h: h.__setitem__("X-Twice", "once"),
    "set the same value again": lambda h: h.__setitem__("Accept", "a/b"),
    "set the same value in another spelling": lambda h: h.__setitem__("ACCEPT", "a/b"),
    "replace a name with other text": lambda h: h.__setitem__("Accept", "tëxt/plain"),
    "set a slow-path value": lambda h: h.__setitem__("X-Tab", "a\tb"),
    "add": lambda h: h.add("X-Twice", "3"),
    "delete": lambda h: h.__delitem__("Accept"),
    "remove with None": lambda h: h.__setitem__("Accept", None),
    "update_from": lambda h: h.update_from({"Accept": "x/y", "X-Twice": None}),
    "pop": lambda h: h.pop("X-Twice"),
    "clear": lambda h: h.clear(),
}


def _fresh() -> Headers:
    headers = Headers([("Accept", "a/b"), ("X-Twice", "1"), ("X-Twice", "2")])
    return headers


@pytest.mark.parametrize("change", sorted(_CHANGES))
@pytest.mark.parametrize("side", ["copy", "original", "copy of copy"])
def test_a_copy_and_its_original_never_see_each_others_changes(change: str, side: str) -> None:
    """Whichever side changes (by any mutation path), the other keeps what it had."""
    original = _fresh()
    first = original.copy()
    second = first.copy()
    snapshot = original.multi_items()
    changed = {"copy": first, "original": original, "copy of copy": second}[side]
    expected = _fresh()
    _CHANGES[change](expected)
    _CHANGES[change](changed)
    assert changed.multi_items() == expected.multi_items()
    assert changed.get_list("x-twice") == expected.get_list("x-twice")
    for other in (original, first, second):
        if other is not changed:
            assert other.multi_items() == snapshot
            assert other.get_list("X-Twice") == ["1", "2"]
            assert "accept" in other
            other["X-Later"] = "ok"  # and each can still change on its own
            assert changed.get("X-Later") is None


def test_setting_a_header_replaces_it_in_place_or_collapses_repeats() -> None:
    """One field is replaced where it stands; repeats collapse into the first's place."""
    headers = Headers([("Accept", "a/b"), ("X-Twice", "1"), ("Via", "v"), ("X-Twice", "2")])
    headers["x-twice"] = "3"
    assert headers.multi_items() == [("Accept", "a/b"), ("x-twice", "3"), ("Via", "v")]
    headers["ACCEPT"] = "c/d"  # one field: replaced in place, in the new spelling
    assert headers.multi_items() == [("ACCEPT", "c/d"), ("x-twice", "3"), ("Via", "v")]
    assert headers["accept"] == "c/d"
    assert headers.get_list("X-Twice") == ["3"]
    headers["Via"] = "  w  "  # trimmed as always
    assert headers["via"] == "w"
    assert len(headers) == 3


def test_setting_the_same_value_again_keeps_a_copy_shared() -> None:
    """Re-setting what a copy already holds copies nothing; any real change still does."""
    original = _fresh()
    copy = original.copy()
    copy["Accept"] = "a/b"
    assert copy._items is original._items  # still shared: nothing changed
    copy["Accept"] = "x/y"
    assert copy._items is not original._items
    assert original["Accept"] == "a/b"
    assert copy["Accept"] == "x/y"
    again = copy.copy()
    again["X-Twice"] = "1"  # the value of the first of two: the repeat must still go
    assert again.get_list("X-Twice") == ["1"]
    assert copy.get_list("X-Twice") == ["1", "2"]


async def test_request_level_headers_never_reach_defaults_or_response_config(
    send: Sender, recorder: Recorder
) -> None:
    """auth= and an interceptor's header stay in their own request, request after request."""
    api = axios_python.create({"base_url": "http://planned.test"}, transport=recorder)
    defaults = api.defaults["headers"].multi_items()

    def stamp(config: RequestConfig) -> RequestConfig:
        config["headers"]["X-Stamp"] = "1"
        return config

    first = await send(api, "GET", "/a", auth=("user", "pass"))
    api.interceptors.request.use(stamp)
    second = await send(api, "GET", "/b")
    assert api.defaults["headers"].multi_items() == defaults
    assert first.config is not None
    assert second.config is not None
    assert "Authorization" not in first.config["headers"]
    assert "X-Stamp" not in first.config["headers"]
    assert second.config["headers"]["X-Stamp"] == "1"
    assert "Authorization" in recorder.requests[0].headers
    assert "Authorization" not in recorder.requests[1].headers
    assert recorder.requests[1].headers["X-Stamp"] == "1"
