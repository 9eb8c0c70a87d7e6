"""Per-client plugin manager: registering plugins and calling their hooks from the pipeline.

Each client owns at most one PluginHost (a pluggy PluginManager plus the
generator hook callers the pipeline runs). A client with no plugins has none,
so the request path pays nothing. Hook callers are generators: a hook result
that is awaitable becomes an ``Await`` effect, which the async driver awaits
and the sync driver rejects with a PluginError naming the plugin.
"""

from __future__ import annotations

import difflib
import functools
import inspect
import warnings
import weakref
from collections.abc import Callable, Generator, Mapping, Sequence
from types import CodeType
from typing import TYPE_CHECKING, Any, Literal

import pluggy
from pluggy import HookCaller

from . import hookspecs
from ._entrypoints import HOOK_NAMES, load_factory
from ._exceptions import PluginError
from ._models import Response
from ._pipeline import Await
from ._plugin_base import ADAPTED_HOOKS, Plugin
from ._plugin_errors import PluginNotFoundError, PluginOptionsError, PluginRegisteredError
from .transports.base import BaseTransport

if TYPE_CHECKING:
    from pluggy import HookImpl, Result

    from ._client import AxiosPython
    from ._config import RequestConfig

__all__ = ["PluginHost", "add_plugin", "plugin_name", "remove_plugin"]

HookGen = Generator[Await, Any, Any]
Transports = tuple[BaseTransport | None, BaseTransport | None]
HookCall = Callable[..., Any]
"""A planned hook call: takes the hook's arguments in hookspec order (see ``_compile``)."""


class _Manager(pluggy.PluginManager):
    """A PluginManager where a method named after a hook is an implementation, marked or not.

    As in pytest, ``hookimpl`` is needed only for options (tryfirst, wrapper...).
    For a Plugin subclass, an on_* adapter is registered only when the subclass
    overrides the on_* method, so an unused one costs nothing per request.
    """

    def parse_hookimpl_opts(self, plugin: object, name: str) -> pluggy.HookimplOpts | None:
        opts = super().parse_hookimpl_opts(plugin, name)
        if opts is not None or name not in HOOK_NAMES:
            return opts
        if isinstance(plugin, Plugin) and name in ADAPTED_HOOKS:
            cls, method = type(plugin), ADAPTED_HOOKS[name]
            if getattr(cls, name) is getattr(Plugin, name) and (
                getattr(cls, method) is getattr(Plugin, method)
            ):
                return None
        if not inspect.isroutine(getattr(plugin, name, None)):
            return None
        return pluggy.HookimplOpts(
            wrapper=False,
            hookwrapper=False,
            optionalhook=False,
            tryfirst=False,
            trylast=False,
            specname=None,
        )


