"""Transports by name: api.plugin("urllib3" | "aiohttp" | "httpx2" | "reqwest") swaps the sender."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator

import pytest
from axios_python_aiohttp import AiohttpPlugin, AiohttpTransport
from axios_python_reqwest import ReqwestPlugin, ReqwestTransport
from axios_python_urllib3 import Urllib3Plugin, Urllib3Transport
from echo_server import EchoServer

import axios_python
from axios_python import AxiosPython, HttpxTransport, PluginError, PluginOptionsError
from axios_python.transports.httpx2 import Httpx2Plugin

from ._support import HAS_HTTPX2, eventually

USER_AGENT = f"axios-python/{axios_python.__version__}"

needs_httpx2 = pytest.mark.skipif(not HAS_HTTPX2, reason="httpx2 needs Python 3.11+")


@pytest.fixture
async def api(server: EchoServer) -> AsyncIterator[AxiosPython]:
    """A plain client on the echo server, closed (every pool, both sides) afterwards."""
    client = axios_python.create({"base_url": server.url})
    yield client
    await client.aclose()


@pytest.mark.parametrize(
    ("name", "value", "distribution"),
    [
        ("urllib3", "axios_python_urllib3:Urllib3Plugin", "axios-python-urllib3"),
        ("aiohttp", "axios_python_aiohttp:AiohttpPlugin", "axios-python-aiohttp"),
        ("httpx2", "axios_python.transports._httpx2_entry:Httpx2Plugin", "axios-python-core"),
        ("reqwest", "axios_python_reqwest:ReqwestPlugin", "axios-python-reqwest"),
    ],
)
def test_transport_plugins_are_installed_entry_points(
    name: str, value: str, distribution: str
) -> None:
    """Each transport is listed under its name, from its distribution, with its one hook."""
    found = {info.name: info for info in axios_python.list_plugins()}
    assert found[name].value == value
    assert found[name].distribution == distribution
    assert found[name].hooks == ("axios_transport",)


async def test_urllib3_by_name_takes_the_sync_side_only(api: AxiosPython) -> None:
    """api.plugin("urllib3") sends sync requests with urllib3; async ones keep httpx."""
    api.plugin("urllib3")
    assert api.get("/user-agent").data["user-agent"] == USER_AGENT
    assert isinstance(api._sync_transport, Urllib3Transport)
    assert api._sync_transport._pools  # urllib3 opened the pool the request went through
    assert isinstance(api._async_transport, HttpxTransport)
    assert (await api.async_get("/get")).status_code == 200


async def test_aiohttp_by_name_takes_the_async_side_only(api: AxiosPython) -> None:
    """api.plugin("aiohttp") sends async requests with aiohttp; sync ones keep httpx."""
    api.plugin("aiohttp")
    response = await api.async_get("/user-agent")
    assert response.data["user-agent"] == USER_AGENT
    assert isinstance(api._async_transport, AiohttpTransport)
    assert api._async_transport._sessions  # aiohttp opened this loop's session
    assert isinstance(api._sync_transport, HttpxTransport)
    assert api.get("/get").status_code == 200


async def test_both_fast_paths_chained(api: AxiosPython) -> None:
    """api.plugin("urllib3").plugin("aiohttp") gives urllib3 for sync and aiohttp for async."""
    assert api.plugin("urllib3").plugin("aiohttp") is api
    assert api.get("/user-agent").data["user-agent"] == USER_AGENT
    assert (await api.async_get("/user-agent")).data["user-agent"] == USER_AGENT
    sync, async_ = api._sync_transport, api._async_transport
    assert isinstance(sync, Urllib3Transport)
    assert sync._pools
    assert isinstance(async_, AiohttpTransport)
    assert async_._sessions


@needs_httpx2
async def test_httpx2_by_name_takes_both_sides(api: AxiosPython) -> None:
    """api.plugin("httpx2") sends sync and async requests through httpx2."""
    api.plugin("httpx2")
    sync_side, async_side = api._sync_transport, api._async_transport
    assert sync_side is async_side
    assert isinstance(sync_side, HttpxTransport)
    assert sync_side._httpx.__name__ == "httpx2"
    assert api.get("/get").status_code == 200
    assert (await api.async_get("/get")).status_code == 200


async def test_reqwest_by_name_takes_both_sides(api: AxiosPython) -> None:
    """api.plugin("reqwest") sends sync and async requests through one ReqwestTransport."""
    api.plugin("reqwest")
    sync_side, async_side = api._sync_transport, api._async_transport
    assert sync_side is async_side
    assert isinstance(sync_side, ReqwestTransport)
    assert api.get("/user-agent").data["user-agent"] == USER_AGENT
    assert (await api.async_get("/user-agent")).data["user-agent"] == USER_AGENT
    assert len(sync_side._sync_clients) == len(sync_side._async_clients) == 1  # both sides used


async def test_a_one_sided_plugin_after_reqwest_takes_its_side(api: AxiosPython) -> None:
    """After reqwest, aiohttp takes the async side and reqwest keeps the sync one."""
    api.plugin("reqwest").plugin("aiohttp")
    assert isinstance(api._sync_transport, ReqwestTransport)
    assert isinstance(api._async_transport, AiohttpTransport)
    assert api.get("/get").status_code == 200
    assert (await api.async_get("/get")).status_code == 200


@needs_httpx2
async def test_a_later_plugin_wins_its_side(api: AxiosPython) -> None:
    """After httpx2, urllib3 takes the sync side and httpx2 keeps the async one."""
    api.plugin("httpx2").plugin("urllib3")
    assert isinstance(api._sync_transport, Urllib3Transport)
    assert api._async_transport._httpx.__name__ == "httpx2"  # type: ignore[attr-defined]


async def test_other_clients_are_untouched(api: AxiosPython, server: EchoServer) -> None:
    """A transport plugin on one client leaves another client on httpx."""
    api.plugin("urllib3")
    other = AxiosPython({"base_url": server.url})
    assert isinstance(other._sync_transport, HttpxTransport)
    other.close()


async def test_unplugin_restores_the_default(api: AxiosPython) -> None:
    """Removing the plugin sends with httpx again."""
    api.plugin("urllib3").unplugin("urllib3")
    assert isinstance(api._sync_transport, HttpxTransport)
    assert api.get("/get").status_code == 200


async def test_options_reach_the_transport(api: AxiosPython) -> None:
    """Options given with the name configure the plugin's transport."""
    api.plugin("urllib3", max_connections=3).plugin("aiohttp", max_connections=7)
    assert api._sync_transport._max_connections == 3  # type: ignore[attr-defined]
    assert "max_connections=7" in repr(api._async_transport)
    api.unplugin("urllib3").unplugin("aiohttp").plugin("reqwest", max_connections=5)
    assert "max_connections=5" in repr(api._sync_transport)


