"""api.defaults changed after create(): later requests use it, on every transport and side."""

from __future__ import annotations

import base64

import pytest

from axios_python import ConfigError, TimeoutError

from ._support import Client


async def test_a_token_set_after_login_goes_with_later_requests(client: Client) -> None:
    """The axios line: api.defaults["headers"]["Authorization"] = ..., then every request."""
    before = await client.get("/headers")
    client.api.defaults["headers"]["Authorization"] = "Bearer t-1"
    client.api.defaults["params"] = {"v": "2"}
    after = await client.get("/headers")
    del client.api.defaults["headers"]["Authorization"]
    again = await client.get("/get")
    assert "Authorization" not in before.data["headers"]
    assert after.data["headers"]["Authorization"] == "Bearer t-1"
    assert [r.query for r in client.server.requests] == ["", "v=2", "v=2"]
    assert "Authorization" not in again.data["headers"]


async def test_auth_and_timeout_set_later_apply(client: Client) -> None:
    """api.defaults["auth"] and ["timeout"] reach the transport at the next request."""
    client.api.defaults["auth"] = ("ada", "pw")
    response = await client.get("/headers")
    assert response.data["headers"]["Authorization"] == "Basic " + base64.b64encode(
        b"ada:pw"
    ).decode("ascii")
    client.api.defaults["timeout"] = 0.2
    with pytest.raises(TimeoutError, match=r"read timeout of 0\.2s"):
        await client.get("/delay/3")


async def test_a_bad_value_is_refused_and_the_old_one_stays(client: Client) -> None:
    """A bad default raises ConfigError naming its key; requests go on with the old value."""
    client.api.defaults["headers"]["X-Tenant"] = "t1"
    with pytest.raises(ConfigError, match="'timeout'"):
        client.api.defaults["timeout"] = -1
    with pytest.raises(ConfigError, match="X-Tenant"):
        client.api.defaults["headers"]["X-Tenant"] = "a\r\nInjected: 1"
    response = await client.get("/headers")
    assert response.data["headers"]["X-Tenant"] == "t1"
    assert "Injected" not in response.data["headers"]
