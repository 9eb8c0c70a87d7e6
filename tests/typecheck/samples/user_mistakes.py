"""Mistakes the type checkers must catch.

Each line marked ``# error`` must be reported by mypy --strict and by pyright, and
no other line; ``# error: word`` also requires both messages to quote ``word``.
"""

from __future__ import annotations

import axios_python
from axios_python import AuthPlugin, RequestConfig

axios_python.create({"timout": 5})  # error: timout
axios_python.create({"base_url": "https://x.test", "follow_redirect": 1})  # error: follow_redirect
axios_python.AxiosPython({"max_retries": "3"})  # error (a str where an int belongs)
api = axios_python.create({"base_url": "https://x.test"})
api.get("/users", timout=5)  # error: timout


def interceptor(config: RequestConfig) -> RequestConfig:
    config["header"]["X-Id"] = "1"  # error: header
    return config


AuthPlugin(tokn="secret")  # error: tokn  (the lazy re-export is typed, not Any)
