"""A guided tour of axios-python, against a local server: no internet needed.

Run it with ``python scripts/dev.py tour`` (or ``python examples/tour.py`` inside
the workspace environment). It starts the echo server from examples/echo_server.py
on 127.0.0.1, then walks through the features one section at a time, printing
what each request did. Pass section names to run only those::

    python examples/tour.py middleware errors

Every section is a small function registered with ``@section``; a new feature
gets its own function at the end of the file.
"""

from __future__ import annotations

import asyncio
import io
import logging
import sys
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from echo_server import EchoServer, refusing_port

import axios_python
from axios_python import (
    AxiosPython,
    BaseTransport,
    CancelError,
    CancelToken,
    ConfigError,
    FixedBackoff,
    HTTPStatusError,
    InterceptorError,
    NetworkError,
    Plugin,
    PluginNotFoundError,
    Request,
    RequestConfig,
    Response,
    RetryError,
    TooManyRedirectsError,
)

__all__ = ["SECTIONS", "Section", "Tour", "main", "section"]


@dataclass
class Tour:
    """What every section gets: the home server and a second one on another origin."""

    server: EchoServer
    other: EchoServer

    @property
    def url(self) -> str:
        """Base URL of the home server."""
        return self.server.url


@dataclass(frozen=True)
class Section:
    """One step of the tour: a short name (for the command line), a title and its body."""

    name: str
    title: str
    run: Callable[[Tour], None]


SECTIONS: list[Section] = []


def section(name: str, title: str) -> Callable[[Callable[[Tour], None]], Callable[[Tour], None]]:
    """Register the decorated function as the next section of the tour."""

    def register(run: Callable[[Tour], None]) -> Callable[[Tour], None]:
        SECTIONS.append(Section(name, title, run))
        return run

    return register


def show(label: str, value: object) -> None:
    """Print one finding of a section, aligned."""
    print(f"  {label:<34} {value}")


def note(text: str) -> None:
    """Print a line of explanation."""
    print(f"  # {text}")


# --- the sections ---------------------------------------------------------------------


@section("helpers", "Module-level helpers")
def helpers(tour: Tour) -> None:
    """axios_python.get() needs no setup: good for scripts and exploring."""
    response = axios_python.get(f"{tour.url}/get", params={"q": "python", "page": 1})
    show("axios_python.get(...).status_code", response.status_code)
    show("response.ok", response.ok)
    show("response.url", response.url)
    show("response.data['args']", response.data["args"])
    created = axios_python.post(f"{tour.url}/post", json={"name": "Ada"})
    show("axios_python.post(json=...) echoed", created.data["json"])


@section("instances", "Instances and isolation")
def instances(tour: Tour) -> None:
    """One instance per external service; nothing mutable is shared between them."""
    github = axios_python.create(
        {"base_url": f"{tour.url}/anything/github", "headers": {"Authorization": "Bearer gh"}}
    )
    stripe = axios_python.create(
        {"base_url": f"{tour.url}/anything/stripe/v1", "headers": {"Authorization": "Bearer sk"}}
    )

    def tag(config: RequestConfig) -> RequestConfig:
        config["headers"]["X-Only-GitHub"] = "yes"
        return config

    github.interceptors.request.use(tag)
    seen_by_github = github.get("/users/octocat").data
    seen_by_stripe = stripe.post("/charges", json={"amount": 2000}).data
    show("github hit", seen_by_github["path"])
    show("github sent Authorization", seen_by_github["headers"]["Authorization"])
    show("github sent X-Only-GitHub", seen_by_github["headers"].get("X-Only-GitHub"))
    show("stripe hit", seen_by_stripe["path"])
    show("stripe sent Authorization", seen_by_stripe["headers"]["Authorization"])
    show("stripe sent X-Only-GitHub", seen_by_stripe["headers"].get("X-Only-GitHub"))
    helper_headers = axios_python.get(f"{tour.url}/headers").data["headers"]
    show("module helper sent X-Only-GitHub", helper_headers.get("X-Only-GitHub"))
    github.close()
    stripe.close()


