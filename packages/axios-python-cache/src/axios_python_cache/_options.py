"""CachePlugin's option checks and storage choice: bad values raise ConfigError naming them."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Final

from axios_python import ConfigError

from ._memory import MemoryStorage
from ._storage import BaseStorage

__all__ = ["check_flag", "check_names", "check_positive", "make_storage"]

_STORAGE_NAMES: Final = ("memory", "sqlite", "redis")


def check_positive(name: str, value: object, *, allow_none: bool, integer: bool = False) -> None:
    """Refuse ``value`` unless it is a positive number (int if ``integer``) or an allowed None."""
    if value is None and allow_none:
        return
    number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    if number is None or (integer and not isinstance(number, int)) or number <= 0:
        what = "a positive int" if integer else "a positive number of seconds"
        raise ConfigError(
            f"CachePlugin: {name!r} must be {what}{' or None' if allow_none else ''} "
            f"(got {value!r})"
        )


def check_flag(name: str, value: object) -> None:
    """Refuse anything but a bool."""
    if not isinstance(value, bool):
        raise ConfigError(f"CachePlugin: {name!r} must be a bool (got {value!r})")


def check_names(value: Iterable[str]) -> frozenset[str]:
    """``credential_headers`` as lower-cased names; a bare string or a non-string is refused."""
    names = () if isinstance(value, str) else tuple(value)
    if isinstance(value, str) or not all(isinstance(name, str) for name in names):
        raise ConfigError(
            f"CachePlugin: 'credential_headers' must be a list of header names (got {value!r})"
        )
    return frozenset(name.lower() for name in names)


def make_storage(
    storage: BaseStorage | str,
    sqlite_path: str | os.PathLike[str] | None,
    redis_url: str | None,
    max_size: int,
) -> BaseStorage:
    """The storage ``storage`` names (or ``storage`` itself when it is a BaseStorage)."""
    if isinstance(storage, BaseStorage):
        return storage
    if storage == "memory":
        return MemoryStorage(max_size)
    if storage == "sqlite":
        if sqlite_path is None:
            raise ConfigError(
                "CachePlugin: storage='sqlite' needs sqlite_path, the database file to use"
            )
        from ._sqlite import SQLiteStorage

        return SQLiteStorage(sqlite_path, max_size)
    if storage == "redis":
        from ._redis import RedisStorage

        return RedisStorage(redis_url) if redis_url is not None else RedisStorage()
    raise ConfigError(
        f"CachePlugin: 'storage' must be one of {', '.join(map(repr, _STORAGE_NAMES))} "
        f"or a BaseStorage (got {storage!r})"
    )
