"""Connection options as create() config, mapped by every transport (or clearly refused).

proxy (userinfo as Proxy-Authorization), verify (bool, CA path, SSLContext),
cert (a client certificate), trust_env (proxy variables), http2, and the pool
limits, against a local proxy and a local TLS server with a private CA.
"""

from __future__ import annotations

import json
import os
import re
import ssl
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from echo_server import EchoServer

from axios_python import (
    AxiosPython,
    BaseTransport,
    ConfigError,
    ConnectionOptions,
    HttpxTransport,
    NetworkError,
    ProtocolError,
    Request,
    RequestOptions,
    Response,
    UnsupportedOptionError,
)

from ._h2 import H2Server
from ._hostile import Conn, HostileServer
from ._proxy import Proxy
from ._support import TRANSPORTS, Client, eventually
from ._tls import TLSServer


@pytest.fixture(scope="module")
def tls_server() -> Iterator[TLSServer]:
    """HTTPS with a private CA; it also accepts (but does not require) client certificates."""
    with TLSServer() as srv:
        yield srv


@pytest.fixture
def proxy() -> Iterator[Proxy]:
    """A forwarding and tunnelling proxy of the test's own."""
    with Proxy() as srv:
        yield srv


def client_on(client: Client, **config: Any) -> AxiosPython:
    """A client of this case's transport configured with connection options."""
    return client.new(**config)


async def test_proxy_forwards_plain_http_with_credentials(client: Client, proxy: Proxy) -> None:
    """An http:// request goes through the proxy, whose userinfo becomes Proxy-Authorization."""
    api = client.new(proxy=proxy.url_with("user", "p@ss word"))
    response = await client.get("/get", api=api, params={"via": "proxy"})
    assert response.data["args"] == {"via": "proxy"}
    method, target, auth = proxy.seen[-1]
    assert method == "GET"
    assert target == f"{client.server.url}/get?via=proxy"
    assert auth == "Basic dXNlcjpwQHNzIHdvcmQ="  # user:p@ss word
    assert "Proxy-Authorization" not in response.data["headers"]  # the origin never sees it


async def test_proxy_tunnels_https(client: Client, proxy: Proxy, tls_server: TLSServer) -> None:
    """An https:// request goes through a CONNECT tunnel, verified end to end."""
    api = client.new(proxy=proxy.url_with("u", "p"), verify=tls_server.ca_path)
    response = await client.get(f"{tls_server.url}/tunnelled", api=api)
    assert response.data == {"path": "/tunnelled", "tls": True}
    method, target, auth = proxy.seen[-1]
    assert (method, target) == ("CONNECT", tls_server.url.removeprefix("https://"))
    assert auth == "Basic dTpw"


async def test_a_proxy_refusing_the_tunnel_is_a_network_error(
    client: Client, tls_server: TLSServer
) -> None:
    """A 407 to CONNECT is a NetworkError saying so (not a malformed response), no password."""

    def refuse(conn: Conn, index: int) -> bool:
        conn.send_head(407, [("Proxy-Authenticate", 'Basic realm="p"'), ("Content-Length", "0")])
        return False

    with HostileServer(refuse) as refusing:
        proxy_url = refusing.url("").replace("http://", "http://bob:hunter22@").rstrip("/")
        api = client.new(proxy=proxy_url, verify=tls_server.ca_path)
        with pytest.raises(NetworkError) as caught:
            await client.get(f"{tls_server.url}/ok", api=api)
    assert not isinstance(caught.value, ProtocolError)
    assert re.search("407|proxy authorization required", str(caught.value)), caught.value
    assert "hunter22" not in str(caught.value)
    assert refusing.requests[0].startswith("CONNECT ")


async def test_verify_takes_a_ca_path_a_context_or_false(
    client: Client, tls_server: TLSServer
) -> None:
    """verify as a CA file, an SSLContext or False reaches a private CA's server; True does not."""
    for verify in (tls_server.ca_path, tls_server.trust(), False):
        api = client.new(base_url=tls_server.url, verify=verify)
        assert (await client.get("/ok", api=api)).data["tls"] is True
    with pytest.raises(NetworkError):
        await client.get("/ok", api=client.new(base_url=tls_server.url, verify=True))


