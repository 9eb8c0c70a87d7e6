"""Progress callbacks and response_type, the same on every transport and side."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest

from axios_python import AxiosPythonError, ConfigError, ProgressEvent
from axios_python._progress import INTERVAL

from ._hostile import Conn, HostileServer
from ._support import Client

SIZE = 8 * 1024 * 1024


def check_events(events: list[ProgressEvent], total: int | None, loaded: int) -> None:
    """Events count up, never past the total, and the last one says done with everything."""
    assert events, "no progress event"
    assert [e.loaded for e in events] == sorted(e.loaded for e in events)
    assert all(e.total == total for e in events)
    assert sum(e.bytes for e in events) == loaded
    last = events[-1]
    assert last.done
    assert last.loaded == loaded
    assert last.progress == 1.0
    assert last.estimated == 0.0
    assert not any(e.done for e in events[:-1])
    assert len(events) <= 102  # throttled: a hundred steps of 1 % and the final event


@pytest.mark.parametrize("stream", [False, True], ids=["buffered", "streamed"])
async def test_download_progress(client: Client, stream: bool) -> None:
    """An 8 MB download reports bounded, increasing progress ending in a done event."""
    events: list[ProgressEvent] = []
    response = await client.get(f"/large/{SIZE}", on_download_progress=events.append, stream=stream)
    body = b"".join(await client.chunks(response)) if stream else response.content
    assert len(body) == SIZE
    check_events(events, SIZE, SIZE)
    assert all(e.download and not e.upload for e in events)


def answer_slowly(conn: Conn, index: int) -> bool:
    """10,000 bytes with a Content-Length, 500 at a time every 50 ms (about a second)."""
    conn.send_head(200, [("Content-Length", "10000")])
    conn.trickle(b"s" * 10000, pause=0.05, size=500)
    return False


async def test_download_progress_reports_rate_and_time_left(client: Client) -> None:
    """Events along a slow body carry the rate since the previous event and the time left."""
    events: list[ProgressEvent] = []
    with HostileServer(answer_slowly) as srv:
        await client.get(srv.url("/slow"), on_download_progress=events.append)
    check_events(events, 10000, 10000)
    along = events[:-1]
    assert len(along) >= 3, along
    for event in along:
        assert event.rate is not None
        assert 0 < event.rate <= event.bytes / INTERVAL  # events are INTERVAL apart at least
        assert event.estimated == pytest.approx((10000 - event.loaded) / event.rate)
        assert event.progress == event.loaded / 10000


async def test_download_progress_of_unknown_size(client: Client) -> None:
    """A chunked body reports total None, and progress only in the final event."""
    events: list[ProgressEvent] = []
    await client.get("/stream-bytes/50000", on_download_progress=events.append)
    assert events[-1].done
    assert events[-1].loaded == 50000
    assert events[-1].total is None
    assert all(e.progress is None for e in events[:-1])


async def test_download_progress_counts_bytes_on_the_wire(client: Client) -> None:
    """For a gzip body the events count the compressed bytes, as Content-Length does."""
    events: list[ProgressEvent] = []
    padding = {"X-Pad": "a" * 4000}  # echoed back: the JSON compresses well
    response = await client.get("/gzip", headers=padding, on_download_progress=events.append)
    wire = int(response.headers["content-length"])
    assert events[-1].loaded == wire == events[-1].total
    assert len(response.content) > wire


@pytest.mark.parametrize("body", ["bytes", "generator", "files"])
async def test_upload_progress(client: Client, body: str) -> None:
    """Upload progress for bytes, a generator and a multipart file; the body arrives intact."""
    events: list[ProgressEvent] = []
    data = b"u" * (3 * 1024 * 1024)

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(data), 100_000):
            yield data[start : start + 100_000]

    async def achunks() -> AsyncIterator[bytes]:
        for piece in chunks():
            yield piece

    options: dict[str, object] = {"on_upload_progress": events.append}
    if body == "bytes":
        options["data"] = data
    elif body == "generator":
        options["data"] = achunks() if client.is_async else chunks()
    else:
        options["files"] = {"f": ("f.bin", data, "application/octet-stream")}
    response = await client.post("/post", **options)
    assert response.status_code == 200
    if body == "files":
        assert response.data["files"]["f"]["content"] == data.decode()
        total = int(response.data["headers"]["Content-Length"])
    else:
        assert response.data["body"] == data.decode()
        total = len(data)
    check_events(events, None if body == "generator" else total, total)
    assert all(e.upload for e in events)
    if body == "bytes":
        assert response.data["headers"].get("Transfer-Encoding") is None  # still sized


async def test_async_callbacks_are_awaited_on_the_async_side(client: Client) -> None:
    """An async def callback is awaited on the async path and refused on the sync path."""
    seen: list[int] = []

    async def record(event: ProgressEvent) -> None:
        await asyncio.sleep(0)
        seen.append(event.loaded)

    if client.is_async:
        await client.post("/post", data=b"a" * 1000, on_upload_progress=record)
        await client.get("/bytes/1000", on_download_progress=record)
        assert seen == [1000, 1000]
    else:
        with pytest.raises(ConfigError, match="async"):
            await client.get("/bytes/10", on_download_progress=record)
        with pytest.raises(ConfigError, match="async"):
            await client.post("/post", data=b"a", on_upload_progress=record)
        assert client.server.hits["/post"] == 0


async def test_a_failing_callback_aborts_the_request(client: Client) -> None:
    """A callback that raises ends the request with that error."""

    def explode(event: ProgressEvent) -> None:
        raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        await client.get(f"/large/{SIZE}", on_download_progress=explode)
    assert (await client.get("/get")).status_code == 200


# --- response_type --------------------------------------------------------------------------


async def test_response_type_forces_data(client: Client) -> None:
    """json, text and bytes decide what data is, whatever the Content-Type says."""
    as_json = await client.get("/response-headers", params={"Content-Type": "text/plain"})
    assert isinstance(as_json.data, str)
    forced = await client.get(
        "/response-headers", params={"Content-Type": "text/plain"}, response_type="json"
    )
    assert forced.data["Content-Type"] == "text/plain"
    text = await client.get("/json", response_type="text")
    assert isinstance(text.data, str)
    assert '"slideshow"' in text.data
    raw = await client.get("/bytes/100", params={"seed": 1}, response_type="bytes")
    assert raw.data == raw.content
    assert len(raw.data) == 100
    empty = await client.get("/status/204", response_type="json")
    assert empty.data is None


async def test_response_type_json_refuses_a_body_that_is_not(client: Client) -> None:
    """response_type json on a body that is not JSON raises, with the response attached."""
    with pytest.raises(AxiosPythonError, match="not JSON") as caught:
        await client.get("/text", response_type="json")
    assert caught.value.response is not None
    assert caught.value.response.text == "hello world"


async def test_response_type_stream(client: Client) -> None:
    """response_type stream leaves the body unread: data iterates it."""
    response = await client.get("/stream-bytes/5000", response_type="stream")
    assert not response.is_closed
    if client.is_async:
        total = sum([len(chunk) async for chunk in response.data])
    else:
        total = sum(len(chunk) for chunk in response.data)
    assert total == 5000
    assert response.is_closed


async def test_response_type_needing_the_body_with_stream_is_refused(client: Client) -> None:
    """stream=True with response_type json is contradictory: ConfigError before sending."""
    with pytest.raises(ConfigError, match="response_type"):
        await client.get("/get", stream=True, response_type="json")
    assert client.server.hits["/get"] == 0