class PluginHost:
    """One client's PluginManager and the hook callers ``_pipeline.request_flow`` runs."""

    def __init__(self, client: AxiosPython) -> None:
        # A weak reference: the client owns the host, and a dropped client with
        # plugins is then freed (pools closed) at once, not at the next cyclic GC.
        self._client_ref = weakref.ref(client)
        self.manager = _Manager(hookspecs.PROJECT_NAME)
        self.manager.add_hookspecs(hookspecs)
        self._hook = self.manager.hook
        self._monitored = False
        self._refresh()
        # pluggy's manager is a reference cycle (its hook callers hold its bound
        # _hookexec), so what it holds waits for the cyclic GC. Unregistering the
        # plugins when the client goes frees them, and their transports' pools
        # and sockets, at once.
        # Not at interpreter exit: a client still alive then (an atexit handler may
        # use it) must keep its plugins, its auth among them.
        weakref.finalize(client, _unregister_all, self.manager).atexit = False

    @property
    def _client(self) -> AxiosPython:
        client = self._client_ref()
        if client is None:  # pragma: no cover - the client is alive while it calls us
            raise PluginError("the client of this plugin host no longer exists")
        return client

    def _refresh(self) -> None:
        """Re-plan the request-path hooks; runs whenever plugins or monitoring change.

        Each hook becomes one planned call (``_compile``) that the pipeline makes
        directly: ``request_hook(config, client, is_async)`` and so on.
        """
        self.request_hook: HookCall = self._plan("axios_request", first=False)
        self.cached_response_hook: HookCall = self._plan("axios_cached_response", first=True)
        self.send_hook: HookCall = self._plan("axios_before_send", first=False)
        self.response_hook: HookCall = self._plan("axios_response", first=False)
        self._error: HookCall = self._plan("axios_error", first=True)
        interrupted: HookCaller = self._hook.axios_interrupted
        self._interrupted = interrupted if interrupted.get_hookimpls() else None
        # Read by the pipeline before each stage: no call at all when nobody listens.
        self.requests = self._implemented("axios_request")
        self.lookups = self._implemented("axios_cached_response")
        self.sends = self._implemented("axios_before_send")
        self.responses = self._implemented("axios_response")
        self.errors = self._implemented("axios_error")
        # The request's start time is read from the clock only for a hook that takes it.
        self.timed = any(
            "started" in impl.argnames
            for name in ("axios_response", "axios_error")
            for impl in getattr(self._hook, name).get_hookimpls()
        )

    def _implemented(self, name: str) -> bool:
        return bool(getattr(self._hook, name).get_hookimpls())

    def _plan(self, name: str, *, first: bool) -> HookCall:
        """The call the pipeline makes for hook ``name`` (see ``_compile``)."""
        caller: HookCaller = getattr(self._hook, name)
        impls = caller.get_hookimpls()
        assert caller.spec is not None  # every request-path hook has a hookspec
        params = tuple(caller.spec.argnames)
        if self._monitored or any(impl.wrapper or impl.hookwrapper for impl in impls):
            return _compile(name, params, [(caller, params)], first, by_name=True)
        # pluggy's call order (newest first) and arguments, without its per-call
        # bookkeeping: a plugin whose hook returns None costs about that call.
        calls = [(impl.function, tuple(impl.argnames)) for impl in reversed(impls)]
        return _compile(name, params, calls, first, by_name=False)

    def monitor(
        self,
        before: Callable[[str, Sequence[HookImpl], Mapping[str, Any]], None],
        after: Callable[[Result[Any], str, Sequence[HookImpl], Mapping[str, Any]], None],
    ) -> None:
        """Report every hook call to ``before`` / ``after`` (pluggy's hook-call monitoring)."""
        self.manager.add_hookcall_monitoring(before, after)
        self._monitored = True
        self._refresh()

    # --- registration ----------------------------------------------------------------------------

    @property
    def names(self) -> list[str]:
        """Registered plugin names, in registration order."""
        return [name for name, _ in self.manager.list_name_plugin()]

    def register(self, plugin: object, name: str) -> None:
        """Register ``plugin`` as ``name``; raise PluginError if it is invalid or taken."""
        if self.manager.has_plugin(name):
            raise PluginRegisteredError(
                f"a plugin named {name!r} is already registered on this client; call "
                f"api.unplugin({name!r}) first, or give the new one another name",
                plugin=name,
            )
        if self.manager.is_registered(plugin):
            other = self.manager.get_name(plugin)
            raise PluginRegisteredError(
                f"this {type(plugin).__name__} object is already registered on this client "
                f"as {other!r}; build a second instance to register it twice",
                plugin=name,
            )
        try:
            self.manager.register(plugin, name)
            self._check_hook_names(plugin, name)
            self._announce(plugin)
        except BaseException as exc:
            if self.manager.is_registered(plugin):
                self.manager.unregister(plugin)
            if isinstance(exc, PluginError) or not isinstance(exc, Exception):
                raise
            detail = "; ".join(str(exc).splitlines())
            raise PluginError(
                f"plugin {name!r} could not be registered: {type(exc).__name__}: {detail}"
            ) from exc
        finally:
            self._refresh()

    def _announce(self, plugin: object) -> None:
        """Deliver the historic axios_client_created to a newly registered plugin.

        pluggy's call_historic would keep the call's arguments, the client
        among them, for good; delivering per plugin keeps only a weak reference.
        ``_hookexec`` is the call pluggy's own historic replay makes (and what
        hook-call monitoring wraps).
        """
        caller = self._hook.axios_client_created
        impls = [impl for impl in caller.get_hookimpls() if impl.plugin is plugin]
        if impls:
            self.manager._hookexec(caller.name, impls, {"client": self._client}, False)

    def _check_hook_names(self, plugin: object, name: str) -> None:
        """Reject an ``axios_*`` method that matches no hook (a typo would never run)."""
        for attr in dir(plugin):
            if not attr.startswith("axios_") or attr in HOOK_NAMES:
                continue
            if not inspect.isroutine(getattr(plugin, attr, None)):
                continue
            close = difflib.get_close_matches(attr, list(HOOK_NAMES), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise PluginError(
                f"plugin {name!r} implements {attr!r}, which is not an axios_python hook{hint} "
                f"(hooks: {', '.join(list(HOOK_NAMES))})"
            )

    def unregister(self, name: str) -> object:
        """Remove the plugin registered as ``name`` and return it."""
        plugin = self.manager.unregister(name=name)
        self._refresh()
        return plugin

    def transports(self) -> Transports:
        """The (sync, async) transports the plugins supply; None where none does."""
        sync = self._transport("sync")
        return sync, self._transport("async")

    def supplied_transports(self, name: str | None = None) -> list[BaseTransport]:
        """Every transport the registered plugins (or only plugin ``name``) supply, either side.

        Asks each implementation itself, so a transport shadowed by a newer
        plugin's is found too (it is not in use, but it may hold connections). A
        hook that fails here is skipped: this serves closing, which must go on.
        """
        client = self._client
        found: list[BaseTransport] = []
        for impl in self._hook.axios_transport.get_hookimpls():
            if impl.wrapper or impl.hookwrapper or (name is not None and impl.plugin_name != name):
                continue
            for kind in ("sync", "async"):
                args = {"client": client, "kind": kind}
                try:
                    transport = impl.function(*[args[arg] for arg in impl.argnames])
                except Exception:  # a broken hook must not stop the closing
                    continue
                if isinstance(transport, BaseTransport) and all(transport is not t for t in found):
                    found.append(transport)
        return found

    def _transport(self, kind: Literal["sync", "async"]) -> BaseTransport | None:
        transport = self._hook.axios_transport(client=self._client, kind=kind)
        if transport is None:
            return None
        if not isinstance(transport, BaseTransport):
            raise PluginError(
                f"axios_transport(kind={kind!r}) must return a BaseTransport or None "
                f"(got {type(transport).__name__}: {transport!r:.80})"
            )
        supported = transport.supports_sync if kind == "sync" else transport.supports_async
        if not supported:
            method = "send()" if kind == "sync" else "send_async()"
            raise PluginError(
                f"axios_transport(kind={kind!r}) returned {type(transport).__name__}, which "
                f"does not implement {method}; return None for the {kind} side instead"
            )
        return transport

    # --- hook callers (generators run by the pipeline) ---------------------------------------

    # Each request-path hook is a plain planned call (see _refresh) returning what the
    # implementations returned (almost always nothing): request_hook, send_hook and
    # response_hook give the non-None results (a sequence), cached_response_hook the
    # first non-None one. Only a result to await goes through a generator, so a plugin
    # with nothing to do for a request costs its own call and no more.

    def await_requests(self, results: Sequence[Any], config: RequestConfig) -> HookGen:
        """Await the awaitables axios_request hooks returned (refusing other values)."""
        yield from self._await_all("axios_request", "config", results, config)

    def await_sends(self, results: Sequence[Any]) -> HookGen:
        """Await the awaitables axios_before_send hooks returned (refusing other values)."""
        yield from self._await_all("axios_before_send", "request", results, None)

    def _await_all(
        self, hook: str, edited: str, results: Sequence[Any], subject: object
    ) -> HookGen:
        """Await the awaitables an in-place editing hook returned; any other value is an error."""
        for index, result in enumerate(results):
            try:
                if result is subject:
                    continue
                if not inspect.isawaitable(result):
                    raise PluginError(
                        f"{hook} hooks edit the {edited} in place and return None "
                        f"(a plugin returned {type(result).__name__}: {result!r:.80})"
                    )
                yield Await(result, self._source(hook, result))
            except BaseException:
                _close(results[index + 1 :])
                raise

    def await_cached(self, result: object) -> HookGen:
        """The Response an axios_cached_response's awaitable gives, or None."""
        if inspect.isawaitable(result):
            result = yield Await(result, self._source("axios_cached_response", result))
        return _response_or_none("axios_cached_response", result)

    def apply_responses(self, response: Response, results: Sequence[Any]) -> HookGen:
        """The Response that replaces ``response``: the last one the results give (awaited)."""
        for index, result in enumerate(results):
            try:
                value = result
                if not isinstance(value, Response) and inspect.isawaitable(value):
                    value = yield Await(value, self._source("axios_response", value))
                replacement = _response_or_none("axios_response", value)
            except BaseException:
                _close(results[index + 1 :])
                raise
            if replacement is not None:
                response = replacement
        return response

    def error_hook(
        self, error: Exception, config: RequestConfig, is_async: bool, started: float | None
    ) -> HookGen:
        """Stage 7: the first Response an axios_error returns recovers the request; else None."""
        if not self.errors:
            return None
        result = self._error(error, config, self._client, is_async, started)
        if result is not None and not isinstance(result, Response) and inspect.isawaitable(result):
            result = yield Await(result, self._source("axios_error", result))
        return _response_or_none("axios_error", result)

    def interrupted_hook(self, error: BaseException, config: RequestConfig, is_async: bool) -> None:
        """Tell every axios_interrupted that ``error`` stopped the request; never raises."""
        caller = self._interrupted
        if caller is None:
            return
        args = {"error": error, "config": config, "client": self._client, "is_async": is_async}
        impls = caller.get_hookimpls()
        if self._monitored or any(impl.wrapper or impl.hookwrapper for impl in impls):
            _interruption_safe(error, functools.partial(caller, **args))  # pluggy calls them all
            return
        for impl in reversed(impls):  # each on its own: one failing must not skip the others
            kwargs = {name: args[name] for name in impl.argnames}
            _interruption_safe(error, functools.partial(impl.function, **kwargs))

    def _source(self, hook: str, result: object) -> str:
        """Name the plugin that returned ``result`` (matched by the coroutine's qualname)."""
        qualname = getattr(result, "__qualname__", None) or type(result).__qualname__
        for impl in getattr(self._hook, hook).get_hookimpls():
            prefixes = (type(impl.plugin).__qualname__ + ".", impl.function.__qualname__ + ".")
            if qualname == impl.function.__qualname__ or qualname.startswith(prefixes):
                return f"plugin {impl.plugin_name!r} ({qualname}, from {hook})"
        return f"a plugin's {hook} ({qualname})"


def _unregister_all(manager: pluggy.PluginManager) -> None:
    """Drop every plugin from ``manager`` (its client is gone)."""
    for _, plugin in manager.list_name_plugin():
        manager.unregister(plugin)


def _interruption_safe(error: BaseException, call: Callable[[], Any]) -> None:
    """Run an axios_interrupted implementation; what it raises or returns is only reported."""
    try:
        _close([call()])  # an awaitable could never be awaited: closed, not left to warn
    except Exception as exc:  # the interruption must go on: report, never raise
        warnings.warn(
            f"an axios_interrupted hook failed while {type(error).__name__} stopped a "
            f"request: {type(exc).__name__}: {exc}",
            RuntimeWarning,
            stacklevel=4,
        )


def _close(results: Sequence[Any]) -> None:
    """Close awaitables that will never be awaited (no "never awaited" warning follows)."""
    for result in results:
        close = getattr(result, "close", None)
        if inspect.isawaitable(result) and close is not None:
            close()


def _compile(
    hook: str,
    params: tuple[str, ...],
    calls: list[tuple[Callable[..., Any], tuple[str, ...]]],
    first: bool,
    *,
    by_name: bool,
) -> HookCall:
    """One function making every call in ``calls`` in order, with the arguments each takes.

    It takes the hook's arguments (``params``, the hookspec's order) and returns, when
    ``first``, the first non-None result (firstresult hooks), else the non-None
    results (an empty tuple when all were None, the usual case). Generated once per
    plan, like dataclasses' methods: each implementation is called with exactly the
    arguments it names, with no per-call tuple slicing, reordering or loop.
    ``by_name`` is for one pluggy HookCaller: keywords, and its result as it is.
    Only hookspec argument names (identifiers) go into the source; the callables
    are bound as globals.
    """
    assert all(name.isidentifier() for name in params)  # names from our hookspecs
    if first and not by_name and len(calls) == 1 and calls[0][1] == params:
        # One implementation taking every argument in order: it is the planned call
        # itself (the cache's axios_cached_response on most clients): no frame to forward.
        return calls[0][0]
    namespace: dict[str, Any] = {}
    results: list[str] = []
    body: list[str] = []
    for index, (function, names) in enumerate(calls):
        namespace[f"f{index}"] = function
        call = f"f{index}({', '.join(f'{n}={n}' if by_name else n for n in names)})"
        if by_name or (first and index == len(calls) - 1):
            body.append(f"return {call}")
            break
        body.append(f"r{index} = {call}")
        if first:
            body += [f"if r{index} is not None:", f"    return r{index}"]
        else:
            results.append(f"r{index}")
    if not calls:
        body.append("return None" if first else "return ()")
    elif len(results) == 1:
        body.append("return () if r0 is None else (r0,)")
    elif results:
        body += [
            f"if {' and '.join(f'{r} is None' for r in results)}:",
            "    return ()",
            f"return [r for r in ({', '.join(results)}) if r is not None]",
        ]
    source = f"def {hook}({', '.join(params)}):\n" + "".join(f"    {line}\n" for line in body)
    exec(_code(source, hook), namespace)
    planned: HookCall = namespace[hook]
    return planned


@functools.lru_cache(maxsize=256)
def _code(source: str, hook: str) -> CodeType:
    """The compiled plan source: plans repeat (every client with the same plugins)."""
    return compile(source, f"<axios_python planned {hook}>", "exec")


def _response_or_none(hook: str, value: object) -> Response | None:
    if value is None or isinstance(value, Response):
        return value
    raise PluginError(
        f"{hook} must return a Response or None (got {type(value).__name__}: {value!r:.80})"
    )


# --- what AxiosPython.plugin() / unplugin() do -------------------------------------------------


def plugin_name(plugin: object) -> str:
    """The name an object registers under: its ``name`` attribute, else its class name."""
    name = getattr(plugin, "name", None)
    if isinstance(name, str) and name:
        return name
    if inspect.ismodule(plugin):
        return plugin.__name__
    return type(plugin).__name__


def build_plugin(name: str, factory: Callable[..., object], options: Mapping[str, Any]) -> object:
    """Call ``factory(**options)``; a rejected option becomes a PluginOptionsError naming it."""
    try:
        signature: inspect.Signature | None = inspect.signature(factory)
    except (TypeError, ValueError):
        signature = None
    if signature is not None:
        _check_options(name, signature, options)
    try:
        return factory(**options)
    except (TypeError, ValueError) as exc:
        raise PluginOptionsError(
            # Option names only: values may be credentials (a token, a password).
            f"plugin {name!r} rejected its options {sorted(options)!r}: {exc}",
            plugin=name,
        ) from exc


def _check_options(name: str, signature: inspect.Signature, options: Mapping[str, Any]) -> None:
    params = signature.parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        accepted = None
    else:
        accepted = [
            key
            for key, p in params.items()
            if p.kind in (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        ]
    if accepted is not None:
        for option in options:
            if option not in accepted:
                close = difflib.get_close_matches(option, accepted, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                valid = ", ".join(accepted) if accepted else "none"
                raise PluginOptionsError(
                    f"plugin {name!r} has no option {option!r}{hint} (its options: {valid})",
                    plugin=name,
                    option=option,
                )
    for key, p in params.items():
        required = p.default is inspect.Parameter.empty and p.kind in (
            inspect.Parameter.KEYWORD_ONLY,
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
        )
        if required and key not in options:
            raise PluginOptionsError(
                f"plugin {name!r} requires the option {key!r}; pass it as "
                f"api.plugin({name!r}, {key}=...) or in create({{'plugins': {{{name!r}: "
                f"{{{key!r}: ...}}}}}})",
                plugin=name,
                option=key,
            )


def add_plugin(client: AxiosPython, plugin: object, options: Mapping[str, Any]) -> None:
    """Load (when ``plugin`` is a name), build and register a plugin on ``client``."""
    if isinstance(plugin, str):
        name = plugin
        _check_free(client, name)
        factory, _, _ = load_factory(name)
        instance = build_plugin(name, factory, options)
    else:
        if isinstance(plugin, type):
            raise PluginError(
                f"api.plugin() takes a plugin object or an installed plugin's name, not the "
                f"class {plugin.__name__}; build it first: api.plugin({plugin.__name__}(...))"
            )
        if options:
            raise PluginOptionsError(
                f"options {sorted(options)!r} apply only to a plugin loaded by name; "
                f"pass them to the constructor of {type(plugin).__name__} instead",
                plugin=plugin_name(plugin),
                option=next(iter(options)),
            )
        name = plugin_name(plugin)
        instance = plugin
    with client._plugin_lock:
        host = client._plugin_host or PluginHost(client)
        host.register(instance, name)
        try:
            transports = host.transports() if client._transport is None else (None, None)
        except Exception as exc:
            host.unregister(name)
            if isinstance(exc, PluginError):
                raise PluginError(f"plugin {name!r}: {exc}") from exc
            raise PluginError(
                f"plugin {name!r} failed in axios_transport: {type(exc).__name__}: {exc}"
            ) from exc
        try:
            client._configure(transports)  # the client's connection options, or a refusal
        except Exception:
            host.unregister(name)
            raise
        client._plugin_transports = transports
        client._plugin_host = host


def remove_plugin(client: AxiosPython, plugin: object) -> None:
    """Unregister a plugin (by name or by object) from ``client``."""
    with client._plugin_lock:
        host = client._plugin_host
        names = host.names if host is not None else []
        if isinstance(plugin, str):
            name: str | None = plugin if plugin in names else None
        else:
            name = host.manager.get_name(plugin) if host is not None else None
        if host is None or name is None:
            shown = plugin if isinstance(plugin, str) else plugin_name(plugin)
            registered = ", ".join(names) if names else "none"
            raise PluginNotFoundError(
                f"no plugin named {shown!r} is registered on this client "
                f"(registered: {registered})",
                plugin=shown,
            )
        removed = host.supplied_transports(name)
        host.unregister(name)
        if not host.names:
            client._plugin_host = None
            client._plugin_transports = (None, None)
        elif client._transport is None:
            client._plugin_transports = host.transports()
        # The removed plugin's transports hold connections nobody will use: close
        # them, unless the client or a remaining plugin still uses the same object.
        still_used = client._transports()
        for transport in removed:
            if all(transport is not used for used in still_used):
                transport.close()


def _check_free(client: AxiosPython, name: str) -> None:
    host = client._plugin_host
    if host is not None and host.manager.has_plugin(name):
        raise PluginRegisteredError(
            f"a plugin named {name!r} is already registered on this client; call "
            f"api.unplugin({name!r}) first to replace it",
            plugin=name,
        )