async def test_tls_options_leave_plain_http_working(client: Client, tls_server: TLSServer) -> None:
    """A client with verify and cert sends http:// requests as usual, and https:// verified."""
    api = client.new(verify=tls_server.ca_path, cert=tls_server.client_pem)
    assert (await client.get("/get", api=api, params={"plain": "1"})).data["args"] == {"plain": "1"}
    assert (await client.get(f"{tls_server.url}/whoami", api=api)).data == {
        "client": "client@example.test"
    }


async def test_client_certificate(client: Client, tls_server: TLSServer) -> None:
    """cert presents a client certificate the server sees; without it, none is sent."""
    api = client.new(base_url=tls_server.url, verify=tls_server.ca_path, cert=tls_server.client_pem)
    assert (await client.get("/whoami", api=api)).data["client"] == "client@example.test"
    anonymous = client.new(base_url=tls_server.url, verify=tls_server.ca_path)
    assert (await client.get("/whoami", api=anonymous)).data["client"] is None


@pytest.mark.parametrize("password", [None, b"k3y pass"], ids=["key-file", "encrypted-key"])
async def test_client_certificate_with_a_separate_key(
    client: Client, tls_server: TLSServer, tmp_path: Path, password: bytes | None
) -> None:
    """cert as (cert file, key file), or (cert, encrypted key, password), reaches the server.

    reqwest cannot load an encrypted key: it refuses it at create() by name.
    """
    cert = tls_server.client_files(str(tmp_path), password)
    config: dict[str, Any] = {
        "base_url": tls_server.url,
        "verify": tls_server.ca_path,
        "cert": cert,
    }
    if password is not None and client.case.name == "reqwest":
        with pytest.raises(UnsupportedOptionError, match="encrypted private key") as caught:
            client.new(**config)
        assert (caught.value.transport, caught.value.option) == ("ReqwestTransport", "cert")
        return
    api = client.new(**config)
    assert (await client.get("/whoami", api=api)).data == {"client": "files@example.test"}


async def test_verify_takes_a_ca_directory(
    client: Client, tls_server: TLSServer, tmp_path: Path
) -> None:
    """verify as an OpenSSL CA directory trusts the certificates in it."""
    api = client.new(base_url=tls_server.url, verify=tls_server.ca_directory(str(tmp_path)))
    assert (await client.get("/ok", api=api)).data["tls"] is True


