"""Request body encoding: json / data / files (after transform_request) into bytes or a stream."""

from __future__ import annotations

import json as jsonlib
from collections.abc import AsyncIterable, Callable, Iterable, Mapping, Sequence
from typing import Any, Final
from urllib.parse import quote

from ._exceptions import ConfigError, InterceptorError
from ._headers import Headers
from ._models import RequestContent
from ._multipart import MultipartStream
from ._params import serialize

__all__ = ["apply_transforms", "as_form", "encode_body"]

_ASCII: Final = "".join(map(chr, range(128)))  # kept as they are by quote()


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
    are not JSON). A ``data`` mapping or list of (name, value) pairs becomes a
    urlencoded form (or the fields of a multipart body when ``files`` is given),
    unless the Content-Type you set says JSON (it is then sent as JSON) or
    multipart/form-data (then multipart fields). str and bytes-like values are
    sent as they are; an iterable of bytes is streamed. Anything else that
    cannot be a body (a list of dicts, say) is a ConfigError here, before sending.
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
    structured = isinstance(data, (Mapping, list, tuple))
    media = _media_type(headers) if structured or files else ""
    if files or media == "multipart/form-data":
        return _multipart(headers, data, files or {}, json_value)
    if json_value is not None:
        headers.setdefault("Content-Type", "application/json")
        return _json(json_value, "json")
    if data is None:
        return None
    if isinstance(data, bytes):
        return data
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    if isinstance(data, str):
        headers.setdefault("Content-Type", "text/plain; charset=utf-8")
        return data.encode("utf-8")
    if structured and (media == "application/json" or media.endswith("+json")):
        return _json(data, "data")  # a JSON Content-Type you set: never a form under that label
    if isinstance(data, Mapping) or _is_pairs(data):
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        form = serialize(data, config.get("params_serializer"), "data")
        # A callable serializer's text may hold non-ASCII: UTF-8 escapes, as in the query.
        return (form if form.isascii() else quote(form, safe=_ASCII)).encode("ascii")
    if isinstance(data, (list, tuple)):
        if all(isinstance(chunk, (bytes, bytearray, memoryview)) for chunk in data):
            return [bytes(chunk) for chunk in data]
        kinds = sorted({type(item).__name__ for item in data})
        raise ConfigError(
            f"'data' is a {type(data).__name__} of {', '.join(kinds)} items, which is not a "
            "body: pass json= to send it as JSON (or set Content-Type: application/json), "
            "a list of (name, value) pairs for a form, or bytes chunks to stream"
        )
    if isinstance(data, (Iterable, AsyncIterable)):
        return data
    raise InterceptorError(
        f"the request body became {type(data).__name__}; expected bytes, str, a mapping "
        "or an iterable of bytes (check transform_request)"
    )


def as_form(options: Mapping[str, Any]) -> dict[str, Any]:
    """``options`` for post_form() and its kin: a multipart/form-data body, even without files.

    A Content-Type the caller set is kept; with neither ``data`` nor ``files`` the
    body is an empty form.
    """
    form = dict(options)
    if form.get("json") is not None:
        raise ConfigError("a form has fields, not JSON: pass data= (and files=), not json=")
    given = form.get("headers") or {}
    try:
        if isinstance(given, Headers):
            pairs: list[tuple[str, Any]] = given.multi_items()
        else:
            pairs = list(given.items() if isinstance(given, Mapping) else given)
        named = {str(name).lower() for name, _ in pairs}
    except (TypeError, ValueError):
        return form  # malformed headers: validation says what is wrong with them
    if "content-type" not in named:
        form["headers"] = [*pairs, ("Content-Type", "multipart/form-data")]
    if form.get("data") is None and not form.get("files"):
        form["data"] = {}
    return form


def _media_type(headers: Headers) -> str:
    """The Content-Type set so far, without parameters, lower-cased ("" when none)."""
    return headers.get("content-type", "").partition(";")[0].strip().lower()


def _json(value: Any, key: str) -> bytes:
    try:
        text = jsonlib.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{key!r} could not be encoded as JSON: {exc}") from exc
    return text.encode()


def _multipart(headers: Headers, data: Any, files: Any, json_value: Any) -> MultipartStream:
    """A multipart body: ``files`` plus ``data`` fields (the Content-Type gets the boundary)."""
    if _is_pairs(data):
        data = _pairs_as_fields(data)
    if data is not None and not isinstance(data, Mapping):
        raise ConfigError("with 'files' or a multipart form, 'data' must be a mapping of fields")
    if json_value is not None:
        raise ConfigError("'json' cannot be sent as a multipart form; use 'data' for fields")
    content_type = headers.get("content-type", "")
    boundary = _boundary(content_type)
    multipart = MultipartStream(data, files, boundary)
    if boundary is None:  # a bare "multipart/form-data" (post_form) needs its boundary
        if _media_type(headers) == "multipart/form-data":
            del headers["content-type"]
        headers.setdefault("Content-Type", multipart.content_type)
    length = multipart.content_length
    if length is not None:
        headers["Content-Length"] = str(length)
    return multipart


def _boundary(content_type: str) -> str | None:
    """The boundary parameter of a multipart/form-data Content-Type you set, if any."""
    media, _, params = content_type.partition(";")
    if media.strip().lower() != "multipart/form-data":
        return None
    for param in params.split(";"):
        key, _, value = param.strip().partition("=")
        if key.lower() == "boundary" and value.strip('"'):
            return value.strip('"')
    return None


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
