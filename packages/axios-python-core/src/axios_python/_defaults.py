"""An instance's live defaults (``api.defaults``): changed like a dict, validated on the spot."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ._config import library_defaults, merge_config, refuse_instance_key, validate_options
from ._exceptions import ConfigError

__all__ = ["Defaults"]

_WHERE = "api.defaults"
_MISSING: Any = object()


class Defaults(dict[str, Any]):
    """The defaults every request of one instance starts from, changed in place (axios semantics).

    ``api.defaults["headers"]["Authorization"] = "Bearer x"`` or
    ``api.defaults["timeout"] = 5`` apply to the requests that start afterwards.
    A value is validated like create() input when it is set, so a bad one raises
    ConfigError naming the key there and then; requests read the dict as it is,
    at no extra cost. ``headers`` set as a whole are layered on the library
    defaults (User-Agent, Accept), as in create(); deleting a key restores its
    library default.
    """

    __slots__ = ()

    def __setitem__(self, key: str, value: Any) -> None:
        _refuse_instance_keys(key)
        normalized = validate_options({key: value}, where=_WHERE)
        checked = normalized.pop(key)
        if key == "headers":
            headers = library_defaults()["headers"]
            headers.update_from(checked)
            checked = headers
        elif key in ("json", "data") and checked is not None:
            other = "data" if key == "json" else "json"
            if self.get(other) is not None:
                raise ConfigError(f"pass either 'json' or 'data' in {_WHERE}, not both")
        super().__setitem__(key, checked)
        if normalized:  # base_url's credentials, taken out of it, become the auth default
            super().update(normalized)

    def __delitem__(self, key: str) -> None:
        if key not in self:
            raise KeyError(key)
        restored = library_defaults().get(key, _MISSING)
        if restored is _MISSING:
            super().__delitem__(key)
        else:
            super().__setitem__(key, restored)

    def update(self, *args: Any, **kwargs: Any) -> None:
        """Set several keys, each validated as by ``defaults[key] = value``."""
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def __ior__(self, other: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> Defaults:  # type: ignore[override,misc]
        self.update(other)
        return self

    def setdefault(self, key: str, default: Any = None) -> Any:
        """The value of ``key``, set (and validated) to ``default`` first if absent."""
        if key not in self:
            self[key] = default
        return self[key]

    def pop(self, key: str, default: Any = _MISSING) -> Any:
        """Remove ``key`` (a library default comes back in its place) and return its value."""
        if key not in self:
            if default is _MISSING:
                raise KeyError(key)
            return default
        value = self[key]
        del self[key]
        return value

    def popitem(self) -> tuple[str, Any]:
        """Not supported: which default it would restore is arbitrary; use ``del``."""
        raise TypeError("api.defaults does not support popitem(); delete a key with del")

    def replace(self, config: Mapping[str, Any]) -> None:
        """Start again from the library defaults overlaid with ``config``, validated as a whole."""
        if not isinstance(config, Mapping):
            raise ConfigError(
                f"api.defaults must be set to a mapping of config keys (got {config!r})"
            )
        for key in config:
            _refuse_instance_keys(key)
        fresh = merge_config(library_defaults(), validate_options(config, where=_WHERE))
        super().clear()
        super().update(fresh)

    def clear(self) -> None:
        """Back to the library defaults."""
        super().clear()
        super().update(library_defaults())


def _refuse_instance_keys(key: object) -> None:
    refuse_instance_key(key, _WHERE)  # plugins and connection options
    if key == "cookies":
        raise ConfigError(
            "'cookies' of an instance is its jar: use api.cookies.set(name, value, domain=...) "
            "or pass cookies= per request"
        )
