"""Option checks shared by the plugin's modules: errors that quote the value."""

from __future__ import annotations

from collections.abc import Iterable

from axios_python import ConfigError

__all__ = ["strings"]


def strings(option: str, value: object, what: str = "a list of str") -> list[str]:
    """``value`` as a list of non-empty str, or a ConfigError naming ``option``."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ConfigError(f"OtelPlugin {option!r} must be {what} (got {value!r})")
    items = list(value)
    if not all(isinstance(item, str) and item for item in items):
        raise ConfigError(f"OtelPlugin {option!r} must contain non-empty str (got {items!r})")
    return items
