"""Origins: which URLs a request goes to, and whether credentials may go with it."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any, Final
from urllib.parse import urlsplit

from axios_python import PluginError
from axios_python.urls import is_absolute  # the core's rule, so both agree on the target

__all__ = ["origin_of", "parse_origins", "target_and_home"]

_DEFAULT_PORTS: Final = {"http": 80, "https": 443}


@functools.lru_cache(maxsize=512)
def origin_of(url: str) -> str | None:
    """``scheme://host:port`` of an absolute URL (lower-cased, default port filled), else None.

    Cached: a client asks this for the same base_url on every request.
    """
    if not is_absolute(url):
        return None
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if not host:
        return None
    if port is None:
        port = _DEFAULT_PORTS.get(scheme, 0)
    return f"{scheme}://{host}:{port}"


def parse_origins(values: Iterable[str], option: str) -> frozenset[str]:
    """Normalize user-given origins; raise PluginError naming ``option`` for a bad entry."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise PluginError(
            f"AuthPlugin {option!r} must be a list of origins like ['https://api.example.com'] "
            f"(got {type(values).__name__}: {values!r})"
        )
    origins = set()
    for value in values:
        origin = origin_of(value) if isinstance(value, str) else None
        if origin is None:
            raise PluginError(
                f"AuthPlugin {option!r} entries must be origins like 'https://api.example.com' "
                f"(got {value!r})"
            )
        origins.add(origin)
    return frozenset(origins)


def target_and_home(
    config: Mapping[str, Any], home_base_url: object
) -> tuple[str | None, str | None]:
    """The origin ``config`` will be sent to (before redirects; None if unknown) and the home.

    The home is the origin of ``home_base_url`` (the client's live base_url): the
    credentials' home. A relative url under that same base_url, the usual request,
    has the one origin for both, found with a single lookup.
    """
    home = origin_of(home_base_url) if isinstance(home_base_url, str) else None
    url = config.get("url")
    if not isinstance(url, str):
        return None, home
    if is_absolute(url):
        return origin_of(url), home
    base_url = config.get("base_url")
    if base_url is home_base_url:
        return home, home
    return (origin_of(base_url) if isinstance(base_url, str) else None), home
