"""The cookie jar: one stdlib CookieJar per instance, applied by the pipeline around every send.

http.cookiejar does the standard work (domain, path, secure and expiry rules);
this module gives it what it reads of a request and a response, caps its size,
and decides per request what is sent: an explicit Cookie header as it is, else
the jar's cookies for the URL plus the request's own ``cookies=`` (those only to
the request's host). A client whose jar is empty pays one dict test per send.
"""

from __future__ import annotations

import http.cookiejar
import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from ._exceptions import ConfigError

if TYPE_CHECKING:
    from ._headers import Headers
    from ._models import Request, Response

__all__ = [
    "CookieJar",
    "RequestCookies",
    "check_cookies",
    "jar_for",
    "may_hold_cookies",
    "response_cookies",
    "sets_cookies",
]

# RFC 6265 section 6.1 asks for at least 50 cookies per domain and 3000 in all; a
# server that sets more (or a hostile one, with new names each time) cannot grow
# the jar without bound: the oldest go first.
MAX_PER_DOMAIN: Final = 180
MAX_TOTAL: Final = 3000

_TOKEN: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_BAD_VALUE: Final = re.compile(r"[\x00-\x1f\x7f;]")


class CookieJar(http.cookiejar.CookieJar):
    """An instance's cookies (``api.cookies``): a thread-safe stdlib CookieJar with helpers.

    Iterating yields ``http.cookiejar.Cookie`` objects. ``repr()`` shows names
    and domains, never values, so a logged jar does not leak a session.
    """

    # Set by http.cookiejar.CookieJar.__init__ (stable since Python 2; not in its stubs).
    _cookies: dict[str, dict[str, dict[str, http.cookiejar.Cookie]]]
    _cookies_lock: Any

    def set(
        self,
        name: str,
        value: str,
        *,
        domain: str,
        path: str = "/",
        secure: bool = False,
        expires: int | None = None,
    ) -> None:
        """Store a cookie sent to ``domain`` (and its subdomains) under ``path``.

        ``domain`` is required: a cookie without one would go to every host.
        ``expires`` is a Unix time; None keeps it for the life of the jar.
        """
        _check_cookie(name, value, "cookie")
        if not isinstance(domain, str) or not domain.strip("."):
            raise ConfigError(f"a cookie needs the domain it belongs to (got {domain!r})")
        self.set_cookie(_cookie(name, value, domain.lower(), path, secure, expires, True))

    def get(
        self, name: str, default: str | None = None, *, domain: str | None = None
    ) -> str | None:
        """The value of the cookie ``name`` (on ``domain`` if given), else ``default``."""
        for cookie in self:
            if cookie.name == name and (domain is None or cookie.domain.lstrip(".") == domain):
                return cookie.value
        return default

    def delete(self, name: str, *, domain: str | None = None) -> None:
        """Remove every cookie called ``name`` (on ``domain`` if given)."""
        for cookie in self:
            if cookie.name == name and (domain is None or cookie.domain.lstrip(".") == domain):
                self.clear(cookie.domain, cookie.path, cookie.name)

    def as_dict(self) -> dict[str, str]:
        """{name: value} of every cookie (a name on several domains: the last one)."""
        return {cookie.name: cookie.value or "" for cookie in self}

    def __iter__(self) -> Iterator[http.cookiejar.Cookie]:
        """The cookies, as a snapshot taken under the jar's lock (safe while others write)."""
        with self._cookies_lock:
            return iter(list(super().__iter__()))

    def set_cookie(self, cookie: http.cookiejar.Cookie) -> None:
        """Store ``cookie`` (as the stdlib does), then keep the jar within its caps."""
        with self._cookies_lock:
            super().set_cookie(cookie)
            self._cap(cookie.domain)

    def clear(
        self, domain: str | None = None, path: str | None = None, name: str | None = None
    ) -> None:
        """Remove cookies as the stdlib does, and the emptied domain and path entries with them.

        The stdlib leaves ``{domain: {path: {}}}`` behind a deleted cookie (a logout);
        pruned, an empty jar costs a send one dict test again.
        """
        with self._cookies_lock:
            super().clear(domain, path, name)
            paths = self._cookies.get(domain) if domain is not None else None
            if paths is not None:
                if path is not None and path in paths and not paths[path]:
                    del paths[path]
                if not paths:
                    del self._cookies[domain]  # type: ignore[arg-type]

    def _cap(self, domain: str) -> None:
        count = sum(len(names) for names in self._cookies.get(domain, {}).values())
        if count > MAX_PER_DOMAIN:
            self._evict(self._oldest({domain: self._cookies[domain]}), count - MAX_PER_DOMAIN)
        total = sum(len(names) for paths in self._cookies.values() for names in paths.values())
        if total > MAX_TOTAL:
            self.clear_expired_cookies()
            self._evict(self._oldest(self._cookies), len(self) - MAX_TOTAL)

    @staticmethod
    def _oldest(
        domains: dict[str, dict[str, dict[str, http.cookiejar.Cookie]]],
    ) -> list[http.cookiejar.Cookie]:
        """Cookies in the order they were first stored (dicts keep insertion order)."""
        return [c for paths in domains.values() for names in paths.values() for c in names.values()]

    def _evict(self, cookies: list[http.cookiejar.Cookie], count: int) -> None:
        for cookie in cookies[: max(count, 0)]:
            self.clear(cookie.domain, cookie.path, cookie.name)

    def __repr__(self) -> str:
        shown = [f"{c.name} for {c.domain}{c.path}" for c in self]
        return f"<{type(self).__name__} {shown!r}>"

    __str__ = __repr__


