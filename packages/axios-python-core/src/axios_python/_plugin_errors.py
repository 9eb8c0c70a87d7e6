"""The PluginError family: one class per way loading or registering a plugin can fail.

Kept apart from the plugin machinery so ``import axios_python`` can export them
without importing pluggy or importlib.metadata.
"""

from __future__ import annotations

from ._exceptions import PluginError

__all__ = [
    "PluginConflictError",
    "PluginImportError",
    "PluginNotFoundError",
    "PluginOptionsError",
    "PluginRegisteredError",
]


class PluginNotFoundError(PluginError, LookupError):
    """No installed plugin (or no plugin on this client) has the requested name."""

    def __init__(self, message: str, *, plugin: str) -> None:
        super().__init__(message)
        self.plugin = plugin


class PluginImportError(PluginError, ImportError):
    """Importing a plugin's entry point failed; ``__cause__`` is the original error."""

    def __init__(
        self, message: str, *, plugin: str, distribution: str | None, version: str | None
    ) -> None:
        super().__init__(message)
        self.plugin = plugin
        self.distribution = distribution
        self.version = version


class PluginConflictError(PluginError):
    """Two or more installed distributions claim the same plugin name."""

    def __init__(self, message: str, *, plugin: str, distributions: tuple[str, ...]) -> None:
        super().__init__(message)
        self.plugin = plugin
        self.distributions = distributions


class PluginOptionsError(PluginError, TypeError):
    """A plugin's factory rejected the options it was given."""

    def __init__(self, message: str, *, plugin: str, option: str | None = None) -> None:
        super().__init__(message)
        self.plugin = plugin
        self.option = option


class PluginRegisteredError(PluginError, ValueError):
    """A plugin with this name (or this very object) is already registered on the client."""

    def __init__(self, message: str, *, plugin: str) -> None:
        super().__init__(message)
        self.plugin = plugin
