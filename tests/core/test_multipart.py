"""Multipart uploads with files=, checked by what the real server parsed."""

from __future__ import annotations

from pathlib import Path

import pytest

from axios_python import AxiosPython, ConfigError

from ._support import Sender

__all__: list[str] = []

CSV = "id,name\n1,Ada\n2,Grace\n"


@pytest.fixture
def report(tmp_path: Path) -> Path:
    """A small CSV file on disk."""
    path = tmp_path / "report.csv"
    path.write_text(CSV)
    return path


async def test_tuple_with_filename_handle_and_mimetype(
    send: Sender, api: AxiosPython, report: Path
) -> None:
    """A (filename, handle, mimetype) tuple arrives with that filename, type and content."""
    with report.open("rb") as handle:
        response = await send(
            api, "POST", "/post", files={"file": ("upload.csv", handle, "text/csv")}
        )
    assert response.data["files"] == {
        "file": {"filename": "upload.csv", "content_type": "text/csv", "content": CSV}
    }
    assert response.data["headers"]["Content-Type"].startswith("multipart/form-data; boundary=")


async def test_plain_file_handle(send: Sender, api: AxiosPython, report: Path) -> None:
    """A bare file handle is sent under its base name with a guessed content type."""
    with report.open("rb") as handle:
        response = await send(api, "POST", "/post", files={"doc": handle})
    part = response.data["files"]["doc"]
    assert part["filename"] == "report.csv"
    assert part["content_type"] == "text/csv"
    assert part["content"] == CSV


async def test_fields_and_several_files(send: Sender, api: AxiosPython) -> None:
    """data fields travel with the files as plain form fields."""
    response = await send(
        api,
        "POST",
        "/post",
        data={"title": "Q3", "tags": ["a", "b"]},
        files={
            "one": ("one.txt", b"first"),
            "two": ("two.bin", b"\x00\x01", "application/octet-stream"),
        },
    )
    assert response.data["form"]["title"] == "Q3"
    assert response.data["files"]["one"] == {
        "filename": "one.txt",
        "content_type": "text/plain",
        "content": "first",
    }
    assert response.data["files"]["two"]["content_type"] == "application/octet-stream"


async def test_content_length_is_exact(send: Sender, api: AxiosPython, report: Path) -> None:
    """With seekable files the body has a Content-Length equal to the bytes sent."""
    with report.open("rb") as handle:
        response = await send(api, "POST", "/post", files={"file": handle})
    request = response.data
    assert request["headers"]["Content-Length"] == str(len(request["body"].encode()))


async def test_upload_survives_a_307_redirect(send: Sender, api: AxiosPython, report: Path) -> None:
    """A seekable upload is sent again in full when a 307 redirect asks for it."""
    with report.open("rb") as handle:
        response = await send(
            api,
            "POST",
            "/redirect-to",
            params={"url": "/post", "status_code": 307},
            files={"file": ("r.csv", handle, "text/csv")},
        )
    assert response.data["path"] == "/post"
    assert response.data["files"]["file"]["content"] == CSV


def test_files_with_json_is_refused(api: AxiosPython) -> None:
    """json cannot be combined with files; the message says to use data."""
    with pytest.raises(ConfigError, match="use 'data' for fields"):
        api.post("/post", json={"a": 1}, files={"f": ("f.txt", b"x")})


def test_files_must_be_a_mapping(api: AxiosPython) -> None:
    """files= of the wrong shape is a ConfigError quoting it."""
    with pytest.raises(ConfigError, match="'files' must be a mapping"):
        api.post("/post", files="report.csv")  # type: ignore[arg-type]


async def test_filename_cannot_inject_part_headers(send: Sender, api: AxiosPython) -> None:
    """CR/LF and quotes in a filename are escaped, so they cannot add headers or parts."""
    response = await send(
        api,
        "POST",
        "/post",
        files={"f": ('a"\r\nContent-Type: text/evil\r\n.txt', b"x", "text/plain")},
    )
    part = response.data["files"]["f"]
    assert part["content_type"] == "text/plain"
    assert "\r" not in part["filename"]
    assert "\n" not in part["filename"]
    assert part["content"] == "x"
    assert set(response.data["files"]) == {"f"}


async def test_files_as_pairs_allow_repeated_fields(send: Sender, api: AxiosPython) -> None:
    """files= as a list of (field, file) pairs may repeat a field name."""
    response = await send(
        api,
        "POST",
        "/post",
        files=[("doc", ("a.txt", b"first")), ("doc", ("b.txt", b"second"))],
    )
    body = response.data["body"]
    assert 'filename="a.txt"' in body
    assert 'filename="b.txt"' in body
    assert body.index("first") < body.index("second")


async def test_file_is_read_from_its_current_position(
    send: Sender, api: AxiosPython, report: Path
) -> None:
    """A handle that was partly read is sent from where it stands."""
    with report.open("rb") as handle:
        handle.readline()
        response = await send(api, "POST", "/post", files={"f": ("r.csv", handle)})
    assert response.data["files"]["f"]["content"] == CSV.split("\n", 1)[1]
