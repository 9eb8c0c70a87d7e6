"""RFC mode against a scriptable origin: Age, Expires, hop-by-hop fields, 304s, stale responses."""

from __future__ import annotations

import asyncio
import itertools
import time
from email.utils import formatdate
from typing import Any, cast

import pytest
from axios_python_cache import CachePlugin
from axios_python_cache._entry import encode_entry
from axios_python_cache._keys import url_key

import axios_python
from axios_python import AxiosPython, HTTPStatusError, NetworkError, RequestOptions

from ._origin import Origin, Reply, Seen
from ._support import Sender

__all__: list[str] = []


def _api(plugin: CachePlugin, **config: Any) -> AxiosPython:
    api = axios_python.create(cast("RequestOptions", config))
    api.plugin(plugin)
    return api


def _rfc(**options: Any) -> CachePlugin:
    return CachePlugin(respect_cache_control=True, **options)


def _http_date(offset: float = 0.0) -> str:
    return formatdate(time.time() + offset, usegmt=True)


async def _eventually(send: Sender, api: AxiosPython, url: str, body: bytes) -> Any:
    """GET ``url`` until the body is ``body`` (a background refresh landed), for up to 5 s."""
    deadline = time.monotonic() + 5
    while True:
        response = await send(api, "GET", url)
        if response.content == body or time.monotonic() > deadline:
            return response
        await asyncio.sleep(0.02)


# --- Age ------------------------------------------------------------------------------------


async def test_incoming_age_makes_a_response_stale(
    origin: Origin, send: Sender, storage_options: dict[str, Any]
) -> None:
    """max-age=3600 with Age: 7200 is stale on arrival: the next GET goes back to the origin."""
    url = origin.route("/aged", Reply(headers=[("Cache-Control", "max-age=3600"), ("Age", "7200")]))
    plugin = _rfc(**storage_options)
    api = _api(plugin)
    await send(api, "GET", url)
    again = await send(api, "GET", url)
    assert not again.from_cache
    assert origin.hits["/aged"] == 2
    await plugin.aclose()


@pytest.mark.parametrize(
    ("date_offset", "upstream_age", "expected"),
    [(0, "100", 100), (-300, "100", 300), (-30, None, 30), (0, "junk", 0)],
    ids=["age-header", "date-older-than-age", "date-only", "invalid-age-ignored"],
)
async def test_hits_carry_the_corrected_age(
    origin: Origin,
    send: Sender,
    storage_options: dict[str, Any],
    date_offset: float,
    upstream_age: str | None,
    expected: int,
) -> None:
    """A hit's Age is max(receipt - Date, Age + round trip) plus the time it was stored."""
    headers = [("Cache-Control", "max-age=3600"), ("Date", _http_date(date_offset))]
    if upstream_age is not None:
        headers.append(("Age", upstream_age))
    url = origin.route("/age", Reply(headers=headers))
    plugin = _rfc(**storage_options)
    api = _api(plugin)
    first = await send(api, "GET", url)
    hit = await send(api, "GET", url)
    assert first.headers.get("age") == upstream_age  # the network response is left as sent
    assert hit.from_cache
    assert expected <= int(hit.headers["age"]) <= expected + 5
    assert len(hit.headers.get_list("age")) == 1
    await plugin.aclose()


# --- Expires --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expires",
    [
        "Thu, 01 Jan 2099 00:00:00 UTC",
        "Thu, 01 Jan 2099 00:00:00 +0000",
        "2099-01-01T00:00:00Z",
        "Fri, 31 Feb 2099 00:00:00 GMT",
        "thu, 01 jan 2099 00:00:00 gmt",
        "0",
        "",
    ],
)
async def test_an_invalid_expires_means_already_expired(
    origin: Origin, send: Sender, expires: str
) -> None:
    """An Expires that is not an HTTP-date is in the past (RFC 9111 section 5.3)."""
    url = origin.route("/expires", Reply(headers=[("Expires", expires)]))
    api = _api(_rfc())
    await send(api, "GET", url)
    assert not (await send(api, "GET", url)).from_cache
    assert origin.hits["/expires"] == 2