@section("config", "Config precedence and validation")
def config(tour: Tour) -> None:
    """Library defaults < instance defaults (create) < per-request keyword arguments."""
    api = axios_python.create(
        {"base_url": tour.url, "timeout": 5, "headers": {"X-App": "tour", "X-Layer": "instance"}}
    )
    show("library default timeout", axios_python.create().defaults["timeout"].read)
    show("instance timeout", api.defaults["timeout"].read)
    response = api.get("/headers", timeout=2.5, headers={"X-Layer": "request"})
    show("per-request timeout", response.request.timeout.read if response.request else None)
    sent = response.data["headers"]
    show("X-App (instance only)", sent["X-App"])
    show("X-Layer (request wins)", sent["X-Layer"])
    for bad in ({"timout": 3}, {"timeout": "fast"}):
        try:
            api.get("/get", **bad)
        except ConfigError as exc:
            show(f"api.get(..., **{bad!r})", f"ConfigError: {exc}")


@section("interceptors", "Interceptors")
def interceptors(tour: Tour) -> None:
    """Request and response interceptors run in registration order; rejected ones may recover."""
    api = axios_python.create({"base_url": tour.url})
    order: list[str] = []

    def attach_auth(config: RequestConfig) -> RequestConfig:
        order.append("attach_auth")
        config["headers"]["Authorization"] = "Bearer tour-token"
        return config

    def stamp(config: RequestConfig) -> RequestConfig:
        order.append("stamp")
        config["headers"]["X-Request-Stamp"] = "1"
        return config

    def unwrap(response: Response) -> Response:
        order.append("unwrap")
        if isinstance(response.data, dict) and "headers" in response.data:
            response.data = response.data["headers"]
        return response

    def fallback(error: Exception) -> Response:
        if isinstance(error, HTTPStatusError) and error.response.status_code == 404:
            return Response(200, data={"fallback": True}, request=error.request)
        raise error

    api.interceptors.request.use(attach_auth)
    api.interceptors.request.use(stamp)
    api.interceptors.response.use(unwrap, fallback)
    headers = api.get("/headers").data
    show("order", " -> ".join(order))
    show("server saw Authorization", headers["Authorization"])
    show("server saw X-Request-Stamp", headers["X-Request-Stamp"])
    show("GET /status/404 recovered to", api.get("/status/404").data)

    forgetful = axios_python.create({"base_url": tour.url})
    forgetful.interceptors.request.use(lambda config: None)  # type: ignore[arg-type,return-value]
    try:
        forgetful.get("/get")
    except InterceptorError as exc:
        show("interceptor returning None", f"InterceptorError: {exc}")


@section("middleware", "Middleware")
def middleware(tour: Tour) -> None:
    """Middleware wraps the transport call; an async def middleware also serves sync calls."""
    log: list[str] = []

    async def timing(ctx: RequestConfig, next_fn: Any) -> Response:
        started = time.perf_counter()
        log.append(f"-> {ctx['method']} {ctx['url']}")
        response: Response = await next_fn(ctx)
        elapsed_ms = (time.perf_counter() - started) * 1000
        log.append(f"<- {response.status_code} in {elapsed_ms:.1f} ms")
        return response

    def trace(ctx: RequestConfig, next_fn: Callable[[RequestConfig], Response]) -> Response:
        ctx["headers"]["X-Trace-Id"] = "trace-42"
        return next_fn(ctx)

    def short_circuit(ctx: RequestConfig, next_fn: Callable[[RequestConfig], Response]) -> Response:
        if ctx["url"] == "/maintenance":
            return Response(503, data={"served_by": "middleware"})
        return next_fn(ctx)

    api = axios_python.create({"base_url": tour.url})
    api.use(timing).use(trace).use(short_circuit)
    sent = api.get("/headers").data["headers"]  # a sync call through an async middleware
    for line in log:
        show("timing (async def, sync call)", line)
    show("server saw X-Trace-Id", sent["X-Trace-Id"])
    answer = api.get("/maintenance", validate_status=None)
    show("GET /maintenance", f"{answer.status_code} {answer.data}")
    show("requests the server saw for it", tour.server.hits["/maintenance"])

    log.clear()
    asyncio.run(api.async_get("/get"))
    show("same middleware, async call", " | ".join(log))


