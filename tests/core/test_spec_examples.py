"""The spec's examples for the core, run as written against the local echo server.

Only the host changes (httpbin.org and api.myapp.com become the echo server; where
the server needs it, a path prefix such as /anything is added), plus a shorter
delay where the spec waits two seconds.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from echo_server import EchoServer, refusing_port

import axios_python
from axios_python import AxiosPython, BaseTransport, RequestConfig, Response

from ._support import AsyncNext

__all__: list[str] = []


def test_quick_start_one_off_request(server: EchoServer) -> None:
    """Quick start: a module-level GET with params, then status_code, ok and json()."""
    response = axios_python.get(f"{server.url}/get", params={"q": "python"})

    assert response.status_code == 200
    assert response.ok is True
    assert response.json()["args"] == {"q": "python"}


def test_quick_start_configured_instance(server: EchoServer) -> None:
    """Quick start: an instance with base_url, timeout and headers sends all of them."""
    api = axios_python.create(
        {
            "base_url": f"{server.url}/anything/v1",
            "timeout": 15,
            "headers": {
                "X-App-Version": "2.0",
                "Accept": "application/json",
            },
        }
    )

    response = api.get("/users", params={"page": 1})
    body = response.json()
    assert body["path"] == "/anything/v1/users"
    assert body["args"] == {"page": "1"}
    assert body["headers"]["X-App-Version"] == "2.0"
    assert body["headers"]["Accept"] == "application/json"
    api.close()


def test_sync_example(server: EchoServer, capsys: pytest.CaptureFixture[str]) -> None:
    """Sync or async: the sync GET prints its status."""
    api = axios_python.create({"base_url": server.url})

    response = api.get("/get", params={"query": "python"})
    print(f"Status: {response.status_code}")

    assert capsys.readouterr().out == "Status: 200\n"
    api.close()


def test_async_example(server: EchoServer, capsys: pytest.CaptureFixture[str]) -> None:
    """Sync or async: asyncio.run(main()) awaits async_get and prints the data."""
    api = axios_python.create({"base_url": server.url})

    async def main() -> None:
        response = await api.async_get("/delay/0.1")
        print(response.data)

    asyncio.run(main())
    assert "'path': '/delay/0.1'" in capsys.readouterr().out
    api.close()


def test_file_upload_example(
    server: EchoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Uploads: a (filename, handle, mimetype) tuple posted with the module helper."""
    monkeypatch.chdir(tmp_path)
    Path("report.csv").write_text("a,b\n1,2\n")

    with open("report.csv", "rb") as f:
        response = axios_python.post(
            f"{server.url}/post",
            files={"file": ("report.csv", f, "text/csv")},
        )

    print(response.status_code)
    assert response.status_code == 200
    assert response.data["files"]["file"] == {
        "filename": "report.csv",
        "content_type": "text/csv",
        "content": "a,b\n1,2\n",
    }


def test_stream_example_sync(server: EchoServer) -> None:
    """Streams: stream=True as a context manager, iter_bytes(chunk_size=64)."""
    chunks: list[bytes] = []
    process = chunks.append

    with axios_python.get(f"{server.url}/stream-bytes/1024", stream=True) as resp:
        for chunk in resp.iter_bytes(chunk_size=64):
            process(chunk)

    assert len(chunks) == 16
    assert all(len(chunk) == 64 for chunk in chunks)
    assert resp.is_closed


async def test_stream_example_async(server: EchoServer, capsys: pytest.CaptureFixture[str]) -> None:
    """Streams: async with await async_get(..., stream=True) and aiter_lines()."""

    async def stream_data() -> None:
        async with await axios_python.async_get(f"{server.url}/stream/3", stream=True) as resp:
            async for line in resp.aiter_lines():
                print(line)

    await stream_data()
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 3
    assert printed[0].startswith('{"id": 0')


