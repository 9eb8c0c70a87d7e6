"""HeaderMaps: a request's headers as pyreqwest takes them, parsed once per distinct list.

Handing pyreqwest a list of (name, value) pairs makes it parse and allocate
every name and value again on every request; handing it a HeaderMap it made
before costs one clone. Most clients send the same few header lists again and
again (the defaults, a fixed token), so the transport remembers the HeaderMap
of a list it has seen twice. A client whose headers change on every request (a
request id, a signature) stops the lookups after a run of misses and then pays
one attribute test per request.
"""

from __future__ import annotations

from typing import Final

from pyreqwest.http import HeaderMap

__all__ = ["HeaderMaps"]

Items = list[tuple[str, str]]
_Key = tuple[tuple[str, str], ...]

# Distinct header lists remembered; past this, all are forgotten at once (bounded memory).
_SIZE: Final = 64
# Lists seen for the first time in a row after which the lookups stop for good.
_GIVE_UP: Final = 64
# A list seen once: its HeaderMap is made when it comes again.
_ONCE: Final = False


class HeaderMaps:
    """The HeaderMaps of the header lists this transport sent lately (shared by its threads)."""

    __slots__ = ("_maps", "_new_in_a_row")

    def __init__(self) -> None:
        self._maps: dict[_Key, HeaderMap | bool] | None = {}
        self._new_in_a_row = 0

    def of(self, items: Items) -> HeaderMap | Items:
        """What to hand to ``builder.headers``: a remembered HeaderMap, or ``items`` as they are.

        pyreqwest builds the same header map from either (names, values, order and
        repeats as in ``items``); a HeaderMap is never changed once made.
        """
        maps = self._maps
        if maps is None:
            return items
        key = tuple(items)
        found = maps.get(key)
        if found is not None and found is not _ONCE:
            if self._new_in_a_row:
                self._new_in_a_row = 0
            return found  # type: ignore[return-value]  # neither None nor _ONCE: a HeaderMap
        if found is None:  # a list not seen lately
            self._new_in_a_row += 1
            if self._new_in_a_row > _GIVE_UP:
                self._maps = None  # headers that change per request: stop looking
                return items
            if len(maps) >= _SIZE:
                maps.clear()
            maps[key] = _ONCE
            return items
        made = HeaderMap(items)  # seen twice: parsed this once more, then never again
        maps[key] = made
        return made

    def clear(self) -> None:
        """Forget every remembered list (their values may hold credentials)."""
        maps = self._maps
        if maps is not None:
            maps.clear()
