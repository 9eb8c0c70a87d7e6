"""axios-python-logger: structured, redacted stdlib logging for axios-python clients.

Enable it by name or by class::

    api.plugin("logger", level="DEBUG", log_headers=True)
    api.plugin(LoggerPlugin(level=logging.INFO, log_body=True))
"""

from __future__ import annotations

from ._plugin import LoggerPlugin
from ._redact import DEFAULT_HEADERS, DEFAULT_PARAM_WORDS, MASK

__all__ = ["DEFAULT_HEADERS", "DEFAULT_PARAM_WORDS", "MASK", "LoggerPlugin", "__version__"]

__version__ = "0.1.0"
