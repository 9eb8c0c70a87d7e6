"""URL joining under base_url (never leaves its origin), params, and credentials kept home."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import httpx
import pytest
from echo_server import EchoServer
from hypothesis import example, given, settings
from hypothesis import strategies as st

from axios_python import AxiosPython, ConfigError
from axios_python.urls import is_absolute

from ._support import Factory, Recorder, Sender

__all__: list[str] = []

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

ATTACKS = [
    "//evil.example/x",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "http:evil.example",
    "https:/evil.example",
    "http:\\\\evil.example",
    "HTTP:/\\evil.example",
    "@evil.example",
    ":@evil.example",
    "user:pass@evil.example/x",
    "%2F%2Fevil.example",
    "/%2F%2Fevil.example",
    "%5C%5Cevil.example",
    "/%5Cevil.example",
    "..//evil.example",
    "/.//evil.example",
    "?@evil.example",
    "#@evil.example",
    "  //evil.example",
    "\u3002evil.example",
    "\uff0f\uff0fevil.example",
]

BASES = [
    "http://127.0.0.1:8080",
    "http://127.0.0.1:8080/",
    "https://api.example.test/v1",
    "https://api.example.test/v1/",
    "http://[::1]:9000/a/b?",
]


def _origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of ``url`` as httpx parses it, default ports filled in."""
    parsed = httpx.URL(url)
    port = parsed.port or {"http": 80, "https": 443}[parsed.scheme]
    return parsed.scheme, parsed.host, port


_tricky = st.text(
    alphabet=st.sampled_from(list("/\\@:?#%.;=&+ -_~!$'()*,[]aeEvilxmp2F5Cé\u3002\uff0f\u2028")),
    max_size=24,
)
_relative = st.one_of(_tricky, st.builds(lambda a, b: a + b, st.sampled_from(ATTACKS), _tricky))


@settings(max_examples=400, deadline=None)
@given(base=st.sampled_from(BASES), url=_relative)
@example(base=BASES[0], url="//evil.example/x")
@example(base=BASES[2], url="/\\evil.example")
def test_relative_url_never_leaves_base_origin(base: str, url: str) -> None:
    """Whatever relative string is given, the request goes to base_url's scheme, host and port."""
    if is_absolute(url):  # "scheme://..." is absolute by definition; not this property
        return
    recorder = Recorder()
    api = AxiosPython({"base_url": base}, transport=recorder)
    api.get(url)
    assert _origin(recorder.last.url) == _origin(base)


@settings(max_examples=100, deadline=None)
@given(
    base=st.sampled_from(BASES),
    head=_relative,
    control=st.sampled_from(["\t", "\n", "\r", "\x00", "\x1b", "\x7f"]),
    tail=_tricky,
)
def test_control_characters_are_refused(base: str, head: str, control: str, tail: str) -> None:
    """A url with a tab, newline or other control character raises ConfigError and sends nothing."""
    recorder = Recorder()
    api = AxiosPython({"base_url": base}, transport=recorder)
    with pytest.raises(ConfigError, match="control characters"):
        api.get(head + control + tail)
    assert recorder.requests == []


@pytest.mark.parametrize("control", [chr(code) for code in [*range(0x20), 0x7F]])
def test_every_control_character_is_refused(control: str) -> None:
    """All 33 control characters are refused, each on its own (none is "printable")."""
    recorder = Recorder()
    api = AxiosPython({"base_url": "https://h.test"}, transport=recorder)
    with pytest.raises(ConfigError, match="control characters"):
        api.get(f"/a{control}b")
    assert recorder.requests == []


@pytest.mark.parametrize("other", ["\u2028", "\u00ad", "\u200b", "\u3000", "\u00e9"])
def test_non_printable_text_that_is_not_a_control_character_is_sent(other: str) -> None:
    """Separators and format characters are not control characters: the url is sent as before."""
    recorder = Recorder()
    api = AxiosPython({"base_url": "https://h.test"}, transport=recorder)
    api.get(f"/a{other}b")
    assert len(recorder.requests) == 1


