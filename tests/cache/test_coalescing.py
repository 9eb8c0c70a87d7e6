"""Single-flight: concurrent misses for one key make one origin request (threads and tasks)."""

from __future__ import annotations

import asyncio
import contextlib
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, cast

import pytest
from axios_python_cache import CachePlugin

import axios_python
from axios_python import (
    AxiosPython,
    AxiosPythonError,
    CancelToken,
    HTTPStatusError,
    NetworkError,
    RequestOptions,
    Response,
)

from ._origin import Origin, Reply, Seen
from ._support import Sender

__all__: list[str] = []

_SLOW = Reply(headers=[("Cache-Control", "max-age=60")], body=b"shared", delay=0.3)


def _api(plugin: CachePlugin, **config: Any) -> AxiosPython:
    api = axios_python.create(cast("RequestOptions", config))
    api.plugin(plugin)
    return api


def _in_threads(count: int, call: Callable[[int], Response]) -> list[Response | BaseException]:
    """Run ``call(i)`` in ``count`` threads released together; results or exceptions, in order."""
    barrier = threading.Barrier(count)

    def run(index: int) -> Response | BaseException:
        barrier.wait()
        try:
            return call(index)
        except BaseException as exc:
            return exc

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


async def _in_tasks(count: int, call: Callable[[int], Any]) -> list[Any]:
    return list(await asyncio.gather(*(call(i) for i in range(count)), return_exceptions=True))


def test_concurrent_misses_make_one_origin_request_threads(
    origin: Origin, storage_options: dict[str, Any]
) -> None:
    """32 threads miss on one URL at once: the origin sees one request, all get its body."""
    url = origin.route("/slow", _SLOW)
    plugin = CachePlugin(**storage_options)
    api = _api(plugin)
    results = _in_threads(32, lambda _: api.get(url))
    assert all(isinstance(r, Response) and r.content == b"shared" for r in results)
    assert origin.hits["/slow"] == 1
    stats = plugin.stats
    assert stats.coalesced == 31
    assert stats.misses == 1
    assert stats.hits == 31
    plugin.close()


async def test_concurrent_misses_make_one_origin_request_tasks(
    origin: Origin, storage_options: dict[str, Any]
) -> None:
    """32 tasks of one event loop miss on one URL at once: one origin request."""
    url = origin.route("/slow", _SLOW)
    plugin = CachePlugin(**storage_options)
    api = _api(plugin)
    results = await _in_tasks(32, lambda _: api.async_get(url))
    assert all(isinstance(r, Response) and r.content == b"shared" for r in results)
    assert origin.hits["/slow"] == 1
    assert plugin.stats.coalesced == 31
    await plugin.aclose()
    await api.aclose()


async def test_threads_and_tasks_share_one_flight(origin: Origin) -> None:
    """Sync callers in threads and async callers in tasks wait for the same origin request."""
    url = origin.route("/slow", _SLOW)
    plugin = CachePlugin()
    api = _api(plugin)
    loop = asyncio.get_running_loop()
    threads = [loop.run_in_executor(None, api.get, url) for _ in range(8)]
    tasks = [api.async_get(url) for _ in range(8)]
    results = await asyncio.gather(*threads, *tasks)
    assert {r.content for r in results} == {b"shared"}
    assert origin.hits["/slow"] == 1
    await api.aclose()


def test_different_keys_are_not_serialised(origin: Origin) -> None:
    """Misses on different URLs go to the origin side by side, never one after the other."""
    urls = [origin.route(f"/slow/{n}", _SLOW) for n in range(4)]
    api = _api(CachePlugin())
    results = _in_threads(16, lambda i: api.get(urls[i % 4]))
    assert all(isinstance(r, Response) for r in results)
    assert [origin.hits[f"/slow/{n}"] for n in range(4)] == [1, 1, 1, 1]
    assert origin.max_in_flight == 4  # all four were at the origin at the same time


