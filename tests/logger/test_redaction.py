"""Redaction: no credential reaches any log record, from the plugin or the libraries below."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from echo_server import EchoServer

import axios_python
from axios_python import AuthPlugin, LoggerPlugin

from .conftest import Capture

SECRETS = {
    "bearer": "bearer-9d8c7b6a5f4e",
    "cookie": "cookie-1a2b3c4d5e",
    "api_key_header": "hdrkey-0f9e8d7c6b",
    "access_token": "qtoken-5a4b3c2d1e",
    "api_key": "qkey-6f5e4d3c2b",
    "Client_Secret": "qsecret-7a6b5c4d3e",
    "signature": "qsig-8b7c6d5e4f",
    "password": "bodypw-9c8d7e6f5a",
    "set_cookie": "setck-0d9e8f7a6b",
    "custom": "custom-1e2f3a4b5c",
    "basic_password": "basicpw-2f3a4b5c6d",
}


def leaks(capture: Capture) -> list[tuple[str, str]]:
    """(logger, where) for every secret found in any record's message or attribute."""
    found = []
    for record in capture.records:
        for where, text in _texts(record):
            for secret in SECRETS.values():
                if secret in text:
                    found.append((record.name, f"{where}: {text[:200]}"))
    return found


def _texts(record: logging.LogRecord) -> Iterator[tuple[str, str]]:
    yield "message", record.getMessage()
    for key, value in record.__dict__.items():
        yield key, _flatten(value)


def _flatten(value: Any) -> str:
    if isinstance(value, dict):
        return " ".join(f"{k}={_flatten(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return " ".join(_flatten(v) for v in value)
    return str(value)


def test_no_secret_reaches_any_log_record(server: EchoServer, capture: Capture) -> None:
    """With everything logged at DEBUG, no credential shows up in any record of any logger."""
    api = axios_python.create(
        {"base_url": server.url, "headers": {"Cookie": f"sid={SECRETS['cookie']}"}}
    )
    api.plugin(AuthPlugin(token=SECRETS["bearer"]))
    api.plugin(
        LoggerPlugin(
            level=logging.DEBUG, log_headers=True, log_body=True, redact_headers=["X-Custom-Auth"]
        )
    )
    params = {
        name: SECRETS[name] for name in ("access_token", "api_key", "Client_Secret", "signature")
    }
    api.post(
        "/post",
        params=params,
        json={"user": "ada", "password": SECRETS["password"]},
        headers={"X-Api-Key": SECRETS["api_key_header"], "X-Custom-Auth": SECRETS["custom"]},
    )
    api.get(f"/response-headers?Set-Cookie={quote('session=' + SECRETS['set_cookie'])}")
    with pytest.raises(axios_python.HTTPStatusError):
        api.get("/status/401", params={"access_token": SECRETS["access_token"]})
    basic = axios_python.create({"base_url": server.url})
    basic.plugin(AuthPlugin(username="ada", password=SECRETS["basic_password"]))
    basic.plugin(LoggerPlugin(level=logging.DEBUG, log_headers=True, log_body=True))
    basic.get("/get")
    ours = capture.ours()
    assert len(ours) == 8
    assert {r.name for r in capture.records} > {"axios_python"}  # httpx/httpcore logged too
    assert leaks(capture) == []
    assert server.requests[0].header("Authorization") == f"Bearer {SECRETS['bearer']}"


async def test_no_secret_reaches_any_log_record_async(server: EchoServer, capture: Capture) -> None:
    """The async path (httpx's async stack) leaks nothing either."""
    api = axios_python.create({"base_url": server.url})
    api.plugin(AuthPlugin(token=SECRETS["bearer"]))
    api.plugin(LoggerPlugin(level=logging.DEBUG, log_headers=True, log_body=True))
    await api.async_post(
        "/post", params={"api_key": SECRETS["api_key"]}, data={"password": SECRETS["password"]}
    )
    assert len(capture.ours()) == 2
    assert leaks(capture) == []
    await api.aclose()


def test_redacted_fields_keep_their_names(server: EchoServer, capture: Capture) -> None:
    """Masked values are replaced by [REDACTED]; names and harmless values stay readable."""
    api = axios_python.create({"base_url": server.url})
    api.plugin(LoggerPlugin(log_headers=True))
    api.get(
        "/get",
        params={"API_KEY": "k-123456", "page": "2"},
        headers={"Authorization": "Bearer abcdefgh", "Accept": "text/plain"},
    )
    request = capture.ours()[0]
    info = request.__dict__["http"]
    assert info["url"] == f"{server.url}/get?API_KEY=[REDACTED]&page=2"
    assert info["request_headers"]["Authorization"] == "[REDACTED]"
    assert info["request_headers"]["Accept"] == "text/plain"


def test_configurable_parameter_words(server: EchoServer, capture: Capture) -> None:
    """redact_params adds words; matching is a case-insensitive substring match."""
    api = axios_python.create({"base_url": server.url})
    api.plugin(LoggerPlugin(redact_params=["otp"]))
    api.get("/get", params={"user_OTP_code": "991122", "x": "1"})
    assert capture.ours()[0].__dict__["http"]["url"].endswith("?user_OTP_code=[REDACTED]&x=1")


def test_url_credentials_never_reach_the_log(server: EchoServer, capture: Capture) -> None:
    """user:password@ in a URL: the core turns it into Basic auth, the log shows neither."""
    url = server.url.replace("http://", "http://ada:pw-33445566@")
    api = axios_python.create({"base_url": url}).plugin(LoggerPlugin(log_headers=True))
    api.get("/get")
    assert [record.__dict__["http"]["url"] for record in capture.ours()] == [
        server.url + "/get"
    ] * 2
    assert "pw-33445566" not in str([record.__dict__ for record in capture.ours()])
    assert leaks(capture) == []


def test_a_password_in_a_logged_url_is_masked() -> None:
    """The logger's own URL masking keeps the user and hides the password (defence in depth)."""
    redactor = LoggerPlugin().redactor
    assert redactor.url("http://ada:pw-1@h.test/x") == "http://ada:[REDACTED]@h.test/x"


def test_the_leak_check_itself_finds_a_secret(capture: Capture) -> None:
    """The detector used above does see a secret that is logged (the tests can fail)."""
    logging.getLogger("someone.else").warning("token is %s", SECRETS["bearer"])
    assert ("someone.else", f"message: token is {SECRETS['bearer']}") in leaks(capture)


def test_transport_filter_can_be_turned_off_per_plugin() -> None:
    """redact_transport_logs=False builds the plugin without touching other loggers' filters."""
    before = list(logging.getLogger("httpx").filters)
    LoggerPlugin(redact_transport_logs=False, redact_headers=["X-Only-Here"])
    assert logging.getLogger("httpx").filters == before
