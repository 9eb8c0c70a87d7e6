"""Fixtures for the plugin tests: real installed plugin distributions, and axios_python.testing.

``pytest_plugins`` is only allowed in the top-level conftest, so the fixtures of
axios_python.testing are imported here instead (test_testing_module.py also
checks the documented ``pytest_plugins = ["axios_python.testing"]`` form).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from axios_python.testing import (
    axios_client,
    axios_hook_recorder,
    axios_mock,
    axios_plugin_client,
)

from ._install import ensure_example_installed, ensure_fixture_site

__all__ = [
    "axios_client",
    "axios_hook_recorder",
    "axios_mock",
    "axios_plugin_client",
    "example_plugin",
    "fixture_plugins",
    "fixture_site",
]


def _cache_dir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    cache: pytest.Cache | None = getattr(request.config, "cache", None)
    if cache is not None:
        return cache.mkdir("axios-python-plugin-wheels")
    return tmp_path_factory.mktemp("axios-python-plugin-wheels")


@pytest.fixture(scope="session")
def example_plugin(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Install examples/third-party-plugin's wheel into this environment; give its version."""
    return ensure_example_installed(_cache_dir(request, tmp_path_factory))


@pytest.fixture(scope="session")
def fixture_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site directory holding the installed broken and twin fixture distributions."""
    return ensure_fixture_site(_cache_dir(request, tmp_path_factory))


@pytest.fixture
def fixture_plugins(fixture_site: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Put the fixture site on sys.path for one test; forget its modules afterwards."""
    monkeypatch.syspath_prepend(str(fixture_site))
    yield fixture_site
    for name in [m for m in sys.modules if m.startswith("axios_python_testfixture")]:
        del sys.modules[name]