@pytest.mark.parametrize(
    "layout",
    ["%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"],
    ids=["imf-fixdate", "rfc850", "asctime"],
)
async def test_every_http_date_format_is_understood(
    origin: Origin, send: Sender, layout: str
) -> None:
    """An Expires a day ahead keeps the response fresh in each of the three HTTP-date formats."""
    expires = time.strftime(layout, time.gmtime(time.time() + 86400))
    url = origin.route("/expires", Reply(headers=[("Expires", expires)]))
    api = _api(_rfc())
    await send(api, "GET", url)
    assert (await send(api, "GET", url)).from_cache
    assert origin.hits["/expires"] == 1


# --- what is stored -------------------------------------------------------------------------


@pytest.mark.parametrize("respect", [False, True], ids=["ttl-mode", "rfc-mode"])
async def test_connection_named_and_hop_by_hop_fields_are_not_stored(
    origin: Origin, send: Sender, storage_options: dict[str, Any], respect: bool
) -> None:
    """Fields named by Connection, Keep-Alive and the other hop-by-hop fields stay out."""
    headers = [
        ("Cache-Control", "max-age=60"),
        ("Connection", "keep-alive, X-Hop-Secret"),
        ("Keep-Alive", "timeout=5"),
        ("X-Hop-Secret", "s3cret"),
        ("Proxy-Authenticate", "Basic"),
        ("X-Kept", "yes"),
    ]
    url = origin.route("/hop", Reply(headers=headers))
    plugin = CachePlugin(respect_cache_control=respect, **storage_options)
    api = _api(plugin)
    first = await send(api, "GET", url)
    hit = await send(api, "GET", url)
    assert first.headers["x-hop-secret"] == "s3cret"  # the network response is untouched
    assert hit.from_cache
    assert hit.headers["x-kept"] == "yes"
    for name in ("connection", "keep-alive", "x-hop-secret", "proxy-authenticate"):
        assert name not in hit.headers
    entry = plugin.storage.get(url_key("GET", url))
    assert entry is not None
    assert b"s3cret" not in encode_entry(entry)
    await plugin.aclose()


async def test_a_304_does_not_bring_connection_named_fields_into_the_entry(
    origin: Origin, send: Sender, storage_options: dict[str, Any]
) -> None:
    """The fields a 304 names in Connection (and its hop-by-hop ones) do not freshen the entry."""

    def answer(seen: Seen) -> Reply:
        if seen.header("If-None-Match") == '"v1"':
            headers = [
                ("ETag", '"v1"'),
                ("Connection", "X-Hop-Secret"),
                ("X-Hop-Secret", "s3cret"),
                ("Keep-Alive", "timeout=5"),
                ("X-Fresh", "from-304"),
            ]
            return Reply(304, headers=headers)
        return Reply(headers=[("ETag", '"v1"'), ("Cache-Control", "no-cache")], body=b"full")

    url = origin.route("/etag", answer)
    plugin = _rfc(**storage_options)
    api = _api(plugin)
    await send(api, "GET", url)
    refreshed = await send(api, "GET", url)
    assert refreshed.from_cache
    assert refreshed.content == b"full"
    assert refreshed.headers["x-fresh"] == "from-304"  # the 304's other fields do update it
    for name in ("connection", "keep-alive", "x-hop-secret"):
        assert name not in refreshed.headers
    entry = plugin.storage.get(url_key("GET", url))
    assert entry is not None
    assert b"s3cret" not in encode_entry(entry)
    await plugin.aclose()


# --- revalidation -------------------------------------------------------------------------------


