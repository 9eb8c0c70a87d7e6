"""Rebuild a failed request's options so it can be sent again with a fresh credential."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from axios_python import Headers, RequestOptions

__all__ = ["replay_options"]

# Everything a caller may pass per request, except the plugin declarations themselves.
_OPTION_KEYS: Final = frozenset(RequestOptions.__optional_keys__) - {"plugins"}


def replay_options(config: Mapping[str, Any], header: str, value: str) -> dict[str, Any] | None:
    """Options equal to ``config`` with ``header`` set to ``value``; None if it cannot be resent.

    A body that was a one-shot stream or open files is not replayed: sending it
    again could send nothing or half a file.
    """
    if config.get("files"):
        return None
    data = config.get("data")
    if data is not None and not isinstance(data, (str, bytes, Mapping)):
        return None
    options = {key: item for key, item in config.items() if key in _OPTION_KEYS}
    headers = Headers(config.get("headers"))
    headers[header] = value
    options["headers"] = headers
    return options