@section("responses", "Responses and streaming")
def responses(tour: Tour) -> None:
    """data is parsed JSON or text; stream=True reads the body in bounded chunks."""
    api = axios_python.create({"base_url": tour.url})
    document = api.get("/json")
    show("/json  data (parsed)", str(document.data)[:60] + "...")
    show("/json  headers['CONTENT-TYPE']", document.headers["CONTENT-TYPE"])
    text = api.get("/text")
    show("/text  data / content", f"{text.data!r} / {text.content!r}")
    show("elapsed", f"{text.elapsed.total_seconds() * 1000:.1f} ms")

    with api.get("/stream/3", stream=True) as streamed:
        for line in streamed.iter_lines():
            show("/stream/3 line", line)

    size = 8 * 1024 * 1024
    total = largest = chunks = 0
    with api.get(f"/large/{size}", stream=True) as big:
        for chunk in big.iter_bytes(chunk_size=64 * 1024):
            total += len(chunk)
            largest = max(largest, len(chunk))
            chunks += 1
    show("streamed /large (8 MiB)", f"{total} bytes in {chunks} chunks, largest {largest}")

    titled = api.get("/json", transform_response=lambda data, headers: data["slideshow"]["title"])
    show("transform_response", titled.data)


@section("uploads", "Uploads")
def uploads(tour: Tour) -> None:
    """json=, data= (form fields) and multipart files= with (filename, file, mimetype)."""
    api = axios_python.create({"base_url": tour.url})
    report = io.BytesIO(b"region,total\nnorth,12\nsouth,30\n")
    echoed = api.post(
        "/post", data={"kind": "monthly"}, files={"file": ("report.csv", report, "text/csv")}
    ).data
    uploaded = echoed["files"]["file"]
    show("multipart field", echoed["form"])
    show("multipart file", f"{uploaded['filename']} ({uploaded['content_type']})")
    show("file content, first line", uploaded["content"].splitlines()[0])
    form = api.post("/post", data={"q": "axios", "lang": "py"}).data
    show("form (urlencoded)", form["form"])
    chunks = (part for part in (b"streamed ", b"in ", b"pieces"))
    show("generator body", api.post("/post", data=chunks).data["body"])


@section("errors", "Errors")
def errors(tour: Tour) -> None:
    """Typed errors carrying .config, .request and .response; also builtin exception types."""
    api = axios_python.create({"base_url": tour.url})
    try:
        api.get("/status/404")
    except HTTPStatusError as exc:
        show("HTTPStatusError", exc)
        show("  .response.status_code", exc.response.status_code)
        show("  .config['url']", exc.config["url"] if exc.config else None)
    show("validate_status=None", api.get("/status/404", validate_status=None).status_code)
    try:
        api.get("/delay/2", timeout=0.2)
    except axios_python.TimeoutError as exc:
        show("TimeoutError", exc)
        show("  also a builtin TimeoutError", isinstance(exc, TimeoutError))
    refused = f"http://127.0.0.1:{refusing_port()}/get"
    try:
        axios_python.get(refused, timeout=2)
    except NetworkError as exc:
        show("NetworkError", exc)
        show("  also a ConnectionError", isinstance(exc, ConnectionError))


@section("redirects", "Redirects")
def redirects(tour: Tour) -> None:
    """The pipeline follows redirects (the same way for every transport) and records history."""
    api = axios_python.create({"base_url": tour.url})
    followed = api.get("/redirect/3")
    show("GET /redirect/3 ended at", followed.url)
    show("history", [hop.status_code for hop in followed.history])
    kept = api.get("/redirect/1", follow_redirects=False, validate_status=None)
    show("follow_redirects=False", f"{kept.status_code} Location: {kept.headers['location']}")
    try:
        api.get("/redirect/5", max_redirects=2)
    except TooManyRedirectsError as exc:
        show("TooManyRedirectsError", exc)