@pytest.mark.parametrize(
    ("answer", "error"),
    [(Reply(503, delay=0.3), HTTPStatusError), (Reply(drop=True, delay=0.3), NetworkError)],
    ids=["503", "no-answer"],
)
def test_a_failure_reaches_every_waiter_threads(
    origin: Origin, answer: Reply, error: type[Exception]
) -> None:
    """The leader's 503 or network error is every waiter's result; the origin is hit once."""
    url = origin.route("/failing", answer)
    plugin = CachePlugin()
    api = _api(plugin, max_retries=0)
    results = _in_threads(16, lambda _: api.get(url))
    assert all(isinstance(r, error) for r in results), results
    assert origin.hits["/failing"] == 1
    assert plugin.stats.coalesced == 15
    _assert_no_flight_left(plugin)
    for result in results:
        assert isinstance(result, AxiosPythonError)
        assert result.request is not None  # each waiter's error names its own request
        assert result.request.url == url


@pytest.mark.parametrize(
    ("answer", "error"),
    [(Reply(503, delay=0.3), HTTPStatusError), (Reply(drop=True, delay=0.3), NetworkError)],
    ids=["503", "no-answer"],
)
async def test_a_failure_reaches_every_waiter_tasks(
    origin: Origin, answer: Reply, error: type[Exception]
) -> None:
    """The async twin: every task gets the leader's failure."""
    url = origin.route("/failing", answer)
    api = _api(CachePlugin(), max_retries=0)
    results = await _in_tasks(16, lambda _: api.async_get(url))
    assert all(isinstance(r, error) for r in results), results
    assert origin.hits["/failing"] == 1
    await api.aclose()


def test_a_shared_error_response_is_judged_by_each_callers_validate_status(
    origin: Origin,
) -> None:
    """A waiter that accepts 503 gets the response; one that does not gets HTTPStatusError."""
    url = origin.route("/failing", Reply(503, body=b"busy", delay=0.3))
    api = _api(CachePlugin())

    def call(index: int) -> Response:
        if index % 2:
            return api.get(url, validate_status=lambda status: True)
        return api.get(url)

    results = _in_threads(8, call)
    accepted = [r for r in results if isinstance(r, Response)]
    assert len(accepted) == 4
    assert all(r.status_code == 503 and r.content == b"busy" for r in accepted)
    assert sum(isinstance(r, HTTPStatusError) for r in results) == 4
    assert origin.hits["/failing"] == 1


def test_the_wait_is_bounded(origin: Origin) -> None:
    """Past coalesce_timeout a waiter stops waiting and sends its own request."""
    calls = {"n": 0}
    lock = threading.Lock()

    def answer(seen: Seen) -> Reply:
        with lock:
            calls["n"] += 1
            first = calls["n"] == 1
        return Reply(body=b"late" if first else b"own", delay=2.0 if first else 0.0)

    url = origin.route("/stuck", answer)
    api = _api(CachePlugin(coalesce_timeout=0.2))
    results = _in_threads(4, lambda _: api.get(url))
    assert sorted(r.content for r in results if isinstance(r, Response)) == [
        b"late",
        b"own",
        b"own",
        b"own",
    ]
    seen = origin.requests_to("/stuck")
    assert len(seen) == 4
    assert seen[-1].at - seen[0].at < 1.5  # the waiters went long before the leader's 2 s ended


def test_different_users_never_share(origin: Origin) -> None:
    """With cache_authenticated, each user's concurrent misses coalesce among themselves only."""

    def answer(seen: Seen) -> Reply:
        body = (seen.header("Authorization") or "anonymous").encode()
        return Reply(headers=[("Cache-Control", "max-age=60")], body=body, delay=0.3)

    url = origin.route("/me", answer)
    api = _api(CachePlugin(cache_authenticated=True))
    users = ["Bearer alice", "Bearer bob", None]

    def call(index: int) -> Response:
        user = users[index % 3]
        return api.get(url, headers={} if user is None else {"Authorization": user})

    results = _in_threads(24, call)
    for index, result in enumerate(results):
        assert isinstance(result, Response)
        assert result.content == (users[index % 3] or "anonymous").encode()
    assert origin.hits["/me"] == 3


def test_credentialed_requests_without_opt_in_are_never_coalesced(origin: Origin) -> None:
    """Without cache_authenticated a request with credentials neither waits nor is waited for."""
    url = origin.route("/me", Reply(headers=[("Cache-Control", "max-age=60")], delay=0.2))
    api = _api(CachePlugin())
    results = _in_threads(6, lambda _: api.get(url, headers={"Authorization": "Bearer t"}))
    assert all(isinstance(r, Response) for r in results)
    assert origin.hits["/me"] == 6


