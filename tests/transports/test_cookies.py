"""The cookie jar: kept per instance, sent by the standard rules, on every transport and side."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import pytest
from axios_python_cache import CachePlugin

from axios_python import AxiosPython, CookieJar, RequestConfig

from ._support import Client
from ._tls import TLSServer


@pytest.fixture(scope="module")
def tls_server() -> Iterator[TLSServer]:
    """One HTTPS server on 127.0.0.1 (its own CA) for the module."""
    with TLSServer() as srv:
        yield srv


def _other_domain(client: Client, path: str) -> str:
    """The same server under another host name: another cookie domain."""
    return f"http://localhost:{client.server.port}{path}"


def _cookie_headers(client: Client) -> list[str | None]:
    return [request.header("Cookie") for request in client.server.requests]


def _jar(api: AxiosPython) -> CookieJar:
    jar = api.cookies
    assert isinstance(jar, CookieJar)
    return jar


async def test_a_cookie_set_on_a_redirect_reaches_its_target(client: Client) -> None:
    """Set-Cookie on a 302 is stored and sent to the Location it names (the next hop)."""
    response = await client.get("/cookies/set", params={"session": "abc", "theme": "dark"})
    assert response.data == {"cookies": {"session": "abc", "theme": "dark"}}
    assert response.history[0].cookies.as_dict() == {"session": "abc", "theme": "dark"}
    assert _jar(client.api).as_dict() == {"session": "abc", "theme": "dark"}


async def test_cookies_set_by_later_hops_are_stored_and_sent_on(client: Client) -> None:
    """Set-Cookie on the second hop and on the final response of a chain is kept too."""
    setter = quote("/cookies/set?hop=2", safe="")
    chained = await client.get(f"/redirect-to?url={setter}")  # 302 -> 302 (sets) -> /cookies
    final = quote("/response-headers?Set-Cookie=last%3D3%3B%20Path%3D%2F", safe="")
    await client.get(f"/redirect-to?url={final}")  # 302 -> 200 (sets)
    later = await client.get("/cookies")
    assert chained.data == {"cookies": {"hop": "2"}}
    assert later.data == {"cookies": {"hop": "2", "last": "3"}}
    assert _jar(client.api).as_dict() == {"hop": "2", "last": "3"}


async def test_stored_cookies_go_with_later_requests(client: Client) -> None:
    """What one response set is sent on the following requests, until it is deleted."""
    await client.get("/cookies/set", params={"session": "abc"})
    again = await client.get("/cookies")
    deleted = await client.get("/cookies/delete", params={"session": ""})
    assert again.data == {"cookies": {"session": "abc"}}
    assert deleted.data == {"cookies": {}}
    assert _jar(client.api).as_dict() == {}


async def test_cookies_never_go_to_another_domain(client: Client) -> None:
    """A cookie of 127.0.0.1 is not sent to localhost, directly or through a redirect."""
    await client.get("/cookies/set", params={"session": "abc"})
    direct = await client.get(_other_domain(client, "/cookies"))
    hop = quote(_other_domain(client, "/cookies"), safe="")
    redirected = await client.get(f"/redirect-to?url={hop}")
    assert direct.data == redirected.data == {"cookies": {}}
    assert _cookie_headers(client)[-2:] == ["session=abc", None]  # sent at home, not on the hop


@pytest.mark.parametrize(
    ("set_cookie", "path"),
    [
        ("s=1; Secure", "/cookies"),  # http: a Secure cookie stays home
        ("s=1; Path=/anything", "/cookies"),  # another path
        ("s=1; Domain=example.com", "/cookies"),  # a domain the server does not own
        ("s=1; Max-Age=0", "/cookies"),  # already expired
        ("s=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT", "/cookies"),
    ],
)
async def test_standard_rules_decide_what_is_sent(
    client: Client, set_cookie: str, path: str
) -> None:
    """Secure, Path, Domain and expiry attributes are honoured as the RFC says."""
    await client.get("/response-headers", params={"Set-Cookie": set_cookie})
    response = await client.get(path)
    assert response.data == {"cookies": {}}


async def test_a_secure_cookie_goes_back_over_https_only(
    client: Client, tls_server: TLSServer
) -> None:
    """Set with Secure by an HTTPS response, a cookie returns over HTTPS, never over http."""
    api = client.new(ssl_context=tls_server.trust(), base_url=tls_server.url)
    await client.get("/set-secure-cookie", api=api)
    back = await client.get("/ok", api=api)
    plain = await client.get(f"{client.server.url}/cookies", api=api)  # same host, http
    assert back.data["cookie"] == "secure_id=1"
    assert plain.data == {"cookies": {}}
    assert [cookie.secure for cookie in _jar(api)] == [True]


async def test_a_matching_path_gets_the_cookie(client: Client) -> None:
    """A cookie scoped to /anything goes to /anything/x only."""
    await client.get("/response-headers", params={"Set-Cookie": "p=1; Path=/anything"})
    inside = await client.get("/anything/x")
    assert inside.data["headers"]["Cookie"] == "p=1"


async def test_per_request_cookies_add_to_the_jar_for_that_request(client: Client) -> None:
    """cookies= is sent with the jar's (and wins a name clash) but is not stored."""
    await client.get("/cookies/set", params={"session": "abc", "theme": "dark"})
    mixed = await client.get("/cookies", cookies={"theme": "light", "extra": "1"})
    after = await client.get("/cookies")
    assert mixed.data == {"cookies": {"session": "abc", "theme": "light", "extra": "1"}}
    assert after.data == {"cookies": {"session": "abc", "theme": "dark"}}