@section("security", "Credentials stay home")
def security(tour: Tour) -> None:
    """Sensitive headers never reach an origin other than base_url's unless it is trusted."""
    api = axios_python.create(
        {
            "base_url": tour.url,
            "headers": {"Authorization": "Bearer secret", "X-Api-Key": "k-123"},
            "sensitive_headers": ["x-api-key"],
        }
    )
    home = api.get("/headers").data["headers"]
    foreign = api.get(f"{tour.other.url}/headers").data["headers"]
    show("home origin got Authorization", home.get("Authorization"))
    show("foreign origin got Authorization", foreign.get("Authorization"))
    show("foreign origin got X-Api-Key", foreign.get("X-Api-Key"))
    hop = api.get("/redirect-to", params={"url": f"{tour.other.url}/headers"})
    show("after a redirect to it", hop.data["headers"].get("Authorization"))
    trusting = axios_python.create(
        {
            "base_url": tour.url,
            "headers": {"Authorization": "Bearer secret"},
            "trusted_origins": [tour.other.url],
        }
    )
    trusted = trusting.get(f"{tour.other.url}/headers").data["headers"]
    show("trusted origin got Authorization", trusted.get("Authorization"))
    sneaky = api.get("//evil.example/x", validate_status=None)
    show("api.get('//evil.example/x') went to", sneaky.url)


@section("transport", "A custom transport")
def transport(tour: Tour) -> None:
    """Any BaseTransport can replace httpx; interceptors and middleware still run."""

    class CannedTransport(BaseTransport):
        """Answers every request itself: handy in unit tests."""

        def __init__(self) -> None:
            self.sent: list[str] = []

        def send(self, request: Request) -> Response:
            self.sent.append(f"{request.method} {request.url}")
            body = {"mock": True, "url": request.url, "auth": request.headers.get("authorization")}
            return Response(200, data=body, request=request)

        async def send_async(self, request: Request) -> Response:
            return self.send(request)

    canned = CannedTransport()
    api = AxiosPython({"base_url": "https://api.myapp.example/v1"}, transport=canned)

    def auth(config: RequestConfig) -> RequestConfig:
        config["headers"]["Authorization"] = "Bearer from-interceptor"
        return config

    api.interceptors.request.use(auth)
    show("api.get('/users').data", api.get("/users").data)
    show("async too", asyncio.run(api.async_get("/teams")).data["url"])
    show("the transport saw", canned.sent)


@section("async", "Async and concurrency")
def async_requests(tour: Tour) -> None:
    """async_ twins share the pipeline; asyncio.gather runs requests concurrently."""

    async def run() -> None:
        async with axios_python.create({"base_url": tour.url}) as api:
            started = time.perf_counter()
            paths = [f"/delay/0.2?n={n}" for n in range(5)]
            results = await asyncio.gather(*(api.async_get(path) for path in paths))
            elapsed = time.perf_counter() - started
            show("5 x /delay/0.2 with gather", f"{[r.status_code for r in results]}")
            show("wall time (concurrent, not 1 s)", f"{elapsed:.2f} s")
            response = await api.async_get("/stream/2", stream=True)
            async with response:
                async for line in response.aiter_lines():
                    show("aiter_lines", line)

    asyncio.run(run())


@section("retries", "Retries")
def retries(tour: Tour) -> None:
    """max_retries and a strategy retry network errors, timeouts and chosen statuses."""
    api = axios_python.create(
        {
            "base_url": tour.url,
            "max_retries": 3,
            "retry_strategy": FixedBackoff(delay=0.05, retry_on_status=[503]),
        }
    )
    ok = api.get("/flaky/tour/2")  # fails twice with 503, then answers 200
    show("GET /flaky (2 failures first)", f"{ok.status_code} after {ok.retries} retries")
    show("attempts the server saw", tour.server.flaky_attempts("tour"))
    try:
        api.get("/flaky/hopeless/10")
    except RetryError as exc:
        show("RetryError", exc)
        show("  .attempts / __cause__", f"{exc.attempts} / {type(exc.__cause__).__name__}")


