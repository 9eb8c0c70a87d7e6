"""The transports under test and a client facade that drives one of them from one side.

Every transport-facing test runs once per (transport, side) pair listed in
TRANSPORTS: a new transport gets the whole conformance suite by adding one line.
"""

from __future__ import annotations

import asyncio
import importlib.util
import ssl
import time
from collections.abc import AsyncGenerator, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, cast

import httpx
from axios_python_aiohttp import AiohttpTransport
from axios_python_reqwest import ReqwestTransport
from axios_python_urllib3 import Urllib3Transport
from echo_server import EchoServer

from axios_python import AxiosPython, BaseTransport, HttpxTransport, RequestOptions, Response
from axios_python.transports.httpx2 import httpx2_transport, load_httpx2

__all__ = ["HAS_HTTPX2", "TRANSPORTS", "Client", "TransportCase", "cases", "eventually"]


@dataclass(frozen=True)
class TransportCase:
    """One transport: its name, how to build it, and the sides it serves.

    ``build(max_connections, ssl_context)`` makes a fresh transport: None for
    either keeps that transport's default pool limit or certificate trust.
    Five fields mark documented limits: ``abandons_in_flight``, the transport
    cannot abort a request in flight, so a cancelled one is left to finish in the
    background; ``fills_absent``, the (name, value) the transport sends for a
    header the request does not have; ``tells_reuse`` False, the transport cannot
    tell a kept-alive connection from a new one, so it never flags a dropped
    request ``unanswered`` and such a request is not sent again;
    ``ascii_headers_only``, a response header with bytes outside visible ASCII
    (raw UTF-8) is a ProtocolError, as the library underneath cannot hand it over;
    ``pools_in_background``, a read connection goes back to the pool in a background
    task, so a request sent the instant the previous one ended may open another.
    """

    name: str
    build: Callable[[int | None, ssl.SSLContext | None], BaseTransport]
    sides: tuple[str, ...]
    abandons_in_flight: bool = False
    fills_absent: tuple[tuple[str, str], ...] = ()
    tells_reuse: bool = True
    ascii_headers_only: bool = False
    pools_in_background: bool = False


def _httpx(limit: int | None, context: ssl.SSLContext | None) -> BaseTransport:
    options: dict[str, Any] = {} if context is None else {"verify": context}
    if limit is not None:
        options["limits"] = httpx.Limits(max_connections=limit)
    return HttpxTransport(**options)


def _httpx2(limit: int | None, context: ssl.SSLContext | None) -> BaseTransport:
    options: dict[str, Any] = {} if context is None else {"verify": context}
    if limit is not None:
        options["limits"] = load_httpx2().Limits(max_connections=limit)
    return httpx2_transport(**options)


def _urllib3(limit: int | None, context: ssl.SSLContext | None) -> BaseTransport:
    options: dict[str, Any] = {} if context is None else {"ssl_context": context}
    return Urllib3Transport(max_connections=limit or 100, **options)


def _aiohttp(limit: int | None, context: ssl.SSLContext | None) -> BaseTransport:
    return AiohttpTransport(max_connections=limit or 100, ssl=True if context is None else context)


def _reqwest(limit: int | None, context: ssl.SSLContext | None) -> BaseTransport:
    return ReqwestTransport(
        max_connections=limit or 100, verify=True if context is None else context
    )


# httpx2 needs Python 3.11+: on 3.10 the extra installs nothing, so the case drops out.
HAS_HTTPX2 = importlib.util.find_spec("httpx2") is not None

TRANSPORTS: tuple[TransportCase, ...] = (
    TransportCase("httpx", _httpx, ("sync", "async")),
    TransportCase("urllib3", _urllib3, ("sync",)),
    TransportCase("aiohttp", _aiohttp, ("async",)),
    TransportCase(
        "reqwest",
        _reqwest,
        ("sync", "async"),
        abandons_in_flight=True,
        fills_absent=(("user-agent", ""), ("accept", "*/*")),
        tells_reuse=False,  # pyreqwest does not say whether a pooled connection was used
        ascii_headers_only=True,
        pools_in_background=True,  # hyper puts a connection back from its own task
    ),
    *([TransportCase("httpx2", _httpx2, ("sync", "async"))] if HAS_HTTPX2 else []),
)


