"""Cache keys: URL normalisation, credential partitions and Vary fingerprints."""

from __future__ import annotations

import random

from axios_python_cache._keys import (
    credential_partition,
    normalize_url,
    url_key,
    vary_fingerprint,
    vary_names,
)
from hypothesis import given
from hypothesis import strategies as st

from axios_python import Headers

_names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=6)
_values = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789%", max_size=6)


@given(st.dictionaries(_names, _values, min_size=1, max_size=6), st.randoms())
def test_query_order_does_not_change_the_key(params: dict[str, str], rng: random.Random) -> None:
    """Any order of distinct query parameters gives the same key."""
    pairs = [f"{name}={value}" for name, value in params.items()]
    shuffled = pairs[:]
    rng.shuffle(shuffled)
    base = "http://127.0.0.1:8080/items?"
    assert url_key("GET", base + "&".join(pairs)) == url_key("GET", base + "&".join(shuffled))


def test_repeated_parameter_keeps_value_order() -> None:
    """a=1&a=2 and a=2&a=1 are different requests and get different keys."""
    assert normalize_url("http://h/x?a=1&a=2") != normalize_url("http://h/x?a=2&a=1")
    assert normalize_url("http://h/x?b=0&a=1&a=2") == "http://h/x?a=1&a=2&b=0"


def test_scheme_host_default_port_and_fragment_are_normalised() -> None:
    """Case of scheme and host, an explicit default port and the fragment do not matter."""
    assert normalize_url("HTTP://Example.COM:80/Path#frag") == "http://example.com/Path"
    assert normalize_url("https://h:443") == "https://h/"
    assert normalize_url("http://h:8080/a") == "http://h:8080/a"


def test_key_includes_the_method() -> None:
    """GET and HEAD on one URL are different keys."""
    assert url_key("get", "http://h/a") == "GET http://h/a"
    assert url_key("HEAD", "http://h/a") != url_key("GET", "http://h/a")


def test_partition_is_none_without_credentials() -> None:
    """A request without any credential header has no partition."""
    headers = Headers({"Accept": "application/json"})
    assert credential_partition(headers, {"authorization", "cookie"}) is None


def test_partition_differs_per_credential_and_hides_it() -> None:
    """Two tokens give two partitions; neither contains the token."""
    names = {"authorization", "cookie", "x-api-key"}
    first = credential_partition(Headers({"Authorization": "Bearer alpha"}), names)
    second = credential_partition(Headers({"authorization": "Bearer beta"}), names)
    custom = credential_partition(Headers({"X-Api-Key": "k1"}), names)
    assert first is not None
    assert second is not None
    assert custom is not None
    assert len({first, second, custom}) == 3
    assert "alpha" not in first


def test_vary_names_and_fingerprint() -> None:
    """Vary names are lower-cased and deduplicated; the fingerprint hashes values."""
    assert vary_names("Accept, accept-encoding ,Accept") == ("accept", "accept-encoding")
    assert vary_names("*") == ("*",)
    fingerprint = vary_fingerprint(("accept", "x-missing"), Headers({"Accept": "text/html"}))
    assert fingerprint[1] == ("x-missing", None)
    assert fingerprint[0][0] == "accept"
    assert fingerprint[0][1] != "text/html"
    other = vary_fingerprint(("accept", "x-missing"), Headers({"Accept": "application/json"}))
    assert other != fingerprint


@given(
    fields=st.lists(
        st.tuples(
            st.sampled_from(["Authorization", "cookie", "X-Api-Key", "Accept", "X-Trace"]),
            st.text("ab", min_size=1, max_size=3),
        ),
        max_size=5,
    )
)
def test_has_any_credential_agrees_with_the_partition(fields: list[tuple[str, str]]) -> None:
    """The plugin's cheap yes/no check (Headers.has_any) says yes exactly when a digest is made."""
    names = frozenset({"authorization", "cookie", "x-api-key"})
    headers = Headers(fields)
    assert headers.has_any(names) == (credential_partition(headers, names) is not None)