def test_interceptor_examples(server: EchoServer) -> None:
    """Interceptors: attach_auth, unwrap_envelope and the handle_401 error interceptor."""
    refreshed: list[bool] = []

    def get_current_token() -> str:
        return "tok-1"

    def refresh_token() -> None:
        refreshed.append(True)

    api = axios_python.create({"base_url": server.url})

    # --- Request interceptor ---
    def attach_auth(config: RequestConfig) -> RequestConfig:
        config["headers"]["Authorization"] = f"Bearer {get_current_token()}"
        return config

    api.interceptors.request.use(attach_auth)

    # --- Response interceptor ---
    def unwrap_envelope(response: Response) -> Response:
        response.data = response.json().get("data", response.data)
        return response

    api.interceptors.response.use(unwrap_envelope)

    # --- Error interceptor ---
    def handle_401(error: Any) -> Response:
        if error.response and error.response.status_code == 401:
            refresh_token()
        raise error

    api.interceptors.response.use(unwrap_envelope, handle_401)

    response = api.get("/get")
    assert response.data["headers"]["Authorization"] == "Bearer tok-1"
    with pytest.raises(axios_python.HTTPStatusError) as info:
        api.get("/status/401")
    assert info.value.response.status_code == 401
    assert refreshed == [True]
    api.close()


def test_unwrap_envelope_unwraps(server: EchoServer) -> None:
    """Interceptors: unwrap_envelope replaces data with the body's 'data' member when present."""
    api = axios_python.create({"base_url": server.url})

    def unwrap_envelope(response: Response) -> Response:
        response.data = response.json().get("data", response.data)
        return response

    api.interceptors.response.use(unwrap_envelope)
    response = api.get("/response-headers", params={"data": "inside"})
    assert response.data == "inside"
    api.close()


@pytest.mark.parametrize("path", ["sync", "async"])
async def test_middleware_examples(
    path: str, server: EchoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """Middleware: trace_middleware and timing_middleware on both paths, in order."""
    api = axios_python.create({"base_url": server.url})

    def generate_trace_id() -> str:
        return uuid.uuid4().hex

    async def timing_middleware(ctx: RequestConfig, next_fn: AsyncNext) -> Response:
        start = time.monotonic()
        print(f"→ {ctx['method'].upper()} {ctx['url']}")

        result = await next_fn(ctx)

        elapsed = (time.monotonic() - start) * 1000
        print(f"← {result.status_code} in {elapsed:.1f}ms")
        return result

    async def trace_middleware(ctx: RequestConfig, next_fn: AsyncNext) -> Response:
        ctx["headers"]["X-Trace-Id"] = generate_trace_id()
        return await next_fn(ctx)

    api.use(trace_middleware)
    api.use(timing_middleware)

    if path == "sync":
        api.get("/get")
    else:
        await api.async_get("/get")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "→ GET /get"
    assert out[1].startswith("← 200 in ")
    assert len(server.requests[-1].header("X-Trace-Id") or "") == 32
    await api.aclose()


def test_concurrent_requests_with_threads(server: EchoServer) -> None:
    """Concurrent requests: ThreadPoolExecutor over four endpoints of one instance."""
    api = axios_python.create({"base_url": server.url})

    endpoints = ["/get", "/ip", "/user-agent", "/headers"]

    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(api.get, ep) for ep in endpoints]
        results = [f.result() for f in futures]

    for response in results:
        print(response.status_code, response.url)
    assert [r.status_code for r in results] == [200] * 4
    assert [r.url for r in results] == [f"{server.url}{ep}" for ep in endpoints]
    api.close()


def test_concurrent_requests_with_gather(server: EchoServer) -> None:
    """Concurrent requests: asyncio.gather over async_get calls."""
    api = axios_python.create({"base_url": server.url})
    seen: list[Any] = []

    async def main() -> None:
        tasks = [
            api.async_get("/get"),
            api.async_get("/ip"),
            api.async_get("/user-agent"),
        ]
        results = await asyncio.gather(*tasks)
        for response in results:
            print(response.status_code, response.json())
            seen.append(response.json())
        await api.aclose()

    asyncio.run(main())
    assert seen[1] == {"origin": "127.0.0.1"}
    assert len(seen) == 3


