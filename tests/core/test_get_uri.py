"""get_uri(): the URL a request would go to, built like the request's, sending nothing."""

from __future__ import annotations

import pytest

import axios_python
from axios_python import AxiosPython, ConfigError

from ._support import Recorder


def test_get_uri_joins_base_url_and_params(recorder: Recorder) -> None:
    """base_url, the url and the merged params make the URL; nothing is sent."""
    api = AxiosPython(
        {"base_url": "https://api.test/v1", "params": {"key": "k"}, "params_serializer": "comma"},
        transport=recorder,
    )
    assert (
        api.get_uri("/users", params={"ids": [1, 2]}) == "https://api.test/v1/users?key=k&ids=1,2"
    )
    assert api.get_uri() == "https://api.test/v1?key=k"
    assert api.get_uri("https://other.test/x", params="raw=1") == "https://other.test/x?raw=1"
    assert recorder.requests == []


def test_get_uri_leaves_credentials_out() -> None:
    """Credentials in the URL or base_url never appear in the answer."""
    api = AxiosPython({"base_url": "https://ada:pw@api.test"})
    assert api.get_uri("/me") == "https://api.test/me"
    assert (
        axios_python.get_uri("https://bob:pw2@x.test/a", params={"q": 1}) == "https://x.test/a?q=1"
    )


def test_get_uri_validates_like_a_request() -> None:
    """A bad option or a nested param without serializer is the same ConfigError as a request's."""
    api = AxiosPython({"base_url": "https://api.test"})
    with pytest.raises(ConfigError, match="did you mean 'params'"):
        api.get_uri("/x", parms={})  # type: ignore[call-arg]
    with pytest.raises(ConfigError, match="nested dict"):
        api.get_uri("/x", params={"f": {"a": 1}})
    api.close()
    assert api.get_uri("/x") == "https://api.test/x"  # a closed client still answers
