"""The README's quick start, run as written against a local stand-in for api.example.com.

It is not marked runnable (it names a public host for readability), so this test
runs it with that host pointed at a server on 127.0.0.1 and checks what the README
promises: every request sends the default User-Agent and Accept, and the instance
keeps the login cookie and sends it, with the token set through live defaults.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

import axios_python

__all__: list[str] = []

README = Path(__file__).resolve().parents[2] / "README.md"
HOST = "https://api.example.com"
SESSION = "s-4f2a"
TOKEN = "t-91c7"


def quick_start() -> str:
    """The first python block under the README's "Quick start" heading."""
    section = README.read_text(encoding="utf-8").split("\n## Quick start\n", 1)[1]
    match = re.search(r"^```python\n(.*?)^```", section, re.MULTILINE | re.DOTALL)
    assert match is not None, "README.md: no python block under ## Quick start"
    return match.group(1)


class _Service(BaseHTTPRequestHandler):
    """The API the quick start talks to: /search, /v1/login and /v1/users."""

    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"null")
        self.server.seen.append((self.command, self.path, dict(self.headers.items())))
        signed_in = self.headers.get("Cookie") == f"session={SESSION}" and (
            self.headers.get("Authorization") == f"Bearer {TOKEN}"
        )
        route = (self.command, self.path.split("?", 1)[0])
        payload: Any
        extra: list[tuple[str, str]] = []
        if route == ("GET", "/search"):
            status, payload = 200, {"results": ["python"]}
        elif route == ("POST", "/v1/login"):
            status, payload = 200, {"token": TOKEN}
            extra.append(("Set-Cookie", f"session={SESSION}; Path=/; HttpOnly"))
        elif route == ("GET", "/v1/users") and signed_in:
            status, payload = 200, [{"name": "Grace"}]
        elif route == ("POST", "/v1/users") and signed_in:
            status, payload = 201, {"created": body}
        else:
            status, payload = 401, {"error": "sign in first"}
        data = json.dumps(payload).encode()
        self.send_response(status)
        for name, value in [("Content-Type", "application/json"), *extra]:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Service)
        self.seen: list[tuple[str, str, dict[str, str]]] = []


@pytest.fixture
def service() -> Iterator[_Server]:
    """The stand-in API on 127.0.0.1, stopped afterwards."""
    server = _Server()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_the_quick_start_sends_a_user_agent_and_keeps_cookies(
    service: _Server, capsys: pytest.CaptureFixture[str]
) -> None:
    """Run as written: each request names axios-python, and the session cookie comes back."""
    code = quick_start()
    assert HOST in code
    local = f"http://127.0.0.1:{service.server_address[1]}"
    namespace: dict[str, Any] = {"__name__": "__main__"}
    exec(compile(code.replace(HOST, local), "README.md:quick-start", "exec"), namespace)
    capsys.readouterr()
    assert [(method, path) for method, path, _ in service.seen] == [
        ("GET", "/search?q=python"),
        ("POST", "/v1/login"),
        ("GET", "/v1/users?page=1"),
        ("POST", "/v1/users"),
    ]
    for _, _, headers in service.seen:
        assert headers["User-Agent"] == f"axios-python/{axios_python.__version__}"
        assert headers["Accept"] == "application/json, text/plain, */*"
    assert [headers.get("Cookie") for _, _, headers in service.seen] == [
        None,  # the module-level helpers keep no cookies
        None,
        f"session={SESSION}",
        f"session={SESSION}",
    ]
    assert namespace["users"] == [{"name": "Grace"}]
    assert namespace["created"].status_code == 201
    assert namespace["api"].cookies.get("session") == SESSION
    namespace["api"].close()
