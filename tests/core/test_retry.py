"""The retry engine: strategies, what is retried, Retry-After, deadlines, against a real server."""

from __future__ import annotations

import email.utils
import itertools
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from echo_server import EchoServer, refusing_port

from axios_python import (
    AxiosPython,
    AxiosPythonError,
    ConfigError,
    ExponentialBackoff,
    FixedBackoff,
    HTTPStatusError,
    LinearBackoff,
    NetworkError,
    Response,
    RetryError,
    RetryStrategy,
    TimeoutError,
)
from axios_python._retry import retry_after_seconds
from axios_python.hookspecs import hookimpl

from ._support import Sender

_keys = itertools.count()


@pytest.fixture(autouse=True)
async def _close_clients(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[None]:
    """Close every client a test builds, so no pooled connection outlives the test."""
    made: list[AxiosPython] = []
    build = AxiosPython.__init__

    def init(self: AxiosPython, *args: Any, **kwargs: Any) -> None:
        build(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(AxiosPython, "__init__", init)
    yield
    for api in made:
        await api.aclose()


def flaky(failures: int, status: int = 503, **query: Any) -> str:
    """A /flaky path with a fresh key that fails ``failures`` times with ``status``."""
    params = "&".join(f"{k}={v}" for k, v in {"status": status, **query}.items())
    return f"/flaky/k{next(_keys)}/{failures}?{params}"


def key_of(path: str) -> str:
    """The flaky key inside a path made by flaky()."""
    return path.split("/")[2]


def fast(**options: Any) -> FixedBackoff:
    """A 10 ms fixed back-off that also retries 503 and 429."""
    options.setdefault("retry_on_status", [429, 503])
    return FixedBackoff(0.01, **options)


# --- strategies: delay sequences ------------------------------------------------------------


def test_exponential_doubles_from_half_a_second_and_caps() -> None:
    """ExponentialBackoff() waits 0.5, 1, 2, 4... and never more than max_delay."""
    assert [ExponentialBackoff().backoff(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 4.0, 8.0]
    capped = ExponentialBackoff(base=0.5, multiplier=2.0, max_delay=3.0)
    assert [capped.delay(n, NetworkError("x")) for n in range(1, 6)] == [0.5, 1, 2, 3, 3]


def test_exponential_default_cap_is_thirty_seconds() -> None:
    """Without max_delay the exponential strategy still stops growing at 30 s."""
    assert ExponentialBackoff().delay(20, NetworkError("x")) == 30.0


def test_linear_grows_by_one_step() -> None:
    """LinearBackoff(delay=1.0) waits 1, 2, 3 seconds."""
    strategy = LinearBackoff(delay=1.0)
    assert [strategy.delay(n, NetworkError("x")) for n in (1, 2, 3)] == [1.0, 2.0, 3.0]


def test_fixed_always_waits_the_same() -> None:
    """FixedBackoff(delay=2.0) waits 2 seconds before every retry."""
    strategy = FixedBackoff(delay=2.0)
    assert [strategy.delay(n, NetworkError("x")) for n in (1, 2, 5)] == [2.0, 2.0, 2.0]


def test_jitter_is_off_by_default_and_bounded_when_on() -> None:
    """Delays are exact by default; with jitter each one lies in [0, backoff]."""
    assert ExponentialBackoff().jitter is False
    jittery = FixedBackoff(0.2, jitter=True)
    delays = {jittery.delay(1, NetworkError("x")) for _ in range(50)}
    assert all(0 <= d <= 0.2 for d in delays)
    assert len(delays) > 1


def test_network_errors_and_timeouts_are_retryable_statuses_only_when_listed() -> None:
    """By default errors retry and statuses do not; retry_on_status adds statuses."""
    plain = ExponentialBackoff()
    assert plain.is_retryable(NetworkError("down"))
    assert plain.is_retryable(TimeoutError("slow"))
    assert not plain.is_retryable(ValueError("bug"))
    assert not plain.is_retryable(Response(503))
    listed = ExponentialBackoff(retry_on_status=[429, 502, 503, 504])
    assert listed.is_retryable(Response(503))
    assert not listed.is_retryable(Response(500))


def test_strategies_validate_their_arguments() -> None:
    """Bad arguments fail at construction with the offending value in the message."""
    with pytest.raises(ValueError, match=r"base .*-1"):
        ExponentialBackoff(base=-1)
    with pytest.raises(ValueError, match="'soon'"):
        FixedBackoff(delay="soon")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="1000"):
        LinearBackoff(retry_on_status=[503, 1000])
    with pytest.raises(TypeError, match="collection of ints"):
        ExponentialBackoff(retry_on_status="503")  # type: ignore[arg-type]


def test_retry_strategy_can_be_subclassed() -> None:
    """A subclass only writes backoff (and may narrow is_retryable); capping still applies."""

    class Quadratic(RetryStrategy):
        def backoff(self, retry_number: int) -> float:
            return 0.1 * retry_number**2

    strategy = Quadratic(max_delay=0.5)
    assert [round(strategy.delay(n, NetworkError("x")), 3) for n in (1, 2, 3)] == [0.1, 0.4, 0.5]
    assert "Quadratic(" in repr(strategy)


# --- Retry-After -------------------------------------------------------------------------------


def test_retry_after_seconds() -> None:
    """Retry-After as delta seconds is read as a number; junk and absence give None."""
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds(" 0 ") == 0.0
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds("-5") is None


def test_retry_after_http_date() -> None:
    """Retry-After as an HTTP date gives the seconds until then (never negative)."""
    now = 1_700_000_000.0
    later = email.utils.formatdate(now + 120, usegmt=True)
    assert retry_after_seconds(later, now=now) == pytest.approx(120)
    earlier = email.utils.formatdate(now - 120, usegmt=True)
    assert retry_after_seconds(earlier, now=now) == 0.0
    zoneless = email.utils.formatdate(now + 60).replace("+0000", "-0000")
    assert retry_after_seconds(zoneless, now=now) == pytest.approx(60)


def test_retry_after_wins_over_backoff_but_not_over_max_delay() -> None:
    """A retryable response's Retry-After replaces the back-off and is capped by max_delay."""
    strategy = FixedBackoff(0.5, max_delay=2.0, retry_on_status=[503])
    assert strategy.delay(1, Response(503, headers={"Retry-After": "1"})) == 1.0
    assert strategy.delay(1, Response(503, headers={"Retry-After": "60"})) == 2.0
    assert strategy.delay(1, Response(503)) == 0.5


# --- config -----------------------------------------------------------------------------------


def test_retry_config_keys_are_validated() -> None:
    """retry_deadline must be positive seconds; misspelt keys suggest the right one."""
    with pytest.raises(ConfigError, match=r"'retry_deadline' must be a positive .*-1"):
        AxiosPython({"retry_deadline": -1})
    with pytest.raises(ConfigError, match="did you mean 'retry_deadline'"):
        AxiosPython({"retry_dedline": 1})  # type: ignore[typeddict-unknown-key]
    with pytest.raises(ConfigError, match="RetryStrategy"):
        AxiosPython({"retry_strategy": "exponential"})  # type: ignore[typeddict-item]
    assert AxiosPython({"retry_deadline": 2}).defaults["retry_deadline"] == 2.0


# --- retrying against the echo server ---------------------------------------------------------


async def test_flaky_endpoint_succeeds_after_retries(send: Sender, server: EchoServer) -> None:
    """A GET that fails twice with 503 succeeds on the third attempt and says it retried twice."""
    api = AxiosPython({"base_url": server.url, "max_retries": 3, "retry_strategy": fast()})
    path = flaky(2)
    response = await send(api, "GET", path)
    assert response.status_code == 200
    assert response.data["attempt"] == 3
    assert response.retries == 2
    assert server.flaky_attempts(key_of(path)) == 3


async def test_exhausted_retries_raise_retry_error(send: Sender, server: EchoServer) -> None:
    """When every attempt fails, RetryError counts them and chains the last HTTPStatusError."""
    api = AxiosPython({"base_url": server.url, "max_retries": 2, "retry_strategy": fast()})
    path = flaky(5)
    with pytest.raises(RetryError) as caught:
        await send(api, "GET", path)
    assert caught.value.attempts == 3
    cause = caught.value.__cause__
    assert isinstance(cause, HTTPStatusError)
    assert cause.response.status_code == 503
    assert caught.value.response is not None
    assert caught.value.response.status_code == 503
    assert server.flaky_attempts(key_of(path)) == 3


async def test_connection_refused_is_retried(send: Sender) -> None:
    """Network errors retry by default; the RetryError's cause is the last NetworkError."""
    api = AxiosPython({"max_retries": 2, "retry_strategy": fast()})
    with pytest.raises(RetryError) as caught:
        await send(api, "GET", f"http://127.0.0.1:{refusing_port()}/get")
    assert caught.value.attempts == 3
    assert isinstance(caught.value.__cause__, NetworkError)


async def test_connection_reset_is_retried(send: Sender, server: EchoServer) -> None:
    """A connection reset by the server is a network error: each retry reaches the server."""
    api = AxiosPython({"base_url": server.url, "max_retries": 2, "retry_strategy": fast()})
    with pytest.raises(RetryError) as caught:
        await send(api, "GET", "/reset")
    assert isinstance(caught.value.__cause__, NetworkError)
    assert server.hits["/reset"] == 3


async def test_timeouts_are_retried(send: Sender, server: EchoServer) -> None:
    """A read timeout is retried like a network error."""
    api = AxiosPython({"base_url": server.url, "max_retries": 1, "retry_strategy": fast()})
    with pytest.raises(RetryError) as caught:
        await send(api, "GET", "/delay/1", timeout=0.05)
    assert isinstance(caught.value.__cause__, TimeoutError)
    assert caught.value.attempts == 2  # (a loaded server may not even log a 50 ms attempt)


async def test_unlisted_status_is_not_retried(send: Sender, server: EchoServer) -> None:
    """A 503 is final unless the strategy lists it in retry_on_status."""
    api = AxiosPython(
        {"base_url": server.url, "max_retries": 3, "retry_strategy": FixedBackoff(0.01)}
    )
    path = flaky(1)
    with pytest.raises(HTTPStatusError):
        await send(api, "GET", path)
    assert server.flaky_attempts(key_of(path)) == 1


async def test_no_retries_by_default(send: Sender, server: EchoServer) -> None:
    """max_retries defaults to 0: a strategy alone does not retry."""
    api = AxiosPython({"base_url": server.url, "retry_strategy": fast()})
    path = flaky(1)
    with pytest.raises(HTTPStatusError):
        await send(api, "GET", path)
    assert server.flaky_attempts(key_of(path)) == 1


async def test_per_request_override(send: Sender, server: EchoServer) -> None:
    """max_retries and retry_strategy given to one request override the instance's."""
    api = AxiosPython({"base_url": server.url})
    path = flaky(2)
    response = await send(api, "GET", path, max_retries=2, retry_strategy=fast())
    assert response.retries == 2
    assert server.flaky_attempts(key_of(path)) == 3


async def test_post_is_not_retried_by_default(send: Sender, server: EchoServer) -> None:
    """A POST is not idempotent: it is sent once even with retries configured."""
    api = AxiosPython({"base_url": server.url, "max_retries": 3, "retry_strategy": fast()})
    path = flaky(1)
    with pytest.raises(HTTPStatusError):
        await send(api, "POST", path, json={"charge": 10})
    assert server.flaky_attempts(key_of(path)) == 1


@pytest.mark.parametrize("method", ["PUT", "DELETE", "HEAD", "OPTIONS"])
async def test_idempotent_methods_are_retried(
    send: Sender, server: EchoServer, method: str
) -> None:
    """PUT, DELETE, HEAD and OPTIONS retry like GET."""
    api = AxiosPython({"base_url": server.url, "max_retries": 1, "retry_strategy": fast()})
    path = flaky(1)
    response = await send(api, method, path)
    assert response.retries == 1
    assert server.flaky_attempts(key_of(path)) == 2


async def test_post_with_idempotency_key_is_retried(send: Sender, server: EchoServer) -> None:
    """A caller-supplied Idempotency-Key makes a POST safe to retry."""
    api = AxiosPython({"base_url": server.url, "max_retries": 3, "retry_strategy": fast()})
    path = flaky(1)
    response = await send(api, "POST", path, json={}, headers={"Idempotency-Key": "order-7"})
    assert response.retries == 1
    assert [r.header("Idempotency-Key") for r in server.requests] == ["order-7", "order-7"]


async def test_retry_methods_opts_methods_in(send: Sender, server: EchoServer) -> None:
    """retry_methods replaces the default set: POST then retries and GET does not."""
    api = AxiosPython(
        {
            "base_url": server.url,
            "max_retries": 3,
            "retry_strategy": fast(),
            "retry_methods": ["post", "PATCH"],
        }
    )
    posted = flaky(1)
    assert (await send(api, "POST", posted, data=b"x")).retries == 1
    fetched = flaky(1)
    with pytest.raises(HTTPStatusError):
        await send(api, "GET", fetched)
    assert server.flaky_attempts(key_of(fetched)) == 1


async def test_one_shot_body_is_not_retried_silently(send: Sender, server: EchoServer) -> None:
    """A generator body cannot be replayed: the request fails saying so, after one attempt."""
    api = AxiosPython({"base_url": server.url, "max_retries": 3, "retry_strategy": fast()})

    def body() -> Iterator[bytes]:
        yield b"part"

    path = flaky(1)
    with pytest.raises(AxiosPythonError, match="one-shot") as caught:
        await send(api, "PUT", path, data=body())
    assert caught.value.response is not None
    assert caught.value.response.status_code == 503
    assert server.flaky_attempts(key_of(path)) == 1


async def test_one_shot_body_after_network_error_chains_it(send: Sender) -> None:
    """Refusing to replay a one-shot body after a network error keeps that error as cause."""
    api = AxiosPython({"max_retries": 3, "retry_strategy": fast()})
    with pytest.raises(AxiosPythonError, match="one-shot") as caught:
        await send(api, "PUT", f"http://127.0.0.1:{refusing_port()}/", data=iter([b"a"]))
    assert isinstance(caught.value.__cause__, NetworkError)


async def test_bytes_and_list_bodies_are_replayed(send: Sender, server: EchoServer) -> None:
    """Bytes and list-of-bytes bodies are sent again, whole, on every attempt."""
    api = AxiosPython({"base_url": server.url, "max_retries": 1, "retry_strategy": fast()})
    await send(api, "PUT", flaky(1), data=b"payload")
    await send(api, "PUT", flaky(1), data=[b"pay", b"load"])
    assert [r.body for r in server.requests] == [b"payload"] * 4


# --- delays -----------------------------------------------------------------------------------


async def test_fixed_delays_are_waited(send: Sender, server: EchoServer) -> None:
    """Two retries with FixedBackoff(0.1) take at least 0.2 s in all."""
    strategy = FixedBackoff(0.1, retry_on_status=[503])
    api = AxiosPython({"base_url": server.url, "max_retries": 2, "retry_strategy": strategy})
    started = time.monotonic()
    assert (await send(api, "GET", flaky(2))).retries == 2
    assert time.monotonic() - started >= 0.2


async def test_linear_delays_are_waited(send: Sender, server: EchoServer) -> None:
    """Two retries with LinearBackoff(0.05) wait 0.05 then 0.1 s: at least 0.15 s in all."""
    strategy = LinearBackoff(0.05, retry_on_status=[503])
    api = AxiosPython({"base_url": server.url, "max_retries": 2, "retry_strategy": strategy})
    started = time.monotonic()
    assert (await send(api, "GET", flaky(2))).retries == 2
    assert time.monotonic() - started >= 0.15


async def test_retry_after_replaces_the_backoff(send: Sender, server: EchoServer) -> None:
    """Retry-After: 0 on a 503 means retry now, not after the 2 s back-off."""
    strategy = FixedBackoff(2.0, retry_on_status=[503])
    api = AxiosPython({"base_url": server.url, "max_retries": 1, "retry_strategy": strategy})
    started = time.monotonic()
    assert (await send(api, "GET", flaky(1, retry_after=0))).retries == 1
    assert time.monotonic() - started < 1.5


async def test_retry_after_is_capped_by_max_delay(send: Sender, server: EchoServer) -> None:
    """A 429 asking for 1 s is retried after max_delay (0.05 s) instead."""
    strategy = fast(max_delay=0.05)
    api = AxiosPython({"base_url": server.url, "max_retries": 1, "retry_strategy": strategy})
    started = time.monotonic()
    with pytest.raises(RetryError) as caught:
        await send(api, "GET", "/status/429?retry_after=1")
    assert 0.05 <= time.monotonic() - started < 0.9
    assert caught.value.attempts == 2
    assert server.hits["/status/429"] == 2


# --- the total deadline -------------------------------------------------------------------------


async def test_deadline_stops_retrying(send: Sender, server: EchoServer) -> None:
    """With waits of 0.5 s and a 0.9 s deadline, a second wait and third attempt never start."""
    strategy = FixedBackoff(0.5, retry_on_status=[503])
    api = AxiosPython(
        {
            "base_url": server.url,
            "max_retries": 5,
            "retry_strategy": strategy,
            "retry_deadline": 0.9,
        }
    )
    path = flaky(10)
    started = time.monotonic()
    with pytest.raises(RetryError, match=r"retry_deadline of 0\.9s") as caught:
        await send(api, "GET", path)
    assert time.monotonic() - started >= 0.5  # one wait was made, the next would cross 0.9 s
    assert caught.value.attempts == 2
    assert server.flaky_attempts(key_of(path)) == 2


async def test_deadline_bounds_a_slow_attempt(send: Sender, server: EchoServer) -> None:
    """An attempt still running at the deadline times out then, not at its own timeout."""
    api = AxiosPython(
        {
            "base_url": server.url,
            "max_retries": 3,
            "retry_strategy": fast(),
            "retry_deadline": 0.3,
            "timeout": 10,
        }
    )
    started = time.monotonic()
    with pytest.raises(RetryError) as caught:
        await send(api, "GET", "/delay/3")
    assert time.monotonic() - started < 1.5
    assert isinstance(caught.value.__cause__, TimeoutError)
    assert caught.value.attempts == 1


async def test_deadline_leaves_a_quick_success_alone(send: Sender, server: EchoServer) -> None:
    """A deadline that is not reached changes nothing: the response records its retries."""
    api = AxiosPython(
        {
            "base_url": server.url,
            "max_retries": 2,
            "retry_strategy": fast(),
            "retry_deadline": 5,
        }
    )
    response = await send(api, "GET", flaky(1))
    assert response.retries == 1


# --- what re-runs per attempt ---------------------------------------------------------------


async def test_interceptors_and_middleware_run_once_per_request(
    send: Sender, server: EchoServer
) -> None:
    """Only stage 5 repeats: interceptors and middleware see one call for three attempts."""
    api = AxiosPython({"base_url": server.url, "max_retries": 2, "retry_strategy": fast()})
    seen: list[str] = []

    def on_request(config: Any) -> Any:
        seen.append("interceptor")
        return config

    def middleware(ctx: Any, next_fn: Any) -> Any:
        seen.append("middleware")
        return next_fn(ctx)

    api.interceptors.request.use(on_request)
    api.use(middleware)
    path = flaky(2)
    assert (await send(api, "GET", path)).retries == 2
    assert seen == ["interceptor", "middleware"]
    assert server.flaky_attempts(key_of(path)) == 3


async def test_deadline_bounds_a_request_that_is_not_retried(
    send: Sender, server: EchoServer
) -> None:
    """retry_deadline also bounds a POST that is sent once: it times out at the deadline."""
    api = AxiosPython(
        {
            "base_url": server.url,
            "retry_deadline": 0.3,
            "timeout": 10,
            "max_retries": 3,
            "retry_strategy": fast(),
        }
    )
    started = time.monotonic()
    with pytest.raises(TimeoutError):  # the POST is not retried: no RetryError either
        await send(api, "POST", "/delay/3", json={})
    assert time.monotonic() - started < 1.5


async def test_custom_strategy_decides_what_to_retry(send: Sender, server: EchoServer) -> None:
    """A RetryStrategy subclass picks the retryable outcomes and the waits; others stay final."""

    class ServerErrors(RetryStrategy):
        def backoff(self, retry_number: int) -> float:
            return 0.01 * retry_number

        def is_retryable(self, outcome: Response | BaseException) -> bool:
            if isinstance(outcome, Response):
                return outcome.status_code >= 500
            return super().is_retryable(outcome)

    api = AxiosPython({"base_url": server.url, "max_retries": 3, "retry_strategy": ServerErrors()})
    path = flaky(2, status=500)
    assert (await send(api, "GET", path)).retries == 2
    assert server.flaky_attempts(key_of(path)) == 3
    not_found = flaky(1, status=404)
    with pytest.raises(HTTPStatusError) as caught:
        await send(api, "GET", not_found)
    assert caught.value.response.status_code == 404
    assert server.flaky_attempts(key_of(not_found)) == 1


def test_a_strategy_without_backoff_says_what_is_missing() -> None:
    """The bare base class, or a subclass that forgot backoff, names the method to write."""

    class Forgetful(RetryStrategy):
        def __init__(self) -> None:  # no super().__init__(): the defaults still apply
            pass

    with pytest.raises(NotImplementedError, match=r"Forgetful must override backoff"):
        Forgetful().delay(1, NetworkError("x"))
    assert Forgetful().is_retryable(NetworkError("x"))


async def test_each_attempt_asks_the_cache_hook_and_request_hooks_run_once(
    send: Sender, server: EchoServer
) -> None:
    """axios_cached_response runs before every attempt; axios_request only once per request."""
    calls: list[str] = []

    class Counting:
        @hookimpl
        def axios_request(self, config: Any, client: Any) -> None:
            calls.append("request")

        @hookimpl
        def axios_cached_response(self, request: Any, config: Any, client: Any) -> None:
            calls.append("cached_response")

    api = AxiosPython({"base_url": server.url, "max_retries": 2, "retry_strategy": fast()})
    api.plugin(Counting())
    assert (await send(api, "GET", flaky(2))).retries == 2
    assert calls == ["request", "cached_response", "cached_response", "cached_response"]


async def test_each_attempt_follows_redirects_from_the_start(
    send: Sender, server: EchoServer
) -> None:
    """A retry resends the original request and follows its redirects again."""
    api = AxiosPython({"base_url": server.url, "max_retries": 1, "retry_strategy": fast()})
    path = flaky(1)
    response = await send(api, "GET", "/redirect-to", params={"url": path})
    assert response.retries == 1
    assert len(response.history) == 1
    assert server.hits["/redirect-to"] == 2
    assert server.flaky_attempts(key_of(path)) == 2
