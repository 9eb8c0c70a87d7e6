"""AuthPlugin credential sources: static token, token_provider, basic auth, options, repr."""

from __future__ import annotations

import asyncio
import base64
import gc
import warnings
from typing import Any

import pytest
from axios_python_auth import AuthPlugin as DirectAuthPlugin
from echo_server import EchoServer

import axios_python
from axios_python import AuthPlugin, PluginError

SECRET = "tok-7f3a9c1e5b"


def sent_auth(response: axios_python.Response, name: str = "Authorization") -> str | None:
    headers: dict[str, str] = response.json()["headers"]
    return headers.get(name)


def test_lazy_core_name_is_the_plugin_class() -> None:
    """`from axios_python import AuthPlugin` resolves to axios_python_auth.AuthPlugin."""
    assert AuthPlugin is DirectAuthPlugin


def test_static_bearer_token_is_sent(server: EchoServer) -> None:
    """The spec example: AuthPlugin(scheme="Bearer", token=...) adds Authorization."""
    api = axios_python.create({"base_url": server.url})
    api.plugin(AuthPlugin(scheme="Bearer", token=SECRET))
    assert sent_auth(api.get("/get")) == f"Bearer {SECRET}"


async def test_static_bearer_token_is_sent_async(server: EchoServer) -> None:
    """The async path adds the same header."""
    api = axios_python.create({"base_url": server.url})
    api.plugin(AuthPlugin(token=SECRET))
    assert sent_auth(await api.async_get("/get")) == f"Bearer {SECRET}"
    await api.aclose()


def test_enabled_by_name(server: EchoServer) -> None:
    """api.plugin("auth", token=...) loads the entry point and registers it as 'auth'."""
    api = axios_python.create({"base_url": server.url})
    api.plugin("auth", token=SECRET, scheme="Token")
    assert api.plugin_names == ("auth",)
    assert sent_auth(api.get("/get")) == f"Token {SECRET}"


def test_declared_in_create_config(server: EchoServer) -> None:
    """create({"plugins": {"auth": {...}}}) works like api.plugin("auth", ...)."""
    api = axios_python.create({"base_url": server.url, "plugins": {"auth": {"token": SECRET}}})
    assert sent_auth(api.get("/get")) == f"Bearer {SECRET}"


def test_instances_stay_isolated(server: EchoServer) -> None:
    """A plugin on one instance adds nothing to another instance's requests."""
    with_auth = axios_python.create({"base_url": server.url}).plugin(AuthPlugin(token=SECRET))
    without = axios_python.create({"base_url": server.url})
    assert sent_auth(with_auth.get("/get")) == f"Bearer {SECRET}"
    assert sent_auth(without.get("/get")) is None


def test_token_provider_is_called_per_request(server: EchoServer) -> None:
    """A token_provider is asked for a token on every request (rotation works)."""
    issued = iter(["one-token", "two-token", "three-token"])
    api = axios_python.create({"base_url": server.url})
    api.plugin(AuthPlugin(scheme="Bearer", token_provider=lambda: next(issued)))
    assert [sent_auth(api.get("/get")) for _ in range(3)] == [
        "Bearer one-token",
        "Bearer two-token",
        "Bearer three-token",
    ]


async def test_async_token_provider_on_async_path(server: EchoServer) -> None:
    """An async token_provider is awaited on the async path, one call per request."""
    calls = 0

    async def provider() -> str:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0)
        return f"async-{calls}"

    api = axios_python.create({"base_url": server.url})
    api.plugin(AuthPlugin(token_provider=provider))
    first = await api.async_get("/get")
    second = await api.async_get("/get")
    assert (sent_auth(first), sent_auth(second)) == ("Bearer async-1", "Bearer async-2")
    await api.aclose()


def test_async_token_provider_on_sync_path_is_a_clear_error(server: EchoServer) -> None:
    """Sync request + async token_provider: a clear error, nothing sent, no stray coroutine."""

    async def provider() -> str:
        return SECRET

    api = axios_python.create({"base_url": server.url})
    api.plugin(AuthPlugin(token_provider=provider))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(PluginError) as info:
            api.get("/get")
        gc.collect()
    message = str(info.value)
    assert ".provider is async" in message
    assert "async_ methods" in message
    assert SECRET not in message
    assert not [w for w in caught if "never awaited" in str(w.message)]
    assert server.hits["/get"] == 0


async def test_async_token_provider_on_a_sync_call_inside_a_loop_fails_cleanly(
    server: EchoServer,
) -> None:
    """A blocking api.get() from a coroutine cannot await the provider: PluginError, no leak."""

    async def provider() -> str:
        return SECRET

    api = axios_python.create({"base_url": server.url})
    api.plugin(AuthPlugin(token_provider=provider))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(PluginError, match="needs the async path"):
            api.get("/get")
        gc.collect()
    assert not [w for w in caught if "never awaited" in str(w.message)]
    assert server.hits["/get"] == 0


