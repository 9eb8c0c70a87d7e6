"""Query strings and urlencoded forms from params: flat by default, nested only when asked.

Without a ``params_serializer`` a list repeats its key (``a=1&a=2``) and a nested
mapping or list is a ConfigError: a Python repr must never reach the wire. The
named styles are the ones axios and qs users know; mappings nest as ``a[b]=1``
in each of them, and they differ in how lists are written:

=============  ========================  =========================
style          ``{"a": [1, 2]}``         ``{"a": [{"b": 1}]}``
=============  ========================  =========================
``repeat``     ``a=1&a=2``               ConfigError (ambiguous)
``brackets``   ``a[]=1&a[]=2``           ``a[][b]=1``
``indices``    ``a[0]=1&a[1]=2``         ``a[0][b]=1``
``comma``      ``a=1,2``                 ConfigError (ambiguous)
=============  ========================  =========================

Brackets go out percent-encoded (``a%5B%5D=1``), as RFC 3986 wants in a query
and as qs does: every transport then sends the same bytes (urllib3 would encode
bare ones itself), and servers decode them before parsing. A callable serializer
gets the params (or the form fields) and returns the encoded string itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final, Literal, Union
from urllib.parse import quote

from ._exceptions import ConfigError
from ._repr import short_repr

__all__ = [
    "STYLES",
    "ParamsSerializer",
    "check_serializer",
    "encode_params",
    "serialize",
    "text_of",
]

Style = Literal["repeat", "brackets", "indices", "comma"]
ParamsSerializer = Union[Style, Callable[[Any], str]]
"""``params_serializer``: a named style, or a callable returning the encoded string."""

STYLES: Final = ("repeat", "brackets", "indices", "comma")
_OBJECT_STR: Final[Any] = object.__str__
_HINT: Final = "set params_serializer to 'brackets', 'indices', 'comma', 'repeat' or a callable"


def check_serializer(key: str, value: Any) -> ParamsSerializer | None:
    """The ``params_serializer`` config value: None, a named style or a callable."""
    if value is None or callable(value) or value in STYLES:
        return value  # type: ignore[no-any-return]
    raise ConfigError(
        f"{key!r} must be one of {', '.join(map(repr, STYLES))} or a callable that returns "
        f"the query string (got {type(value).__name__}: {short_repr(value, 60)})"
    )


def serialize(
    params: Mapping[str, Any] | Iterable[tuple[str, Any]],
    serializer: ParamsSerializer | None,
    what: str = "params",
) -> str:
    """Encode ``params`` (or form fields, ``what="data"``) with ``serializer``."""
    if serializer is None:
        return encode_params(params, what)
    if callable(serializer):
        encoded = serializer(params)
        if not isinstance(encoded, str):
            raise ConfigError(
                f"params_serializer must return a str for {what!r} (got {type(encoded).__name__})"
            )
        return encoded
    pairs: list[str] = []
    for name, value in _items(params):
        _flatten(quote(str(name), safe=""), value, serializer, what, pairs)
    return "&".join(pairs)


def encode_params(
    params: Mapping[str, Any] | Iterable[tuple[str, Any]], what: str = "params"
) -> str:
    """The default: lists repeat the key, booleans are true/false, None is left out.

    A nested mapping or list raises ConfigError, asking for a params_serializer.
    """
    pairs: list[str] = []
    for name, value in _items(params):
        key = quote(str(name), safe="")
        if isinstance(value, (list, tuple)):
            for item in value:
                if item is not None:
                    pairs.append(f"{key}={_scalar(item, name, what, nested_hint=True)}")
        elif value is not None:
            pairs.append(f"{key}={_scalar(value, name, what, nested_hint=True)}")
    return "&".join(pairs)


def _items(params: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> Iterable[tuple[Any, Any]]:
    return params.items() if isinstance(params, Mapping) else params


def _flatten(key: str, value: Any, style: str, what: str, out: list[str]) -> None:
    if value is None:
        return
    if isinstance(value, Mapping):
        for name, item in value.items():
            _flatten(f"{key}%5B{quote(str(name), safe='')}%5D", item, style, what, out)
    elif isinstance(value, (list, tuple)):
        items = [item for item in value if item is not None]
        if style == "brackets":
            for item in items:
                _flatten(f"{key}%5B%5D", item, style, what, out)
        elif style == "indices":
            for index, item in enumerate(items):
                _flatten(f"{key}%5B{index}%5D", item, style, what, out)
        elif style == "comma":
            if items:
                out.append(f"{key}=" + ",".join(_scalar(item, key, what) for item in items))
        else:
            out.extend(f"{key}={_scalar(item, key, what)}" for item in items)
    else:
        out.append(f"{key}={_scalar(value, key, what)}")


def _scalar(value: Any, name: Any, what: str, nested_hint: bool = False) -> str:
    """One value, percent-encoded."""
    advice = _HINT if nested_hint else "use the 'indices' or 'brackets' params_serializer"
    return quote(text_of(value, name, what, advice), safe="")


def text_of(value: Any, name: Any, what: str, advice: str = _HINT) -> str | bytes:
    """One form or query value as text: str and bytes as they are, booleans as true/false.

    A nested mapping or list (``advice`` says what to do instead) or an object
    whose only text is its repr raises ConfigError.
    """
    if isinstance(value, (str, bytes)):
        return value
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (Mapping, Iterable)):
        raise ConfigError(
            f"{what!r} value for {str(name)!r} is a nested {type(value).__name__}, which has "
            f"no standard encoding; {advice}"
        )
    if type(value).__str__ is _OBJECT_STR:  # str() would be "<... object at 0x...>"
        raise ConfigError(
            f"{what!r} value for {str(name)!r} has no text form (got an object of type "
            f"{type(value).__name__!r}); "
            "pass a str, a number or a bool"
        )
    return str(value)
