"""The URL a request config will be sent to, for the request log line."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import urlencode

from axios_python import AxiosPython
from axios_python.urls import is_absolute

__all__ = ["full_url"]

_URL_KEYS: Final = ("base_url", "params", "params_serializer")


def full_url(config: Mapping[str, Any], client: AxiosPython) -> str:
    """The URL ``config`` goes to, built by the client (``get_uri``) as the request will be.

    So the line shows the normalised path and the query ``params_serializer``
    makes. A config the client refuses (the request then fails saying why) is
    shown as given: ``url`` under ``base_url`` with its flat ``params``.
    """
    url = str(config.get("url") or "")
    options: Any = {key: config[key] for key in _URL_KEYS if key in config}  # None included
    try:
        return client.get_uri(url, **options)
    except (TypeError, ValueError):  # ConfigError is a ValueError
        return _as_given(url, config)


def _as_given(url: str, config: Mapping[str, Any]) -> str:
    base_url = config.get("base_url")
    if base_url and not is_absolute(url):
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
