"""auth= and URL credentials: Basic auth on every transport, kept to its origin, never shown."""

from __future__ import annotations

import base64
import logging
from urllib.parse import quote

import pytest
from echo_server import EchoServer, refusing_port

from axios_python import BasicAuth, ConfigError, HTTPStatusError, NetworkError, TimeoutError

from ._support import Client

SECRET = "s3cr@t:pw"  # an @ and a : of its own, percent-encoded in URLs


def _basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def _with_credentials(url: str, username: str = "ada", password: str = SECRET) -> str:
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{quote(username, safe='')}:{quote(password, safe='')}@{rest}"


def _authorization(server: EchoServer) -> list[str | None]:
    return [request.header("Authorization") for request in server.requests]


@pytest.mark.parametrize(
    "auth",
    [
        ("ada", SECRET),
        ["ada", SECRET],
        {"username": "ada", "password": SECRET},
        BasicAuth("ada", SECRET),
    ],
    ids=["tuple", "list", "mapping", "BasicAuth"],
)
async def test_auth_sends_basic_credentials(client: Client, auth: object) -> None:
    """auth= per request becomes one Basic Authorization header, UTF-8 and base64."""
    response = await client.get("/headers", auth=auth)
    assert _authorization(client.server) == [_basic("ada", SECRET)]
    assert response.data["headers"]["Authorization"] == _basic("ada", SECRET)


async def test_instance_auth_and_its_overrides(client: Client) -> None:
    """Instance auth applies to every request; auth=None or another auth= per request wins."""
    api = client.new(auth=("ada", "one"))
    await client.get("/get", api=api)
    await client.get("/get", api=api, auth=("bob", "two"))
    await client.get("/get", api=api, auth=None)
    await client.get("/get", api=api, headers={"Authorization": "Bearer t"})
    assert _authorization(client.server) == [
        _basic("ada", "one"),
        _basic("bob", "two"),
        None,
        _basic("ada", "one"),  # auth replaces an Authorization header from elsewhere
    ]


async def test_url_credentials_become_basic_auth(client: Client) -> None:
    """http://user:pass@host/ sends Basic auth and the credentials leave the URL everywhere."""
    url = _with_credentials(f"{client.server.url}/anything/x?q=1")
    response = await client.get(url)
    received = client.server.requests[-1]
    assert received.header("Authorization") == _basic("ada", SECRET)
    assert received.header("Host") == client.server.url.split("://", 1)[1]
    assert response.url == f"{client.server.url}/anything/x?q=1"
    assert response.request is not None
    assert response.request.url == response.url
    assert response.config is not None
    assert response.config["url"] == response.url
    assert SECRET not in repr(response.config)
    assert quote(SECRET, safe="") not in repr(response.config)


async def test_base_url_credentials_are_the_instance_auth(client: Client) -> None:
    """Credentials in base_url authenticate the instance's requests; explicit auth wins."""
    api = client.new()
    api.defaults["base_url"] = _with_credentials(client.server.url)
    await client.get("/get", api=api)
    assert api.defaults["base_url"] == client.server.url
    explicit = client.new(auth=("bob", "two"))
    explicit.defaults["base_url"] = client.server.url
    await client.get(_with_credentials(f"{client.server.url}/get"), api=explicit)
    await client.get(_with_credentials(f"{client.server.url}/get"), api=explicit, auth=("c", "3"))
    assert _authorization(client.server) == [
        _basic("ada", SECRET),
        _basic("ada", SECRET),  # the URL's credentials beat the instance's auth
        _basic("c", "3"),  # auth= beats the URL's
    ]


@pytest.mark.parametrize("source", ["auth", "url"])
async def test_credentials_stay_on_their_origin_across_redirects(
    client: Client, own_server: EchoServer, source: str
) -> None:
    """A same-origin redirect keeps the Basic credentials; a cross-origin one drops them."""
    api = client.new()
    for target in (f"{client.server.url}/headers", f"{own_server.url}/headers"):
        url = f"{client.server.url}/redirect-to?url={quote(target, safe='')}"
        if source == "auth":
            response = await client.get(url, api=api, auth=("ada", SECRET))
        else:
            response = await client.get(_with_credentials(url), api=api)
        assert response.status_code == 200
    assert _authorization(client.server) == [_basic("ada", SECRET)] * 3
    assert _authorization(own_server) == [None]


async def test_instance_credentials_stay_home_for_an_absolute_url(
    client: Client, own_server: EchoServer
) -> None:
    """Instance auth, base_url's credentials and auth= are not sent to another origin's URL.

    Credentials written into that URL itself are for it: they go there, even though
    it is not base_url's origin.
    """
    for api in (
        client.new(auth=("ada", SECRET)),
        client.new(base_url=_with_credentials(client.server.url)),
    ):
        await client.get(f"{own_server.url}/headers", api=api)
        await client.get(f"{own_server.url}/headers", api=api, auth=("bob", "mine"))
        await client.get(_with_credentials(f"{own_server.url}/headers", "carl", "his"), api=api)
        await client.get("/headers", api=api)
    assert _authorization(own_server) == [None, None, _basic("carl", "his")] * 2
    assert _authorization(client.server) == [_basic("ada", SECRET)] * 2


