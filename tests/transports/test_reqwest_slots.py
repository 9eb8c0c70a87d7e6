"""The reqwest transport's in-flight limit (Slots) and its helper threads (Calls), on their own."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from axios_python_reqwest import _calls
from axios_python_reqwest._calls import Calls
from axios_python_reqwest._slots import Slots
from pyreqwest.exceptions import ClientClosedError

from axios_python import CancelError, CancelToken, Request, Timeout, TimeoutError

__all__: list[str] = []


def _request(pool: float | None = 5.0) -> Request:
    return Request("GET", "http://127.0.0.1/x", timeout=Timeout(pool=pool))


def test_no_limit_never_waits() -> None:
    """Slots(None) lets any number of requests in at once."""
    slots = Slots(None)
    for _ in range(1000):
        slots.take(_request(pool=0.01), None)
    slots.release()


def test_a_freed_slot_goes_to_the_oldest_waiter() -> None:
    """Waiters are served first come, first served, each by a release."""
    slots = Slots(1)
    slots.take(_request(), None)
    order: list[int] = []

    def wait(number: int) -> None:
        slots.take(_request(), None)
        order.append(number)

    threads = []
    for number in range(3):
        thread = threading.Thread(target=wait, args=(number,))
        thread.start()
        threads.append(thread)
        assert _eventually(lambda n=number: len(slots._waiters) == n + 1)
    for expected in range(3):
        slots.release()
        assert _eventually(lambda e=expected: len(order) == e + 1)
    for thread in threads:
        thread.join(2)
    assert order == [0, 1, 2]
    assert slots.available == 0  # the last waiter still holds its slot


def test_threads_racing_for_slots_never_exceed_the_limit() -> None:
    """8 threads taking and releasing 2 slots: never more than 2 held, none lost, none waits on.

    Takes and releases with nobody waiting use no lock; a slot given back while a
    waiter queues itself must still reach that waiter (else it would wait out its
    pool timeout here and fail).
    """
    slots = Slots(2)
    held = [0]
    most = [0]
    count = threading.Lock()
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for turn in range(2000):
                slots.take(_request(pool=5.0), None)
                with count:
                    held[0] += 1
                    most[0] = max(most[0], held[0])
                if turn % 8 == 0:
                    time.sleep(0.0002)  # hold it a while: the others queue up
                with count:
                    held[0] -= 1
                slots.release()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert most[0] == 2
    assert slots.available == 2
    assert not slots._waiters


def test_a_slot_given_back_while_a_waiter_queues_reaches_it() -> None:
    """A release between a waiter's look for a free slot and its queueing is not lost.

    release() takes no lock when it sees nobody waiting; the waiter, once queued,
    hands out what came back meanwhile (else it would wait out its pool timeout).
    """

    class Racing(Slots):
        __slots__ = ("raced",)

        def __init__(self, limit: int) -> None:
            super().__init__(limit)
            self.raced = False

        def _grab(self) -> bool:
            got = super()._grab()
            if not got and not self.raced:
                self.raced = True
                self.release()  # the holder finishes right now, seeing no waiter yet
            return got

    slots = Racing(1)
    slots.take(_request(), None)
    slots.take(_request(pool=0.5), None)  # no TimeoutError: it got the slot given back
    assert slots.raced
    assert slots.available == 0
    assert not slots._waiters


def test_pool_timeout_names_the_limit() -> None:
    """A wait longer than the pool timeout raises TimeoutError and leaves the queue."""
    slots = Slots(1)
    slots.take(_request(), None)
    started = time.monotonic()
    with pytest.raises(
        TimeoutError, match=r"^pool timeout of 0\.2s for GET .* \(all 1 connections busy"
    ):
        slots.take(_request(pool=0.2), None)
    assert 0.15 < time.monotonic() - started < 2
    assert not slots._waiters


def test_cancelling_a_waiter_ends_its_wait_at_once() -> None:
    """A waiter whose token is cancelled raises CancelError and takes no slot."""
    slots = Slots(1)
    slots.take(_request(), None)
    token = CancelToken()
    threading.Timer(0.1, token.cancel, args=("stop",)).start()
    started = time.monotonic()
    with pytest.raises(CancelError, match="stop"):
        slots.take(_request(pool=None), token)
    assert time.monotonic() - started < 1
    assert not slots._waiters
    assert token._pending == 0
    slots.release()
    assert slots.available == 1


def test_a_slot_granted_to_a_cancelled_waiter_is_passed_on() -> None:
    """A waiter granted a slot just as its token is cancelled gives the slot back."""
    slots = Slots(1)
    slots.take(_request(), None)
    token = CancelToken()
    errors: list[BaseException] = []

    def wait() -> None:
        try:
            slots.take(_request(pool=None), token)
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=wait)
    thread.start()
    assert _eventually(lambda: len(slots._waiters) == 1)
    with slots._lock:  # the waiter wakes, but cannot look until both have happened
        token.cancel("late")
        slots._waiters.popleft().granted = True  # what release() does for it
    thread.join(2)
    assert len(errors) == 1
    assert isinstance(errors[0], CancelError)
    assert slots.available == 1  # handed back


async def test_async_waiters_are_woken_from_other_threads() -> None:
    """An async waiter gets a slot released by another thread, in order with the others."""
    slots = Slots(1)
    slots.take(_request(), None)
    order: list[int] = []

    async def wait(number: int) -> None:
        await slots.take_async(_request())
        order.append(number)

    tasks = [asyncio.ensure_future(wait(number)) for number in range(2)]
    await asyncio.sleep(0.05)
    assert len(slots._waiters) == 2
    await asyncio.to_thread(slots.release)
    await asyncio.wait_for(tasks[0], 2)
    slots.release()
    await asyncio.wait_for(tasks[1], 2)
    assert order == [0, 1]


async def test_async_wait_times_out_and_cancels_cleanly() -> None:
    """The pool timeout and a cancelled task both leave the queue; no slot is lost."""
    slots = Slots(1)
    slots.take(_request(), None)
    with pytest.raises(TimeoutError, match="pool timeout"):
        await slots.take_async(_request(pool=0.1))
    task = asyncio.ensure_future(slots.take_async(_request(pool=None)))
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not slots._waiters
    slots.release()
    assert slots.available == 1


def test_a_waiter_whose_loop_closed_is_skipped() -> None:
    """A release passes over an async waiter whose event loop is closed."""
    slots = Slots(1)
    slots.take(_request(), None)
    loop = asyncio.new_event_loop()
    task = loop.create_task(slots.take_async(_request(pool=None)))
    loop.run_until_complete(asyncio.sleep(0.01))  # the task now waits in the queue
    assert len(slots._waiters) == 1
    loop.close()
    slots.release()
    assert slots.available == 1
    assert not slots._waiters
    assert not task.done()  # nobody is left to run it


def test_calls_return_what_the_call_returns() -> None:
    """Calls.run gives the result, or raises the call's own error."""
    calls = Calls()
    assert calls.run(lambda: 42, CancelToken(), lambda _result: None) == 42
    with pytest.raises(ZeroDivisionError):
        calls.run(lambda: 1 // 0, CancelToken(), lambda _result: None)
    calls.close()


def test_an_abandoned_call_is_disposed_of_when_it_returns() -> None:
    """Cancelled, the caller gets CancelError at once; the result goes to dispose later."""
    calls = Calls()
    release = threading.Event()
    disposed: list[str] = []
    token = CancelToken()
    threading.Timer(0.1, token.cancel, args=("walk away",)).start()

    def slow() -> str:
        release.wait(5)
        return "late result"

    started = time.monotonic()
    with pytest.raises(CancelError, match="walk away"):
        calls.run(slow, token, disposed.append)
    assert time.monotonic() - started < 1
    assert disposed == []
    release.set()
    assert _eventually(lambda: disposed == ["late result"])
    calls.close()


@pytest.mark.parametrize("how", ["cancelled", "closed"])
def test_a_queued_call_never_runs(monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    """Behind a busy helper, a call whose token is cancelled, or whose transport closes, never runs.

    Cancelled, it raises CancelError; dropped by close(), pyreqwest's ClientClosedError
    (which the transport reports as "the transport was closed").
    """
    monkeypatch.setattr(_calls, "_MAX_HELPERS", 1)
    calls = Calls()
    busy = threading.Event()
    release = threading.Event()

    def occupy() -> None:
        busy.set()
        release.wait(5)

    first = threading.Thread(target=calls.run, args=(occupy, CancelToken(), lambda _r: None))
    first.start()
    assert busy.wait(2)
    ran: list[str] = []
    errors: list[BaseException] = []
    token = CancelToken()

    def queued() -> None:
        try:
            calls.run(lambda: ran.append("ran"), token, lambda _r: None)
        except BaseException as exc:
            errors.append(exc)

    second = threading.Thread(target=queued)
    second.start()
    pool = calls._pool
    assert pool is not None
    assert _eventually(lambda: pool._work_queue.qsize() == 1)
    if how == "cancelled":
        token.cancel("no more")
    else:
        calls.close()
    second.join(2)
    release.set()
    first.join(2)
    expected = CancelError if how == "cancelled" else ClientClosedError
    assert len(errors) == 1
    assert isinstance(errors[0], expected)
    time.sleep(0.05)  # the freed helper would run it now, if it were still queued
    assert ran == []
    calls.close()


def _eventually(check: object, seconds: float = 2.0) -> bool:
    deadline = time.monotonic() + seconds
    while not check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


async def test_try_take_never_jumps_the_queue() -> None:
    """try_take takes a free slot at once, but not while the limit is reached or someone waits."""
    slots = Slots(2)
    assert slots.try_take()
    assert slots.try_take()
    assert not slots.try_take()  # both slots are held
    assert slots.available == 0
    waiter = asyncio.ensure_future(slots.take_async(_request()))
    await asyncio.sleep(0.01)
    assert len(slots._waiters) == 1
    slots.release()  # goes to the waiter, not back to the pool
    await asyncio.wait_for(waiter, 2)
    assert not slots.try_take()
    slots.release()
    slots.release()
    assert slots.available == 2
    assert Slots(None).try_take()