@pytest.mark.parametrize("name", ["urllib3", "aiohttp", "reqwest"])
def test_bad_options_name_the_plugin(api: AxiosPython, name: str) -> None:
    """A misspelt option is refused when the plugin is added, naming plugin and option."""
    with pytest.raises(PluginOptionsError, match=f"plugin '{name}'.*max_conections"):
        api.plugin(name, max_conections=3)


async def test_client_close_closes_the_plugin_transports(own_server: EchoServer) -> None:
    """Closing the client closes the pools its transport plugins opened."""
    api = axios_python.create({"base_url": own_server.url}).plugin("urllib3").plugin("aiohttp")
    api.get("/get")
    await api.async_get("/get")
    assert await eventually(lambda: own_server.open_connections == 2)
    await api.aclose()
    assert await eventually(lambda: own_server.open_connections == 0)


@pytest.mark.parametrize("close", ["close", "aclose"])
async def test_client_close_closes_reqwest_on_both_sides(
    own_server: EchoServer, close: str
) -> None:
    """close() and aclose() drop the connections reqwest opened for either side."""
    api = axios_python.create({"base_url": own_server.url}).plugin("reqwest")
    api.get("/get")
    await api.async_get("/get")
    assert await eventually(lambda: own_server.open_connections == 2)
    if close == "close":
        api.close()
    else:
        await api.aclose()
    assert await eventually(lambda: own_server.open_connections == 0)


def test_hooks_answer_for_their_side_only(api: AxiosPython) -> None:
    """The urllib3 and aiohttp plugins return their transport for their side, None otherwise."""
    urllib3_plugin, aiohttp_plugin = Urllib3Plugin(), AiohttpPlugin()
    assert urllib3_plugin.axios_transport(api, "sync") is urllib3_plugin.transport
    assert urllib3_plugin.axios_transport(api, "async") is None
    assert aiohttp_plugin.axios_transport(api, "async") is aiohttp_plugin.transport
    assert aiohttp_plugin.axios_transport(api, "sync") is None


def test_reqwest_hook_answers_for_both_sides(api: AxiosPython) -> None:
    """The reqwest plugin returns its one transport for either side."""
    plugin = ReqwestPlugin()
    assert plugin.axios_transport(api, "sync") is plugin.transport
    assert plugin.axios_transport(api, "async") is plugin.transport


@needs_httpx2
def test_httpx2_hook_answers_for_both_sides(api: AxiosPython) -> None:
    """The httpx2 plugin returns its one transport for either side."""
    httpx2_plugin = Httpx2Plugin()
    assert httpx2_plugin.axios_transport(api, "sync") is httpx2_plugin.axios_transport(api, "async")


def test_httpx2_missing_names_the_extra(api: AxiosPython, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without httpx2 installed, adding the plugin raises PluginError telling what to install."""
    monkeypatch.setitem(sys.modules, "httpx2", None)
    with pytest.raises(PluginError, match=r"axios-python-core\[httpx2\]"):
        api.plugin("httpx2")
    assert api.plugin_names == ()
