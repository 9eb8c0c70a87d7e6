"""The refresher behind AuthPlugin(refresh=...): one flight shared by threads and tasks."""

from __future__ import annotations

import asyncio
import threading

import pytest
from axios_python_auth._refresh import Refresher

from axios_python import PluginError


def bearer(token: str) -> str:
    return f"Bearer {token}"


class GatedRefresh:
    """A sync refresh that blocks until released, so others arrive while it runs."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        self.started.set()
        assert self.release.wait(timeout=5)
        return "new"


async def test_a_thread_leader_serves_waiting_tasks() -> None:
    """Tasks that arrive while a thread refreshes get its token; refresh runs once."""
    refresh = GatedRefresh()
    refresher = Refresher(refresh, bearer)
    results: list[str] = []
    leader = threading.Thread(target=lambda: results.append(refresher.renew_sync("Bearer old")))
    leader.start()
    assert await asyncio.to_thread(refresh.started.wait, 5)
    waiters = [asyncio.ensure_future(refresher.renew_async("Bearer old")) for _ in range(5)]
    await asyncio.sleep(0)  # let every task register before the flight lands
    refresh.release.set()
    assert await asyncio.gather(*waiters) == ["new"] * 5
    await asyncio.to_thread(leader.join, 5)
    assert results == ["new"]
    assert refresh.calls == refresher.calls == 1


def test_late_arrivals_with_an_old_token_reuse_the_new_one() -> None:
    """After a refresh, a caller holding the token from before gets the new one, no refresh."""
    refresher = Refresher(lambda: "new", bearer)
    assert refresher.renew_sync("Bearer old") == "new"
    assert refresher.renew_sync("Bearer old") == "new"
    assert refresher.calls == 1
    assert refresher.renew_sync("Bearer new") == "new"  # the new token itself was refused
    assert refresher.calls == 2


def test_waiters_share_the_leaders_failure() -> None:
    """When the refresh raises, threads that waited on it get a PluginError chained to it."""
    refresh = GatedRefresh()
    errors: list[BaseException] = []

    def slow_failure() -> str:
        refresh()
        raise RuntimeError("idp down")

    failing = Refresher(slow_failure, bearer)

    def call() -> None:
        try:
            failing.renew_sync("Bearer old")
        except BaseException as exc:
            errors.append(exc)

    leader = threading.Thread(target=call)
    leader.start()
    assert refresh.started.wait(5)
    waiter = threading.Thread(target=call)
    waiter.start()
    refresh.release.set()
    leader.join(5)
    waiter.join(5)
    kinds = sorted(type(e).__name__ for e in errors)
    assert kinds == ["PluginError", "RuntimeError"]
    shared = next(e for e in errors if isinstance(e, PluginError))
    assert isinstance(shared.__cause__, RuntimeError)
    assert failing.calls == 1


def test_a_refresh_returning_a_bad_token_is_reported() -> None:
    """refresh() must return a non-empty str; the message says so without quoting it."""
    refresher = Refresher(lambda: "", bearer)
    with pytest.raises(PluginError, match=r"refresh\(\) result must be a non-empty str"):
        refresher.renew_sync("Bearer old")