def cases() -> list[tuple[TransportCase, str]]:
    """Every (transport, side) pair the suite runs on."""
    return [(case, side) for case in TRANSPORTS for side in case.sides]


class Client:
    """An AxiosPython on one transport, called the sync or the async way by the same test body."""

    def __init__(self, case: TransportCase, side: str, server: EchoServer) -> None:
        self.case = case
        self.side = side
        self.server = server
        self._opened: list[AxiosPython] = []
        self.api = self.new()

    def __repr__(self) -> str:
        return f"<Client {self.case.name}-{self.side}>"

    @property
    def is_async(self) -> bool:
        """True when requests go through the async_ methods."""
        return self.side == "async"

    async def settle(self) -> None:
        """Let a transport that pools in the background put the last connection back.

        The documented limit of ``pools_in_background``: between sequential requests
        that must share one connection, such a transport gets a moment; others none.
        """
        if self.case.pools_in_background:
            await asyncio.sleep(0.05)

    def new(
        self,
        max_connections: int | None = None,
        ssl_context: ssl.SSLContext | None = None,
        **config: Any,
    ) -> AxiosPython:
        """Another client on a fresh transport of this case (closed when the test ends)."""
        api = AxiosPython(
            cast("RequestOptions", {"base_url": self.server.url, **config}),
            transport=self.case.build(max_connections, ssl_context),
        )
        self._opened.append(api)
        return api

    def transport(self, max_connections: int | None = None) -> BaseTransport:
        """A bare transport of this case, closed when the test ends."""
        return self.new(max_connections)._transport  # type: ignore[return-value]

    async def close(self) -> None:
        """Close every client this facade opened."""
        for api in self._opened:
            await api.aclose()

    # --- requests -------------------------------------------------------------------

    async def request(
        self, method: str, url: str, *, api: AxiosPython | None = None, **options: Any
    ) -> Response:
        """Send through the whole pipeline on this client's side."""
        target = api if api is not None else self.api
        if self.is_async:
            return await target.async_request(method, url, **options)
        return target.request(method, url, **options)

    async def get(self, url: str, **options: Any) -> Response:
        """GET ``url``."""
        return await self.request("GET", url, **options)

    async def post(self, url: str, **options: Any) -> Response:
        """POST to ``url``."""
        return await self.request("POST", url, **options)

    async def gather(self, count: int, url: str, **options: Any) -> list[Response]:
        """Send ``count`` GETs at once: tasks on the async side, threads on the sync side."""
        if self.is_async:
            return list(await asyncio.gather(*(self.get(url, **options) for _ in range(count))))
        with ThreadPoolExecutor(max_workers=count) as pool:
            futures = [pool.submit(self.api.get, url, **options) for _ in range(count)]
            return [future.result(timeout=10) for future in futures]

    # --- streamed bodies ------------------------------------------------------------

    async def chunks(self, response: Response) -> list[bytes]:
        """Every chunk of a streamed body."""
        if self.is_async:
            return [chunk async for chunk in response.aiter_bytes()]
        return list(response.iter_bytes())

    async def lines(self, response: Response) -> list[str]:
        """Every line of a streamed body."""
        if self.is_async:
            return [line async for line in response.aiter_lines()]
        return list(response.iter_lines())

    async def first_chunk(self, response: Response) -> bytes:
        """The first chunk of a streamed body (the rest stays unread)."""
        if self.is_async:
            iterator = cast(AsyncGenerator[bytes, None], response.aiter_bytes())
            chunk = await iterator.__anext__()
            await iterator.aclose()
            return chunk
        return next(iter(response.iter_bytes()))

    async def close_response(self, response: Response) -> None:
        """Close a streamed response on this side."""
        if self.is_async:
            await response.aclose()
        else:
            response.close()


async def eventually(check: Callable[[], bool], seconds: float = 2.0) -> bool:
    """Poll ``check`` until it is true or ``seconds`` pass; return its last result."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.01)
    return True


def total(chunks: Iterable[bytes]) -> int:
    """The number of bytes in ``chunks``."""
    return sum(len(chunk) for chunk in chunks)
