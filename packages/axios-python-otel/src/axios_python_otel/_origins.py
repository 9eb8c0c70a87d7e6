"""Origins: where a URL points (server.address, server.port) and where trace context may go."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Final
from urllib.parse import urlsplit

from axios_python import ConfigError

__all__ = ["Origin", "OriginSet", "origin_of"]

Origin = tuple[str, str, int]  # scheme, host (lower-case, IPv6 without brackets), port
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}


@functools.lru_cache(maxsize=512)
def origin_of(url: str) -> Origin | None:
    """(scheme, host, port) of an absolute http(s) URL, default port filled in; else None.

    Cached: the same few base URLs and origins come back on every request.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = parts.hostname
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    return scheme, host, port if port is not None else _DEFAULT_PORTS[scheme]


class OriginSet:
    """The origins a ``propagate_to`` list names: exact, or ``scheme://*.domain[:port]``."""

    __slots__ = ("_exact", "_suffixes", "text")

    def __init__(self, origins: Iterable[str]) -> None:
        if isinstance(origins, (str, bytes)) or not isinstance(origins, Iterable):
            raise ConfigError(
                "OtelPlugin 'propagate_to' must be a list of origins like "
                f"['https://api.example.com'] (got {origins!r})"
            )
        self._exact: set[Origin] = set()
        self._suffixes: list[tuple[str, str, int]] = []
        self.text = tuple(origins)
        for item in self.text:
            self._add(item)

    def _add(self, item: object) -> None:
        if not isinstance(item, str):
            raise ConfigError(
                f"OtelPlugin 'propagate_to' entries must be str origins (got {item!r})"
            )
        wildcard = "://*." in item
        origin = origin_of(item.replace("://*.", "://", 1) if wildcard else item)
        parts = urlsplit(item) if origin is not None else None
        if (
            origin is None
            or parts is None
            or parts.path not in ("", "/")
            or parts.query
            or parts.fragment
            or "@" in parts.netloc
        ):
            raise ConfigError(
                "OtelPlugin 'propagate_to' entries must be origins: scheme://host[:port] with "
                f"http or https and no path, query or credentials, or scheme://*.domain for "
                f"every subdomain (got {item!r})"
            )
        if wildcard:
            scheme, domain, port = origin
            self._suffixes.append((scheme, "." + domain, port))
        else:
            self._exact.add(origin)

    def __contains__(self, url: object) -> bool:
        """True when the absolute URL ``url`` is on one of these origins."""
        origin = origin_of(url) if isinstance(url, str) else None
        if origin is None:
            return False
        if origin in self._exact:
            return True
        scheme, host, port = origin
        return any(
            scheme == s and port == p and host.endswith(suffix) for s, suffix, p in self._suffixes
        )

    def __repr__(self) -> str:
        return repr(list(self.text))
