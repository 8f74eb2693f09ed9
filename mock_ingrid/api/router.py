"""A router that only tries the routes of the request's first path segment.

Starlette's router tries every route's regex in turn; with fifty routes that is
most of a cheap request's cost. Indexing by the first segment (``returns``,
``merchant``, ``_mock``, ...) leaves a handful of candidates and keeps the
exact matching, 404 and 405 behaviour of Starlette's loop. A plain ``Route`` is
matched here, as ``Route.matches`` and ``Route.handle`` would, without their
intermediate dictionaries and tuples.
"""

from __future__ import annotations

from starlette._utils import get_route_path
from starlette.routing import BaseRoute, Match, Route, Router
from starlette.types import Receive, Scope, Send


def _first_segment(path: str) -> str:
    return path[1:].split("/", 1)[0]


class IndexedRouter(Router):
    _index: dict[str, list[BaseRoute]]
    _indexed_count = -1

    def _candidates(self, path: str) -> list[BaseRoute]:
        if self._indexed_count != len(self.routes):  # routes were added since
            self._build_index()
        return self._index.get(_first_segment(path), self._index[""])

    def _build_index(self) -> None:
        index: dict[str, list[BaseRoute]] = {}
        unindexed: list[BaseRoute] = []
        for route in self.routes:
            segment = _first_segment(route.path) if isinstance(route, Route) else "{"
            if "{" in segment:
                unindexed.append(route)
            else:
                index.setdefault(segment, []).append(route)
        # Routes whose first segment is a parameter could match any path.
        self._index = {key: routes + unindexed for key, routes in index.items()}
        self._index[""] = unindexed
        self._indexed_count = len(self.routes)

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().app(scope, receive, send)
            return
        scope.setdefault("router", self)
        path = get_route_path(scope)
        method = scope["method"]
        partial: BaseRoute | None = None
        partial_scope: Scope = {}
        for route in self._candidates(path):
            if type(route) is Route:
                found = route.path_regex.match(path)
                if found is None:
                    continue
                params = found.groupdict()
                for key, value in params.items():
                    params[key] = route.param_convertors[key].convert(value)
                if "path_params" in scope:
                    params = {**scope["path_params"], **params}
                if route.methods and method not in route.methods:
                    if partial is None:
                        partial = route
                        partial_scope = {"endpoint": route.endpoint, "path_params": params}
                    continue
                scope["route"] = route
                scope["endpoint"] = route.endpoint
                scope["path_params"] = params
                await route.app(scope, receive, send)
                return
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                scope["route"] = route
                scope.update(child_scope)
                await route.handle(scope, receive, send)
                return
            if match is Match.PARTIAL and partial is None:
                partial, partial_scope = route, child_scope
        if partial is not None:
            scope["route"] = partial
            scope.update(partial_scope)
            await partial.handle(scope, receive, send)
            return
        await self.default(scope, receive, send)