@pytest.mark.parametrize("accept_304", [False, True], ids=["304-rejected", "304-accepted"])
async def test_a_304_matching_nothing_stored_is_repeated_without_conditions(
    origin: Origin, send: Sender, storage_options: dict[str, Any], accept_304: bool
) -> None:
    """A 304 whose ETag selects no stored response is never returned: the full one is fetched."""
    counter = itertools.count(1)

    def answer(seen: Seen) -> Reply:
        if seen.header("If-None-Match"):
            return Reply(304, headers=[("ETag", '"v2"')])
        headers = [("ETag", '"v1"'), ("Cache-Control", "no-cache")]
        return Reply(headers=headers, body=b"full %d" % next(counter))

    url = origin.route("/etag", answer)
    plugin = _rfc(**storage_options)
    config = {"validate_status": lambda status: status < 400} if accept_304 else {}
    api = _api(plugin, **config)
    assert (await send(api, "GET", url)).content == b"full 1"
    second = await send(api, "GET", url)
    assert second.status_code == 200
    assert second.content == b"full 2"
    assert not second.from_cache
    sent = [seen.header("If-None-Match") for seen in origin.requests_to("/etag")]
    assert sent == [None, '"v1"', None]
    await plugin.aclose()


@pytest.mark.parametrize("accept_304", [False, True], ids=["304-rejected", "304-accepted"])
async def test_the_unconditional_repeat_runs_the_callers_stages_once(
    origin: Origin, send: Sender, storage_options: dict[str, Any], accept_304: bool
) -> None:
    """Interceptors and middleware run once per call, also when the plugin repeats the request.

    A response interceptor that unwraps ``data`` must not be applied twice, and
    the repeated full response is the one stored.
    """
    counter = itertools.count(1)

    def answer(seen: Seen) -> Reply:
        if seen.header("If-None-Match"):
            return Reply(304, headers=[("ETag", '"v2"')])
        headers = [("ETag", '"v1"'), ("Cache-Control", "no-cache")]
        headers.append(("Content-Type", "application/json"))
        return Reply(headers=headers, body=b'{"payload": %d}' % next(counter))

    url = origin.route("/etag", answer)
    plugin = _rfc(**storage_options)
    api = _api(plugin, **({"validate_status": lambda status: status < 400} if accept_304 else {}))
    calls = {"request": 0, "response": 0, "middleware": 0}

    def on_request(config: Any) -> Any:
        calls["request"] += 1
        return config

    def unwrap(response: Any) -> Any:
        calls["response"] += 1
        response.data = response.data["payload"]
        return response

    def middleware(config: Any, next_fn: Any) -> Any:
        calls["middleware"] += 1
        return next_fn(config)

    api.interceptors.request.use(on_request)
    api.interceptors.response.use(unwrap)
    api.use(middleware)
    assert (await send(api, "GET", url)).data == 1
    repeated = await send(api, "GET", url)
    assert (repeated.status_code, repeated.data, repeated.from_cache) == (200, 2, False)
    assert calls == {"request": 2, "response": 2, "middleware": 2}
    sent = [seen.header("If-None-Match") for seen in origin.requests_to("/etag")]
    assert sent == [None, '"v1"', None]
    entry = plugin.storage.get(url_key("GET", url))
    assert entry is not None
    assert [stored.content for stored in entry] == [b'{"payload": 2}']
    await plugin.aclose()


@pytest.mark.parametrize("accept_304", [False, True], ids=["304-rejected", "304-accepted"])
async def test_a_failed_repeat_reaches_the_rejected_interceptors(
    origin: Origin, send: Sender, accept_304: bool
) -> None:
    """When the unconditional repeat fails, the caller's rejected handlers see that error."""
    counter = itertools.count(1)

    def answer(seen: Seen) -> Reply:
        if seen.header("If-None-Match"):
            return Reply(304, headers=[("ETag", '"v2"')])
        if next(counter) == 1:
            return Reply(headers=[("ETag", '"v1"'), ("Cache-Control", "no-cache")])
        return Reply(500, body=b"boom")

    url = origin.route("/etag", answer)
    config = {"validate_status": lambda status: status < 400} if accept_304 else {}
    api = _api(_rfc(), **config)
    seen: list[BaseException] = []

    def rejected(error: BaseException) -> Any:
        seen.append(error)
        raise error

    api.interceptors.response.use(None, rejected)
    await send(api, "GET", url)
    with pytest.raises(HTTPStatusError) as info:
        await send(api, "GET", url)
    assert info.value.response.status_code == 500
    assert seen == [info.value]


