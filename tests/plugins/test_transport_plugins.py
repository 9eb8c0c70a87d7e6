"""axios_transport: a plugin may supply the sync sender, the async one, or both."""

from __future__ import annotations

import gc
import weakref
from typing import Any, Literal

import pytest
from echo_server import EchoServer

import axios_python
from axios_python import AxiosPython, BaseTransport, HttpxTransport, PluginError, Request, Response
from axios_python.hookspecs import hookimpl
from axios_python.testing import MockTransport


class Canned(BaseTransport):
    """Answers every request with its own label; counts closes."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.closed = 0

    def send(self, request: Request) -> Response:
        return Response(200, data={"via": self.label}, request=request)

    async def send_async(self, request: Request) -> Response:
        return self.send(request)

    def close(self) -> None:
        self.closed += 1


class AsyncOnly(BaseTransport):
    """Implements only send_async."""

    async def send_async(self, request: Request) -> Response:
        return Response(200, data={"via": "async-only"}, request=request)


class Supplier:
    """Supplies ``transport`` for the sides listed in ``kinds``; counts hook calls."""

    def __init__(self, transport: BaseTransport, kinds: tuple[str, ...], name: str = "supplier"):
        self.transport = transport
        self.kinds = kinds
        self.name = name
        self.calls = 0

    @hookimpl
    def axios_transport(
        self, client: AxiosPython, kind: Literal["sync", "async"]
    ) -> BaseTransport | None:
        self.calls += 1
        return self.transport if kind in self.kinds else None


async def test_sync_only_supplier_keeps_default_async(server: EchoServer) -> None:
    """A plugin supplying only the sync side leaves async requests on the default httpx."""
    api = axios_python.create({"base_url": server.url}).plugin(Supplier(Canned("s"), ("sync",)))
    assert api.get("/json").data == {"via": "s"}
    assert "slideshow" in (await api.async_get("/json")).data
    assert isinstance(api._async_transport, HttpxTransport)


async def test_async_only_supplier(server: EchoServer) -> None:
    """A plugin may supply only the async side."""
    api = axios_python.create({"base_url": server.url}).plugin(Supplier(AsyncOnly(), ("async",)))
    assert (await api.async_get("/json")).data == {"via": "async-only"}
    assert "slideshow" in api.get("/json").data


def test_resolved_when_plugins_change_not_per_request(server: EchoServer) -> None:
    """axios_transport runs once per side at registration, never per request."""
    supplier = Supplier(Canned("s"), ("sync", "async"))
    api = axios_python.create({"base_url": server.url}).plugin(supplier)
    for _ in range(3):
        api.get("/json")
    assert supplier.calls == 2


def test_explicit_transport_wins(axios_mock: MockTransport) -> None:
    """transport= passed to create() beats any plugin's transport."""
    axios_mock.get("/x", json={"via": "explicit"})
    supplier = Supplier(Canned("s"), ("sync", "async"))
    api = axios_python.create({"base_url": "https://api.test"}, transport=axios_mock)
    assert api.plugin(supplier).get("/x").data == {"via": "explicit"}
    assert supplier.calls == 0


def test_unplugin_restores_the_default(server: EchoServer) -> None:
    """Removing the transport plugin sends through httpx again."""
    api = axios_python.create({"base_url": server.url}).plugin(Supplier(Canned("s"), ("sync",)))
    api.unplugin("supplier")
    assert "slideshow" in api.get("/json").data


def test_newest_supplier_wins(server: EchoServer) -> None:
    """firstresult: with two suppliers, the newest one's transport is used."""
    api = axios_python.create({"base_url": server.url})
    api.plugin(Supplier(Canned("old"), ("sync",), name="old"))
    api.plugin(Supplier(Canned("new"), ("sync",), name="new"))
    assert api.get("/json").data == {"via": "new"}


def test_close_closes_plugin_transports(server: EchoServer) -> None:
    """client.close() also closes a transport a plugin supplied (once, even if both sides)."""
    canned = Canned("s")
    api = axios_python.create({"base_url": server.url}).plugin(Supplier(canned, ("sync", "async")))
    api.close()
    assert canned.closed == 1


