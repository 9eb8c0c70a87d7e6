"""The core's masking of what the HTTP libraries log: every format they print headers in."""

from __future__ import annotations

import logging

import pytest

from axios_python._redact import install_log_filter, mask_text

__all__: list[str] = []

SECRET = "s3cr3t-Value-42"


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        # httpcore's header lists, and hpack's decoded fields
        ("(b'X-Api-Key', b'{s}')", "(b'X-Api-Key', b'[REDACTED]')"),
        (
            "Decoded (b'set-cookie', b'sid={s}; HttpOnly'), indexed True",
            "Decoded (b'set-cookie', b'[REDACTED]'), indexed True",
        ),
        # hpack's encoder and its header table
        (
            "Adding b'x-api-key'=b'{s}' to the header table, sensitive:False",
            "Adding b'x-api-key'=b'[REDACTED]' to the header table, sensitive:False",
        ),
        (
            "Evicting b'cookie': b'sid={s}' from the header table",
            "Evicting b'cookie': b'[REDACTED]' from the header table",
        ),
        (
            "Adding b':path'=b'/x?access_token={s}&page=2' to the header table",
            "Adding b':path'=b'/x?access_token=[REDACTED]&page=2' to the header table",
        ),
    ],
)
def test_credential_values_are_masked_in_every_library_format(line: str, shown: str) -> None:
    """The value goes; the header name and the rest of the line stay."""
    assert mask_text(line.format(s=SECRET)) == shown


def test_other_headers_are_left_alone() -> None:
    """A header that carries no credential is printed as it is."""
    line = "Adding b'accept'=b'application/json' to the header table"
    assert mask_text(line) == line


@pytest.mark.parametrize("logger", ["hpack.hpack", "hpack.table", "httpcore.http2"])
def test_hpack_header_block_dumps_are_masked(logger: str, caplog: pytest.LogCaptureFixture) -> None:
    """hpack dumps whole header blocks (every header, Huffman-coded or not): the bytes go."""
    install_log_filter()
    block = b"\x82\x86\x84A\x8a" + SECRET.encode()
    with caplog.at_level(logging.DEBUG, logger=logger):
        logging.getLogger(logger).debug("Decoding %s", block)
        logging.getLogger(logger).debug("Encoded header block to %s", block)
    assert [record.getMessage() for record in caplog.records] == [
        "Decoding [REDACTED]",
        "Encoded header block to [REDACTED]",
    ]