def may_hold_cookies(jar: CookieJar) -> bool:
    """False when ``jar`` holds no cookie: the per-send test, without the lock."""
    return bool(jar._cookies)


def jar_for(config: Any, base_url: str | None) -> CookieJar | None:
    """The jar an instance starts with, from its ``cookies`` config (None: persistence off).

    True or absent: an empty jar; False: none; a CookieJar: that one; a mapping:
    a jar holding those cookies for ``base_url``'s host (so they go nowhere else).
    """
    if config is False:
        return None
    if isinstance(config, CookieJar):
        return config
    jar = CookieJar()
    if isinstance(config, Mapping) and config:
        host = urlsplit(base_url).hostname if base_url else None
        if not host:
            raise ConfigError(
                "cookies given to create() belong to base_url's host: set 'base_url', or "
                "add them with api.cookies.set(name, value, domain=...)"
            )
        for name, value in config.items():
            jar.set_cookie(_cookie(name, value, host, "/", False, None, False))
    return jar


def check_cookies(key: str, value: Any) -> Any:
    """The ``cookies`` config value: a mapping of name to value, a bool or a CookieJar."""
    if value is None or isinstance(value, (bool, CookieJar)):
        return value
    if isinstance(value, http.cookiejar.CookieJar):
        raise ConfigError(
            f"{key!r} takes an axios_python.CookieJar (a http.cookiejar.CookieJar with helpers), "
            "not a plain one: build one and copy cookies in with jar.set_cookie(cookie)"
        )
    if not isinstance(value, Mapping):
        raise ConfigError(
            f"{key!r} must be a mapping of cookie names to values, True/False (the jar on or "
            f"off) or an axios_python.CookieJar (got {type(value).__name__})"
        )
    cookies = dict(value)
    for name, item in cookies.items():
        _check_cookie(name, item, key)
    return cookies


def _check_cookie(name: object, value: object, key: str) -> None:
    if not isinstance(name, str) or not _TOKEN.fullmatch(name):
        raise ConfigError(f"{key!r} names must be tokens like 'session_id' (got {name!r})")
    if not isinstance(value, str):  # the value may be a secret: only its type is shown
        raise ConfigError(f"{key!r} value of {name!r} must be a str (got {type(value).__name__})")
    if _BAD_VALUE.search(value):
        raise ConfigError(
            f"{key!r} value of {name!r} must be without ';' or control characters, which would "
            "end the cookie or the header"
        )


