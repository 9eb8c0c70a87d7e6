"""api.plugin() / api.unplugin(): chainable, per instance, and strict about names."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

import axios_python
from axios_python import (
    AxiosPython,
    ConfigError,
    Plugin,
    PluginError,
    PluginNotFoundError,
    PluginOptionsError,
    PluginRegisteredError,
)
from axios_python.hookspecs import hookimpl
from axios_python.testing import MockTransport


class Stamp:
    """A raw-hook plugin that stamps one header."""

    def __init__(self, value: str = "1", name: str = "stamp") -> None:
        self.value = value
        self.name = name

    @hookimpl
    def axios_request(self, config: Any, client: Any) -> None:
        config["headers"]["X-Stamp"] = self.value


def _client(mock: MockTransport) -> AxiosPython:
    mock.get("/", json={})
    return axios_python.create({"base_url": "https://api.test"}, transport=mock)


def _has_host(api: AxiosPython) -> bool:
    return api._plugin_host is not None


def test_plugin_and_unplugin_chain(axios_mock: MockTransport) -> None:
    """Both return the client, so calls chain."""
    api = _client(axios_mock)
    assert api.plugin(Stamp()).unplugin("stamp").plugin(Stamp("2")) is api
    api.get("/")
    assert axios_mock.calls[-1].headers["X-Stamp"] == "2"


def test_plugins_are_per_instance(axios_mock: MockTransport) -> None:
    """A plugin on one client never affects another client."""
    with_plugin, without = _client(axios_mock), _client(axios_mock)
    with_plugin.plugin(Stamp())
    without.get("/")
    with_plugin.get("/")
    assert "X-Stamp" not in axios_mock.calls[0].headers
    assert axios_mock.calls[1].headers["X-Stamp"] == "1"


def test_no_plugin_means_no_host(axios_mock: MockTransport) -> None:
    """Without plugins the client has no plugin host, so the pipeline makes no hook calls."""
    api = _client(axios_mock)
    assert not _has_host(api)
    api.plugin(Stamp())
    assert _has_host(api)
    api.unplugin("stamp")
    assert not _has_host(api)
    assert api.plugin_names == ()


def test_plugin_names_in_registration_order(axios_mock: MockTransport) -> None:
    """plugin_names lists names oldest first; a Plugin subclass defaults to its class name."""

    class Quiet(Plugin):
        pass

    api = _client(axios_mock).plugin(Stamp(name="a")).plugin(Quiet()).plugin(Stamp(name="b"))
    assert api.plugin_names == ("a", "Quiet", "b")


def test_same_name_twice_is_refused(axios_mock: MockTransport) -> None:
    """Registering a second plugin under a taken name says so and how to fix it."""
    api = _client(axios_mock).plugin(Stamp())
    with pytest.raises(PluginRegisteredError, match=r"'stamp' is already registered.*unplugin"):
        api.plugin(Stamp("other"))
    assert api.plugin_names == ("stamp",)


def test_same_object_twice_is_refused(axios_mock: MockTransport) -> None:
    """One object cannot be registered under two names."""
    stamp = Stamp()
    api = _client(axios_mock).plugin(stamp)
    stamp.name = "renamed"
    with pytest.raises(PluginRegisteredError, match="already registered on this client as 'stamp'"):
        api.plugin(stamp)


def test_unplugin_unknown_name_lists_registered(axios_mock: MockTransport) -> None:
    """Removing a name that is not registered names what is."""
    api = _client(axios_mock).plugin(Stamp())
    with pytest.raises(PluginNotFoundError, match=r"'nope' is registered.*\(registered: stamp\)"):
        api.unplugin("nope")


def test_unplugin_by_object(axios_mock: MockTransport) -> None:
    """unplugin() also takes the registered object itself."""
    stamp = Stamp()
    api = _client(axios_mock).plugin(stamp).unplugin(stamp)
    assert api.plugin_names == ()


def test_class_instead_of_instance(axios_mock: MockTransport) -> None:
    """Passing the class is refused with the fix spelled out."""
    with pytest.raises(
        PluginError, match=r"not the class Stamp; build it first: api.plugin\(Stamp"
    ):
        _client(axios_mock).plugin(Stamp)


def test_options_with_an_object(axios_mock: MockTransport) -> None:
    """Options belong to the constructor when a built plugin is passed."""
    with pytest.raises(
        PluginOptionsError, match=r"\['ttl'\] apply only to a plugin loaded by name"
    ):
        _client(axios_mock).plugin(Stamp(), ttl=1)


def test_misspelt_hook_is_refused(axios_mock: MockTransport) -> None:
    """A hookimpl whose name matches no hook is an error with the nearest hook name."""

    class Typo:
        @hookimpl
        def axios_requets(self, config: Any) -> None:
            raise AssertionError("never called")

    api = _client(axios_mock)
    with pytest.raises(PluginError, match=r"'axios_requets'.*did you mean 'axios_request'\?"):
        api.plugin(Typo())
    assert api._plugin_host is None


def test_wrong_hook_arguments_are_refused(axios_mock: MockTransport) -> None:
    """A hookimpl asking for an argument the hook does not pass fails at registration."""

    class Wrong:
        @hookimpl
        def axios_request(self, config: Any, session: Any) -> None:
            raise AssertionError("never called")

    with pytest.raises(PluginError, match=r"plugin 'Wrong' could not be registered.*session"):
        _client(axios_mock).plugin(Wrong())


def test_per_request_plugins_key_is_refused(axios_mock: MockTransport) -> None:
    """'plugins' is an instance setting; passing it per request is a ConfigError."""
    api = _client(axios_mock)
    with pytest.raises(ConfigError, match="'plugins' is an instance setting"):
        api.get("/", plugins={"x": {}})


def test_declared_plugins_stay_out_of_request_config(axios_mock: MockTransport) -> None:
    """create()'s 'plugins' declaration is applied once, not copied into each request."""
    api = axios_python.create({"plugins": {}}, transport=axios_mock)
    assert "plugins" not in api.defaults
    assert api._plugin_host is None