def test_token_provider_returning_a_non_string_is_reported(server: EchoServer) -> None:
    """A provider returning None fails the request with an error naming token_provider."""
    api = axios_python.create({"base_url": server.url})
    api.plugin(AuthPlugin(token_provider=lambda: None))  # type: ignore[arg-type, return-value]
    with pytest.raises(PluginError, match=r"token_provider\(\) result must be a non-empty str"):
        api.get("/get")


def test_basic_auth(server: EchoServer) -> None:
    """username/password send RFC 7617 Basic credentials."""
    api = axios_python.create({"base_url": server.url})
    api.plugin(AuthPlugin(username="ada", password="pa:ss wörd"))
    expected = base64.b64encode("ada:pa:ss wörd".encode()).decode()
    assert sent_auth(api.get("/get")) == f"Basic {expected}"


def test_bare_token_in_a_custom_header(server: EchoServer) -> None:
    """scheme=None with header='X-Api-Key' sends the bare token in that header."""
    api = axios_python.create({"base_url": server.url})
    api.plugin(AuthPlugin(scheme=None, token=SECRET, header="X-Api-Key"))
    response = api.get("/get")
    assert sent_auth(response, "X-Api-Key") == SECRET
    assert sent_auth(response) is None


def test_explicit_request_header_wins(server: EchoServer) -> None:
    """A per-request Authorization header is left as the caller wrote it."""
    api = axios_python.create({"base_url": server.url}).plugin(AuthPlugin(token=SECRET))
    response = api.get("/get", headers={"Authorization": "Bearer mine"})
    assert sent_auth(response) == "Bearer mine"


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({}, "exactly one of token=, token_provider= or username="),
        ({"token": SECRET, "token_provider": lambda: SECRET}, "got token, token_provider"),
        ({"token": ""}, "'token' must be a non-empty str (got an empty str)"),
        ({"token": 42}, "'token' must be a non-empty str (got int)"),
        ({"token": SECRET + "\n"}, "must not contain CR, LF or NUL"),
        ({"token": SECRET, "scheme": "Bearer token"}, "'scheme' must be a single word"),
        ({"token": SECRET, "header": "Bad Header"}, "'header' must be a header name"),
        ({"token": SECRET, "allowed_origins": "https://a.example"}, "must be a list of origins"),
        ({"token": SECRET, "allowed_origins": ["/relative"]}, "entries must be origins"),
        ({"token": SECRET, "refresh": "nope"}, "'refresh' must be a callable"),
        ({"username": "ada", "password": SECRET, "refresh": lambda: "x"}, "not with basic auth"),
        ({"username": "a:b", "password": SECRET}, "'username' must not contain ':'"),
        ({"username": "ada"}, "needs username= and password= as str"),
    ],
)
def test_bad_options_are_reported_without_the_secret(
    options: dict[str, Any], fragment: str
) -> None:
    """Each bad option raises PluginError saying what is expected, never quoting a credential."""
    with pytest.raises(PluginError) as info:
        AuthPlugin(**options)
    assert fragment in str(info.value)
    assert SECRET not in str(info.value)


def test_bad_options_by_name_do_not_leak_the_secret(server: EchoServer) -> None:
    """The same holds when the plugin is built by name through the core."""
    api = axios_python.create({"base_url": server.url})
    with pytest.raises(PluginError) as info:
        api.plugin("auth", token=SECRET + "\r\n")
    assert SECRET not in str(info.value)
    assert "CR, LF or NUL" in str(info.value)


def test_repr_hides_credentials() -> None:
    """repr() shows the shape of the configuration, never a token, password or username."""
    plugins = [
        AuthPlugin(token=SECRET, allowed_origins=["https://api.example.com"]),
        AuthPlugin(username="ada-lovelace", password=SECRET),
        AuthPlugin(token_provider=lambda: SECRET, refresh=lambda: SECRET),
    ]
    shown = " ".join(map(repr, plugins))
    assert SECRET not in shown
    assert "ada-lovelace" not in shown
    assert "token=<hidden>" in shown
    assert "AuthPlugin(scheme='Basic', basic" in shown
    assert "<locals>.<lambda>, header=" in shown
    assert "https://api.example.com:443" in shown


def test_client_without_any_origin_is_refused() -> None:
    """Registering on a client with no base_url and no allowed_origins is an error."""
    api = axios_python.create()
    with pytest.raises(PluginError, match="no origin to send credentials to"):
        api.plugin(AuthPlugin(token=SECRET))


def test_status_error_text_has_no_secret(server: EchoServer) -> None:
    """A failed request's error message does not carry the credential."""
    api = axios_python.create({"base_url": server.url}).plugin(AuthPlugin(token=SECRET))
    with pytest.raises(axios_python.HTTPStatusError) as info:
        api.get("/status/403", params={"q": "1"})
    assert SECRET not in str(info.value)
    assert SECRET not in repr(info.value)
