"""Basic auth in the core: credentials taken out of URLs, the auth key, and what shows them."""

from __future__ import annotations

import pytest

from axios_python import AxiosPython, BasicAuth, RequestConfig
from axios_python._auth import split_credentials

from ._support import Recorder


@pytest.mark.parametrize(
    ("url", "clean", "credentials"),
    [
        ("https://ada:pw@host/x", "https://host/x", ("ada", "pw")),
        ("https://ada@host:8443/x?q=1#f", "https://host:8443/x?q=1#f", ("ada", "")),
        ("http://:pw@host", "http://host", ("", "pw")),
        ("http://a%40b.c:p%3Aw%2F@host/", "http://host/", ("a@b.c", "p:w/")),
        ("http://a@b:c@d@host/", "http://host/", ("a@b", "c@d")),  # the last @ ends them
        ("http://@host/", "http://host/", None),
        ("http://host/users/a@b.c?to=x@y", "http://host/users/a@b.c?to=x@y", None),
        ("/relative/a@b", "/relative/a@b", None),
        ("//ada:pw@host/x", "//host/x", ("ada", "pw")),  # a network-path reference
        ("/a//b:c@d/x", "/a//b:c@d/x", None),
    ],
)
def test_split_credentials(url: str, clean: str, credentials: tuple[str, str] | None) -> None:
    """user:password@ is cut from the authority only, percent-decoded; an @ elsewhere stays."""
    got_url, got = split_credentials(url)
    assert got_url == clean
    assert (None if got is None else (got.username, got.password)) == credentials


def test_basic_auth_hides_its_password() -> None:
    """repr() of BasicAuth, and of a config holding it, never shows the password."""
    auth = BasicAuth("ada", "hunter2")
    assert auth.header == "Basic YWRhOmh1bnRlcjI="
    assert "hunter2" not in repr(auth)
    assert "hunter2" not in repr({"auth": auth})
    assert auth == BasicAuth("ada", "hunter2") != BasicAuth("ada", "other")


def test_an_interceptor_may_set_auth_or_credentials_in_the_url(recorder: Recorder) -> None:
    """auth or URL credentials set by an interceptor are applied (and cut) like the caller's."""
    api = AxiosPython({"base_url": "https://x.test"}, transport=recorder)

    def login(config: RequestConfig) -> RequestConfig:
        if config["url"] == "/tuple":
            config["auth"] = ("ada", "pw")  # type: ignore[typeddict-item]
        else:
            config["url"] = "https://bob:pw2@x.test/in-url"
        return config

    api.interceptors.request.use(login)
    api.get("/tuple")
    assert recorder.last.headers["Authorization"] == BasicAuth("ada", "pw").header
    api.get("/other")
    assert recorder.last.url == "https://x.test/in-url"
    assert recorder.last.headers["Authorization"] == BasicAuth("bob", "pw2").header


def test_credentials_are_cut_before_validation_messages(recorder: Recorder) -> None:
    """A config error for a request URL with credentials quotes the URL without them."""
    api = AxiosPython(transport=recorder)
    with pytest.raises(ValueError, match="unknown config key 'timout'") as info:
        api.get("https://ada:hunter2@x.test/", timout=1)  # type: ignore[call-arg]
    assert "hunter2" not in str(info.value)
    assert "https://x.test/" in str(info.value)
    assert "hunter2" not in repr(AxiosPython({"base_url": "https://ada:hunter2@x.test"}))


@pytest.mark.parametrize(
    "url",
    ["//ada:hunter2@x.test/path", "http://ada:hunter2@x.test:99999/"],
)
def test_a_refused_url_is_quoted_without_its_password(recorder: Recorder, url: str) -> None:
    """A URL refused for another reason (//host without base_url, a bad port) hides it."""
    api = AxiosPython(transport=recorder)
    with pytest.raises(ValueError) as info:
        api.get(url)
    assert "hunter2" not in str(info.value)
    assert "x.test" in str(info.value)
    assert recorder.requests == []


def test_credentials_in_a_network_path_reference_are_never_sent_nor_shown(
    recorder: Recorder,
) -> None:
    """//user:pass@host under base_url is a path there (never another host): the
    credentials are cut, not sent to base_url's origin, and shown nowhere."""
    api = AxiosPython({"base_url": "https://api.test"}, transport=recorder)
    response = api.get("//ada:hunter2@other.test/x")
    assert recorder.last.url == "https://api.test/other.test/x"
    assert "authorization" not in recorder.last.headers
    assert "hunter2" not in f"{response.url} {response.config!r} {response.request!r}"