@pytest.mark.parametrize("attack", ATTACKS)
async def test_attacks_reach_only_the_base_server(
    attack: str, send: Sender, server: EchoServer, make: Factory
) -> None:
    """Known origin-changing tricks, sent for real, arrive at the base_url server as paths."""
    api = make({"base_url": server.url, "validate_status": None})
    response = await send(api, "GET", attack)
    assert response.request is not None
    assert _origin(response.request.url) == _origin(server.url)
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    ("base", "url", "expected"),
    [
        ("https://x.test/v1", "users", "https://x.test/v1/users"),
        ("https://x.test/v1", "/users", "https://x.test/v1/users"),
        ("https://x.test/v1/", "/users", "https://x.test/v1/users"),
        ("https://x.test/v1/", "users/", "https://x.test/v1/users/"),
        ("https://x.test", "", "https://x.test"),
        ("https://x.test/v1", "?page=2", "https://x.test/v1?page=2"),
        ("https://x.test/v1", "//evil.example/x", "https://x.test/v1/evil.example/x"),
        ("https://x.test/v1", "/\\evil.example", "https://x.test/v1/%5Cevil.example"),
        ("https://x.test/v1", "http:evil.example", "https://x.test/v1/http:evil.example"),
        ("https://x.test/v1", "https://other.test/a", "https://other.test/a"),
    ],
)
def test_join_examples(base: str, url: str, expected: str, recorder: Recorder) -> None:
    """Paths are joined Axios-style with exactly one slash; an absolute url is kept as is."""
    api = AxiosPython({"base_url": base}, transport=recorder)
    api.get(url)
    assert recorder.last.url == expected


@pytest.mark.parametrize(
    ("params", "query"),
    [
        ({"q": "python"}, "q=python"),
        ({"tags": ["a", "b"]}, "tags=a&tags=b"),
        ({"flag": True, "off": False}, "flag=true&off=false"),
        ({"skip": None, "n": 1}, "n=1"),
        ([("a", "1"), ("a", "2")], "a=1&a=2"),
        ("raw=1&x=y", "raw=1&x=y"),
        ({"s": "a b&c=d/é"}, "s=a%20b%26c%3Dd%2F%C3%A9"),
        ({"b": b"\x00raw"}, "b=%00raw"),
        ({"n": 1, "f": 1.5}, "n=1&f=1.5"),
    ],
)
def test_params_encoding(params: object, query: str, recorder: Recorder) -> None:
    """params accept mappings, pairs and strings; lists repeat the key, None is skipped."""
    api = AxiosPython({"base_url": "https://x.test"}, transport=recorder)
    api.get("/p", params=params)  # type: ignore[arg-type]
    assert recorder.last.url == f"https://x.test/p?{query}"


def test_params_append_to_an_existing_query_before_the_fragment(recorder: Recorder) -> None:
    """params are added after a query already in the url and before any fragment."""
    api = AxiosPython({"base_url": "https://x.test"}, transport=recorder)
    api.get("/p?a=1#frag", params={"b": 2})
    assert recorder.last.url == "https://x.test/p?a=1&b=2#frag"


# --- credentials stay with base_url's origin ---------------------------------------------

_SECRETS = {
    "Authorization": "Bearer secret",
    "Proxy-Authorization": "Basic cHJveHk=",
    "Cookie": "session=1",
    "X-Api-Key": "k",
    "X-Public": "p",
}


def _sent_secrets(srv: EchoServer) -> dict[str, str | None]:
    """The secret-ish headers the last request to ``srv`` carried."""
    last = srv.requests[-1]
    return {name: last.header(name) for name in _SECRETS}


