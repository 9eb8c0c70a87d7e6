"""Redirects and retries are the pipeline's, so every transport behaves the same under them."""

from __future__ import annotations

import pytest

from axios_python import (
    FixedBackoff,
    HTTPStatusError,
    NetworkError,
    RetryError,
    TooManyRedirectsError,
)

from ._support import Client


async def test_relative_redirect_chain_is_followed(client: Client) -> None:
    """Three relative redirects end at /get, with the hops in history."""
    response = await client.get("/redirect/3")
    assert response.status_code == 200
    assert response.url == f"{client.server.url}/get"
    assert [hop.status_code for hop in response.history] == [302, 302, 302]
    assert client.server.hits["/get"] == 1


async def test_absolute_redirect_is_followed(client: Client) -> None:
    """An absolute Location is followed too."""
    response = await client.get("/absolute-redirect/2")
    assert response.url == f"{client.server.url}/get"
    assert len(response.history) == 2


async def test_transport_never_follows_redirects_itself(client: Client) -> None:
    """With follow_redirects off, the 302 itself comes back (the transport did not follow it)."""
    response = await client.get(
        "/redirect/1", follow_redirects=False, validate_status=lambda status: True
    )
    assert response.status_code == 302
    assert response.headers["location"] == "/get"
    assert client.server.hits["/get"] == 0


async def test_see_other_turns_post_into_get(client: Client) -> None:
    """A 303 after a POST is followed with a GET and no body."""
    response = await client.post(
        "/redirect-to", params={"url": "/anything/done", "status_code": 303}, json={"a": 1}
    )
    assert response.data["method"] == "GET"
    assert response.data["body"] == ""


async def test_a_status_error_after_a_redirect_names_the_request_sent(client: Client) -> None:
    """POST answered 303, then GET /status/500: the error names the GET it got the 500 for."""
    with pytest.raises(HTTPStatusError) as caught:
        await client.post("/redirect-to?url=/status/500&status_code=303", json={"a": 1})
    assert str(caught.value).startswith(
        f"HTTP 500 Internal Server Error for GET {client.server.url}/status/500"
    )
    assert caught.value.response.request is not None
    assert caught.value.response.request.method == "GET"


async def test_too_many_redirects(client: Client) -> None:
    """More hops than max_redirects raises TooManyRedirectsError."""
    with pytest.raises(TooManyRedirectsError):
        await client.get("/redirect/5", max_redirects=2)


async def test_retry_until_the_server_recovers(client: Client) -> None:
    """A 503 twice, then 200: two retries, three attempts on the same transport."""
    response = await client.get(
        "/flaky/conformance/2",
        max_retries=3,
        retry_strategy=FixedBackoff(0, retry_on_status=[503]),
    )
    assert response.status_code == 200
    assert response.retries == 2
    assert client.server.flaky_attempts("conformance") == 3


async def test_network_errors_are_retried_then_reported(client: Client) -> None:
    """A connection reset on every attempt ends in RetryError caused by NetworkError."""
    with pytest.raises(RetryError) as caught:
        await client.get("/reset", max_retries=2, retry_strategy=FixedBackoff(0))
    assert caught.value.attempts == 3
    assert isinstance(caught.value.__cause__, NetworkError)
    assert client.server.hits["/reset"] == 3


API_KEY_HEADERS = {"X-Api-Key": "k1", "Api-Key": "k2", "X-Auth-Token": "k3", "X-Access-Token": "k4"}


def _api_keys_received(client: Client) -> dict[str, str | None]:
    last = client.server.requests[-1]
    return {name: last.header(name) for name in API_KEY_HEADERS}


async def test_api_key_headers_stay_home_by_default(client: Client) -> None:
    """With no sensitive_headers configured, the common API-key headers are sensitive:
    sent home, dropped on a redirect or an absolute URL to another origin, kept for a trusted one.
    """
    other = f"http://localhost:{client.server.port}"  # the same server as another origin
    api = client.new(headers=API_KEY_HEADERS)
    await client.get("/headers", api=api)
    assert _api_keys_received(client) == API_KEY_HEADERS
    await client.get("/redirect-to", api=api, params={"url": f"{other}/headers"})
    assert client.server.requests[-1].header("Host") == f"localhost:{client.server.port}"
    assert _api_keys_received(client) == dict.fromkeys(API_KEY_HEADERS)
    await client.get(f"{other}/headers", api=api)
    assert _api_keys_received(client) == dict.fromkeys(API_KEY_HEADERS)
    trusting = client.new(headers=API_KEY_HEADERS, trusted_origins=[other])
    await client.get(f"{other}/headers", api=trusting)
    assert _api_keys_received(client) == API_KEY_HEADERS