def _cookie(
    name: str,
    value: str,
    domain: str,
    path: str,
    secure: bool,
    expires: int | None,
    domain_specified: bool,
) -> http.cookiejar.Cookie:
    return http.cookiejar.Cookie(
        version=0,
        name=name,
        value=value,
        port=None,
        port_specified=False,
        domain=domain if not domain_specified or domain.startswith(".") else "." + domain,
        domain_specified=domain_specified,
        domain_initial_dot=domain.startswith("."),
        path=path,
        path_specified=True,
        secure=secure,
        expires=expires,
        discard=expires is None,
        comment=None,
        comment_url=None,
        rest={},
    )


class _Sent:
    """What http.cookiejar reads of a request: its URL, and no headers (we decide those)."""

    __slots__ = ("cookie", "host", "origin_req_host", "type", "url")

    unverifiable = False  # no third-party context: every request is the user's own

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.url = url
        self.host = parts.netloc
        self.type = parts.scheme
        self.origin_req_host = parts.hostname or ""
        self.cookie: str | None = None

    def get_full_url(self) -> str:
        return self.url

    def has_header(self, name: str) -> bool:
        return False

    def get_header(self, name: str, default: str | None = None) -> str | None:
        return default

    def add_unredirected_header(self, name: str, value: str) -> None:
        if name.lower() == "cookie":
            self.cookie = value


class _Received:
    """What http.cookiejar reads of a response: ``info().get_all("Set-Cookie")``."""

    __slots__ = ("_headers",)

    def __init__(self, headers: Headers) -> None:
        self._headers = headers

    def info(self) -> _Received:
        return self

    def get_all(self, name: str, default: list[str] | None = None) -> list[str] | None:
        return self._headers.get_list(name) or default


def sets_cookies(response: Response) -> bool:
    """True when ``response`` carries a Set-Cookie header."""
    return "set-cookie" in response.headers


class RequestCookies:
    """The cookie side of one request, across its retries and redirect hops.

    ``jar`` is the instance's (None when persistence is off: then a jar of this
    request alone carries cookies from one redirect hop to the next). An
    explicit Cookie header is sent as it is, without the jar's or ``cookies=``.
    """

    __slots__ = ("_explicit", "_extra", "_host", "jar")

    def __init__(
        self,
        jar: CookieJar | None,
        extra: Mapping[str, str] | None,
        request: Request,
    ) -> None:
        self.jar = jar
        self._extra = extra or None
        self._explicit = "cookie" in request.headers
        self._host = urlsplit(request.url).hostname if extra else None

    def apply(self, request: Request) -> None:
        """Put the Cookie header this send carries on ``request`` (or remove a stale one)."""
        if self._explicit:
            return
        header = None
        jar = self.jar
        if jar is not None and may_hold_cookies(jar):
            sent = _Sent(request.url)
            jar.add_cookie_header(sent)  # type: ignore[arg-type]
            header = sent.cookie
        if self._extra is not None and urlsplit(request.url).hostname == self._host:
            pairs = dict(item.partition("=")[::2] for item in header.split("; ")) if header else {}
            pairs.update(self._extra)  # the request's own cookies win over the jar's
            header = "; ".join(f"{name}={value}" for name, value in pairs.items())
        if header:
            request.headers["Cookie"] = header
        elif "cookie" in request.headers:
            del request.headers["cookie"]  # the jar's, copied from the previous hop

    def store(self, request: Request, response: Response) -> None:
        """Keep what ``response`` set, by the standard rules for ``request``'s URL."""
        if not sets_cookies(response):
            return
        if self.jar is None:
            self.jar = CookieJar()
        self.jar.extract_cookies(_Received(response.headers), _Sent(request.url))  # type: ignore[arg-type]


def response_cookies(response: Response) -> CookieJar:
    """A jar of the cookies ``response`` set (for ``response.cookies``)."""
    jar = CookieJar()
    if sets_cookies(response):
        url = response.request.url if response.request is not None else response.url
        jar.extract_cookies(_Received(response.headers), _Sent(url))  # type: ignore[arg-type]
    return jar