async def test_absolute_url_to_foreign_origin_drops_sensitive_headers(
    send: Sender, server: EchoServer, other: EchoServer, make: Factory
) -> None:
    """Authorization, Proxy-Authorization, Cookie and custom sensitive headers stay home."""
    api = make({"base_url": server.url, "headers": _SECRETS, "sensitive_headers": ["X-Api-Key"]})
    response = await send(api, "GET", f"{other.url}/headers")
    assert response.status_code == 200
    assert _sent_secrets(other) == {
        "Authorization": None,
        "Proxy-Authorization": None,
        "Cookie": None,
        "X-Api-Key": None,
        "X-Public": "p",
    }
    await send(api, "GET", "/headers")
    assert _sent_secrets(server) == _SECRETS


async def test_absolute_url_to_own_origin_keeps_sensitive_headers(
    send: Sender, server: EchoServer, make: Factory
) -> None:
    """An absolute url on base_url's own origin keeps the credentials."""
    api = make({"base_url": f"{server.url}/v1", "headers": _SECRETS})
    await send(api, "GET", f"{server.url}/headers")
    assert _sent_secrets(server) == _SECRETS


async def test_trusted_origin_receives_sensitive_headers(
    send: Sender, server: EchoServer, other: EchoServer, make: Factory
) -> None:
    """An origin listed in trusted_origins gets the credentials too."""
    api = make({"base_url": server.url, "headers": _SECRETS, "trusted_origins": [other.url]})
    await send(api, "GET", f"{other.url}/headers")
    assert _sent_secrets(other)["Authorization"] == "Bearer secret"
    assert _sent_secrets(other)["Cookie"] == "session=1"


async def test_origins_compare_scheme_host_and_port(
    send: Sender, server: EchoServer, other: EchoServer, make: Factory
) -> None:
    """Same host on another port is another origin; 'localhost' is not '127.0.0.1'."""
    assert server.host == other.host
    api = make({"base_url": server.url, "headers": _SECRETS})
    await send(api, "GET", f"http://localhost:{server.port}/headers")
    assert _sent_secrets(server)["Authorization"] is None
    await send(api, "GET", f"http://127.0.0.1:{other.port}/headers")
    assert _sent_secrets(other)["Authorization"] is None


def test_default_port_matches_explicit_port(recorder: Recorder) -> None:
    """https://host and https://host:443 are one origin, so credentials are kept."""
    api = AxiosPython(
        {"base_url": "https://api.example.test", "headers": {"Authorization": "t"}},
        transport=recorder,
    )
    api.get("https://api.example.test:443/x")
    assert recorder.last.headers.get("Authorization") == "t"
    api.get("http://api.example.test/x")
    assert "Authorization" not in recorder.last.headers


def test_per_request_credentials_to_foreign_origin_are_dropped_too(recorder: Recorder) -> None:
    """Sensitive headers passed with the request itself are also kept from foreign origins."""
    api = AxiosPython({"base_url": "https://api.example.test"}, transport=recorder)
    api.get("https://other.test/x", headers={"Authorization": "t", "X-Fine": "1"})
    assert "Authorization" not in recorder.last.headers
    assert recorder.last.headers["X-Fine"] == "1"


_authority_piece = st.sampled_from(
    [
        "api.example.test",
        "API.EXAMPLE.TEST",
        "evil.example",
        "@",
        ":",
        ":443",
        ":8443",
        "\\",
        "/",
        "?",
        "#",
        "%40",
        "%2F",
        ".",
        "[",
        "]",
        "user",
        "\u3002",
        "\uff0e",
        " ",
    ]
)


@settings(max_examples=200, deadline=None)
@given(
    scheme=st.sampled_from(["https", "http", "HTTPS"]),
    pieces=st.lists(_authority_piece, min_size=1, max_size=6),
)
@example(scheme="https", pieces=["api.example.test", "\\", "@", "evil.example"])
@example(scheme="https", pieces=["api.example.test", "%40", "evil.example"])
def test_credentials_only_reach_what_httpx_sees_as_home(scheme: str, pieces: list[str]) -> None:
    """The instance's Authorization goes to an absolute url only if httpx resolves it home.

    A ``user:password@`` the url itself carries is that url's own Basic auth (for
    the host it names); it never carries the instance's credential.
    """
    url = f"{scheme}://{''.join(pieces)}/x"
    recorder = Recorder()
    api = AxiosPython(
        {"base_url": "https://api.example.test", "headers": {"Authorization": "t"}},
        transport=recorder,
    )
    try:
        api.get(url)
    except ConfigError:
        return  # refused before sending: nothing leaked
    sent = recorder.last
    if "Authorization" not in sent.headers:
        return
    if sent.headers["Authorization"] != "t":  # the url's own credentials, cut out of it
        assert sent.headers["Authorization"].startswith("Basic ")
        assert "@" in url
        assert "@" not in urlsplit(sent.url).netloc
        return
    try:
        parsed = _origin(sent.url)
    except (httpx.InvalidURL, KeyError):
        return  # httpx cannot send it at all
    assert parsed == ("https", "api.example.test", 443)


