"""How the core reads a request's ``url``, for plugins that must agree with it.

A plugin that decides something from the URL before the core joins it (which
origin gets a credential, what a log line or span shows) asks the same question
the core asks, so the two can never disagree about where a request goes.
"""

from __future__ import annotations

from ._urls import is_absolute

__all__ = ["is_absolute"]