def test_a_response_that_may_not_be_stored_is_not_shared(origin: Origin) -> None:
    """no-store and Set-Cookie answers are the leader's only: each waiter sends its own."""
    url = origin.route("/private", Reply(headers=[("Set-Cookie", "id=1")], delay=0.2))
    api = _api(CachePlugin())
    results = _in_threads(4, lambda _: api.get(url))
    assert all(isinstance(r, Response) and not r.from_cache for r in results)
    assert origin.hits["/private"] == 4


def test_a_vary_mismatch_makes_the_waiter_fetch_its_own_variant(origin: Origin) -> None:
    """A waiter whose Accept differs from the leader's does not get the leader's variant."""

    def answer(seen: Seen) -> Reply:
        headers = [("Cache-Control", "max-age=60"), ("Vary", "Accept")]
        return Reply(headers=headers, body=(seen.header("Accept") or "").encode(), delay=0.2)

    url = origin.route("/negotiated", answer)
    api = _api(CachePlugin())
    kinds = ["text/a", "text/b"]
    results = _in_threads(8, lambda i: api.get(url, headers={"Accept": kinds[i % 2]}))
    for index, result in enumerate(results):
        assert isinstance(result, Response)
        assert result.content == kinds[index % 2].encode()
    assert origin.hits["/negotiated"] == 2


def test_a_cancelled_leader_lets_a_waiter_take_over(origin: Origin) -> None:
    """When the leader is cancelled, the waiters do not fail: one of them goes to the origin."""
    url = origin.route("/slow", _SLOW)
    api = _api(CachePlugin())
    token = CancelToken()
    leader = threading.Thread(target=_swallow, args=(lambda: api.get(url, cancel_token=token),))
    leader.start()
    assert origin.wait_for_hits("/slow", 1)
    results: list[Response] = []
    waiter = threading.Thread(target=lambda: results.append(api.get(url)))
    waiter.start()
    token.cancel("test")
    leader.join()
    waiter.join()
    assert results[0].content == b"shared"
    assert origin.hits["/slow"] == 2


async def test_a_cancelled_leader_task_lets_a_waiter_take_over(origin: Origin) -> None:
    """An async leader whose task is cancelled (no error hook runs) still frees its waiters."""
    url = origin.route("/slow", _SLOW)
    plugin = CachePlugin(coalesce_timeout=30)
    api = _api(plugin)
    leader = asyncio.ensure_future(api.async_get(url))
    await asyncio.to_thread(origin.wait_for_hits, "/slow", 1)
    waiter = asyncio.ensure_future(api.async_get(url))
    await asyncio.sleep(0.05)
    leader.cancel()
    response = await asyncio.wait_for(waiter, 10)  # long before coalesce_timeout
    assert response.content == b"shared"
    assert origin.hits["/slow"] == 2
    _assert_no_flight_left(plugin)
    await api.aclose()


def test_a_cancelled_waiter_stops_waiting(origin: Origin) -> None:
    """A waiter's CancelToken ends its wait with CancelError; the leader is unaffected."""
    url = origin.route("/slow", Reply(body=b"done", delay=1.0))
    api = _api(CachePlugin(coalesce_timeout=30))
    leader: list[Response] = []
    thread = threading.Thread(target=lambda: leader.append(api.get(url)))
    thread.start()
    assert origin.wait_for_hits("/slow", 1)
    token = CancelToken()
    threading.Timer(0.1, token.cancel, args=("enough",)).start()
    with pytest.raises(axios_python.CancelError, match="enough"):
        api.get(url, cancel_token=token)
    thread.join()
    assert leader[0].content == b"done"
    assert origin.hits["/slow"] == 1


