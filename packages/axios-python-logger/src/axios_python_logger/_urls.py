"""The URL a request config will be sent to, rebuilt for the request log line."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import urlencode

__all__ = ["full_url"]

_ABSOLUTE: Final = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")


def full_url(config: Mapping[str, Any]) -> str:
    """``url`` joined under ``base_url`` (Axios-style) with ``params`` appended."""
    url = str(config.get("url") or "")
    base_url = config.get("base_url")
    if base_url and not _ABSOLUTE.match(url):
        url = base_url if not url else base_url.rstrip("/") + "/" + url.lstrip("/")
    params = config.get("params")
    if not params:
        return url
    if isinstance(params, str):
        query = params
    else:
        items = params.items() if isinstance(params, Mapping) else params
        query = urlencode([(k, v) for k, v in items if v is not None], doseq=True)
    if not query:
        return url
    url, hash_mark, fragment = url.partition("#")
    return url + ("&" if "?" in url else "?") + query + hash_mark + fragment
