"""Which response header fields a cache may keep: never the hop-by-hop ones (RFC 9111 3.1)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

__all__ = ["HOP_BY_HOP", "storable_fields"]

# RFC 9110 section 7.6.1, plus the proxy authentication fields meant for the next hop only.
HOP_BY_HOP: Final = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "te",
        "transfer-encoding",
        "upgrade",
        "proxy-authenticate",
        "proxy-authentication-info",
        "proxy-authorization",
    }
)


def storable_fields(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """``pairs`` without the hop-by-hop fields and without every field ``Connection`` names."""
    pairs = list(pairs)
    dropped: frozenset[str] | set[str] = HOP_BY_HOP
    for name, value in pairs:
        if name.lower() == "connection":
            dropped = set(dropped)
            dropped.update(token.strip().lower() for token in value.split(","))
    return [(name, value) for name, value in pairs if name.lower() not in dropped]
