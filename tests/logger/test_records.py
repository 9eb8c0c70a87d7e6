"""LoggerPlugin records: one per request and response, errors at WARNING, fields in extra."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
from axios_python_logger import LoggerPlugin as DirectLoggerPlugin
from echo_server import EchoServer, refusing_port

import axios_python
from axios_python import AuthPlugin, FixedBackoff, LoggerPlugin, RequestConfig, Response

from .conftest import Capture


def fields(record: logging.LogRecord) -> dict[str, Any]:
    http: dict[str, Any] = record.__dict__["http"]
    return http


def test_lazy_core_name_is_the_plugin_class() -> None:
    """`from axios_python import LoggerPlugin` resolves to axios_python_logger.LoggerPlugin."""
    assert LoggerPlugin is DirectLoggerPlugin


def test_one_record_per_request_and_response(server: EchoServer, capture: Capture) -> None:
    """The spec example logs a request line and a response line at INFO."""
    api = axios_python.create({"base_url": server.url})
    api.plugin(LoggerPlugin(level=logging.INFO, log_headers=False, log_body=True))
    api.get("/get", params={"q": "python"})
    request, response = capture.ours()
    assert (request.levelno, response.levelno) == (logging.INFO, logging.INFO)
    assert request.getMessage() == f"HTTP request GET {server.url}/get?q=python body="
    assert fields(request) == {
        "event": "request",
        "method": "GET",
        "url": f"{server.url}/get?q=python",
        "request_body": "",
    }
    info = fields(response)
    assert info["event"] == "response"
    assert (info["status"], info["reason"], info["from_cache"], info["retries"]) == (
        200,
        "OK",
        False,
        0,
    )
    assert isinstance(info["elapsed_ms"], float)
    assert info["elapsed_ms"] >= 0
    assert response.getMessage().startswith(
        f"HTTP response GET {server.url}/get?q=python -> 200 OK in "
    )
    assert "[network, retries: 0]" in response.getMessage()


@pytest.mark.parametrize("side", ["sync", "async"])
async def test_the_request_line_shows_the_url_as_sent(
    server: EchoServer, capture: Capture, side: str
) -> None:
    """params_serializer and path normalisation apply to the logged URL as to the sent one."""
    api = axios_python.create(
        {"base_url": f"{server.url}/v1/", "params": {"k": "1"}, "params_serializer": "brackets"}
    ).plugin(LoggerPlugin())
    params = {"filter": {"a": 1, "b": [2, 3]}}
    if side == "async":
        response = await api.async_get("../anything/x", params=params)
    else:
        response = api.get("../anything/x", params=params)
    assert response.request is not None
    sent = response.request.url
    query = "k=1&filter%5Ba%5D=1&filter%5Bb%5D%5B%5D=2&filter%5Bb%5D%5B%5D=3"
    assert sent == f"{server.url}/anything/x?{query}"
    assert [fields(record)["url"] for record in capture.ours()] == [sent, sent]
    await api.aclose()


def test_params_none_on_a_request_drops_the_instance_params_from_the_line(
    server: EchoServer, capture: Capture
) -> None:
    """params=None per request sends none of the instance's params; the line agrees."""
    api = axios_python.create({"base_url": server.url, "params": {"k": "1"}})
    api.plugin(LoggerPlugin())
    response = api.get("/get", params=None)
    assert response.request is not None
    assert response.request.url == f"{server.url}/get"
    assert fields(capture.ours()[0])["url"] == f"{server.url}/get"


def test_a_request_the_client_refuses_is_logged_as_given(
    server: EchoServer, capture: Capture
) -> None:
    """Nested params without a serializer: the error is the client's, the line still written."""
    api = axios_python.create({"base_url": server.url}).plugin(LoggerPlugin())
    with pytest.raises(axios_python.ConfigError, match="params_serializer"):
        api.get("/get", params={"q": "python", "nested": {"a": 1}})
    request, error = capture.ours()
    assert fields(request)["url"].startswith(f"{server.url}/get?q=python&nested=")
    assert fields(error)["event"] == "error"


async def test_async_path_logs_the_same(server: EchoServer, capture: Capture) -> None:
    """await api.async_get() produces the same two records."""
    api = axios_python.create({"base_url": server.url}).plugin(LoggerPlugin())
    await api.async_post("/post", json={"a": 1})
    assert [fields(r)["event"] for r in capture.ours()] == ["request", "response"]
    assert fields(capture.ours()[1])["method"] == "POST"
    await api.aclose()


