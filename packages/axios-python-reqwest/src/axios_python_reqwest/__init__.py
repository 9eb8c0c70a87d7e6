"""axios-python-reqwest: a fast transport for both sides on pyreqwest (Rust reqwest and hyper).

``api.plugin("reqwest")`` (entry point ``reqwest``) makes a client's sync and
async requests use it; ``AxiosPython(config, transport=ReqwestTransport())``
works too.
"""

from ._plugin import ReqwestPlugin
from ._transport import ReqwestTransport

__all__ = ["ReqwestPlugin", "ReqwestTransport", "__version__"]

__version__ = "0.1.0"