@pytest.mark.parametrize("base_url", [True, False])
async def test_url_credentials_go_to_their_origin_only(
    client: Client, own_server: EchoServer, base_url: bool
) -> None:
    """A redirect on the URL's origin keeps them; one elsewhere (base_url's too) does not."""
    home = client.server.url
    api = client.new() if base_url else client.new(base_url=None)
    for target in (f"{own_server.url}/headers", f"{home}/headers"):
        hop = quote(target, safe="")
        url = _with_credentials(f"{own_server.url}/redirect-to?url={hop}", "carl", "his")
        response = await client.get(url, api=api)
        assert response.status_code == 200
    carl = _basic("carl", "his")
    assert _authorization(own_server) == [carl, carl, carl]
    assert _authorization(client.server) == [None]


async def test_credentials_in_a_location_are_not_used(client: Client) -> None:
    """A redirect to http://user:pass@host/ is followed without those credentials, nor shown."""
    target = _with_credentials(f"{client.server.url}/headers", "evil", "planted")
    response = await client.get(f"/redirect-to?url={quote(target, safe='')}")
    assert response.status_code == 200
    assert _authorization(client.server) == [None, None]
    assert response.url == f"{client.server.url}/headers"


async def test_credentials_never_appear_in_errors(client: Client) -> None:
    """Errors for a URL with credentials show the URL without them (status and network)."""
    with pytest.raises(HTTPStatusError) as status:
        await client.get(_with_credentials(f"{client.server.url}/status/404"))
    dead = _with_credentials(f"http://127.0.0.1:{refusing_port()}/x")
    with pytest.raises(NetworkError) as network:
        await client.get(dead, timeout=5)
    for error in (status.value, network.value):
        assert error.request is not None
        assert "ada" not in str(error)
        assert "s3cr" not in str(error)
        assert "@" not in error.request.url
        assert "s3cr" not in repr(error.config)


async def test_credentials_never_appear_in_reprs_or_a_timeout(client: Client) -> None:
    """Nothing a user prints of a response, its request, config or history, or a timeout."""
    url = _with_credentials(f"{client.server.url}/redirect/1")
    response = await client.get(url)
    assert response.data["headers"]["Authorization"] == _basic("ada", SECRET)
    shown = [str(response.url), repr(response), repr(response.request), repr(response.config)]
    shown += [f"{hop!r} {hop.url} {hop.request!r}" for hop in response.history]
    with pytest.raises(TimeoutError) as timeout:
        await client.get(_with_credentials(f"{client.server.url}/delay/5"), timeout=0.2)
    shown += [str(timeout.value), repr(timeout.value), repr(timeout.value.request)]
    shown += [repr(timeout.value.config)]
    for text in shown:
        assert SECRET not in text
        assert quote(SECRET, safe="") not in text
        assert "ada:" not in text


async def test_credentials_never_appear_in_logs(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    """The logger plugin's records (request, response, error) carry no credential."""
    api = client.new()
    api.plugin("logger", level=logging.INFO, log_headers=True)
    with caplog.at_level(logging.DEBUG):
        await client.get(_with_credentials(f"{client.server.url}/get"), api=api)
        with pytest.raises(HTTPStatusError):
            await client.get(f"{client.server.url}/status/500", api=api, auth=("ada", SECRET))
    text = "\n".join(record.getMessage() + repr(record.__dict__) for record in caplog.records)
    assert "/get" in text
    assert "/status/500" in text
    basic = _basic("ada", SECRET).split()[1]
    assert SECRET not in text
    assert quote(SECRET, safe="") not in text
    assert basic not in text


@pytest.mark.parametrize(
    ("auth", "message"),
    [
        (("ada", SECRET, "x"), "got a tuple of 3 items"),
        ({"user": "ada", "pass": SECRET}, "got a dict with keys"),
        ("ada:" + SECRET, "got a str"),
        (("ada", 5), "'auth' password must be a str"),
        (("a:b", SECRET), "must not contain ':'"),
        (("ada", "x\r\nInjected: 1"), "must not contain control characters"),
    ],
)
async def test_bad_auth_is_a_config_error_that_hides_the_password(
    client: Client, auth: object, message: str
) -> None:
    """A malformed auth is refused before sending, and the message never quotes the password."""
    with pytest.raises(ConfigError, match=message) as info:
        await client.get("/get", auth=auth)
    assert SECRET not in str(info.value)
    assert client.server.requests == []
