"""Request body encoding: json / data / files (after transform_request) into bytes or a stream."""

from __future__ import annotations

import json as jsonlib
from collections.abc import AsyncIterable, Callable, Iterable, Mapping, Sequence
from typing import Any

from ._exceptions import ConfigError, InterceptorError
from ._headers import Headers
from ._models import RequestContent
from ._multipart import MultipartStream
from ._urls import encode_params

__all__ = ["apply_transforms", "encode_body"]


def apply_transforms(
    transforms: Callable[[Any, Headers], Any] | Sequence[Callable[[Any, Headers], Any]] | None,
    value: Any,
    headers: Headers,
    what: str,
) -> Any:
    """Pipe ``value`` through one transform or a list of them, each called as f(value, headers)."""
    if transforms is None:
        return value
    for transform in [transforms] if callable(transforms) else transforms:
        value = transform(value, headers)
    return value


def encode_body(config: Mapping[str, Any], headers: Headers) -> RequestContent:
    """Encode the config's body into request content, setting Content-Type when absent.

    ``json`` becomes compact UTF-8 JSON (NaN and infinities are refused: they
    are not JSON); a ``data`` mapping or list of (name, value) pairs becomes a
    urlencoded form (or the fields of a multipart body when ``files`` is given);
    str and bytes-like values are sent as they are; an iterable of bytes is streamed.
    """
    json_value = config.get("json")
    data = config.get("data")
    files = config.get("files")
    transforms = config.get("transform_request")
    if transforms is not None:
        if json_value is not None:
            json_value = apply_transforms(transforms, json_value, headers, "transform_request")
        else:
            data = apply_transforms(transforms, data, headers, "transform_request")
    pairs = _is_pairs(data)
    if files:
        if pairs:
            data = _pairs_as_fields(data)
        if data is not None and not isinstance(data, Mapping):
            raise ConfigError("with 'files', 'data' must be a mapping of form fields")
        if json_value is not None:
            raise ConfigError("'json' cannot be combined with 'files'; use 'data' for fields")
        multipart = MultipartStream(data, files)
        headers.setdefault("Content-Type", multipart.content_type)
        length = multipart.content_length
        if length is not None:
            headers["Content-Length"] = str(length)
        return multipart
    if json_value is not None:
        headers.setdefault("Content-Type", "application/json")
        try:
            text = jsonlib.dumps(
                json_value, ensure_ascii=False, separators=(",", ":"), allow_nan=False
            )
            return text.encode()
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"'json' could not be encoded as JSON: {exc}") from exc
    if data is None:
        return None
    if isinstance(data, bytes):
        return data
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    if isinstance(data, str):
        headers.setdefault("Content-Type", "text/plain; charset=utf-8")
        return data.encode("utf-8")
    if isinstance(data, Mapping) or pairs:
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        return encode_params(data).encode("ascii")
    if isinstance(data, (Iterable, AsyncIterable)):
        return data
    raise InterceptorError(
        f"the request body became {type(data).__name__}; expected bytes, str, a mapping "
        "or an iterable of bytes (check transform_request)"
    )


def _is_pairs(data: Any) -> bool:
    """True for a list or tuple of (name, value) pairs: form fields in order, repeats kept."""
    return (
        isinstance(data, (list, tuple))
        and bool(data)
        and all(isinstance(item, tuple) and len(item) == 2 for item in data)
    )


def _pairs_as_fields(pairs: Any) -> dict[str, Any]:
    """Group pairs by name (repeated names become lists) for the multipart encoder."""
    fields: dict[str, Any] = {}
    for name, value in pairs:
        if name in fields:
            previous = fields[name]
            fields[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            fields[name] = value
    return fields
