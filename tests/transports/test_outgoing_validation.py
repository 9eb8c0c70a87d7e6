"""What we send is checked once, in the core: every transport refuses the same bad input.

A bad header or URL is a ConfigError naming it, raised before any transport sees
the request, so nothing reaches the wire and nothing is retried. The raw server
counts connections: zero means nothing was sent.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from axios_python import ConfigError, RequestConfig, Response, RetryStrategy

from ._raw_server import RawServer, Reply
from ._support import Client

OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"


@pytest.fixture
def raw() -> Iterator[RawServer]:
    """A server that answers 200 "ok" and records every request target it receives."""
    with RawServer(OK) as server:
        yield server


class RetryEverything(RetryStrategy):
    """Retries any outcome at once: a ConfigError must still never be retried."""

    def backoff(self, retry_number: int) -> float:
        return 0.0

    def is_retryable(self, outcome: Response | BaseException) -> bool:
        return True


BAD_NAMES = [
    "\tX-Injected",  # a leading tab reads as a continuation of the previous line
    " X-Lead",
    "X(A)",
    "X A",
    "X:A",
    "X@A",
    "",
    "X-Ñ",
    "X\x00A",
]
BAD_VALUES = ["a\rb", "a\nX-Injected: 1", "a\x00b", "a\x1bb", "a\x0bb", "a\x7fb", "a\x01b"]


@pytest.mark.parametrize("name", BAD_NAMES)
async def test_bad_header_name_is_refused_before_sending(
    client: Client, raw: RawServer, name: str
) -> None:
    """A name that is not an RFC 9110 token is a ConfigError quoting it; no byte is sent."""
    api = client.new(base_url=raw.url(), max_retries=3, retry_strategy=RetryEverything())
    with pytest.raises(ConfigError) as caught:
        await client.get("/x", api=api, headers={name: "v"})
    assert repr(name) in str(caught.value)
    assert raw.connections == 0


@pytest.mark.parametrize("value", BAD_VALUES)
async def test_control_character_in_header_value_is_refused(
    client: Client, raw: RawServer, value: str
) -> None:
    """CR, LF, NUL and every other control character but tab are refused, naming the header."""
    api = client.new(base_url=raw.url(), max_retries=3, retry_strategy=RetryEverything())
    with pytest.raises(ConfigError) as caught:
        await client.get("/x", api=api, headers={"X-Bad": value})
    assert "'X-Bad'" in str(caught.value)
    assert repr(value) in str(caught.value)
    assert raw.connections == 0


async def test_header_set_by_an_interceptor_is_checked_and_never_retried(
    client: Client, raw: RawServer
) -> None:
    """A bad header an interceptor adds fails the same way, even with retries on everything."""
    api = client.new(base_url=raw.url(), max_retries=3, retry_strategy=RetryEverything())
    calls = []

    def inject(config: RequestConfig) -> RequestConfig:
        calls.append(1)
        config["headers"] = {"\tX-Injected": "1"}  # type: ignore[typeddict-item]
        return config

    api.interceptors.request.use(inject)
    with pytest.raises(ConfigError, match="'\\\\tX-Injected'"):
        await client.get("/x", api=api)
    assert calls == [1]
    assert raw.connections == 0


async def test_header_values_are_trimmed_and_keep_inner_tabs(client: Client) -> None:
    """Surrounding spaces and tabs are trimmed the same way on every transport; inner tabs stay."""
    response = await client.get(
        "/headers", headers={"X-Padded": " \t padded value\t ", "X-Tab": "a\tb"}
    )
    sent = response.data["headers"]
    assert sent["X-Padded"] == "padded value"
    assert sent["X-Tab"] == "a\tb"


async def test_valid_token_names_are_sent_as_given(client: Client) -> None:
    """Every token character is allowed in a name, and the spelling is kept."""
    name = "X-Tok!#$%&'*+.^_`|~09az"
    response = await client.get("/headers", headers={name: "ok"})
    assert response.data["headers"][name] == "ok"


@pytest.mark.parametrize("control", ["\r", "\n", "\t", "\x00", "\x1b", "\x7f"])
async def test_control_character_in_params_string_is_refused(
    client: Client, raw: RawServer, control: str
) -> None:
    """A params query string with a control character is a ConfigError on every transport."""
    api = client.new(base_url=raw.url())
    with pytest.raises(ConfigError, match="control characters"):
        await client.get("/x", api=api, params=f"a=1{control}b=2")
    assert raw.connections == 0


@pytest.mark.parametrize("control", ["\r", "\n", "\t", "\x00", "\x1b", "\x7f"])
@pytest.mark.parametrize("absolute", [False, True], ids=["relative", "absolute"])
async def test_control_character_in_url_is_refused(
    client: Client, raw: RawServer, control: str, absolute: bool
) -> None:
    """A URL with a control character (`/x\\r\\nHost: evil`) is a ConfigError; nothing is sent."""
    api = client.new(base_url=raw.url(), max_retries=3, retry_strategy=RetryEverything())
    url = f"/x{control}Host: evil"
    with pytest.raises(ConfigError, match="control characters"):
        await client.get(raw.url(url) if absolute else url, api=api)
    assert raw.connections == 0


@pytest.mark.parametrize("control", ["\r", "\n", "\t", "\x00", "\x1b", "\x7f"])
async def test_control_character_in_base_url_is_refused(client: Client, control: str) -> None:
    """A base_url with a control character is refused when the client is created."""
    with pytest.raises(ConfigError, match="control characters"):
        client.new(base_url=f"{client.server.url}/v1{control}x")


@pytest.mark.parametrize("control", ["\r", "\n", "\t", "\x00", "\x1b", "\x7f"])
async def test_control_character_in_base_url_set_later_is_refused(
    client: Client, raw: RawServer, control: str
) -> None:
    """A base_url an interceptor sets is checked too, before anything is sent."""
    api = client.new(base_url=raw.url())

    def move(config: RequestConfig) -> RequestConfig:
        config["base_url"] = f"{raw.url()}v1{control}x"
        return config

    api.interceptors.request.use(move)
    with pytest.raises(ConfigError, match="control characters"):
        await client.get("/x", api=api)
    assert raw.connections == 0


@pytest.mark.parametrize(
    ("base_path", "url", "target"),
    [
        ("/v1", "..//evil.example/x", "/evil.example/x"),
        ("/v1", "../..//evil.example/x", "/evil.example/x"),
        ("/v1", "a/../..//evil.example", "/evil.example"),
        ("/v1", "%2e%2e//evil.example", "/evil.example"),
        ("/v1", "a/./b/../c", "/v1/a/c"),
        ("/v1", "users/..", "/v1/"),
        ("", "..//evil.example?next=//x", "/evil.example?next=//x"),
    ],
)
async def test_request_target_never_starts_with_two_slashes(
    client: Client, raw: RawServer, base_path: str, url: str, target: str
) -> None:
    """Dot segments are resolved the same way everywhere and `//host` never leads the target."""
    api = client.new(base_url=raw.url(base_path))
    response = await client.get(url, api=api)
    assert response.status_code == 200
    assert raw.targets == [target]
    assert response.url == raw.url(target)


async def test_absolute_url_with_leading_double_slash_path(client: Client, raw: RawServer) -> None:
    """An absolute URL whose path starts with `//` is sent with a single leading slash."""
    response = await client.get(raw.url("//evil.example/x"))
    assert response.status_code == 200
    assert raw.targets == ["/evil.example/x"]


async def test_redirect_to_a_double_slash_path_stays_a_path(client: Client) -> None:
    """A Location like `/..//evil.example` is normalised before it is followed."""
    redirect = (
        b"HTTP/1.1 302 Found\r\nLocation: /v1/..//evil.example/x\r\n"
        b"Content-Length: 0\r\nConnection: close\r\n\r\n"
    )
    with RawServer(redirect, Reply(OK)) as raw:
        response = await client.get(raw.url("/start"))
    assert response.status_code == 200
    assert raw.targets == ["/start", "/evil.example/x"]
