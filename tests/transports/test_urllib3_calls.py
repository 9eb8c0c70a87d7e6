"""Urllib3Transport's per-thread Call: published only while a request needs it, always cleared."""

from __future__ import annotations

import threading

import pytest
from axios_python_urllib3 import _connection
from echo_server import EchoServer

import axios_python
from axios_python import CancelError, CancelToken

__all__: list[str] = []


def test_requests_leave_no_call_published(server: EchoServer) -> None:
    """After plain, tokened, write-timed and cancelled requests, no thread has a Call left.

    Connections skip the thread-local lookup while none is published, so a Call
    that stayed counted would cost every later request that lookup, and one that
    stayed published would attach a finished request's token to the next one.
    """
    api = axios_python.create({"base_url": server.url}).plugin("urllib3")
    assert api.get("/get").status_code == 200
    assert api.get("/get", cancel_token=CancelToken()).status_code == 200
    assert api.get("/get", timeout={"connect": 2.0, "write": 1.0}).status_code == 200
    token = CancelToken()
    threading.Timer(0.2, token.cancel, args=("stop",)).start()
    with pytest.raises(CancelError):
        api.get("/delay/5", cancel_token=token)
    assert _connection._published == 0
    assert _connection.current_call() is None
    api.close()


def test_a_call_is_seen_only_by_the_thread_that_published_it() -> None:
    """While another thread has a Call published, this thread still sees none of its own."""
    call = _connection.Call(CancelToken(), None, keep_write=True)
    published = threading.Event()
    release = threading.Event()
    seen_there: list[object] = []

    def other() -> None:
        _connection.publish(call)
        seen_there.append(_connection.current_call())
        published.set()
        release.wait(5)
        _connection.publish(None)

    worker = threading.Thread(target=other)
    worker.start()
    assert published.wait(5)
    try:
        assert _connection._published == 1
        assert _connection.current_call() is None
        assert seen_there == [call]
    finally:
        release.set()
        worker.join(5)
    assert _connection._published == 0