async def test_per_request_cookies_stay_on_their_host(client: Client) -> None:
    """cookies= goes to the request's host only, not to a redirect's other host."""
    hop = quote(_other_domain(client, "/cookies"), safe="")
    response = await client.get(f"/redirect-to?url={hop}", cookies={"mine": "1"})
    assert response.data == {"cookies": {}}
    assert _cookie_headers(client) == ["mine=1", None]


async def test_an_explicit_cookie_header_is_sent_as_it_is(client: Client) -> None:
    """A Cookie header you set replaces the jar's cookies and cookies= for that request."""
    await client.get("/cookies/set", params={"session": "abc"})
    response = await client.get("/cookies", headers={"Cookie": "only=me"}, cookies={"x": "1"})
    assert response.data == {"cookies": {"only": "me"}}
    assert _cookie_headers(client)[-1] == "only=me"


async def test_cookies_false_keeps_nothing_between_requests(client: Client) -> None:
    """With cookies off, a redirect hop still gets the cookie its 302 set; the next request not."""
    api = client.new(cookies=False)
    assert api.cookies is None
    first = await client.get("/cookies/set", api=api, params={"session": "abc"})
    second = await client.get("/cookies", api=api)
    assert first.data == {"cookies": {"session": "abc"}}
    assert second.data == {"cookies": {}}


async def test_seeded_cookies_belong_to_base_url(client: Client) -> None:
    """create({"cookies": {...}}) seeds the jar for base_url's host, and nowhere else."""
    api = client.new(cookies={"seed": "1"})
    home = await client.get("/cookies", api=api)
    away = await client.get(_other_domain(client, "/cookies"), api=api)
    assert home.data == {"cookies": {"seed": "1"}}
    assert away.data == {"cookies": {}}


async def test_cookies_set_by_hand_are_sent(client: Client) -> None:
    """api.cookies.set(name, value, domain=...) adds a cookie the jar then sends."""
    _jar(client.api).set("token", "t1", domain="127.0.0.1")
    _jar(client.api).set("elsewhere", "x", domain="example.com")
    response = await client.get("/cookies")
    assert response.data == {"cookies": {"token": "t1"}}


async def test_an_interceptor_sees_and_may_change_cookies(client: Client) -> None:
    """cookies= is part of the config interceptors receive."""

    def add(config: RequestConfig) -> RequestConfig:
        config["cookies"] = {**(config.get("cookies") or {}), "from": "interceptor"}
        return config

    client.api.interceptors.request.use(add)
    response = await client.get("/cookies")
    assert response.data == {"cookies": {"from": "interceptor"}}


async def test_many_concurrent_requests_share_one_jar(client: Client) -> None:
    """Threads (sync) or tasks (async) storing cookies at once lose none of them."""
    count = 24
    if client.is_async:
        await asyncio.gather(*(client.get(f"/cookies/set?c{i}={i}") for i in range(count)))
    else:
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(lambda i: client.api.get(f"/cookies/set?c{i}={i}"), range(count)))
    response = await client.get("/cookies")
    assert response.data["cookies"] == {f"c{i}": str(i) for i in range(count)}


async def test_the_cache_never_stores_a_response_that_sets_cookies(client: Client) -> None:
    """With the cache plugin, a Set-Cookie response is fetched again; the jar still keeps it."""
    api = client.new()
    api.plugin("cache", ttl=60)
    params = {"Set-Cookie": "c=1", "Cache-Control": "public, max-age=60"}
    first = await client.get("/response-headers", api=api, params=params)
    second = await client.get("/response-headers", api=api, params=params)
    assert not first.from_cache
    assert not second.from_cache
    assert len(client.server.requests) == 2
    assert _jar(api).as_dict() == {"c": "1"}


_CACHEABLE = {"Cache-Control": "public, max-age=60"}


async def _fetch_cacheable(client: Client, api: AxiosPython) -> bool:
    """GET a cacheable response; True when the cache answered it."""
    return (await client.get("/response-headers", api=api, params=_CACHEABLE)).from_cache


def _origin_fetches(client: Client) -> int:
    return sum(request.path == "/response-headers" for request in client.server.requests)


async def test_a_cookie_from_the_jar_makes_its_site_bypass_the_cache(client: Client) -> None:
    """Cookie is a credential to the cache: once a site sets one, its requests are not cached."""
    api = client.new()
    cache = CachePlugin(ttl=60)
    api.plugin(cache)
    assert [await _fetch_cacheable(client, api) for _ in range(2)] == [False, True]
    await client.get("/cookies/set", api=api, params={"session": "alice"})
    assert [await _fetch_cacheable(client, api) for _ in range(2)] == [False, False]
    assert _origin_fetches(client) == 3
    assert cache.stats.bypasses == 2  # visible in the stats, not silently missing


async def test_cache_authenticated_keeps_one_entry_per_cookie_session(client: Client) -> None:
    """With cache_authenticated=True jar cookies are cached, keyed by their values: no sharing."""
    api = client.new()
    api.plugin(CachePlugin(ttl=60, cache_authenticated=True))
    await client.get("/cookies/set", api=api, params={"session": "alice"})
    assert [await _fetch_cacheable(client, api) for _ in range(2)] == [False, True]
    await client.get("/cookies/set", api=api, params={"session": "bob"})  # another session
    assert [await _fetch_cacheable(client, api) for _ in range(2)] == [False, True]
    assert _origin_fetches(client) == 2


async def test_without_a_jar_the_cache_caches_as_before(client: Client) -> None:
    """cookies=False: a site setting a session cookie does not stop its responses being cached."""
    api = client.new(cookies=False)
    api.plugin(CachePlugin(ttl=60))
    await client.get("/cookies/set", api=api, params={"session": "alice"})
    assert [await _fetch_cacheable(client, api) for _ in range(2)] == [False, True]
