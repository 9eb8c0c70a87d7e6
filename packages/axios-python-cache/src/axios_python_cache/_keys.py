"""Cache keys: the normalised URL, the credential partition and the Vary fingerprint."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Mapping
from typing import Final
from urllib.parse import urlsplit, urlunsplit

__all__ = [
    "ALWAYS_CREDENTIALS",
    "credential_partition",
    "hash_value",
    "normalize_url",
    "same_origin",
    "url_key",
    "vary_fingerprint",
    "vary_names",
]

# Headers that always carry credentials, whatever the request config says.
ALWAYS_CREDENTIALS: Final = frozenset({"authorization", "proxy-authorization", "cookie"})

_DEFAULT_PORTS: Final = {"http": 80, "https": 443}


@functools.lru_cache(maxsize=1024)  # a client asks for the same few URLs over and over
def normalize_url(url: str) -> str:
    """``url`` with scheme and host lower-cased, default port and fragment dropped, query sorted.

    Query pairs are sorted by name with a stable sort, so ``?b=2&a=1`` and
    ``?a=1&b=2`` share an entry while the order of a repeated name's values
    (which may carry meaning) is kept. Percent-encoding is left as sent.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port is None or port == _DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    if parts.username is not None or parts.password is not None:
        netloc = f"{parts.username or ''}:{parts.password or ''}@{netloc}"
    pairs = [pair for pair in parts.query.split("&") if pair]
    query = "&".join(sorted(pairs, key=lambda pair: pair.partition("=")[0]))
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port or _DEFAULT_PORTS.get(scheme)


def same_origin(url: str, other: str) -> bool:
    """True when both absolute URLs share scheme, host and port (default ports filled in)."""
    return _origin(url) == _origin(other)


def url_key(method: str, url: str) -> str:
    """The storage key of every response cached for ``method`` on ``url``."""
    return f"{method.upper()} {normalize_url(url)}"


def hash_value(value: str) -> str:
    """A stable, one-way digest so credentials and header values never sit in a storage."""
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


def credential_partition(headers: Mapping[str, str], credential_names: Iterable[str]) -> str | None:
    """A digest of the credentials ``headers`` carry, or None when it carries none."""
    wanted = {name.lower() for name in credential_names}
    found: dict[str, str] = {}
    # One pass over the request's few headers instead of a lookup per credential name.
    for name, value in _pairs(headers):
        lowered = name.lower()
        if lowered in wanted:
            found[lowered] = f"{found[lowered]}, {value}" if lowered in found else value
    if not found:
        return None
    return hash_value("\n".join(f"{name}:{found[name]}" for name in sorted(found)))


def _pairs(headers: Mapping[str, str]) -> Iterable[tuple[str, str]]:
    """Every (name, value) pair, repeated fields apart when the mapping keeps them."""
    multi_items = getattr(headers, "multi_items", None)
    return multi_items() if callable(multi_items) else headers.items()


def vary_names(vary: str) -> tuple[str, ...]:
    """The lower-cased field names a Vary header lists ("*" included as is)."""
    return tuple(sorted({name.strip().lower() for name in vary.split(",") if name.strip()}))


def vary_fingerprint(
    names: Iterable[str], headers: Mapping[str, str]
) -> tuple[tuple[str, str | None], ...]:
    """For each Vary name, a digest of the request's value (None when the request lacks it)."""
    return tuple((name, hash_value(headers[name]) if name in headers else None) for name in names)