_SEGMENTS = st.lists(
    st.sampled_from(["a", "b", ".", "..", "", "%2e", "%2E%2e", ".x", "evil.example"])
)


@settings(max_examples=400, deadline=None)
@given(base_path=_SEGMENTS, path=_SEGMENTS, query=st.sampled_from(["", "?a=/./..//x", "#..//y"]))
def test_normalized_target_has_no_dot_segments_and_no_leading_double_slash(
    base_path: list[str], path: list[str], query: str
) -> None:
    """Whatever the path, the URL a transport gets keeps its origin and its query, starts
    its path with exactly one slash, holds no dot segment, and normalising it again changes
    nothing."""
    recorder = Recorder()
    base = "https://api.example.test/" + "/".join(base_path)
    api = AxiosPython({"base_url": base, "validate_status": None}, transport=recorder)
    api.get("/".join(path) + query)
    sent = recorder.last.url
    parts = httpx.URL(sent)
    assert (parts.scheme, parts.host) == ("https", "api.example.test")
    target = sent[len("https://api.example.test") :]
    assert not target.startswith("//")
    segments = target.split("?")[0].split("#")[0].split("/")
    assert not {".", "..", "%2e", "%2E%2e"} & set(segments)
    assert sent.endswith(query)
    from axios_python._urls import normalize_path

    assert normalize_path(sent) == sent


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://h/a/b/c/./../../g", "https://h/a/g"),
        ("https://h/a/b/..", "https://h/a/"),
        ("https://h/a//b/../c", "https://h/a//c"),
        ("https://h/v1/..//evil.example/x", "https://h/evil.example/x"),
        ("https://h//x?next=//y", "https://h/x?next=//y"),
        ("https://h/.well-known/x", "https://h/.well-known/x"),
        ("https://h?q=/./..", "https://h?q=/./.."),
    ],
)
def test_normalize_examples(url: str, expected: str, recorder: Recorder) -> None:
    """RFC 3986 dot-segment removal, then a leading `//` collapsed; query left alone."""
    AxiosPython(transport=recorder).get(url)
    assert recorder.last.url == expected


@pytest.mark.parametrize(
    ("url", "absolute"),
    [
        ("https://other.example/x", True),
        ("HTTP://other.example:8080", True),
        ("/x", False),
        ("x?y=1", False),
        ("//evil.example/x", False),
        ("http:evil.example", False),
        ("https:/evil.example", False),
        ("1http://evil.example", False),
    ],
)
def test_public_is_absolute_is_the_rule_requests_follow(url: str, absolute: bool) -> None:
    """axios_python.urls.is_absolute answers as the client routes: absolute goes where it says."""
    recorder = Recorder()
    api = AxiosPython({"base_url": "http://base.example/api"}, transport=recorder)
    api.get(url)
    assert is_absolute(url) is absolute
    assert (_origin(recorder.last.url) == _origin("http://base.example")) is not absolute


def test_plugins_ask_the_core_which_url_is_absolute() -> None:
    """The auth, logger and otel plugins use the core's function, not a copy of its rule."""
    from axios_python_auth import _origins
    from axios_python_logger import _urls
    from axios_python_otel import _templates

    for module in (_origins, _urls, _templates):
        assert vars(module)["is_absolute"] is is_absolute, module.__name__