def test_enabled_by_name_with_a_logger_name_and_level(server: EchoServer, capture: Capture) -> None:
    """api.plugin("logger", level="DEBUG", logger=name) logs to that logger at DEBUG."""
    api = axios_python.create({"base_url": server.url})
    api.plugin("logger", level="DEBUG", logger="tests.logger.by_name")
    api.get("/get")
    records = capture.ours("tests.logger.by_name")
    assert [r.levelno for r in records] == [logging.DEBUG, logging.DEBUG]
    assert capture.ours() == []


def test_status_error_is_logged_at_warning(server: EchoServer, capture: Capture) -> None:
    """A rejected status is one WARNING record with status and error type."""
    api = axios_python.create({"base_url": server.url}).plugin(LoggerPlugin())
    with pytest.raises(axios_python.HTTPStatusError):
        api.get("/status/503")
    _request, error = capture.ours()
    assert error.levelno == logging.WARNING
    info = fields(error)
    assert (info["event"], info["status"], info["error_type"]) == ("error", 503, "HTTPStatusError")
    assert error.getMessage().startswith(f"HTTP error GET {server.url}/status/503 -> 503")


def test_network_error_is_logged_with_its_reason(capture: Capture) -> None:
    """A refused connection is logged at error_level with the error's type and text."""
    url = f"http://127.0.0.1:{refusing_port()}"
    api = axios_python.create({"base_url": url})
    api.plugin(LoggerPlugin(error_level=logging.ERROR))
    with pytest.raises(axios_python.NetworkError):
        api.get("/get")
    error = capture.ours()[-1]
    assert error.levelno == logging.ERROR
    assert fields(error)["error_type"] == "NetworkError"
    assert fields(error)["status"] is None
    assert "failed: NetworkError:" in error.getMessage()


def test_error_level_below_warning_is_refused() -> None:
    """Errors are never logged below WARNING: error_level=INFO is an error."""
    with pytest.raises(axios_python.ConfigError, match="'error_level' must be WARNING or above"):
        LoggerPlugin(error_level=logging.INFO)


def test_retries_are_reported(server: EchoServer, capture: Capture) -> None:
    """The response record says how many retries it took."""
    api = axios_python.create(
        {
            "base_url": server.url,
            "max_retries": 2,
            "retry_strategy": FixedBackoff(delay=0.01, retry_on_status=[503]),
        }
    ).plugin(LoggerPlugin())
    api.get("/flaky/logger-retries/2")
    response = capture.ours()[-1]
    assert fields(response)["retries"] == 2
    assert "retries: 2" in response.getMessage()


def test_elapsed_covers_the_whole_request_with_its_retries(
    server: EchoServer, capture: Capture
) -> None:
    """elapsed_ms runs from the request record to the response, back-off waits included."""
    api = axios_python.create(
        {
            "base_url": server.url,
            "max_retries": 2,
            "retry_strategy": FixedBackoff(delay=0.05, retry_on_status=[503]),
        }
    ).plugin(LoggerPlugin())
    response = api.get("/flaky/logger-elapsed/2")
    logged = fields(capture.ours()[-1])["elapsed_ms"]
    assert logged >= 100  # two 50 ms back-offs happened inside this request
    assert logged >= response.elapsed.total_seconds() * 1000


def test_a_refreshed_401_logs_the_failure_and_the_replay(
    server: EchoServer, capture: Capture
) -> None:
    """With the auth plugin refreshing a 401: WARNING for it, then the replay's two records."""
    api = axios_python.create({"base_url": server.url})
    api.plugin(LoggerPlugin()).plugin(AuthPlugin(token="old-token", refresh=lambda: "new-token"))
    api.get("/flaky/logger-auth/1", params={"status": 401})
    events = [(r.levelno, fields(r)["event"], fields(r).get("status")) for r in capture.ours()]
    assert events == [
        (logging.INFO, "request", None),
        (logging.WARNING, "error", 401),
        (logging.INFO, "request", None),
        (logging.INFO, "response", 200),
    ]


def test_cache_hits_are_reported(server: EchoServer, capture: Capture) -> None:
    """With the cache plugin, the second response record says it came from the cache."""
    api = axios_python.create({"base_url": server.url})
    api.plugin("cache", ttl=60).plugin(LoggerPlugin())
    api.get("/get", params={"n": "cache-log"})
    api.get("/get", params={"n": "cache-log"})
    responses = [fields(r) for r in capture.ours() if fields(r)["event"] == "response"]
    assert [r["from_cache"] for r in responses] == [False, True]
    assert server.hits["/get"] == 1


