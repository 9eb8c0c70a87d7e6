"""axios-python-auth: bearer, basic and provider credentials for axios-python clients.

Install it and enable it by name or by class::

    api.plugin("auth", token="s3cret")
    api.plugin(AuthPlugin(scheme="Bearer", token_provider=get_token, refresh=renew))
"""

from __future__ import annotations

from ._plugin import AuthPlugin

__all__ = ["AuthPlugin", "__version__"]

__version__ = "0.1.0"
