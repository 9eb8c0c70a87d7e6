"""Secrets are never printed: not in str(error), repr of requests, nor any log line.

A URL password and a query value named like a credential are masked in the
errors every transport raises, in ``repr(Request)`` and in what the HTTP
libraries log themselves (httpx at INFO; httpcore, urllib3 at DEBUG), with or
without the LoggerPlugin.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from echo_server import refusing_port

from axios_python import AxiosPythonError, HTTPStatusError, NetworkError, ProtocolError

from ._h2 import H2Server
from ._raw_server import RawServer
from ._support import Client

SECRET = "s3cr3t-Value-42"
QUERY = {"api_key": SECRET, "page": "2"}


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every log record of every logger, DEBUG and up."""
    with caplog.at_level(logging.DEBUG):
        yield caplog


def _shown(error: BaseException) -> str:
    """Everything an error prints: str, repr, and the repr of its request."""
    request = getattr(error, "request", None)
    return f"{error} {error!r} {request!r}"


async def test_status_error_masks_credential_query_values(
    client: Client, logs: pytest.LogCaptureFixture
) -> None:
    """HTTPStatusError's message names the URL with api_key masked; other params stay."""
    with pytest.raises(HTTPStatusError) as caught:
        await client.get("/status/500", params=QUERY)
    shown = _shown(caught.value)
    assert SECRET not in shown
    assert "api_key=[REDACTED]" in str(caught.value)
    assert "page=2" in str(caught.value)
    assert caught.value.request is not None
    assert SECRET in caught.value.request.url  # the data is intact; only printing masks
    assert all(SECRET not in record.getMessage() for record in logs.records)


async def test_network_error_masks_credential_query_values(
    client: Client, logs: pytest.LogCaptureFixture
) -> None:
    """A refused connection's NetworkError does not print the token either."""
    with pytest.raises(NetworkError) as caught:
        await client.get(f"http://127.0.0.1:{refusing_port()}/x", params={"token": SECRET})
    assert SECRET not in _shown(caught.value)
    assert all(SECRET not in record.getMessage() for record in logs.records)


async def test_protocol_error_masks_credential_query_values(
    client: Client, logs: pytest.LogCaptureFixture
) -> None:
    """A malformed response's error (whose library text may quote the URL) is masked too."""
    reply = b"HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\nhello"
    with RawServer(reply) as raw, pytest.raises(ProtocolError) as caught:
        await client.get(raw.url("/x"), params={"client_secret": SECRET})
    assert SECRET not in _shown(caught.value)
    assert all(SECRET not in record.getMessage() for record in logs.records)


async def test_url_password_is_never_printed(
    client: Client, logs: pytest.LogCaptureFixture
) -> None:
    """A password in the URL reaches neither an error, a request repr nor a log line."""
    url = client.server.url.replace("http://", f"http://user:{SECRET}@") + "/status/500"
    with pytest.raises(AxiosPythonError) as caught:
        await client.get(url)
    assert SECRET not in _shown(caught.value)
    assert all(SECRET not in record.getMessage() for record in logs.records)


async def test_library_logs_mask_credential_query_values(
    client: Client, logs: pytest.LogCaptureFixture
) -> None:
    """What httpx, httpcore or urllib3 log of a successful request shows no token."""
    response = await client.get("/get", params={"access_token": SECRET})
    assert response.data["args"] == {"access_token": SECRET}  # sent intact
    messages = [record.getMessage() for record in logs.records]
    assert all(SECRET not in message for message in messages), messages


async def test_library_logs_mask_set_cookie_values(
    client: Client, logs: pytest.LogCaptureFixture
) -> None:
    """httpcore logs response headers at DEBUG: a Set-Cookie value is masked there."""
    reply = (
        b"HTTP/1.1 200 OK\r\nSet-Cookie: sid=" + SECRET.encode() + b"; HttpOnly\r\n"
        b"Content-Length: 2\r\nConnection: close\r\n\r\nok"
    )
    with RawServer(reply) as raw:
        response = await client.get(raw.url("/x"))
    assert response.headers["set-cookie"] == f"sid={SECRET}; HttpOnly"  # received intact
    messages = [record.getMessage() for record in logs.records]
    assert all(SECRET not in message for message in messages), messages


async def test_http2_library_logs_mask_credentials(
    client: Client, h2_server: H2Server, logs: pytest.LogCaptureFixture
) -> None:
    """Over HTTP/2 hpack logs every header field and whole header blocks at DEBUG: none shows
    a credential header's value or a token in the path (HTTP/1.1 where a transport has no h2)."""
    http2 = client.case.name not in ("urllib3", "aiohttp")  # they refuse http2 by name
    api = client.new(base_url=h2_server.url, verify=h2_server.ca_path, http2=http2)
    response = await client.get(
        "/x",
        api=api,
        params={"access_token": SECRET},
        headers={"X-Api-Key": SECRET, "Cookie": f"session={SECRET}"},
    )
    assert response.data == {
        "protocol": "HTTP/2" if http2 else "HTTP/1.1",
        "path": f"/x?access_token={SECRET}",  # sent intact
    }
    if http2:  # the client's encoder or the test server's decoder logged the fields
        assert any(record.name.startswith("hpack.") for record in logs.records)
    messages = [record.getMessage() for record in logs.records]
    assert all(SECRET not in message for message in messages), messages
