"""Headers: a case-insensitive, order-keeping, multi-valued mapping of str to str."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from collections.abc import Set as AbstractSet
from typing import Final, Union

from ._exceptions import ConfigError
from ._redact import CREDENTIAL_HEADERS

__all__ = ["HeaderTypeError", "Headers", "HeadersInput"]

HeadersInput = Union["Headers", Mapping[str, "str | None"], Iterable[tuple[str, "str | None"]]]
"""Headers as users give them; a value of None means "remove this header" (see update_from)."""


class HeaderTypeError(ConfigError, TypeError):
    """A header name or value that is not a str: bad config (ConfigError) and a TypeError.

    ``api.defaults["headers"]["X-Count"] = 5`` is caught by ``except ConfigError``
    like any other bad value set there.
    """


# Values never shown by repr(), so a logged config or error does not leak credentials.
_SECRET: Final = CREDENTIAL_HEADERS | {"set-cookie"}


class Headers(MutableMapping[str, str]):
    """Case-insensitive HTTP headers that keep the sender's spelling and repeated fields.

    ``headers["content-type"]`` and ``headers["Content-Type"]`` are the same entry;
    a repeated field (``Set-Cookie``) is joined with ", " on lookup and kept apart
    in ``get_list`` and ``multi_items``. A value of None removes the header: it is
    left out when building, and ``headers["User-Agent"] = None`` deletes it.
    """

    # _items: (name, value) pairs as given; _lowered: the same names lower-cased, in
    # step with _items, so a lookup is one C-level list scan with no .lower() per
    # field. It is None until first needed (the _names property builds it), so
    # headers a transport hands over pay for it only when looked up. _ascii is True
    # when every name and value is known to be ASCII (see _known_ascii); any change
    # that may bring other text resets it, so the defaults every request copies are
    # scanned once, not per request. _shared is True when copy() handed the same two
    # lists to another Headers: whichever changes them first takes its own (_own), so
    # a copy costs no list copying until someone changes one side.
    __slots__ = ("_ascii", "_items", "_lowered", "_shared")

    def __init__(self, headers: HeadersInput | None = None) -> None:
        self._items: list[tuple[str, str]] = []
        self._lowered: list[str] | None = []
        self._ascii = False
        self._shared = False
        if headers is None:
            return
        if isinstance(headers, Headers):
            self._items = list(headers._items)
            self._lowered = None if headers._lowered is None else list(headers._lowered)
            self._ascii = headers._ascii
            return
        pairs = headers.items() if isinstance(headers, Mapping) else headers
        self._items = [(_check_name(k), _check_value(k, v)) for k, v in pairs if v is not None]
        self._lowered = None

    @classmethod
    def from_trusted(
        cls, items: list[tuple[str, str]], lowered: list[str] | None = None
    ) -> Headers:
        """Wrap a list of already validated (name, value) pairs without copying (transports).

        ``lowered``, when the transport has it at no cost, is the list of the same
        names already lower-cased, in step with ``items`` (hyper's, say): lookups
        then skip building that index (one ``.lower()`` per field).
        """
        new = cls.__new__(cls)
        new._items = items
        new._lowered = lowered
        new._ascii = False
        new._shared = False
        return new

    @property
    def _names(self) -> list[str]:
        names = self._lowered
        if names is None:
            names = self._lowered = [k.lower() for k, _ in self._items]
        return names

    def __getitem__(self, key: str) -> str:
        lowered = key.lower()
        names = self._names
        if lowered not in names:
            raise KeyError(key)
        if names.count(lowered) == 1:
            return self._items[names.index(lowered)][1]
        return ", ".join(v for n, (_, v) in zip(names, self._items, strict=True) if n == lowered)

    def __setitem__(self, key: str, value: str | None) -> None:
        # The usual case, checked inline (interceptors, auth): a name seen before, a
        # printable ASCII value. _VALID_NAMES also gives the name lower-cased.
        lowered = _VALID_NAMES.get(key) if type(key) is str else None
        if lowered is not None and type(value) is str and value.isascii() and value.isprintable():
            value = value.strip(" ")
        elif value is None:  # the "remove this header" value, as in every layer of config
            self.pop(key, None)
            return
        else:
            _check_name(key)
            value = _check_value(key, value)
            lowered = key.lower()
            self._ascii = False  # the value may be other text (obs-text)
        names = self._lowered
        if names is None:
            names = self._names
        items = self._items
        if lowered not in names:
            if self._shared:  # the lists are a copy's too: take our own (_own, inline here)
                items = self._items = list(items)
                names = self._lowered = list(names)
                self._shared = False
            names.append(lowered)
            items.append((key, value))
            return
        first = names.index(lowered)
        item = (key, value)
        if names.count(lowered) == 1:  # the usual replacement: one field, changed in place
            if items[first] != item:  # the same field set again changes nothing (nor copies)
                if self._shared:
                    items = self._own()[0]
                items[first] = item
            return
        if self._shared:
            items, names = self._own()
        kept = [
            (n, field)
            for n, field in zip(names[first + 1 :], items[first + 1 :], strict=True)
            if n != lowered
        ]
        items[first:] = [item, *(field for _, field in kept)]
        names[first + 1 :] = [n for n, _ in kept]

    def __delitem__(self, key: str) -> None:
        lowered = key.lower()
        names = self._names
        if lowered not in names:
            raise KeyError(key)
        kept = [(n, item) for n, item in zip(names, self._items, strict=True) if n != lowered]
        self._items = [item for _, item in kept]
        self._lowered = [n for n, _ in kept]

    def __contains__(self, key: object) -> bool:
        if type(key) is not str and not isinstance(key, str):
            return False
        names = self._lowered
        return key.lower() in (self._names if names is None else names)

    def __iter__(self) -> Iterator[str]:
        seen: set[str] = set()
        for lowered, (name, _) in zip(self._names, self._items, strict=True):
            if lowered not in seen:
                seen.add(lowered)
                yield name

    def __len__(self) -> int:
        return len(set(self._names))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Headers):
            mine, theirs = self._items, other._items
        elif isinstance(other, Mapping):
            mine, theirs = self._items, list(other.items())
        else:
            return NotImplemented
        return sorted((k.lower(), v) for k, v in mine) == sorted((k.lower(), v) for k, v in theirs)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        shown = [(k, "[redacted]" if k.lower() in _SECRET else v) for k, v in self._items]
        return f"Headers({shown!r})"

    def add(self, key: str, value: str) -> None:
        """Append a field without replacing an existing one of the same name."""
        names = self._own()[1] if self._shared else self._names
        self._items.append((_check_name(key), _check_value(key, value)))
        names.append(key.lower())
        self._ascii = False

    def has_any(self, lowered: AbstractSet[str]) -> bool:
        """True when a field named in ``lowered`` (lower-cased names) is present.

        One C-level test, for checks that run on every request (credentials, say).
        """
        names = self._lowered
        return not lowered.isdisjoint(self._names if names is None else names)

    def get_list(self, key: str) -> list[str]:
        """Every value of a repeated field, in order (empty when absent)."""
        lowered = key.lower()
        return [v for n, (_, v) in zip(self._names, self._items, strict=True) if n == lowered]

    def multi_items(self) -> list[tuple[str, str]]:
        """All (name, value) pairs as sent or received, repeats included."""
        return list(self._items)

    def update_from(self, other: HeadersInput) -> None:
        """Overlay ``other``: each name it has replaces every value of that name here.

        A name whose value is None in ``other`` is removed (the way a request or an
        instance drops a default header such as User-Agent).
        """
        self._ascii = False
        if not isinstance(other, Headers):
            pairs = list(other.items() if isinstance(other, Mapping) else other)
            incoming = Headers(pairs)
            removed = [name for name, value in pairs if value is None]
            if removed:
                for name in removed:
                    self.pop(_check_name(name), None)
                if not incoming._items:
                    return
        else:
            incoming = other
        if not self._items:
            self._items = list(incoming._items)
            self._lowered = list(incoming._names)
            return
        replaced = set(incoming._names)
        kept = [
            (n, item) for n, item in zip(self._names, self._items, strict=True) if n not in replaced
        ]
        self._items = [item for _, item in kept] + incoming._items
        self._lowered = [n for n, _ in kept] + incoming._names

    def copy(self) -> Headers:
        """An independent copy: changing it never changes this one, nor the other way.

        Copy-on-write: both share their lists until one of them changes (every
        request copies the defaults twice and most never change them). The name
        index is built here once for the original, so no copy lower-cases names.
        """
        new = Headers.__new__(Headers)
        names = self._lowered
        new._items = self._items
        new._lowered = self._names if names is None else names
        new._ascii = self._ascii or self._known_ascii()
        new._shared = self._shared = True  # the lists are copied when one side changes
        return new

    def _own(self) -> tuple[list[tuple[str, str]], list[str]]:
        """Take private copies of the lists shared with a copy; return them (items, names)."""
        items = self._items = list(self._items)
        names = self._lowered  # never None while shared (copy() built it)
        names = self._lowered = list(self._names if names is None else names)
        self._shared = False
        return items, names

    def _known_ascii(self) -> bool:
        """True when every name and value is ASCII; remembered until a change resets it."""
        if not self._ascii:
            self._ascii = all(name.isascii() and value.isascii() for name, value in self._items)
        return self._ascii


# RFC 9110 section 5.1: a field name is a token. Anything else (a leading tab reads as
# a continuation line, "X(A)", a space) is refused before any transport sees it.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# RFC 9110 section 5.5: no control characters in a value except horizontal tab.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


# Names already found valid, to their lower-cased form: the same few are set on every request.
_VALID_NAMES: dict[str, str] = {}
_VALID_NAMES_MAX = 512


def _check_name(name: object) -> str:
    if type(name) is str and name in _VALID_NAMES:
        return name
    if not isinstance(name, str):
        raise HeaderTypeError(f"header name must be a str (got {type(name).__name__}: {name!r})")
    if _TOKEN.fullmatch(name) is None:
        raise ConfigError(
            "a header name must be a non-empty HTTP token: ASCII letters, digits and "
            f"!#$%&'*+-.^_`|~ only, no spaces, tabs, colons or control characters (got {name!r})"
        )
    if len(_VALID_NAMES) < _VALID_NAMES_MAX:
        _VALID_NAMES[name] = name.lower()
    return name


def _check_value(name: str, value: object) -> str:
    """``value`` trimmed of spaces and tabs; ConfigError if it holds a control character."""
    if not isinstance(value, str):
        raise HeaderTypeError(
            f"header {name!r} must be a str (got {type(value).__name__}: {value!r})"
        )
    if value.isascii() and value.isprintable():  # the usual value: 0x20-0x7E only, ~4x faster
        return value.strip(" ")
    if _CONTROL.search(value) is not None:
        raise ConfigError(
            f"header {name!r} must not contain control characters such as CR, LF or NUL "
            f"(tab is allowed) (got {value!r})"
        )
    return value.strip(" \t")