@section("cancellation", "Cancellation")
def cancellation(tour: Tour) -> None:
    """A CancelToken aborts requests already in flight, sync or async, and frees the connection."""
    api = axios_python.create({"base_url": tour.url})
    token = CancelToken()
    threading.Timer(0.2, token.cancel, args=("user navigated away",)).start()
    started = time.perf_counter()
    try:
        api.get("/delay/5", cancel_token=token)  # the server would answer after 5 s
    except CancelError as exc:
        waited = time.perf_counter() - started
        show("sync GET /delay/5, cancelled", f"CancelError({exc.reason!r}) after {waited:.2f} s")
    deadline = time.monotonic() + 2
    while tour.server.connections_closed_by_client < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    show("server saw the client go away", tour.server.connections_closed_by_client >= 1)

    async def run() -> None:
        shared = CancelToken()
        asyncio.get_running_loop().call_later(0.2, shared.cancel, "shutting down")
        # A client per event loop: its async pool closes with the block, before the loop ends.
        async with axios_python.create({"base_url": tour.url}) as async_api:
            calls = [async_api.async_get(f"/delay/5?n={n}", cancel_token=shared) for n in range(3)]
            outcomes = await asyncio.gather(*calls, return_exceptions=True)
        show("one token, 3 async requests", [type(outcome).__name__ for outcome in outcomes])

    asyncio.run(run())
    already = CancelToken()
    already.cancel("too late")
    before = tour.server.hits["/get"]
    try:
        api.get("/get", cancel_token=already)
    except CancelError as exc:
        sent = tour.server.hits["/get"] - before
        show("already-cancelled token", f"CancelError({exc.reason!r}), {sent} requests sent")
    show("the instance still works", api.get("/get").status_code)
    api.close()


@section("plugins", "Plugins")
def plugins(tour: Tour) -> None:
    """Plugins extend one instance: a Plugin subclass, or an installed plugin by name."""

    class CorrelationIdPlugin(Plugin):
        """Attaches a fresh X-Correlation-Id header to every request."""

        def on_request(self, config: dict[str, Any]) -> dict[str, Any]:
            config["headers"]["X-Correlation-Id"] = str(uuid.uuid4())
            return config

    api = axios_python.create({"base_url": tour.url}).plugin(CorrelationIdPlugin())
    sent = api.get("/headers").data["headers"]
    show("CorrelationIdPlugin header", sent.get("X-Correlation-Id"))

    installed = [info.name for info in axios_python.list_plugins()]
    show("installed (listed, not imported)", ", ".join(installed))

    cached = axios_python.create({"base_url": tour.url}).plugin("cache", ttl=120)
    first, second = cached.get("/cache/60"), cached.get("/cache/60")
    show("plugin('cache'): from_cache", f"{first.from_cache} then {second.from_cache}")
    show("origin requests for /cache/60", tour.server.hits["/cache/60"])

    authed = axios_python.create({"base_url": tour.url, "plugins": {"auth": {"token": "t-1"}}})
    show("plugins={'auth': ...} sent", authed.get("/headers").data["headers"].get("Authorization"))
    show("plugin_names", authed.plugin_names)

    records = io.StringIO()
    handler = logging.StreamHandler(records)
    log = logging.getLogger("axios_python.tour")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    logged = axios_python.create({"base_url": tour.url}).plugin(
        "logger", logger="axios_python.tour"
    )
    logged.get("/get", params={"token": "s3cret"})
    log.removeHandler(handler)
    for line in records.getvalue().splitlines():
        show("plugin('logger')", line)

    try:
        api.plugin("cahce")
    except PluginNotFoundError as exc:
        show("plugin('cahce')", f"PluginNotFoundError: {exc}")


@section("fast-transports", "Fast transports by name")
def fast_transports(tour: Tour) -> None:
    """Transport plugins replace httpx per side: urllib3 for sync, aiohttp for async."""
    api = axios_python.create({"base_url": tour.url}).plugin("urllib3").plugin("aiohttp")
    show("sync request, urllib3", api.get("/get", params={"via": "urllib3"}).data["args"])

    async def run() -> None:
        answer = await api.async_get("/get", params={"via": "aiohttp"})
        show("async request, aiohttp", answer.data["args"])
        await api.aclose()

    asyncio.run(run())
    api.close()


# --- running ----------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run every section (or the ones named in ``argv``) against local servers."""
    names = list(sys.argv[1:] if argv is None else argv)
    known = {item.name for item in SECTIONS}
    unknown = [name for name in names if name not in known]
    if unknown:
        print(f"unknown section(s) {unknown}; choose from: {', '.join(sorted(known))}")
        return 2
    chosen = [item for item in SECTIONS if not names or item.name in names]
    with EchoServer() as server, EchoServer() as other:
        print(f"axios-python {axios_python.__version__} tour, local server at {server.url}")
        tour = Tour(server, other)
        for number, item in enumerate(chosen, start=1):
            print(f"\n== {number}. {item.title} ==")
            if item.run.__doc__:
                note(item.run.__doc__.strip())
            item.run(tour)
    print("\nTour complete.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