def test_headers_only_when_asked(server: EchoServer, capture: Capture) -> None:
    """log_headers=False keeps headers out; True adds them to the record and the line."""
    quiet = axios_python.create({"base_url": server.url}).plugin(LoggerPlugin())
    quiet.get("/get", headers={"X-Trace": "t-1"})
    loud = axios_python.create({"base_url": server.url}).plugin(LoggerPlugin(log_headers=True))
    loud.get("/get", headers={"X-Trace": "t-2"})
    quiet_request, _, loud_request, loud_response = capture.ours()
    assert "request_headers" not in fields(quiet_request)
    assert fields(loud_request)["request_headers"]["X-Trace"] == "t-2"
    assert "X-Trace" in loud_request.getMessage()
    assert fields(loud_response)["response_headers"]["Content-Type"] == "application/json"


def test_bodies_are_truncated(server: EchoServer, capture: Capture) -> None:
    """Bodies longer than max_body_length are cut and say how long they were."""
    api = axios_python.create({"base_url": server.url})
    api.plugin(LoggerPlugin(log_body=True, max_body_length=40))
    api.post("/post", data="x" * 500)
    request, response = capture.ours()
    assert fields(request)["request_body"] == "x" * 40 + "...[truncated, 500 chars]"
    assert len(fields(response)["response_body"]) < 80
    assert "...[truncated," in fields(response)["response_body"]


def test_binary_bodies_are_summarised(server: EchoServer, capture: Capture) -> None:
    """A binary response body is logged as its size and type, not as bytes."""
    api = axios_python.create({"base_url": server.url}).plugin(LoggerPlugin(log_body=True))
    api.get("/bytes/64")
    assert fields(capture.ours()[-1])["response_body"] == "<64 bytes of application/octet-stream>"


def test_streamed_bodies_are_not_read(server: EchoServer, capture: Capture) -> None:
    """A stream=True response is left unread by the logger."""
    api = axios_python.create({"base_url": server.url}).plugin(LoggerPlugin(log_body=True))
    with api.get("/stream-bytes/256", stream=True) as response:
        assert fields(capture.ours()[-1])["response_body"] == "<stream, not read>"
        assert len(b"".join(response.iter_bytes())) == 256


def test_extra_fields_serialise_for_json_formatters(server: EchoServer, capture: Capture) -> None:
    """record.http is plain JSON data, so a JSON formatter can dump it as is."""
    api = axios_python.create({"base_url": server.url})
    api.plugin(LoggerPlugin(log_headers=True, log_body=True))
    api.post("/post", json={"a": [1, 2]}, params={"page": 2})
    for record in capture.ours():
        assert json.loads(json.dumps(fields(record))) == fields(record)


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"level": "LOUD"}, "'level' must be a logging level"),
        ({"log_headers": "yes"}, "'log_headers' must be a bool"),
        ({"logger": 3}, "'logger' must be a logger name"),
        ({"max_body_length": -1}, "'max_body_length' must be a non-negative int"),
        ({"redact_headers": "Authorization"}, "'redact_headers' must be a list of str"),
    ],
)
def test_bad_options_say_what_was_expected(options: dict[str, Any], fragment: str) -> None:
    """Each bad option raises ConfigError naming it and the expected kind of value."""
    with pytest.raises(axios_python.ConfigError, match=fragment):
        LoggerPlugin(**options)


def test_repr_names_the_settings() -> None:
    """repr() shows level, flags and logger name."""
    assert repr(LoggerPlugin(level="DEBUG", log_body=True)) == (
        "LoggerPlugin(level=DEBUG, log_headers=False, log_body=True, logger='axios_python')"
    )


def test_the_logger_keeps_no_per_request_state(server: EchoServer) -> None:
    """The core hands the hooks the start time: the plugin's own state never changes per request.

    Silenced or logging, during a request (seen from a middleware) or after it,
    the plugin's attributes are the ones it was built with, so nothing can pile
    up for requests that never end. Once the level allows records, they come
    with their elapsed time.
    """
    silent = logging.getLogger("axios_python.test.silent")
    silent.setLevel(logging.CRITICAL)
    plugin = LoggerPlugin(logger=silent)
    api = axios_python.create({"base_url": server.url}).plugin(plugin)

    def state() -> dict[str, object]:
        return {
            name: (value.copy() if isinstance(value, (dict, list, set)) else id(value))
            for name, value in vars(plugin).items()
            if name != "_enabled"  # logging's own isEnabledFor memo, read by the hooks
        }

    built = state()
    in_flight: list[bool] = []

    def watch(ctx: RequestConfig, next_fn: Callable[[RequestConfig], Response]) -> Response:
        in_flight.append(state() == built)  # middleware runs after the request hooks
        return next_fn(ctx)

    api.use(watch)
    for _ in range(5):
        assert api.get("/get").status_code == 200
    handler = Capture()
    silent.addHandler(handler)
    silent.setLevel(logging.INFO)
    try:
        api.get("/get")
    finally:
        silent.removeHandler(handler)
    assert in_flight == [True] * 6
    assert state() == built
    records = handler.ours("axios_python.test.silent")
    assert [fields(r)["event"] for r in records] == ["request", "response"]
    assert fields(records[1])["elapsed_ms"] >= 0


