"""What a storage keeps: immutable stored responses, grouped per URL key, and their wire form."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Union

from axios_python import Headers, Request, Response

from ._freshness import field_map, initial_age, parse_cache_control

__all__ = ["Entry", "StoredResponse", "decode_entry", "encode_entry"]

VaryFingerprint = tuple[tuple[str, Union[str, None]], ...]


@dataclass(frozen=True)
class StoredResponse:
    """One cached response; immutable, so every hit builds an independent Response from it.

    ``vary`` and ``partition`` hold digests, never header values, so no
    credential is ever written to a storage.
    """

    url: str
    status_code: int
    headers: tuple[tuple[str, str], ...]
    content: bytes
    stored_at: float
    partition: str | None = None
    vary: VaryFingerprint = field(default_factory=tuple)

    @cached_property
    def fields(self) -> dict[str, list[str]]:
        """The headers grouped by lower-cased name (worked out once per stored response)."""
        return field_map(self.headers)

    @cached_property
    def cache_control(self) -> dict[str, str | None]:
        """The stored response's Cache-Control directives, parsed once."""
        return parse_cache_control(self.fields.get("cache-control", ()))

    @cached_property
    def initial_age(self) -> float:
        """Its age when stored: the stored Age, or what Date says (RFC 9111 section 4.2.3)."""
        return initial_age(self.fields, self.stored_at, self.stored_at)

    def age(self, now: float) -> float:
        """Seconds since the origin generated or last validated it: initial age + time stored."""
        return self.initial_age + max(0.0, now - self.stored_at)

    def to_response(self, request: Request) -> Response:
        """A new Response marked ``from_cache``, with the stored (final) URL.

        Changing it never changes the cache.
        """
        response = Response(
            self.status_code,
            headers=Headers.from_trusted(list(self.headers)),
            content=self.content,
            request=request,
            url=self.url,
        )
        response.from_cache = True
        return response

    def with_headers(self, headers: list[tuple[str, str]], stored_at: float) -> StoredResponse:
        """A copy with refreshed headers (after a 304), same body."""
        return replace(self, headers=tuple(headers), stored_at=stored_at)


# All responses stored for one URL key (one per credential partition and Vary fingerprint).
Entry = tuple[StoredResponse, ...]


def encode_entry(entry: Entry) -> bytes:
    """The JSON wire form a shared storage keeps (never pickle: other processes read it)."""
    return json.dumps(
        [
            {
                "url": item.url,
                "status": item.status_code,
                "headers": [list(pair) for pair in item.headers],
                "content": base64.b64encode(item.content).decode("ascii"),
                "stored_at": item.stored_at,
                "partition": item.partition,
                "vary": [list(pair) for pair in item.vary],
            }
            for item in entry
        ],
        separators=(",", ":"),
    ).encode("utf-8")


def decode_entry(raw: bytes | str) -> Entry:
    """Parse what encode_entry wrote; raises ValueError on anything else."""
    try:
        items: Any = json.loads(raw)
        return tuple(
            StoredResponse(
                url=str(item["url"]),
                status_code=int(item["status"]),
                headers=tuple((str(k), str(v)) for k, v in item["headers"]),
                content=base64.b64decode(item["content"]),
                stored_at=float(item["stored_at"]),
                partition=None if item["partition"] is None else str(item["partition"]),
                vary=tuple((str(k), None if v is None else str(v)) for k, v in item["vary"]),
            )
            for item in items
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"not a cache entry written by axios-python-cache: {exc}") from exc
