"""Tests of the plugin system: hooks, registration, entry points, listing, testing helpers."""
