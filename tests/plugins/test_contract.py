"""The hook contract and the public face: hookspecs, lazy official plugins, exports."""

from __future__ import annotations

import inspect
import sys
import types
from pathlib import Path

import pytest

import axios_python
from axios_python import hookspecs
from axios_python._entrypoints import HOOK_NAMES

SPECS = {name: value for name, value in vars(hookspecs).items() if name.startswith("axios_")}


def test_hook_names_match_the_specs() -> None:
    """The listing's hook names are exactly the hookspecs (listing never imports pluggy)."""
    assert tuple(sorted(SPECS)) == HOOK_NAMES


@pytest.mark.parametrize(
    ("hook", "opts"),
    [
        ("axios_client_created", {"historic": True, "firstresult": False}),
        ("axios_request", {"historic": False, "firstresult": False}),
        ("axios_cached_response", {"historic": False, "firstresult": True}),
        ("axios_response", {"historic": False, "firstresult": False}),
        ("axios_error", {"historic": False, "firstresult": True}),
        ("axios_transport", {"historic": False, "firstresult": True}),
        ("axios_before_send", {"historic": False, "firstresult": False}),
        ("axios_interrupted", {"historic": False, "firstresult": False}),
    ],
)
def test_hook_semantics(hook: str, opts: dict[str, bool]) -> None:
    """Each hook is historic / firstresult as documented, and says since which version."""
    spec = getattr(SPECS[hook], f"{hookspecs.PROJECT_NAME}_spec")
    assert {key: spec[key] for key in opts} == opts
    assert "Since 0.1.0." in inspect.getdoc(SPECS[hook])  # type: ignore[operator]


def test_hookimpl_is_exported_lazily() -> None:
    """axios_python.hookimpl is the hookspecs marker, resolved on first use."""
    assert axios_python.hookimpl is hookspecs.hookimpl


def test_plugin_names_are_exported() -> None:
    """The plugin API is part of the public face."""
    for name in ("Plugin", "PluginInfo", "list_plugins", "hookimpl", "PluginNotFoundError"):
        assert name in axios_python.__all__


def test_plugin_errors_are_plugin_errors() -> None:
    """Every specific plugin error is a PluginError (and the matching builtin where natural)."""
    assert issubclass(axios_python.PluginNotFoundError, LookupError)
    assert issubclass(axios_python.PluginImportError, ImportError)
    assert issubclass(axios_python.PluginOptionsError, TypeError)
    assert issubclass(axios_python.PluginRegisteredError, ValueError)
    for cls in (
        axios_python.PluginNotFoundError,
        axios_python.PluginImportError,
        axios_python.PluginConflictError,
        axios_python.PluginOptionsError,
        axios_python.PluginRegisteredError,
    ):
        assert issubclass(cls, axios_python.PluginError)


@pytest.mark.parametrize(
    ("name", "module", "distribution"),
    [
        ("CachePlugin", "axios_python_cache", "axios-python-cache"),
        ("AuthPlugin", "axios_python_auth", "axios-python-auth"),
        ("LoggerPlugin", "axios_python_logger", "axios-python-logger"),
    ],
)
def test_missing_official_plugin_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, name: str, module: str, distribution: str
) -> None:
    """from axios_python import CachePlugin without the distribution names it for pip install."""
    monkeypatch.setitem(sys.modules, module, None)  # as if not installed
    with pytest.raises(
        ImportError,
        match=rf"provided by the {distribution} distribution.*"
        rf"pip install {distribution}",
    ):
        exec(f"from axios_python import {name}", {})


def test_installed_official_plugin_resolves_lazily(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the distribution is importable, the name resolves to its class."""
    fake = types.ModuleType("axios_python_auth")

    class AuthPlugin:
        pass

    fake.AuthPlugin = AuthPlugin  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "axios_python_auth", fake)
    from axios_python import AuthPlugin as resolved

    assert resolved is AuthPlugin  # type: ignore[comparison-overlap]  # the stand-in class


def test_official_plugin_failing_inside_is_not_masked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A missing dependency inside an installed plugin surfaces as itself, not 'not installed'."""
    (tmp_path / "axios_python_logger.py").write_text("import axios_python_missing_dependency_xyz\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "axios_python_logger", raising=False)
    with pytest.raises(ModuleNotFoundError, match="axios_python_missing_dependency_xyz"):
        exec("from axios_python import LoggerPlugin", {})
    monkeypatch.delitem(sys.modules, "axios_python_logger", raising=False)
