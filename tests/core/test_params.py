"""Params encoding in the core: the flat default is unchanged, styles and errors are exact."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from axios_python import AxiosPython, ConfigError
from axios_python._params import encode_params, serialize

from ._support import Recorder

_SCALARS = st.one_of(st.text(max_size=6), st.integers(), st.booleans(), st.none())


def _reference(params: dict[str, Any]) -> str:
    """The encoding before serializers existed: urlencode, lists repeated, true/false."""
    pairs = []
    for key, value in params.items():
        for item in value if isinstance(value, list) else [value]:
            if item is not None:
                text = "true" if item is True else "false" if item is False else item
                pairs.append((key, text if isinstance(text, str) else str(text)))
    return urlencode(pairs, quote_via=quote)


@given(st.dictionaries(st.text(max_size=5), st.one_of(_SCALARS, st.lists(_SCALARS, max_size=3))))
def test_flat_params_encode_as_before(params: dict[str, Any]) -> None:
    """For flat params the default encoding is byte for byte what it always was."""
    assert encode_params(params) == _reference(params)


def test_bytes_and_text_values() -> None:
    """bytes are percent-encoded as they are, text as UTF-8, in every style."""
    params = {"b": b"\xff/", "t": ["Zoë", "a&b"]}
    assert serialize(params, None) == "b=%FF%2F&t=Zo%C3%AB&t=a%26b"
    assert serialize(params, "comma") == "b=%FF%2F&t=Zo%C3%AB,a%26b"
    assert serialize(params, "indices") == "b=%FF%2F&t%5B0%5D=Zo%C3%AB&t%5B1%5D=a%26b"


@pytest.mark.parametrize("bad", ["qs", "Brackets", 3, ["repeat"]])
def test_unknown_serializers_are_refused(bad: object) -> None:
    """params_serializer takes the four style names or a callable; the error lists them."""
    with pytest.raises(
        ConfigError, match="'params_serializer' must be one of 'repeat', 'brackets'"
    ):
        AxiosPython({"params_serializer": bad})  # type: ignore[typeddict-item]


def test_instance_serializer_applies_to_every_request(recorder: Recorder) -> None:
    """A serializer in create() (or api.defaults) is used for each request's params."""
    api = AxiosPython(
        {"base_url": "https://x.test", "params_serializer": "brackets"}, transport=recorder
    )
    api.get("/", params={"ids": [1, 2]})
    assert recorder.last.url == "https://x.test/?ids%5B%5D=1&ids%5B%5D=2"
    api.defaults["params_serializer"] = "comma"
    api.get("/", params={"ids": [1, 2]})
    assert recorder.last.url == "https://x.test/?ids=1,2"