def test_close_also_closes_a_shadowed_transport(server: EchoServer) -> None:
    """A transport a newer plugin shadowed served requests before: close() closes it too."""
    old, new = Canned("old"), Canned("new")
    api = axios_python.create({"base_url": server.url})
    api.plugin(Supplier(old, ("sync",), name="old"))
    assert api.get("/json").data == {"via": "old"}
    api.plugin(Supplier(new, ("sync", "async"), name="new"))
    api.close()
    assert (old.closed, new.closed) == (1, 1)


def test_unplugin_closes_the_removed_plugins_transport(server: EchoServer) -> None:
    """Unplugging a transport plugin closes its transport; requests go back to the default."""
    canned = Canned("s")
    api = axios_python.create({"base_url": server.url}).plugin(Supplier(canned, ("sync",)))
    assert api.get("/json").data == {"via": "s"}
    api.unplugin("supplier")
    assert canned.closed == 1
    assert "slideshow" in api.get("/json").data
    api.close()
    assert canned.closed == 1  # no longer the client's to close


def test_unplugin_keeps_a_transport_another_plugin_still_supplies(server: EchoServer) -> None:
    """The same transport object from two plugins stays open while one of them remains."""
    shared = Canned("shared")
    api = axios_python.create({"base_url": server.url})
    api.plugin(Supplier(shared, ("sync",), name="first"))
    api.plugin(Supplier(shared, ("async",), name="second"))
    api.unplugin("second")
    assert shared.closed == 0
    assert api.get("/json").data == {"via": "shared"}
    api.unplugin("first")
    assert shared.closed == 1


def test_unplugin_of_urllib3_closes_its_pools(server: EchoServer) -> None:
    """With a real transport: the urllib3 pool the removed plugin opened is closed."""
    api = axios_python.create({"base_url": server.url}).plugin("urllib3")
    transport = api._sync_transport
    assert api.get("/json").status_code == 200
    pools = list(transport._pools.values())  # type: ignore[attr-defined]
    assert len(pools) == 1
    assert pools[0].num_connections == 1
    api.unplugin("urllib3")
    assert transport._pools == {}  # type: ignore[attr-defined]
    assert pools[0].pool is None  # urllib3 drops the queue of a closed pool
    api.close()


@pytest.mark.parametrize("name", ["urllib3", "httpx2"])
def test_dropped_client_frees_its_plugins_transport_at_once(server: EchoServer, name: str) -> None:
    """A client dropped without close() frees its plugin's transport, and its pools, at once.

    pluggy's manager is a reference cycle; it must not keep the plugins until a GC pass.
    """
    api = axios_python.create({"base_url": server.url}).plugin(name)
    assert api.get("/json").status_code == 200
    transport = weakref.ref(api._sync_transport)
    gc.disable()
    try:
        del api
        assert transport() is None
    finally:
        gc.enable()


def test_a_plugin_shared_by_a_live_client_survives_another_clients_end(server: EchoServer) -> None:
    """The plugins of a dropped client are unregistered from it only: another keeps using them."""
    canned = Canned("s")
    supplier = Supplier(canned, ("sync",))
    keeper = axios_python.create({"base_url": server.url}).plugin(supplier)
    dropped = axios_python.create({"base_url": server.url}).plugin(supplier)
    del dropped
    gc.collect()
    assert keeper.plugin_names == ("supplier",)
    assert keeper.get("/json").data == {"via": "s"}


@pytest.mark.parametrize(
    ("transport", "kinds", "message"),
    [
        (AsyncOnly(), ("sync",), r"returned AsyncOnly, which does not implement send\(\)"),
        ("not a transport", ("sync",), r"must return a BaseTransport or None \(got str"),
    ],
)
def test_bad_transport_is_refused(
    server: EchoServer, transport: Any, kinds: Any, message: str
) -> None:
    """A transport that cannot serve its side is refused at registration, naming the plugin."""
    api = axios_python.create({"base_url": server.url})
    with pytest.raises(PluginError, match=rf"plugin 'supplier': .*{message}"):
        api.plugin(Supplier(transport, kinds))
    assert api.plugin_names == ()
    assert "slideshow" in api.get("/json").data