async def test_a_matching_304_still_serves_the_stored_body(origin: Origin, send: Sender) -> None:
    """The ordinary case beside the one above: a 304 with the stored ETag refreshes the entry."""

    def answer(seen: Seen) -> Reply:
        if seen.header("If-None-Match") == '"v1"':
            return Reply(304, headers=[("ETag", '"v1"'), ("Age", "7")])
        return Reply(headers=[("ETag", '"v1"'), ("Cache-Control", "no-cache")], body=b"full")

    url = origin.route("/etag", answer)
    api = _api(_rfc())
    await send(api, "GET", url)
    second = await send(api, "GET", url)
    assert second.from_cache
    assert second.content == b"full"
    assert int(second.headers["age"]) >= 7  # the 304's Age, not the old one
    assert origin.hits["/etag"] == 2


# --- stale-while-revalidate and stale-if-error --------------------------------------------------


async def test_stale_while_revalidate_serves_stale_and_refreshes_in_the_background(
    origin: Origin, send: Sender, storage_options: dict[str, Any]
) -> None:
    """Within the window a stale entry is served at once while one background GET refreshes it."""

    def answer(seen: Seen) -> Reply:
        count = origin.hits["/swr"]
        # The first is stale on arrival, in the window; the refreshed one stays fresh for a
        # minute, so a slow machine cannot make it stale too and start more refreshes.
        max_age = "max-age=2" if count == 1 else "max-age=60"
        cache_control = ("Cache-Control", f"{max_age}, stale-while-revalidate=60")
        age = ("Age", "5" if count == 1 else "0")
        return Reply(headers=[cache_control, age], body=b"v%d" % count)

    url = origin.route("/swr", answer)
    plugin = _rfc(**storage_options)
    api = _api(plugin)
    assert (await send(api, "GET", url)).content == b"v1"
    stale = await send(api, "GET", url)
    assert stale.from_cache
    assert stale.content == b"v1"
    assert int(stale.headers["age"]) >= 5
    refreshed = await _eventually(send, api, url, b"v2")
    assert refreshed.content == b"v2"
    assert refreshed.from_cache
    assert origin.hits["/swr"] == 2  # one background refresh, however many stale hits
    assert plugin.stats.stale >= 1
    deadline = time.monotonic() + 5
    while len(plugin._refresher):  # the refresh ends, and forgets its key, just after storing
        assert time.monotonic() < deadline, "the background refresh never ended"
        await asyncio.sleep(0.01)
    await plugin.aclose()


async def test_without_stale_while_revalidate_a_stale_entry_waits_for_the_origin(
    origin: Origin, send: Sender
) -> None:
    """The same stale response without the directive is not served."""
    headers = [("Cache-Control", "max-age=2"), ("Age", "5")]
    url = origin.route("/stale", Reply(headers=headers))
    api = _api(_rfc())
    await send(api, "GET", url)
    assert not (await send(api, "GET", url)).from_cache
    assert origin.hits["/stale"] == 2