def test_unknown_declared_plugin_fails_create(axios_mock: MockTransport) -> None:
    """A declared plugin that is not installed makes create() fail with the reason."""
    with pytest.raises(PluginNotFoundError, match="no plugin named 'no-such-plugin-xyz'"):
        axios_python.create({"plugins": {"no-such-plugin-xyz": {}}}, transport=axios_mock)


def test_unmarked_hook_methods_count(axios_mock: MockTransport) -> None:
    """As in pytest, a method named after a hook is an implementation without hookimpl."""

    class Plain:
        def axios_request(self, config: Any, client: Any) -> None:
            config["headers"]["X-Plain"] = "yes"

    api = _client(axios_mock).plugin(Plain())
    api.get("/")
    assert axios_mock.calls[-1].headers["X-Plain"] == "yes"


def test_unmarked_misspelt_hook_is_refused(axios_mock: MockTransport) -> None:
    """The axios_ prefix is reserved for hooks, so an unmarked typo is caught too."""

    class Typo:
        def axios_respnse(self, response: Any) -> None:
            raise AssertionError("never called")

    with pytest.raises(PluginError, match=r"did you mean 'axios_response'\?"):
        _client(axios_mock).plugin(Typo())


def test_concurrent_registration_from_threads(axios_mock: MockTransport) -> None:
    """Plugins registered from many threads at once all end up registered, once each."""
    from concurrent.futures import ThreadPoolExecutor

    api = _client(axios_mock)
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda i: api.plugin(Stamp(name=f"s{i}")), range(32)))
        list(pool.map(lambda _: api.get("/"), range(32)))
    assert sorted(api.plugin_names) == sorted(f"s{i}" for i in range(32))
    assert all("X-Stamp" in call.headers for call in axios_mock.calls)


def test_dropped_client_with_plugins_is_freed_at_once() -> None:
    """The plugin host holds its client weakly: dropping the client frees it without a GC pass."""
    import gc
    import weakref

    class Watcher:
        def axios_client_created(self, client: AxiosPython) -> None:
            pass

    gc.disable()
    try:
        api = axios_python.create(transport=MockTransport()).plugin(Stamp()).plugin(Watcher())
        ref = weakref.ref(api)
        del api
        assert ref() is None
    finally:
        gc.enable()


_AT_EXIT = """
import atexit

import axios_python
from axios_python.testing import MockTransport


class Stamp:
    def axios_request(self, config, client):
        config["headers"]["X-Stamp"] = "1"


def report():  # registered first, so it runs after every later atexit hook
    mock.get("/x", json={})
    api.get("/x")
    print("stamped" if "X-Stamp" in mock.calls[-1].headers else "unstamped", api.plugin_names)


atexit.register(report)
mock = MockTransport()
api = axios_python.create({"base_url": "https://api.test"}, transport=mock).plugin(Stamp())
"""


def test_a_client_alive_at_exit_keeps_its_plugins() -> None:
    """Dropping plugins with their client must not happen at interpreter exit.

    An atexit handler may still send with a live client, and must not find its
    plugins (its auth, say) gone.
    """
    done = subprocess.run(
        [sys.executable, "-c", _AT_EXIT], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "stamped ('Stamp',)", done.stderr
