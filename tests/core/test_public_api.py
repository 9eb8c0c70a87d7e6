"""The public surface: __all__ pins exactly what axios_python exports; every module has __all__."""

from __future__ import annotations

import importlib
import importlib.metadata
import pkgutil
import re
from types import ModuleType

import pytest

import axios_python

__all__: list[str] = []

EXPECTED_CORE_NAMES = {
    "AsyncByteStream",
    "AxiosPython",
    "AxiosPythonError",
    "BaseTransport",
    "CancelError",
    "CancelToken",
    "ClientClosedError",
    "ConfigError",
    "ExponentialBackoff",
    "FixedBackoff",
    "HTTPStatusError",
    "Headers",
    "HttpxTransport",
    "InterceptorError",
    "LinearBackoff",
    "NetworkError",
    "PluginError",
    "ProtocolError",
    "Request",
    "RequestConfig",
    "RequestOptions",
    "Response",
    "RetryError",
    "RetryStrategy",
    "StreamError",
    "SyncByteStream",
    "Timeout",
    "TimeoutError",
    "TooManyRedirectsError",
    "UnsupportedRequestError",
    "__version__",
    "async_delete",
    "async_get",
    "async_head",
    "async_options",
    "async_patch",
    "async_post",
    "async_put",
    "async_request",
    "create",
    "delete",
    "get",
    "head",
    "options",
    "patch",
    "post",
    "put",
    "request",
    # issue 10, day-one basics
    "BasicAuth",
    "CookieJar",
    "async_patch_form",
    "async_post_form",
    "async_put_form",
    "get_uri",
    "patch_form",
    "post_form",
    "put_form",
}


def _modules() -> list[str]:
    """Every module of the axios_python package, submodules included (not __main__)."""
    names = ["axios_python"]
    for info in pkgutil.walk_packages(axios_python.__path__, "axios_python."):
        if not info.name.endswith("__main__"):
            names.append(info.name)
    return names


def test_all_equals_the_public_names() -> None:
    """__all__ is sorted, unique, and holds every public name the package itself defines."""
    defined_here = {
        name
        for name, value in vars(axios_python).items()
        if not name.startswith("_")
        and not isinstance(value, ModuleType)
        and getattr(value, "__module__", "").startswith("axios_python")
    }
    exported = set(axios_python.__all__)
    assert defined_here <= exported, f"public but not in __all__: {defined_here - exported}"
    assert len(axios_python.__all__) == len(exported)
    assert list(axios_python.__all__) == sorted(axios_python.__all__)


@pytest.mark.parametrize("name", sorted(axios_python.__all__))
def test_every_name_in_all_resolves(name: str) -> None:
    """Each name in __all__ is reachable as an attribute (lazily resolved ones included)."""
    assert hasattr(axios_python, name)


def test_core_names_stay_exported() -> None:
    """Every name the core issue promised is still exported (others may be added)."""
    assert set(axios_python.__all__) >= EXPECTED_CORE_NAMES


@pytest.mark.parametrize("module_name", _modules())
def test_every_module_declares_all(module_name: str) -> None:
    """Every module declares __all__, and every name in it exists in the module."""
    module = importlib.import_module(module_name)
    assert hasattr(module, "__all__"), f"{module_name} has no __all__"
    missing = [name for name in module.__all__ if not hasattr(module, name)]
    assert missing == []


def test_version_is_a_string() -> None:
    """__version__ is a non-empty version string."""
    assert isinstance(axios_python.__version__, str)
    assert axios_python.__version__[0].isdigit()


def test_unknown_attribute_is_an_attribute_error() -> None:
    """A name the package does not have raises AttributeError naming it."""
    with pytest.raises(AttributeError, match="'NoSuchThing'"):
        _ = axios_python.NoSuchThing


def _requirement_names(extra: bool) -> set[str]:
    """Names of axios-python-core's declared requirements (with or without an extra marker)."""
    names = set()
    for requirement in importlib.metadata.requires("axios-python-core") or []:
        if ("extra ==" in requirement) is extra:
            names.add(re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].lower())
    return names


def test_core_runtime_dependencies_are_few_and_include_sniffio() -> None:
    """Core needs httpx and sniffio (httpcore's per-request import retry) and little else."""
    names = _requirement_names(extra=False)
    assert {"httpx", "sniffio"} <= names
    assert names <= {"httpx", "sniffio", "pluggy", "importlib-metadata", "typing-extensions"}