async def test_trust_env_reads_proxy_variables(
    client: Client, proxy: Proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HTTP_PROXY is used by default, NO_PROXY exempts a host, trust_env=False ignores both."""
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    api = client.new()
    await client.get("/get", api=api, params={"n": "1"})
    assert proxy.seen[-1][1] == f"{client.server.url}/get?n=1"
    ignoring = client.new(trust_env=False)
    await client.get("/get", api=ignoring, params={"n": "2"})
    assert len(proxy.seen) == 1
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    exempt = client.new()
    await client.get("/get", api=exempt, params={"n": "3"})
    assert len(proxy.seen) == 1


async def test_trust_env_reads_https_proxy_with_credentials(
    client: Client, proxy: Proxy, tls_server: TLSServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """https_proxy (lower case too) tunnels https:// requests; its userinfo authenticates."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.setenv("https_proxy", proxy.url_with("env", "s3cret"))
    api = client.new(verify=tls_server.ca_path)
    assert (await client.get(f"{tls_server.url}/via-env", api=api)).data["path"] == "/via-env"
    target = tls_server.url.removeprefix("https://")
    assert proxy.seen == [("CONNECT", target, "Basic ZW52OnMzY3JldA==")]  # env:s3cret
    await client.get("/get", api=api)  # plain http is not what https_proxy covers
    assert len(proxy.seen) == 1


_CERT_ENV_CHILD = """
import asyncio, json, sys
from axios_python import AxiosPython, NetworkError
from transports._support import TRANSPORTS

name, url, client_pem = sys.argv[1:4]
case = next(case for case in TRANSPORTS if case.name == name)
verdicts = {}
for label, config in {
    "trust_env": {},
    "no_trust_env": {"trust_env": False},
    "no_trust_env_with_cert": {"trust_env": False, "cert": client_pem},
}.items():
    api = AxiosPython({"base_url": url, **config}, transport=case.build(None, None))
    try:
        if case.sides == ("async",):
            asyncio.run(api.async_get("/ok"))
        else:
            api.get("/ok")
        verdicts[label] = "trusted"
    except NetworkError:
        verdicts[label] = "refused"
print(json.dumps(verdicts))
"""


@pytest.mark.parametrize("name", [case.name for case in TRANSPORTS])
def test_trust_env_false_ignores_ssl_cert_file(name: str, tls_server: TLSServer) -> None:
    """SSL_CERT_FILE (set before the process starts, as in real life) adds a CA with trust_env
    (the default), not with trust_env=False, also when a client certificate is given.

    SSL_CERT_DIR takes the same path in the code (OpenSSL reads both when it loads its
    default paths); reqwest cannot leave them out (documented in transfer.md).
    """
    env = {k: v for k, v in os.environ.items() if k not in ("SSL_CERT_FILE", "SSL_CERT_DIR")}
    env["SSL_CERT_FILE"] = tls_server.ca_path
    tests = Path(__file__).resolve().parents[1]
    paths = [str(tests), str(tests.parent / "examples"), env.get("PYTHONPATH", "")]
    env["PYTHONPATH"] = os.pathsep.join(path for path in paths if path)
    args = [sys.executable, "-c", _CERT_ENV_CHILD, name, tls_server.url, tls_server.client_pem]
    child = subprocess.run(args, env=env, capture_output=True, text=True, timeout=60)
    assert child.returncode == 0, child.stderr
    ignored = "trusted" if name == "reqwest" else "refused"  # pyreqwest always reads it
    assert json.loads(child.stdout) == {
        "trust_env": "trusted",
        "no_trust_env": ignored,
        "no_trust_env_with_cert": ignored,
    }


async def test_pool_limits(client: Client) -> None:
    """max_connections bounds the requests in flight of eight concurrent ones, and the
    connections they open.

    On a transport that pools in the background (reqwest) a request handed a freed slot
    can, rarely and under load, open a replacement connection before the old one is back
    in the pool (documented in transports-fast.md): there the bound is on requests in
    flight, which the server sees directly.
    """
    api = client.new(max_connections=2)
    client.api = api
    responses = await client.gather(8, "/delay/0.1")
    assert [r.status_code for r in responses] == [200] * 8
    assert 1 <= client.server.peak_in_flight <= 2
    if not client.case.pools_in_background:
        assert 1 <= client.server.connections_opened <= 2


async def test_keepalive_limit(client: Client, own_server: EchoServer) -> None:
    """max_keepalive_connections keeps that many idle connections of the ones a burst opened.

    urllib3 and aiohttp keep every pooled connection alive: they refuse fewer by name.
    """
    config: RequestOptions = {
        "base_url": own_server.url,
        "max_connections": 4,
        "max_keepalive_connections": 1,
    }
    if client.case.name in ("urllib3", "aiohttp"):
        with pytest.raises(UnsupportedOptionError, match="max_keepalive_connections"):
            AxiosPython(config, transport=client.case.build(None, None))
        return
    client.api = AxiosPython(config, transport=client.case.build(None, None))
    try:
        await client.gather(4, "/delay/0.2")
        assert own_server.connections_opened == 4
        assert await eventually(lambda: own_server.open_connections == 1)
    finally:
        await client.api.aclose()


def test_options_are_validated_at_create() -> None:
    """Bad values fail at create(), naming the key; a missing CA file too."""
    with pytest.raises(ConfigError, match="'proxy'"):
        AxiosPython({"proxy": "ftp://proxy.test"})
    with pytest.raises(ConfigError, match="'max_connections'"):
        AxiosPython({"max_connections": 0})
    with pytest.raises(ConfigError, match="max_keepalive_connections"):
        AxiosPython({"max_connections": 2, "max_keepalive_connections": 3})
    with pytest.raises(ConfigError, match=r"/nowhere/ca\.pem"):
        AxiosPython({"verify": "/nowhere/ca.pem"})
    with pytest.raises(ConfigError, match="'cert'"):
        AxiosPython({"cert": ("/nowhere/c.pem", "/nowhere/k.pem")})


def test_options_belong_to_the_instance() -> None:
    """Per request or through api.defaults they are refused: they shape the pools."""
    api = AxiosPython({"verify": False})
    assert api.connection_options.verify is False
    assert api.connection_options.given == frozenset({"verify"})
    with pytest.raises(ConfigError, match="instance"):
        api.get("https://x.test", verify=True)
    with pytest.raises(ConfigError, match="instance"):
        api.defaults["proxy"] = "http://proxy.test:3128"
    assert "verify" not in api.defaults


def test_repr_hides_proxy_credentials() -> None:
    """The options' repr names the proxy without its password."""
    options = AxiosPython({"proxy": "http://alice:s3cret@proxy.test:3128"}).connection_options
    assert "s3cret" not in repr(options)
    assert options.proxy_url == "http://proxy.test:3128"
    assert options.proxy_headers() == {"Proxy-Authorization": "Basic YWxpY2U6czNjcmV0"}


def test_a_transport_that_cannot_map_an_option_refuses_it() -> None:
    """A transport without connection options raises UnsupportedOptionError naming both."""

    class Canned(BaseTransport):
        def send(self, request: Request) -> Response:
            return Response(200, request=request)

    with pytest.raises(UnsupportedOptionError) as caught:
        AxiosPython({"http2": True}, transport=Canned())
    assert (caught.value.transport, caught.value.option) == ("Canned", "http2")
    assert isinstance(caught.value, ConfigError)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("headers", "headers"),
        ("params", "params"),
        ("timeout", "timeout"),
        ("base_url", "base_url"),
        ("auth", "auth"),
        ("cookies", "headers"),
        ("default_encoding", "response_type='bytes'"),
    ],
)
def test_httpx_transport_refuses_what_the_pipeline_would_ignore(name: str, key: str) -> None:
    """HttpxTransport(headers=...) and co. raise ConfigError naming the config key to use."""
    with pytest.raises(ConfigError, match=re.escape(key if "=" in key else f"'{key}'")):
        HttpxTransport(**{name: None})