@pytest.mark.parametrize(
    ("limit", "message"),
    [
        ({"timeout": {"total": 0.3}}, "total timeout of 0.3s"),
        ({"retry_deadline": 0.3}, "retry_deadline of 0.3s reached"),
    ],
    ids=["total", "retry_deadline"],
)
async def test_a_waiters_deadline_ends_its_wait_with_the_timeout_it_set(
    origin: Origin, send: Sender, limit: dict[str, Any], message: str
) -> None:
    """A waiter's total timeout or retry_deadline ends its wait as TimeoutError naming it."""
    url = origin.route("/slow", Reply(headers=[("Cache-Control", "max-age=60")], delay=1.5))
    api = _api(CachePlugin(coalesce_timeout=30))
    leader: list[Response] = []
    thread = threading.Thread(target=lambda: leader.append(api.get(url)))
    thread.start()
    assert origin.wait_for_hits("/slow", 1)
    started = time.monotonic()
    with pytest.raises(axios_python.TimeoutError, match=re.escape(message)) as info:
        await send(api, "GET", url, **limit)
    assert time.monotonic() - started < 1.0  # long before the leader's 1.5 s answer
    assert info.value.request is not None
    assert info.value.request.url == url
    thread.join()
    assert leader[0].status_code == 200
    assert origin.hits["/slow"] == 1


def test_a_leader_failing_outside_the_transport_lets_the_waiters_go(origin: Origin) -> None:
    """A middleware's own exception after the leader's send is not shared: waiters carry on."""
    url = origin.route("/slow", _SLOW)
    plugin = CachePlugin(coalesce_timeout=30)
    api = _api(plugin)
    failed = threading.Event()

    def fail_once(config: Any, next_fn: Any) -> Response:
        response: Response = next_fn(config)
        if not failed.is_set() and not response.from_cache:
            failed.set()
            raise RuntimeError("middleware bug")
        return response

    api.use(fail_once)
    results = _in_threads(4, lambda _: api.get(url))
    _assert_no_flight_left(plugin)
    assert sum(isinstance(r, RuntimeError) for r in results) == 1
    assert all(r.content == b"shared" for r in results if isinstance(r, Response))
    assert origin.hits["/slow"] == 2  # the leader's, then one waiter took over


def test_coalescing_can_be_turned_off(origin: Origin) -> None:
    """coalesce=False: every concurrent miss goes to the origin."""
    url = origin.route("/slow", Reply(headers=[("Cache-Control", "max-age=60")], delay=0.2))
    api = _api(CachePlugin(coalesce=False))
    results = _in_threads(4, lambda _: api.get(url))
    assert all(isinstance(r, Response) for r in results)
    assert origin.hits["/slow"] == 4


def test_rfc_mode_revalidations_coalesce_too(origin: Origin) -> None:
    """Concurrent requests for a stale entry send one conditional request and share its 304."""

    def answer(seen: Seen) -> Reply:
        if seen.header("If-None-Match") == '"v"':
            return Reply(304, headers=[("ETag", '"v"'), ("Cache-Control", "max-age=60")], delay=0.3)
        headers = [("ETag", '"v"'), ("Cache-Control", "max-age=1"), ("Age", "5")]
        return Reply(headers=headers, body=b"full")

    url = origin.route("/etag", answer)
    plugin = CachePlugin(respect_cache_control=True)
    api = _api(plugin)
    api.get(url)
    results = _in_threads(8, lambda _: api.get(url))
    assert all(isinstance(r, Response) and r.content == b"full" for r in results)
    assert origin.hits["/etag"] == 2
    assert plugin.stats.revalidations == 1
    assert plugin.stats.coalesced == 7


def test_responses_that_need_revalidation_on_every_use_are_not_shared(origin: Origin) -> None:
    """A max-age=0 answer serves its own request only: waiters then go to the origin themselves."""
    url = origin.route("/zero", Reply(headers=[("Cache-Control", "max-age=0")], delay=0.2))
    api = _api(CachePlugin(respect_cache_control=True))
    results = _in_threads(4, lambda _: api.get(url))
    assert all(isinstance(r, Response) and not r.from_cache for r in results)
    assert origin.hits["/zero"] == 4


def _assert_no_flight_left(plugin: CachePlugin) -> None:
    """Every flight finished and no leader is remembered: nothing grows per request."""
    coalescer = plugin._coalescer
    assert coalescer is not None
    assert len(coalescer.flights) == 0
    assert coalescer._leading == {}


def _swallow(call: Callable[[], object]) -> None:
    with contextlib.suppress(Exception):
        call()
