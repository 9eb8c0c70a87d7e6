"""The cookie jar in the core: its helpers, caps, config and the module helpers' choice."""

from __future__ import annotations

import http.cookiejar

import pytest
from echo_server import EchoServer

from axios_python import AxiosPython, ConfigError, CookieJar
from axios_python._cookies import MAX_PER_DOMAIN, MAX_TOTAL, may_hold_cookies

from ._support import Recorder, Sender


async def test_module_helpers_keep_no_cookies_between_calls(
    send: Sender, server: EchoServer
) -> None:
    """axios_python.get serves every caller in the process, so it keeps no cookies."""
    first = await send.module("GET", f"{server.url}/cookies/set?s=1")
    second = await send.module("GET", f"{server.url}/cookies")
    assert first.data == {"cookies": {"s": "1"}}  # the redirect hop of the same call got it
    assert second.data == {"cookies": {}}


def test_jar_helpers_and_repr() -> None:
    """set/get/delete/as_dict work by name (and domain); repr never shows a value."""
    jar = CookieJar()
    jar.set("sid", "s3cret", domain="a.test")
    jar.set("sid", "other", domain="b.test", path="/x")
    assert jar.get("sid", domain="b.test") == "other"
    assert jar.get("missing", "dflt") == "dflt"
    assert "s3cret" not in repr(jar)
    assert "sid for .a.test/" in repr(jar)
    jar.delete("sid", domain="a.test")
    assert jar.as_dict() == {"sid": "other"}
    with pytest.raises(ConfigError, match="needs the domain"):
        jar.set("x", "1", domain="")


def test_the_jar_is_bounded() -> None:
    """A server cannot grow the jar without bound: per domain and in all, the oldest go."""
    jar = CookieJar()
    for i in range(MAX_PER_DOMAIN + 20):
        jar.set(f"c{i}", "v", domain="one.test")
    names = [cookie.name for cookie in jar]
    assert len(names) == MAX_PER_DOMAIN
    assert "c0" not in names
    assert f"c{MAX_PER_DOMAIN + 19}" in names
    for domain in range(MAX_TOTAL // 100 + 2):
        for i in range(100):
            jar.set(f"d{i}", "v", domain=f"d{domain}.test")
    assert len(jar) == MAX_TOTAL


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"bad name": "1"}, "names must be tokens"),
        ({"a": "x;y"}, "without ';' or control characters"),
        ({"a": 1}, "value of 'a' must be a str"),
        ("a=1", "must be a mapping of cookie names"),
    ],
)
def test_bad_cookies_are_config_errors(recorder: Recorder, value: object, message: str) -> None:
    """cookies= is checked at the edge, so a cookie never injects a header."""
    api = AxiosPython({"base_url": "https://x.test"}, transport=recorder)
    with pytest.raises(ConfigError, match=message):
        api.get("/", cookies=value)  # type: ignore[arg-type]


def test_jar_settings_belong_to_the_instance(recorder: Recorder) -> None:
    """True/False or a jar are create() settings; api.defaults refuses 'cookies'."""
    api = AxiosPython({"base_url": "https://x.test"}, transport=recorder)
    with pytest.raises(ConfigError, match="per request, 'cookies' is a mapping"):
        api.get("/", cookies=False)
    with pytest.raises(ConfigError, match=r"use api\.cookies\.set"):
        api.defaults["cookies"] = {"a": "1"}
    with pytest.raises(ConfigError, match="belong to base_url's host"):
        AxiosPython({"cookies": {"a": "1"}})
    mine = CookieJar()
    assert AxiosPython({"cookies": mine}).cookies is mine
    with pytest.raises(ConfigError, match=r"takes an axios_python\.CookieJar"):
        AxiosPython({"cookies": http.cookiejar.CookieJar()})  # type: ignore[typeddict-item]
    assert isinstance(AxiosPython().cookies, CookieJar)


async def test_a_deleted_cookie_leaves_an_empty_jar(send: Sender, server: EchoServer) -> None:
    """After the last cookie is deleted (a logout), the jar is empty again, not a husk."""
    api = AxiosPython({"base_url": server.url})
    await send(api, "GET", "/cookies/set?s=1")
    assert api.cookies is not None
    assert may_hold_cookies(api.cookies)
    await send(api, "GET", "/cookies/delete?s=")
    assert not may_hold_cookies(api.cookies)
    api.cookies.set("a", "1", domain="x.test", path="/p")
    api.cookies.delete("a")
    assert not may_hold_cookies(api.cookies)
    await api.aclose()
