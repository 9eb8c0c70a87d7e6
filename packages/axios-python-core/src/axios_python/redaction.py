"""What the library treats as secret, for plugins that print requests (loggers, tracers).

One definition for the core and every plugin: the request headers that carry
credentials, the words that mark a query parameter as secret, the mask shown in
their place, the loggers the HTTP libraries underneath write to, and how to find
a header's value in what those libraries log. A plugin
that extends them (``redact_headers=``, ``redact_params=``) adds to these.
"""

from __future__ import annotations

from ._redact import (
    CREDENTIAL_HEADERS,
    LIBRARY_LOGGERS,
    MASK,
    SENSITIVE_PARAM_WORDS,
    header_value_pattern,
)

__all__ = [
    "CREDENTIAL_HEADERS",
    "LIBRARY_LOGGERS",
    "MASK",
    "SENSITIVE_PARAM_WORDS",
    "header_value_pattern",
]