def _spec_error_handling(url: str) -> str:
    """The spec's error-handling block, verbatim apart from the URL; returns what it printed."""
    printed: list[str] = []
    print_ = printed.append
    try:
        response = axios_python.get(url)
        response.raise_for_status()

    except axios_python.HTTPStatusError as e:
        print_(f"HTTP {e.response.status_code}: {e.response.url}")

    except axios_python.TimeoutError:
        print_("Request exceeded the configured timeout.")

    except axios_python.NetworkError:
        print_("Could not reach the server. Check connectivity.")

    except axios_python.RetryError as e:
        print_(f"Exhausted all retry attempts. Last error: {e.__cause__}")

    except axios_python.CancelError as e:
        print_(f"Request was cancelled: {e}")

    except axios_python.AxiosPythonError as e:
        print_(f"Unexpected error: {e}")
    return "\n".join(printed)


def test_error_handling_example_status(server: EchoServer) -> None:
    """Error handling: a 503 lands in the HTTPStatusError branch with status and URL."""
    url = f"{server.url}/status/503"
    assert _spec_error_handling(url) == f"HTTP 503: {url}"


def test_error_handling_example_network(server: EchoServer) -> None:
    """Error handling: an unreachable server lands in the NetworkError branch."""
    printed = _spec_error_handling(f"http://127.0.0.1:{refusing_port()}/status/503")
    assert printed == "Could not reach the server. Check connectivity."


def test_error_handling_example_success(server: EchoServer) -> None:
    """Error handling: a 2xx passes raise_for_status and prints nothing."""
    assert _spec_error_handling(f"{server.url}/status/200") == ""


def test_custom_transport_example() -> None:
    """Custom transports: the MockTransport example, no network involved."""

    class MockTransport(BaseTransport):
        """Returns a canned 200 response for every request — great for unit tests."""

        def send(self, request: Any) -> Response:
            return Response(
                status_code=200,
                headers={"Content-Type": "application/json"},
                data={"mock": True, "url": str(request.url)},
                request=request,
            )

        async def send_async(self, request: Any) -> Response:
            return self.send(request)

    api = AxiosPython(
        config={"base_url": "https://api.myapp.com"},
        transport=MockTransport(),
    )

    response = api.get("/users")
    print(response.json())
    assert response.json() == {"mock": True, "url": "https://api.myapp.com/users"}
    assert asyncio.run(api.async_get("/users")).json()["mock"] is True


def test_best_practice_instances(server: EchoServer, other: EchoServer) -> None:
    """Best practices 1: one instance per service, each with its own base_url and auth."""
    github = axios_python.create(
        {
            "base_url": f"{server.url}/anything/github",
            "headers": {
                "Authorization": "Bearer gh_token",
                "Accept": "application/vnd.github.v3+json",
            },
        }
    )
    stripe = axios_python.create(
        {
            "base_url": f"{other.url}/anything/v1",
            "headers": {"Authorization": "Bearer sk_token"},
        }
    )
    github.get("/users/octocat")
    stripe.post("/charges", json={"amount": 2000, "currency": "usd"})

    assert server.requests[-1].path == "/anything/github/users/octocat"
    assert server.requests[-1].header("Authorization") == "Bearer gh_token"
    assert other.requests[-1].header("Authorization") == "Bearer sk_token"
    assert other.requests[-1].header("Accept") != "application/vnd.github.v3+json"
    github.close()
    stripe.close()


def test_best_practice_timeouts(server: EchoServer) -> None:
    """Best practices 2: 30 s by default, an instance timeout, and a per-request override."""
    default = axios_python.create({"base_url": server.url})
    assert default.defaults["timeout"] == axios_python.Timeout(30, 30, 30, 30)
    api = axios_python.create({"base_url": server.url, "timeout": 3.0})
    with pytest.raises(axios_python.TimeoutError):
        api.get("/delay/1", timeout=0.1)
    assert api.get("/delay/0.1").ok
    api.close()
