"""URL building: base_url joining that never changes origin, query encoding, origins."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Union
from urllib.parse import urlsplit

from ._exceptions import ConfigError
from ._params import ParamsSerializer, serialize

__all__ = [
    "Origin",
    "ParamsInput",
    "append_params",
    "build_url",
    "is_absolute",
    "join_url",
    "origin_of",
    "same_origin",
]

ParamsInput = Union[Mapping[str, Any], Iterable[tuple[str, Any]], str, None]
Origin = tuple[str, str, int]

# Only "scheme://..." is absolute. "http:evil.example" (no slashes) is a relative
# reference under RFC 3986 and is joined under base_url like any other path.
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f]")
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def is_absolute(url: str) -> bool:
    """True when ``url`` starts with ``scheme://``."""
    return _ABSOLUTE.match(url) is not None


def join_url(base_url: str | None, url: str) -> str:
    """Join ``url`` under ``base_url`` the Axios way: concatenate paths with one slash.

    A relative ``url`` can never leave base_url's origin: leading slashes are
    dropped and backslashes are percent-encoded, so ``//evil.example/x`` and
    ``/\\evil.example`` stay paths. An absolute ``url`` is returned unchanged.
    """
    if _FORBIDDEN.search(url):
        raise ConfigError(f"url must not contain control characters (got {url!r})")
    if not base_url or is_absolute(url):
        if not is_absolute(url):
            raise ConfigError(
                f"url {url!r} is relative and no base_url is configured; "
                "pass an absolute URL like 'https://host/path' or set base_url"
            )
        return url
    if not url:
        return base_url
    if "\\" in url:
        url = url.replace("\\", "%5C")
    if url[0] in "?#":
        return base_url + url
    return base_url.rstrip("/") + "/" + url.lstrip("/")


def append_params(url: str, params: ParamsInput, serializer: ParamsSerializer | None = None) -> str:
    """Add ``params`` to the query of ``url`` (before any fragment); None values are skipped.

    A query string is used as it is; anything else is encoded by ``serializer``
    (see _params: flat by default, nested values only with a named style or a callable).
    """
    if not params:
        return url
    query = params if isinstance(params, str) else serialize(params, serializer)
    if not query:
        return url
    url, hash_mark, fragment = url.partition("#")
    url = url + ("&" if "?" in url else "?") + query
    return url + hash_mark + fragment


def build_url(
    base_url: str | None, url: str, params: ParamsInput, serializer: ParamsSerializer | None = None
) -> str:
    """The final request URL: ``url`` joined under ``base_url`` with ``params`` appended."""
    return append_params(join_url(base_url, url), params, serializer)


def origin_of(url: str) -> Origin:
    """(scheme, host, port) of an absolute URL, lower-cased, with default ports filled in."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # e.g. "Invalid IPv6 URL"
        raise ConfigError(f"url {url!r} is malformed: {exc}") from exc
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"url {url!r} has an invalid port (must be 0-65535)") from exc
    host = (parts.hostname or "").lower()
    return (scheme, host, port if port is not None else _DEFAULT_PORTS.get(scheme, 0))


def same_origin(url: str, other: str) -> bool:
    """True when both absolute URLs share scheme, host and port."""
    return origin_of(url) == origin_of(other)
