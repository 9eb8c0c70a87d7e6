"""The distribution's public face: exported names, entry point, metadata, SQLite persistence."""

from __future__ import annotations

from importlib.metadata import distribution, entry_points
from pathlib import Path

import axios_python_cache
from axios_python_cache import CachePlugin, SQLiteStorage
from echo_server import EchoServer

import axios_python

from ._support import Sender

__all__: list[str] = []


def test_public_names_are_exactly_all() -> None:
    """__all__ lists every public name the package exports, and nothing else."""
    public = {name for name in vars(axios_python_cache) if not name.startswith("_")}
    public -= {"annotations"}
    assert set(axios_python_cache.__all__) - {"__version__"} == public


def test_entry_point_and_version_in_metadata() -> None:
    """The wheel metadata declares the 'cache' entry point and the lockstep version."""
    points = entry_points(group="axios_python.plugins")
    cache = [point for point in points if point.name == "cache"]
    assert len(cache) == 1
    assert cache[0].value == "axios_python_cache:CachePlugin"
    dist = distribution("axios-python-cache")
    assert dist.version == axios_python_cache.__version__ == axios_python.__version__
    requires = dist.requires or []
    assert any(req.startswith("axios-python-core") for req in requires)
    assert any("redis" in req and "extra" in req for req in requires)


def test_package_imports_only_the_public_core() -> None:
    """No module of the plugin imports a private axios_python module (only hookspecs, attempts)."""
    source = Path(axios_python_cache.__file__).parent
    for path in source.glob("*.py"):
        text = path.read_text()
        assert "axios_python._" not in text, path.name
        public = text.replace("from axios_python.hookspecs", "")
        public = public.replace("from axios_python.attempts", "")
        assert "from axios_python." not in public, path


async def test_sqlite_cache_survives_a_restart(
    server: EchoServer, send: Sender, tmp_path: Path
) -> None:
    """A new client and plugin on the same SQLite file are answered from the cache."""
    db = tmp_path / "http-cache.sqlite3"
    for expected in (False, True):
        plugin = CachePlugin(storage="sqlite", sqlite_path=db)
        api = axios_python.create({"base_url": server.url})
        api.plugin(plugin)
        response = await send(api, "GET", "/cache/60")
        assert response.from_cache is expected
        plugin.close()
    assert server.hits["/cache/60"] == 1
    assert len(SQLiteStorage(db)) == 1