def test_own_and_config_options_must_not_clash() -> None:
    """The same option given to HttpxTransport and to create() is an error, not a silent pick."""
    with pytest.raises(ConfigError, match="verify"):
        AxiosPython(
            {"verify": False}, transport=HttpxTransport(verify=ssl.create_default_context())
        )


def test_http2_is_refused_where_the_transport_cannot(client: Client) -> None:
    """urllib3 and aiohttp refuse http2 by name; httpx and reqwest take it."""
    if client.case.name in ("urllib3", "aiohttp"):
        with pytest.raises(UnsupportedOptionError, match="http2"):
            client.new(http2=True)
    else:
        assert client.new(http2=True).connection_options.http2


async def test_http2_is_negotiated_where_the_transport_can(
    client: Client, h2_server: H2Server
) -> None:
    """http2=True speaks HTTP/2 to a server that offers it; without it, HTTP/1.1."""
    plain = client.new(base_url=h2_server.url, verify=h2_server.ca_path)
    response = await client.get("/one", api=plain)
    assert (response.http_version, response.data["protocol"]) == ("HTTP/1.1", "HTTP/1.1")
    if client.case.name in ("urllib3", "aiohttp"):  # refused by name (the test above)
        return
    api = client.new(base_url=h2_server.url, verify=h2_server.ca_path, http2=True)
    for path in ("/two", "/three"):  # two streams, one connection
        response = await client.get(path, api=api)
        assert response.http_version == "HTTP/2"
        assert response.data == {"protocol": "HTTP/2", "path": path}


def test_connection_options_default() -> None:
    """Nothing given: verify, trust_env, no proxy, 100 connections all kept alive."""
    options = ConnectionOptions()
    assert (options.verify, options.trust_env, options.proxy, options.http2) == (
        True,
        True,
        None,
        False,
    )
    assert options.max_connections == options.keepalive == 100
    assert options.ssl_context() is None
    assert isinstance(Path(__file__), Path)