@pytest.mark.parametrize("side", ["sync", "async"])
async def test_an_error_line_is_timed_without_request_lines(side: str) -> None:
    """With only the error level enabled (the usual WARNING setup), a failure still says how
    long the whole request took, retries and back-off waits included."""
    from axios_python import FixedBackoff

    quiet = logging.getLogger("axios_python.test.errors-only")
    quiet.setLevel(logging.WARNING)
    handler = Capture()
    quiet.addHandler(handler)
    api = axios_python.create(
        {
            "base_url": f"http://127.0.0.1:{refusing_port()}",
            "max_retries": 2,
            "retry_strategy": FixedBackoff(delay=0.05),
        }
    ).plugin(LoggerPlugin(logger=quiet))
    try:
        with pytest.raises(axios_python.RetryError):
            api.get("/down") if side == "sync" else await api.async_get("/down")
    finally:
        quiet.removeHandler(handler)
    (record,) = handler.ours("axios_python.test.errors-only")
    assert record.levelno == logging.WARNING
    assert fields(record)["event"] == "error"
    assert fields(record)["elapsed_ms"] >= 100  # two 50 ms back-offs
    assert " in " in record.getMessage()


@pytest.mark.parametrize("change", ["setLevel", "logging.disable", "disabled", "plugin.level"])
def test_every_kind_of_level_change_applies_to_the_next_request(
    server: EchoServer, change: str
) -> None:
    """The hooks read logging's remembered answer; each way of silencing a logger still works
    at once, and undoing it brings the records back."""
    target = logging.getLogger(f"axios_python.test.change.{change}")
    target.setLevel(logging.INFO)
    handler = Capture()
    target.addHandler(handler)
    plugin = LoggerPlugin(logger=target)
    api = axios_python.create({"base_url": server.url}).plugin(plugin)
    changes: dict[str, tuple[Callable[[], None], Callable[[], None]]] = {
        "setLevel": (lambda: target.setLevel(logging.ERROR), lambda: target.setLevel(logging.INFO)),
        "logging.disable": (lambda: logging.disable(logging.INFO), lambda: logging.disable(0)),
        "disabled": (
            lambda: setattr(target, "disabled", True),
            lambda: setattr(target, "disabled", False),
        ),
        "plugin.level": (
            lambda: setattr(plugin, "level", logging.DEBUG),
            lambda: setattr(plugin, "level", logging.INFO),
        ),
    }
    silence, restore = changes[change]
    try:
        api.get("/get")
        assert len(handler.ours(target.name)) == 2
        silence()
        api.get("/get")
        api.get("/get")
        # plugin.level=DEBUG on an INFO logger is silent too: DEBUG records are below INFO
        assert len(handler.ours(target.name)) == 2
        restore()
        api.get("/get")
        assert [fields(r)["event"] for r in handler.ours(target.name)] == [
            "request",
            "response",
        ] * 2
    finally:
        logging.disable(0)
        target.removeHandler(handler)


def test_another_logger_and_a_logger_that_decides_itself(server: EchoServer) -> None:
    """Assigning plugin.logger applies from the next request; a Logger subclass with its own
    isEnabledFor is asked every time, even where logging's memo would say no."""

    class Loud(logging.Logger):
        loud = True

        def isEnabledFor(self, level: int) -> bool:
            below = super().isEnabledFor(level)  # fills logging's memo: False for INFO here
            return self.loud or below

    first = logging.getLogger("axios_python.test.first")
    first.setLevel(logging.INFO)
    second = Loud("axios_python.test.second", logging.ERROR)
    seen_first, seen_second = Capture(), Capture()
    first.addHandler(seen_first)
    second.addHandler(seen_second)
    plugin = LoggerPlugin(logger=first)
    api = axios_python.create({"base_url": server.url}).plugin(plugin)
    api.get("/get")
    plugin.logger = second
    api.get("/get")
    api.get("/get")
    Loud.loud = False
    api.get("/get")
    first.removeHandler(seen_first)
    assert len(seen_first.ours("axios_python.test.first")) == 2
    assert len(seen_second.ours("axios_python.test.second")) == 4
    with pytest.raises(axios_python.ConfigError, match="'logger' must be a logger name"):
        plugin.logger = "not a logger"  # type: ignore[assignment]
