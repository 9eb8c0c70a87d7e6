"""Plugins by name, from real installed distributions (tests/plugins/fixtures, built as wheels)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import axios_python
from axios_python import (
    PluginConflictError,
    PluginImportError,
    PluginInfo,
    PluginNotFoundError,
    PluginOptionsError,
    RequestOptions,
)
from axios_python._entrypoints import _not_found_message
from axios_python.testing import MockTransport

BROKEN = "axios-python-testfixture-broken"
TWIN = "axios-python-testfixture-twin"


def _fixture_rows(**kwargs: bool) -> dict[str, list[PluginInfo]]:
    rows: dict[str, list[PluginInfo]] = {}
    for info in axios_python.list_plugins(**kwargs):
        if info.name.startswith("fixture-"):
            rows.setdefault(info.name, []).append(info)
    return rows


def _fixture_modules() -> list[str]:
    return [name for name in sys.modules if name.startswith("axios_python_testfixture")]


def test_listing_imports_nothing(fixture_plugins: Path) -> None:
    """list_plugins() reads metadata and source only: no plugin module gets imported."""
    rows = _fixture_rows()
    assert len(rows) == 8
    assert _fixture_modules() == []


def test_listing_reports_each_plugin(fixture_plugins: Path) -> None:
    """Name, distribution, version, hooks and status come from the installed metadata."""
    rows = _fixture_rows()
    (healthy,) = rows["fixture-healthy"]
    assert healthy == PluginInfo(
        name="fixture-healthy",
        value="axios_python_testfixture_broken.healthy:HealthyPlugin",
        distribution=BROKEN,
        version="1.2.3",
        hooks=("axios_request",),
        status="ok",
    )
    (factory,) = rows["fixture-factory"]
    assert (factory.status, factory.hooks) == ("ok", None)  # a function: unknown until loaded


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("fixture-missing", "module 'axios_python_testfixture_broken.nowhere' is not installed"),
        ("fixture-syntax", "syntax error in "),
        ("fixture-noattr", "has no attribute 'NoSuchPlugin'"),
        ("fixture-explodes", "No module named 'axios_python_testfixture_dependency_that_is_n"),
        ("fixture-extra", 'pip install "axios-python-testfixture-broken[speed]"'),
    ],
)
def test_listing_reports_broken_plugins(fixture_plugins: Path, name: str, reason: str) -> None:
    """What can be seen without importing (missing module, bad syntax, no such class) is broken."""
    (row,) = _fixture_rows()[name]
    assert row.status == "broken"
    assert row.reason is not None
    assert reason in row.reason


def test_listing_reports_a_name_conflict(fixture_plugins: Path) -> None:
    """Both claimants of one name are listed as broken, each naming both distributions."""
    rows = _fixture_rows()["fixture-twin"]
    assert sorted(r.distribution or "" for r in rows) == [BROKEN, TWIN]
    for row in rows:
        assert row.status == "broken"
        assert row.reason is not None
        assert f"{BROKEN} 1.2.3" in row.reason
        assert f"{TWIN} 4.5.6" in row.reason


def test_listing_with_load_finds_import_errors(fixture_plugins: Path) -> None:
    """load=True imports each plugin in isolation: the import failure shows, the rest are ok."""
    rows = _fixture_rows(load=True)
    (explodes,) = rows["fixture-explodes"]
    assert explodes.status == "broken"
    assert explodes.reason is not None
    assert explodes.reason.startswith("ModuleNotFoundError")
    (healthy,) = rows["fixture-healthy"]
    assert (healthy.status, healthy.hooks) == ("ok", ("axios_request",))
    (factory,) = rows["fixture-factory"]
    assert factory.hooks is None


@pytest.mark.parametrize("load", [False, True], ids=["listed", "loaded"])
def test_missing_dependency_says_what_to_install(fixture_plugins: Path, load: bool) -> None:
    """A plugin whose dependency is not installed is broken, naming what to pip install."""
    rows = _fixture_rows(load=load)
    (extra,) = rows["fixture-extra"]
    assert extra.status == "broken"
    assert extra.reason is not None
    assert extra.reason.startswith("ModuleNotFoundError")
    assert extra.reason.endswith(
        "it comes with the 'speed' extra: "
        'pip install "axios-python-testfixture-broken[speed]" '
        "(axios-python-testfixture-optional>=1, only where python_version >= '3.8')"
    )
    (explodes,) = rows["fixture-explodes"]
    assert explodes.reason is not None
    assert explodes.reason.endswith(
        f"{BROKEN} requires it: "
        'pip install "axios-python-testfixture-dependency-that-is-not-installed>=2"'
    )


def test_plugin_by_name_with_options(fixture_plugins: Path, axios_mock: MockTransport) -> None:
    """api.plugin(name, **options) loads the one entry point and builds it with the options."""
    axios_mock.get("/x", json={})
    api = axios_python.create({"base_url": "https://api.test"}, transport=axios_mock)
    api.plugin("fixture-healthy", tag="t", loud=True).get("/x")
    assert axios_mock.calls[0].headers["X-Fixture"] == "T"
    assert api.plugin_names == ("fixture-healthy",)
    assert _fixture_modules() == [
        "axios_python_testfixture_broken",
        "axios_python_testfixture_broken.healthy",
    ]


def test_declared_in_create(fixture_plugins: Path, axios_mock: MockTransport) -> None:
    """create({'plugins': {...}}) declares plugins by name with their options."""
    axios_mock.get("/x", json={})
    config: RequestOptions = {
        "base_url": "https://api.test",
        "plugins": {"fixture-factory": {"tag": "f"}},
    }
    axios_python.create(config, transport=axios_mock).get("/x")
    assert axios_mock.calls[0].headers["X-Fixture"] == "f"


def test_unknown_name_lists_installed_and_nearest(fixture_plugins: Path) -> None:
    """An unknown name lists the installed plugins and suggests the nearest."""
    with pytest.raises(PluginNotFoundError) as caught:
        axios_python.create().plugin("fixture-helthy")
    message = str(caught.value)
    assert (
        "no plugin named 'fixture-helthy' is installed; did you mean 'fixture-healthy'?" in message
    )
    assert "fixture-explodes" in message
    assert caught.value.plugin == "fixture-helthy"


def test_official_name_suggests_its_distribution() -> None:
    """For an official plugin name the message says which distribution to pip install."""
    message = _not_found_message("logger", ["cache"])
    assert message.endswith("install it with: pip install axios-python-logger")


def test_import_failure_names_plugin_distribution_version(fixture_plugins: Path) -> None:
    """A plugin that fails to import names itself, its distribution and version, and chains."""
    with pytest.raises(PluginImportError) as caught:
        axios_python.create().plugin("fixture-explodes")
    error = caught.value
    assert (error.plugin, error.distribution, error.version) == (
        "fixture-explodes",
        BROKEN,
        "1.2.3",
    )
    assert f"plugin 'fixture-explodes' from {BROKEN} 1.2.3 failed to import" in str(error)
    assert isinstance(error.__cause__, ModuleNotFoundError)


def test_missing_extra_names_it_when_added_by_name(fixture_plugins: Path) -> None:
    """api.plugin() of a plugin whose optional extra is not installed says which extra."""
    with pytest.raises(PluginImportError) as caught:
        axios_python.create().plugin("fixture-extra")
    assert str(caught.value).endswith(
        'pip install "axios-python-testfixture-broken[speed]" '
        "(axios-python-testfixture-optional>=1, only where python_version >= '3.8')"
    )


@pytest.mark.parametrize(
    ("name", "cause"),
    [("fixture-missing", ModuleNotFoundError), ("fixture-noattr", AttributeError)],
)
def test_unloadable_entry_points(fixture_plugins: Path, name: str, cause: type[Exception]) -> None:
    """A missing module or attribute is a PluginImportError chaining the real cause."""
    with pytest.raises(PluginImportError) as caught:
        axios_python.create().plugin(name)
    assert isinstance(caught.value.__cause__, cause)


def test_conflict_names_both_distributions(fixture_plugins: Path) -> None:
    """Two distributions claiming one name is an error naming both; nothing is imported."""
    with pytest.raises(PluginConflictError) as caught:
        axios_python.create().plugin("fixture-twin")
    assert sorted(caught.value.distributions) == [BROKEN, TWIN]
    assert f"{BROKEN} 1.2.3" in str(caught.value)
    assert f"{TWIN} 4.5.6" in str(caught.value)
    assert _fixture_modules() == []


def test_unknown_option_is_named(fixture_plugins: Path) -> None:
    """An option the factory does not take names the plugin, the option and the valid ones."""
    with pytest.raises(PluginOptionsError) as caught:
        axios_python.create().plugin("fixture-healthy", tga="x")
    assert (caught.value.plugin, caught.value.option) == ("fixture-healthy", "tga")
    assert "plugin 'fixture-healthy' has no option 'tga'; did you mean 'tag'?" in str(caught.value)
    assert "(its options: tag, loud)" in str(caught.value)


def test_option_the_factory_rejects(fixture_plugins: Path) -> None:
    """A TypeError from the factory itself becomes a PluginOptionsError naming the plugin."""
    with pytest.raises(PluginOptionsError, match=r"plugin 'fixture-factory' rejected its options"):
        axios_python.create().plugin("fixture-factory", tag=5)


def test_required_option_missing(example_plugin: str) -> None:
    """A missing required option is named with how to pass it."""
    with pytest.raises(PluginOptionsError, match=r"plugin 'hmac' requires the option 'secret'"):
        axios_python.create().plugin("hmac")


def test_broken_plugin_leaves_the_client_and_others_working(
    fixture_plugins: Path, axios_mock: MockTransport
) -> None:
    """After a plugin fails to load, the same client still takes and runs another plugin."""
    axios_mock.get("/x", json={})
    api = axios_python.create({"base_url": "https://api.test"}, transport=axios_mock)
    with pytest.raises(PluginImportError):
        api.plugin("fixture-explodes")
    assert api.plugin_names == ()
    api.plugin("fixture-healthy").get("/x")
    assert axios_mock.calls[0].headers["X-Fixture"] == "healthy"


def test_same_name_twice_by_name(fixture_plugins: Path) -> None:
    """Loading an already registered name again is refused before importing anything new."""
    from axios_python import PluginRegisteredError

    api = axios_python.create().plugin("fixture-healthy")
    with pytest.raises(PluginRegisteredError, match="'fixture-healthy' is already registered"):
        api.plugin("fixture-healthy", tag="again")


def test_rejected_options_name_keys_but_never_values() -> None:
    """A factory rejecting its options is reported by option name; the values stay out."""
    from axios_python._plugins import build_plugin

    def factory(*, token: str) -> object:
        raise ValueError("bad token")

    with pytest.raises(PluginOptionsError) as info:
        build_plugin("secretive", factory, {"token": "s3cret-value"})
    assert "'token'" in str(info.value)
    assert "s3cret-value" not in str(info.value)
