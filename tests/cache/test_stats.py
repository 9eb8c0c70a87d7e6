"""The cache's counters: exact under threads without a lock per count, readable any time."""

from __future__ import annotations

import threading

import pytest
from axios_python_cache import CachePlugin
from axios_python_cache._stats import CacheStats, Counters
from echo_server import EchoServer

import axios_python


def test_counts_stay_exact_while_threads_count_and_read() -> None:
    """8 threads count 20,000 misses each while another reads: nothing lost, reads never go back."""
    counters = Counters()
    start = threading.Barrier(9)

    def count() -> None:
        start.wait()
        for _ in range(20_000):
            counters.add("misses")
        counters.add("bypasses")

    threads = [threading.Thread(target=count) for _ in range(8)]
    for thread in threads:
        thread.start()
    start.wait()
    seen = [counters.snapshot().misses for _ in range(200)]
    for thread in threads:
        thread.join()
    assert seen == sorted(seen)  # reading does not disturb the counts
    assert counters.snapshot() == CacheStats(misses=160_000, bypasses=8)
    assert counters.snapshot() == CacheStats(misses=160_000, bypasses=8)  # reads change nothing


def test_reset_and_unknown_names() -> None:
    """reset() starts every counter from zero; an unknown counter name is a KeyError naming it."""
    counters = Counters()
    for name in ("hits", "hits", "stores"):
        counters.add(name)
    assert counters.snapshot() == CacheStats(hits=2, stores=1)
    counters.reset()
    assert counters.snapshot() == CacheStats()
    counters.add("hits")
    assert counters.snapshot().hits == 1
    with pytest.raises(KeyError, match="unknown cache counter 'hit'; expected one of"):
        counters.add("hit")


def test_a_hot_path_counts_through_the_same_dict_across_resets() -> None:
    """``counts`` is one dict for the object's life: ``next(counts[name])`` counts before and
    after reset(), as the plugin's per-request bypass does."""
    counters = Counters()
    counts = counters.counts
    next(counts["bypasses"])
    assert counters.snapshot().bypasses == 1
    counters.reset()
    assert counters.counts is counts
    next(counts["bypasses"])
    next(counts["bypasses"])
    assert counters.snapshot() == CacheStats(bypasses=2)


def test_the_plugin_counts_a_credential_bypass(server: EchoServer) -> None:
    """A GET with Authorization is not looked up and shows in stats.bypasses, reset included."""
    plugin = CachePlugin()
    api = axios_python.create({"base_url": server.url}).plugin(plugin)
    for _ in range(3):
        api.get("/get", headers={"Authorization": "Bearer t"})
    assert (plugin.stats.bypasses, plugin.stats.misses, server.hits["/get"]) == (3, 0, 3)
    plugin.reset_stats()
    api.get("/get", headers={"Authorization": "Bearer t"})
    assert plugin.stats == CacheStats(bypasses=1)
