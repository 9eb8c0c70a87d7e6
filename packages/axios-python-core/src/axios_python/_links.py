"""The Link header (RFC 8288) parsed into links by relation, for ``response.links``."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

__all__ = ["parse_links"]

# One link: <target> then ;-separated params, a param value a token or a quoted string.
_LINK: Final = re.compile(
    r"\s*<([^>]*)>\s*((?:;\s*[^;,=\s]+\s*(?:=\s*(?:\"(?:[^\"\\]|\\.)*\"|[^;,\s]*))?\s*)*)"
)
_PARAM: Final = re.compile(r";\s*([^;,=\s]+)\s*(?:=\s*(\"(?:[^\"\\]|\\.)*\"|[^;,\s]*))?")


def parse_links(values: Iterable[str]) -> dict[str, dict[str, str]]:
    """Every link in the Link header ``values``, keyed by each of its ``rel`` (else its URL).

    ``<https://api.test/?page=2>; rel="next", </?page=9>; rel="last"`` gives
    ``{"next": {"url": "https://api.test/?page=2", "rel": "next"}, "last": {...}}``.
    Parameter names are lower-cased; a malformed part is skipped, not guessed at.
    """
    links: dict[str, dict[str, str]] = {}
    for value in values:
        position = 0
        while position < len(value):
            match = _LINK.match(value, position)
            if match is None:
                comma = value.find(",", position)  # skip what cannot be read, to the next link
                if comma < 0:
                    break
                position = comma + 1
                continue
            link = {"url": match.group(1).strip()}
            for name, raw in _PARAM.findall(match.group(2)):
                link.setdefault(name.lower(), _unquote(raw))
            for key in link.get("rel", "").split() or [link["url"]]:
                links.setdefault(key, link)
            position = match.end()
            comma = value.find(",", position)
            if comma < 0:
                break
            position = comma + 1
    return links


def _unquote(raw: str) -> str:
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        return re.sub(r"\\(.)", r"\1", raw[1:-1])
    return raw