@pytest.mark.parametrize("failure", ["503", "no-answer"])
async def test_stale_if_error_serves_the_stale_entry_when_the_origin_fails(
    origin: Origin, send: Sender, storage_options: dict[str, Any], failure: str
) -> None:
    """A 5xx or no answer at all is replaced by the stale entry within stale-if-error."""
    failing = {"on": False}

    def answer(seen: Seen) -> Reply:
        if failing["on"]:
            return Reply(503) if failure == "503" else Reply(drop=True)
        headers = [("Cache-Control", "max-age=1, stale-if-error=60"), ("Age", "5")]
        return Reply(headers=headers, body=b"good")

    url = origin.route("/sie", answer)
    plugin = _rfc(**storage_options)
    api = _api(plugin)
    await send(api, "GET", url)
    failing["on"] = True
    served = await send(api, "GET", url)
    assert served.status_code == 200
    assert served.content == b"good"
    assert served.from_cache
    assert int(served.headers["age"]) >= 5
    # A dropped keep-alive connection is tried once more on a fresh one by the transport.
    assert origin.hits["/sie"] == (2 if failure == "503" else 3)
    assert plugin.stats.stale == 1
    await plugin.aclose()


@pytest.mark.parametrize(
    ("cache_control", "request_header"),
    [
        ("max-age=1", None),
        ("max-age=1, stale-if-error=60, must-revalidate", None),
        ("max-age=1, stale-if-error=1", None),
        ("max-age=1", "stale-if-error=60"),
    ],
    ids=["no-directive", "must-revalidate", "window-passed", "request-asks"],
)
async def test_stale_if_error_limits(
    origin: Origin, send: Sender, cache_control: str, request_header: str | None
) -> None:
    """Without the directive, with must-revalidate or past the window, the failure stands.

    The request may ask for stale-if-error itself.
    """
    failing = {"on": False}

    def answer(seen: Seen) -> Reply:
        if failing["on"]:
            return Reply(503)
        return Reply(headers=[("Cache-Control", cache_control), ("Age", "5")], body=b"good")

    url = origin.route("/sie", answer)
    api = _api(_rfc())
    headers = {} if request_header is None else {"Cache-Control": request_header}
    await send(api, "GET", url, headers=headers)
    failing["on"] = True
    if request_header is not None:
        assert (await send(api, "GET", url, headers=headers)).content == b"good"
        return
    with pytest.raises(HTTPStatusError) as info:
        await send(api, "GET", url, headers=headers)
    assert info.value.response.status_code == 503


async def test_stale_if_error_does_not_hide_an_unreachable_origin_without_an_entry(
    origin: Origin, send: Sender
) -> None:
    """With nothing stored, the network error reaches the caller."""
    url = origin.route("/down", Reply(drop=True))
    with pytest.raises(NetworkError):
        await send(_api(_rfc()), "GET", url)


# --- request directives --------------------------------------------------------------------------


async def test_request_directives(origin: Origin, send: Sender) -> None:
    """no-cache and max-age=0 revalidate, max-stale accepts stale, only-if-cached never sends."""
    url = origin.route("/dir", Reply(headers=[("Cache-Control", "max-age=60"), ("ETag", '"d"')]))
    plugin = _rfc()
    api = _api(plugin, validate_status=lambda status: True)
    missing = await send(api, "GET", url, headers={"Cache-Control": "only-if-cached"})
    assert missing.status_code == 504
    assert origin.hits["/dir"] == 0
    await send(api, "GET", url)
    assert (await send(api, "GET", url, headers={"Cache-Control": "only-if-cached"})).from_cache
    await send(api, "GET", url, headers={"Cache-Control": "no-cache"})
    assert origin.requests_to("/dir")[-1].header("If-None-Match") == '"d"'
    await send(api, "GET", url, headers={"Cache-Control": "max-age=0"})
    assert origin.hits["/dir"] == 3
    stale_url = origin.route("/old", Reply(headers=[("Cache-Control", "max-age=1"), ("Age", "9")]))
    await send(api, "GET", stale_url)
    allowed = await send(api, "GET", stale_url, headers={"Cache-Control": "max-stale=60"})
    assert allowed.from_cache
    refused = await send(api, "GET", stale_url, headers={"Cache-Control": "max-stale=2"})
    assert not refused.from_cache
