"""A user's program: everything here must pass mypy --strict and pyright's default mode."""

from __future__ import annotations

import asyncio

from axios_python_auth import AuthPlugin as AuthPluginClass
from typing_extensions import assert_type

import axios_python
from axios_python import AuthPlugin, AxiosPython, RequestConfig, Response

api = axios_python.create(
    {
        "base_url": "https://api.example.com/v1",
        "timeout": {"connect": 2, "read": 10},
        "headers": {"Accept": "application/json"},
        "max_retries": 2,
        "follow_redirects": False,
    }
)
assert_type(api, AxiosPython)
client = AxiosPython({"base_url": "https://api.example.com"})


def add_request_id(config: RequestConfig) -> RequestConfig:
    """The README's request interceptor, annotated."""
    config["headers"]["X-Request-Id"] = "req-123"
    if config["method"] == "POST" and config["timeout"].read is not None:
        config["headers"]["X-Slow"] = "1"
    return config


def keep(response: Response) -> Response:
    return response


api.interceptors.request.use(add_request_id)
api.interceptors.request.use(lambda config: config)
api.interceptors.response.use(keep)

assert_type(AuthPlugin, type[AuthPluginClass])  # the lazy re-export is the real class
api.plugin(AuthPlugin(token="secret"))

response = api.get("/users", params={"page": 1}, timeout=5)
assert_type(response, Response)


async def main() -> int:
    async with axios_python.create({"base_url": "https://api.example.com"}) as other:
        reply = await other.async_post("/users", json={"name": "Ada"})
    return reply.status_code


status: int = asyncio.run(main())
