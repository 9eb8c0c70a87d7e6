"""stale-while-revalidate: refresh a stale entry in the background, at most once per key at a time.

The refresh is an ordinary GET through the client (so auth, cookies and the
other plugins apply), marked so the plugin revalidates instead of serving the
stale entry again. On the async path it is a task on the running loop, on the
sync path a daemon thread; a failed refresh only leaves the stale entry as it is.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from ._driver import Fetch, fetch_async, fetch_sync

if TYPE_CHECKING:
    from axios_python import AxiosPython, Request

__all__ = ["Refresher", "resend_options"]

logger = logging.getLogger("axios_python_cache")

_MAX_RUNNING: Final = 8  # background refreshes at once; more stale hits simply wait their turn
# Config keys that a repetition of the request takes from the request itself instead.
_NOT_FORWARDED: Final = frozenset({"method", "url", "params", "headers"})


def resend_options(request: Request, config: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """URL and options that send ``request`` again through the client, as its own request.

    The prepared URL already carries the query: it is passed as a query string,
    which replaces (not repeats) the instance's default params. A background
    refresh outlives its request, so it does not take the request's cancel token.
    """
    options = {key: value for key, value in config.items() if key not in _NOT_FORWARDED}
    options.pop("cancel_token", None)
    options["headers"] = request.headers.copy()
    url, mark, query = request.url.partition("#")[0].partition("?")
    if mark:
        options["params"] = query
    return url, options


class Refresher:
    """Starts background refreshes and remembers which keys are being refreshed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()  # strong references until done

    def __len__(self) -> int:
        with self._lock:
            return len(self._running)

    def start(
        self, key: str, client: AxiosPython, url: str, options: dict[str, Any], is_async: bool
    ) -> bool:
        """Refresh ``key`` in the background unless it already is (or too many are).

        Returns True when a refresh was started.
        """
        with self._lock:
            if key in self._running or len(self._running) >= _MAX_RUNNING:
                return False
            self._running.add(key)
        fetch = Fetch(client, url, options, "revalidate", key)
        try:
            if is_async:
                task = asyncio.get_running_loop().create_task(self._refresh_async(fetch))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            else:
                name = "axios-python-cache refresh"
                worker = threading.Thread(
                    target=self._refresh_sync, args=(fetch,), name=name, daemon=True
                )
                worker.start()
        except BaseException:
            self._done(key)
            raise
        return True

    def _refresh_sync(self, fetch: Fetch) -> None:
        try:
            fetch_sync(fetch)
        except Exception as exc:
            logger.debug("background refresh of %s failed: %r", fetch.url, exc)
        finally:
            self._done(fetch.key)

    async def _refresh_async(self, fetch: Fetch) -> None:
        try:
            await fetch_async(fetch)
        except Exception as exc:
            logger.debug("background refresh of %s failed: %r", fetch.url, exc)
        finally:
            self._done(fetch.key)

    def _done(self, key: str) -> None:
        with self._lock:
            self._running.discard(key)
