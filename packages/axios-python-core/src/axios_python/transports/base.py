"""BaseTransport: the one seam between the pipeline and an HTTP library."""

from __future__ import annotations

from .._exceptions import UnsupportedRequestError
from .._models import Request, Response

__all__ = ["BaseTransport"]


class BaseTransport:
    """Sends one prepared Request and returns a Response; override ``send``, ``send_async`` or both.

    A transport never follows redirects, retries or validates statuses: the
    pipeline does that the same way for every transport. It maps its library's
    failures to TimeoutError / NetworkError, honours ``request.timeout`` and, when
    ``request.stream`` is true, returns a Response whose body is a byte stream.

    Example::

        class Canned(BaseTransport):
            def send(self, request: Request) -> Response:
                return Response(200, data={"url": request.url}, request=request)

            async def send_async(self, request: Request) -> Response:
                return self.send(request)
    """

    def send(self, request: Request) -> Response:
        """Send ``request`` from synchronous code."""
        raise UnsupportedRequestError(
            f"{type(self).__name__} does not support synchronous requests; "
            "use the async_ methods or a transport that implements send()"
        )

    async def send_async(self, request: Request) -> Response:
        """Send ``request`` from async code."""
        raise UnsupportedRequestError(
            f"{type(self).__name__} does not support async requests; "
            "use the sync methods or a transport that implements send_async()"
        )

    @property
    def supports_sync(self) -> bool:
        """True when this transport implements ``send``."""
        return type(self).send is not BaseTransport.send

    @property
    def supports_async(self) -> bool:
        """True when this transport implements ``send_async``."""
        return type(self).send_async is not BaseTransport.send_async

    def close(self) -> None:
        """Release connections held for synchronous requests."""

    async def aclose(self) -> None:
        """Release every connection, sync and async."""
        self.close()
