"""Turn a merged config into the prepared Request a transport sends, credentials kept home."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, Final

from ._auth import BasicAuth, URLCredentials, check_auth, split_credentials
from ._body import encode_body
from ._config import SENDABLE_METHODS, VALID_KEYS, method_name, validate_options
from ._exceptions import AxiosPythonError, ConfigError
from ._headers import Headers
from ._models import Request
from ._timeout import Timeout
from ._urls import base_origin, build_url, is_absolute, origin_of

__all__ = [
    "BODY_KEYS",
    "check_pipeline_options",
    "explain_invalid",
    "home_origin",
    "pin_url_credentials",
    "prepare_request",
    "strip_sensitive_headers",
    "trusted",
]

BODY_KEYS: Final = frozenset({"json", "data", "files", "transform_request"})
# Bounded (base_url values are few); a malformed one raises every time (errors are not cached).
_checked_origin = functools.lru_cache(maxsize=256)(base_origin)
_new = object.__new__


def prepare_request(config: Mapping[str, Any], bodyless: bool = False) -> Request:
    """Build the Request for ``config`` (after interceptors and middleware changed it).

    Interceptors and middleware may have put anything in the config; when building
    fails, the config is validated again so the error names the bad key and value.
    Validation runs only on that failure path, so a good request pays nothing for it.
    ``bodyless``: the caller found none of the body keys in ``config`` already.
    """
    try:
        url = config.get("url")
        if not isinstance(url, str):
            raise ConfigError(f"'url' must be a str (got {url!r})")
        base_url = config.get("base_url")
        params = config.get("params")
        # The serializer matters only with params (most requests have none).
        full_url = build_url(
            base_url, url, params, config.get("params_serializer") if params else None
        )
        auth = config.get("auth")
        if "@" in full_url:  # an interceptor or middleware put credentials in the URL
            full_url, credentials = split_credentials(full_url, pinned=True)
            if auth is None:
                auth = credentials
        absolute = "://" in url and is_absolute(url)  # a relative url: no call
        # A bad port (e.g. 99999) or a control character in base_url is a ConfigError here,
        # not a transport crash. A relative url keeps base_url's scheme, host and port (build_url
        # guarantees it), so checking base_url, once per distinct value, is the same check
        # without parsing every URL (~1.5 us).
        if base_url and not absolute:
            _checked_origin(base_url)
        else:
            origin_of(full_url)
        raw_headers = config.get("headers")
        try:  # an interceptor or middleware may have put a plain dict (or anything) there
            headers = (
                raw_headers.copy() if isinstance(raw_headers, Headers) else Headers(raw_headers)
            )
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"'headers' is invalid: {exc}") from None
        if auth is not None:  # replaces an Authorization header from any other source
            headers["Authorization"] = auth.header if isinstance(auth, BasicAuth) else _header(auth)
        # A request without a body (most GETs) skips encoding with one dict-keys test.
        content = (
            None
            if bodyless or config.keys().isdisjoint(BODY_KEYS)
            else encode_body(config, headers)
        )
        if not headers._ascii:  # known ASCII (the usual case, see Headers): no call
            _check_portable(headers)
        if base_url and absolute and not trusted(full_url, config):
            strip_sensitive_headers(headers, config)
        if auth is not None and type(auth) is URLCredentials:
            pin_url_credentials(headers, auth, full_url)
        method = config.get("method", "GET")
        if method not in SENDABLE_METHODS:  # "GE T" must never reach the wire
            method = method_name(method)
        timeout = config.get("timeout")
        if not isinstance(timeout, Timeout):
            try:
                timeout = Timeout.of(timeout)
            except (TypeError, ValueError) as exc:
                raise ConfigError(f"'timeout' is invalid: {exc}") from None
        # Every part is checked above: built here, without Request.__init__'s conversions
        # (and without a call: this is the only place a pipeline Request is made).
        request = _new(Request)
        request.method = method
        request.url = full_url
        request.headers = headers
        request.content = content
        request.timeout = timeout
        request.stream = bool(config.get("stream"))
        request.extensions = {}
        return request
    except AxiosPythonError:
        raise
    except (TypeError, ValueError, AttributeError):
        explain_invalid(config)
        raise
    except RecursionError:
        raise ConfigError(
            "the request body or params are nested deeper than the recursion limit allows"
        ) from None


def check_pipeline_options(config: Mapping[str, Any], validate: object, transforms: object) -> None:
    """Refuse a bad ``validate_status``/``transform_response``/``max_redirects`` before sending.

    The pipeline reads the first two once (passed in) and uses them after the
    response; a wrong value an interceptor or middleware put there fails here,
    before anything is sent, with the message config validation gives.
    """
    if (
        (validate is not None and not callable(validate))
        or (
            transforms is not None
            and not callable(transforms)
            and not isinstance(transforms, (list, tuple))
        )
        or type(config.get("max_redirects", 0)) is not int
    ):
        explain_invalid(config)
        raise TypeError("invalid pipeline option")  # pragma: no cover - validation names it


def explain_invalid(config: Mapping[str, Any]) -> None:
    """Validate ``config`` again, so a bad value raises a ConfigError that names its key."""
    known = {key: value for key, value in config.items() if key in VALID_KEYS}
    validate_options(known, where="the config after interceptors and middleware")


def home_origin(config: Mapping[str, Any], first_url: str) -> str:
    """The origin credentials belong to: base_url's, else the first request's."""
    scheme, host, port = origin_of(config.get("base_url") or first_url)
    return f"{scheme}://{host}:{port}"


def trusted(url: str, config: Mapping[str, Any], home: str | None = None) -> bool:
    """True when ``url`` is on the home origin or one listed in ``trusted_origins``."""
    scheme, host, port = origin_of(url)
    origin = f"{scheme}://{host}:{port}"
    if home is None:
        home = home_origin(config, url)
    return origin == home or origin in config.get("trusted_origins", ())


def strip_sensitive_headers(headers: Headers, config: Mapping[str, Any]) -> None:
    """Remove every header named in ``sensitive_headers`` (and Host, which names the old origin)."""
    for name in [*config.get("sensitive_headers", ()), "host"]:
        if name in headers:
            del headers[name]


def pin_url_credentials(headers: Headers, auth: URLCredentials, url: str) -> None:
    """Credentials written into a request URL go to that URL's origin, and to no other.

    On their origin they are sent even when it is not base_url's (they came with the
    URL); anywhere else (a redirect, trusted origin or not) they are left behind.
    """
    if auth.origin == origin_of(url):
        headers["Authorization"] = auth.header
    else:
        headers.pop("Authorization", None)


def _check_portable(headers: Headers) -> None:
    """Refuse non-ASCII header text here, the same for every transport, with a clear message."""
    if headers._known_ascii():
        return
    for name, value in headers.multi_items():
        if not (name.isascii() and value.isascii()):
            raise ConfigError(
                f"header {name!r} must be ASCII text (got {value!r}); percent-encode the value "
                "(urllib.parse.quote) or send it in the body"
            )


def _header(auth: object) -> str:
    """The Authorization value for an ``auth`` an interceptor set as a tuple or a mapping."""
    checked = check_auth("auth", auth)
    assert checked is not None  # only called with a value
    return checked.header
