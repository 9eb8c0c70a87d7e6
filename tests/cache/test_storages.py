"""The storages behind one interface: memory, SQLite and Redis."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from axios_python_cache import (
    BaseStorage,
    MemoryStorage,
    RedisStorage,
    SQLiteStorage,
    StoredResponse,
)
from axios_python_cache._entry import decode_entry, encode_entry

from axios_python import Request

__all__: list[str] = []


def _entry(body: bytes = b"hello", url: str = "http://h/a") -> tuple[StoredResponse, ...]:
    return (
        StoredResponse(
            url=url,
            status_code=200,
            headers=(("Content-Type", "text/plain"), ("Set-Thing", "1"), ("Set-Thing", "2")),
            content=body,
            stored_at=1700000000.5,
            partition="p" * 64,
            vary=(("accept", "d" * 64), ("x-none", None)),
        ),
    )


@pytest.fixture(params=["memory", "sqlite", "redis"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[BaseStorage]:
    """Each storage kind, empty."""
    made: BaseStorage
    if request.param == "memory":
        made = MemoryStorage(max_size=8)
    elif request.param == "sqlite":
        made = SQLiteStorage(tmp_path / "cache.sqlite3", max_size=8)
    else:
        made = RedisStorage(request.getfixturevalue("redis_url"))
    yield made
    made.close()


def test_entry_wire_form_round_trips() -> None:
    """encode_entry/decode_entry keep every field, binary bodies and repeated headers too."""
    entry = _entry(bytes(range(256)))
    assert decode_entry(encode_entry(entry)) == entry


def test_decode_rejects_foreign_data() -> None:
    """Data not written by the plugin is a ValueError that says so."""
    with pytest.raises(ValueError, match="not a cache entry"):
        decode_entry(b'{"something": "else"}')


def test_stored_response_builds_independent_copies() -> None:
    """Changing a Response built from a stored one never changes the stored one."""
    stored = _entry()[0]
    first = stored.to_response(Request("GET", "http://h/a"))
    first.headers["Content-Type"] = "changed"
    first.data = "changed"
    second = stored.to_response(Request("GET", "http://h/a"))
    assert first.from_cache
    assert second.from_cache
    assert second.headers["content-type"] == "text/plain"
    assert second.text == "hello"


def test_set_get_delete_clear(storage: BaseStorage) -> None:
    """The interface contract every storage keeps."""
    assert storage.get("k1") is None
    storage.set("k1", _entry(b"one"), 60)
    storage.set("k2", _entry(b"two"), None)
    assert storage.get("k1") == _entry(b"one")
    storage.set("k1", _entry(b"uno"), 60)
    assert storage.get("k1") == _entry(b"uno")
    storage.delete("k1")
    storage.delete("never-there")
    assert storage.get("k1") is None
    assert storage.get("k2") == _entry(b"two")
    storage.clear()
    assert storage.get("k2") is None


def test_entries_expire_after_their_ttl(storage: BaseStorage) -> None:
    """An entry is gone once its ttl has passed; one without ttl stays."""
    storage.set("short", _entry(), 0.05)
    storage.set("forever", _entry(), None)
    assert storage.get("short") is not None
    time.sleep(0.12)
    assert storage.get("short") is None
    assert storage.get("forever") is not None


async def test_async_twins(storage: BaseStorage) -> None:
    """aget/aset/adelete/aclear behave like their sync twins and see the same data."""
    await storage.aset("k", _entry(b"async"), 60)
    assert storage.get("k") == _entry(b"async")
    assert await storage.aget("k") == _entry(b"async")
    await storage.adelete("k")
    assert await storage.aget("k") is None
    await storage.aset("k", _entry(), 60)
    await storage.aclear()
    assert await storage.aget("k") is None
    await storage.aclose()


@pytest.mark.parametrize(
    "make",
    [
        lambda path: MemoryStorage(max_size=2),
        lambda path: SQLiteStorage(path / "lru.sqlite3", max_size=2),
    ],
    ids=["memory", "sqlite"],
)
def test_least_recently_used_goes_first(
    make: Callable[[Path], BaseStorage], tmp_path: Path
) -> None:
    """With max_size=2, reading 'a' then adding 'c' evicts 'b'."""
    storage = make(tmp_path)
    storage.set("a", _entry(b"a"), None)
    time.sleep(0.002)
    storage.set("b", _entry(b"b"), None)
    time.sleep(0.002)
    assert storage.get("a") is not None
    time.sleep(0.002)
    storage.set("c", _entry(b"c"), None)
    assert storage.get("b") is None
    assert storage.get("a") is not None
    assert storage.get("c") is not None
    storage.close()


def test_sqlite_survives_a_restart(tmp_path: Path) -> None:
    """A new SQLiteStorage on the same file finds what the first one stored."""
    first = SQLiteStorage(tmp_path / "c.sqlite3")
    first.set("k", _entry(b"persisted"), 60)
    first.close()
    second = SQLiteStorage(tmp_path / "c.sqlite3")
    assert second.get("k") == _entry(b"persisted")
    assert len(second) == 1
    second.close()


def test_sqlite_treats_a_corrupt_row_as_a_miss(tmp_path: Path) -> None:
    """A row that does not decode is dropped and reads as absent."""
    storage = SQLiteStorage(tmp_path / "c.sqlite3")
    storage.set("k", _entry(), 60)
    with sqlite3.connect(tmp_path / "c.sqlite3") as db:
        db.execute("UPDATE axios_python_cache SET value = ?", (b"garbage",))
    assert storage.get("k") is None
    assert len(storage) == 0
    storage.close()


def test_memory_storage_is_thread_safe() -> None:
    """16 threads writing and reading at once never fail and never exceed max_size."""
    storage = MemoryStorage(max_size=50)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(300):
                storage.set(f"k{(n * 7 + i) % 120}", _entry(), 60)
                storage.get(f"k{i % 120}")
                if i % 50 == 0:
                    storage.delete(f"k{i}")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert 0 < len(storage) <= 50


@pytest.mark.parametrize(
    ("factory", "message"),
    [
        (lambda: MemoryStorage(max_size=0), "max_size must be a positive int"),
        (lambda: SQLiteStorage(":memory:", max_size=-1), "max_size must be a positive int"),
        (lambda: RedisStorage("http://127.0.0.1:6379"), "must be a redis://"),
        (lambda: RedisStorage(timeout=0), "timeout must be a positive"),
    ],
)
def test_bad_storage_options_are_reported(factory: Callable[[], object], message: str) -> None:
    """Bad constructor arguments raise ValueError quoting the value."""
    with pytest.raises(ValueError, match=message):
        factory()


def test_redis_repr_hides_the_password() -> None:
    """The URL's password never shows in the storage's repr (which warnings quote)."""
    storage = RedisStorage("redis://user:s3cret@127.0.0.1:6390/2")
    assert "s3cret" not in repr(storage)
    assert "127.0.0.1:6390/2" in repr(storage)
