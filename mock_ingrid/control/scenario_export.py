"""A recording (``recorder.py``) as a scenario document, the format of
``scenarios/*.json`` that ``mock-ingrid scenario run FILE`` replays.

Pure: no HTTP. The document opens with the steps that rebuild the state the
recording started from (made by ``recording.py``), then one step per call kept:

- each step expects the status code the call got, and the answer's ``status`` field
  when it has one (the status of a return, a refund, an exchange, a report);
- an id the server made (one a call's answer is the first to show, and no request
  sent before it) becomes a reference to that answer wherever a later call uses it:
  in its path (the route's parameter of that name), its query or its body (a field
  of that name; a legacy return's ``id`` is its ``returnId``), so that the replay
  holds even when the server numbers otherwise;
- a step acts as the merchant of the call's ``x-api-key`` (``request.apiKey`` when
  it is not the scenario's merchant, ``null`` when the call sent none), and sends the
  ``x-mock-fault`` header the call sent (``request.headers``);
- a ``/_mock`` read is a step only when it is the first to show an id used later;
- every ``$`` a call sent is written ``$$``, so the runner does not take it for a
  reference;
- a call whose body is not whole JSON cannot be replayed as a step: it is listed in
  ``leftOut`` (the server refused such a body, so it changed nothing).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import parse_qsl, quote

import orjson
from starlette.routing import compile_path

from mock_ingrid.control.journal import Entry
from mock_ingrid.control.recorder import READS
from mock_ingrid.jsonio import JsonSyntaxError, loads

Json = dict[str, Any]
IdValue = tuple[str, str, object]  # field name, JSON type, value
Where = tuple[int, tuple[str, ...]]  # the call's index, the path in its answer
FAULT_HEADER = b"x-mock-fault"
NO_KEY = "recorded-session"
# The legacy generation names a return's id ``id`` in its answers, ``returnId`` in bodies.
LEGACY_RETURNS = "/merchant/return"
# What the runner's references can name: ``$step.a.0.b`` (scenarios.py).
_SEGMENT = re.compile(r"^[\w-]+$")
_NO_STATUS_CHECK = ("/_mock/webhooks", "/_mock/faults")


def is_id_name(name: str) -> bool:
    return name == "id" or name.endswith("Id")


def escape(text: str) -> str:
    return text.replace("$", "$$")


Template = tuple[re.Pattern[str], str]


@cache
def _compiled(route_paths: tuple[str, ...]) -> list[Template]:
    """Each route's path pattern and format (``/returns/{returnId}``), those with
    parameters only."""
    compiled = []
    for path in route_paths:
        if "{" in path:
            regex, template, _ = compile_path(path)
            compiled.append((regex, template))
    return compiled


def _route(templates: list[Template], path: str) -> tuple[str, dict[str, str]] | None:
    """The matching route's path template and parameters."""
    for regex, template in templates:
        match = regex.match(path)
        if match:
            return template, match.groupdict()
    return None


def _scalar_id(value: Any) -> tuple[str, object] | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value:
        return "string", value
    if isinstance(value, int):
        return "integer", value
    return None


def _ids_in(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str, Any]]:
    """Every id-named field of a JSON value: its path, its name, its value."""
    if isinstance(value, dict):
        for key, item in value.items():
            if is_id_name(key) and _scalar_id(item) is not None:
                yield (*path, key), key, item
            else:
                yield from _ids_in(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _ids_in(item, (*path, str(index)))


@dataclass(slots=True)
class _Call:
    entry: Entry
    body: Any  # the request's JSON (None: no body)
    answer: Any  # the answer's JSON (None: none, or not JSON)
    merchant: str | None
    needed: bool = False
    # Where each id this call sends comes from: (location, name) -> where.
    uses: dict[tuple[str, str], Where] = field(default_factory=dict)

    @property
    def mock_read(self) -> bool:
        return self.entry.method in READS and self.entry.path.startswith("/_mock")


@dataclass(slots=True)
class _Sources:
    """The first answer to show each server-made id, per merchant."""

    by_merchant: dict[tuple[str | None, IdValue], Where] = field(default_factory=dict)
    anywhere: dict[IdValue, Where] = field(default_factory=dict)
    sent: set[IdValue] = field(default_factory=set)

    def find(self, merchant: str | None, name: str, value: Any) -> Where | None:
        scalar = _scalar_id(value)
        if scalar is None:
            return None
        key = (name, *scalar)
        return self.by_merchant.get((merchant, key)) or self.anywhere.get(key)

    def learn(self, index: int, call: _Call) -> None:
        legacy_return = call.entry.path.startswith(LEGACY_RETURNS)
        for path, field_name, value in _ids_in(call.answer):
            scalar = _scalar_id(value)
            assert scalar is not None
            name = "returnId" if legacy_return and _is_legacy_return_id(path) else field_name
            key = (name, *scalar)
            if key in self.sent or not all(_SEGMENT.match(p) for p in path):
                continue
            self.by_merchant.setdefault((call.merchant, key), (index, path))
            self.anywhere.setdefault(key, (index, path))


def _is_legacy_return_id(path: tuple[str, ...]) -> bool:
    """A legacy return's own ``id`` (of one, or of a page's ``content``): the number a
    legacy call sends back as ``returnId``."""
    return path == ("id",) or (len(path) == 3 and path[0] == "content" and path[2] == "id")


def _parse_call(entry: Entry) -> _Call | str:
    """The call with its JSON, or why it cannot be a step."""
    body = None
    if entry.request_body.size:
        if entry.request_body.truncated:
            return "its body was too large to keep"
        try:
            body = loads(entry.request_body.data)
        except JsonSyntaxError:
            return "its body is not JSON"
    answer = None
    if entry.response_body.size and not entry.response_body.truncated:
        try:
            answer = orjson.loads(entry.response_body.data)
        except orjson.JSONDecodeError:
            answer = None
    query = dict(parse_qsl(entry.query.decode("latin-1")))
    return _Call(entry, body, answer, entry.key or query.get("merchant"))


def _link(calls: list[_Call], templates: list[Template]) -> None:
    """Find, for each id a call sends, the earlier answer that made it."""
    sources = _Sources()
    for index, call in enumerate(calls):
        for location, name, value in _sent_ids(call, templates):
            where = sources.find(call.merchant, name, value)
            if where is not None:
                call.uses[(location, name)] = where
                calls[where[0]].needed = True
        for _, name, value in _sent_ids(call, templates):
            scalar = _scalar_id(value)
            if scalar is not None:
                sources.sent.add((name, *scalar))
        sources.learn(index, call)


def _sent_ids(call: _Call, templates: list[Template]) -> Iterator[tuple[str, str, Any]]:
    """The ids a call sends: ``(location, name, value)``, location ``path``, ``query``
    or the field's path in the body."""
    route = _route(templates, call.entry.path)
    if route is not None:
        for name, value in route[1].items():
            yield "path", name, value
    for name, value in parse_qsl(call.entry.query.decode("latin-1")):
        if is_id_name(name):
            yield "query", name, value
    for path, name, value in _ids_in(call.body):
        yield "body:" + ".".join(path), name, value


# -- writing the steps -------------------------------------------------------------------


@dataclass(slots=True)
class _Writer:
    calls: list[_Call]
    templates: list[Template]
    numbers: dict[int, int]  # call index -> step number

    def reference(self, where: Where) -> str:
        index, path = where
        return f"$step{self.numbers[index]}." + ".".join(path)

    def step(self, index: int, main_key: str | None) -> Json:
        call = self.calls[index]
        entry = call.entry
        request: Json = {"method": entry.method, "path": self._path(call)}
        if call.body is not None:
            request["body"] = self._body(call, call.body, ())
        if entry.key != main_key or main_key is None:
            request["apiKey"] = entry.key
        fault = [v.decode("latin-1") for n, v in entry.request_headers if n == FAULT_HEADER]
        if fault:
            request["headers"] = {FAULT_HEADER.decode(): escape(fault[0])}
        expect: Json = {"status": entry.status}
        status = call.answer.get("status") if isinstance(call.answer, dict) else None
        checked = not entry.path.startswith(_NO_STATUS_CHECK) and not call.mock_read
        if isinstance(status, str) and checked and entry.status and entry.status < 300:
            expect["body"] = {"status": escape(status)}
        return {"id": f"step{self.numbers[index]}", "request": request, "expect": expect}

    def _path(self, call: _Call) -> str:
        entry = call.entry
        route = _route(self.templates, entry.path)
        if route is None:
            path = escape(entry.path)
        else:
            template, params = route
            path = template.format(
                **{
                    name: self._use(call, "path", name) or escape(value)
                    for name, value in params.items()
                }
            )
        if not entry.query:
            return path
        pairs = parse_qsl(entry.query.decode("latin-1"), keep_blank_values=True)
        if not any(("query", name) in call.uses for name, _ in pairs):
            return f"{path}?{escape(entry.query.decode('latin-1'))}"
        query = "&".join(
            f"{quote(name)}=" + (self._use(call, "query", name) or escape(quote(value)))
            for name, value in pairs
        )
        return f"{path}?{query}"

    def _use(self, call: _Call, location: str, name: str) -> str | None:
        where = call.uses.get((location, name))
        return self.reference(where) if where is not None else None

    def _body(self, call: _Call, value: Any, path: tuple[str, ...]) -> Any:
        if isinstance(value, dict):
            rewritten = {}
            for key, item in value.items():
                where = call.uses.get(("body:" + ".".join((*path, key)), key))
                rewritten[escape(key)] = (
                    self.reference(where)
                    if where is not None
                    else self._body(call, item, (*path, key))
                )
            return rewritten
        if isinstance(value, list):
            return [self._body(call, item, (*path, str(i))) for i, item in enumerate(value)]
        return escape(value) if isinstance(value, str) else value


def escaped(value: Any) -> Any:
    """A JSON value with every ``$`` in its strings doubled."""
    if isinstance(value, dict):
        return {escape(k): escaped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [escaped(v) for v in value]
    return escape(value) if isinstance(value, str) else value


def export_scenario(
    opening: list[Json], entries: list[Entry], description: str, route_paths: tuple[str, ...]
) -> Json:
    """The scenario document: the ``opening`` steps, then the recorded calls.
    ``route_paths`` are the app's route templates (``/returns/{returnId}``): they name
    the ids in a call's path."""
    templates = _compiled(route_paths)
    calls: list[_Call] = []
    left_out = []
    for entry in entries:
        parsed = _parse_call(entry)
        if isinstance(parsed, str):
            left_out.append(f"{entry.line()}: {parsed}")
        else:
            calls.append(parsed)
    _link(calls, templates)
    kept = [i for i, call in enumerate(calls) if call.needed or not call.mock_read]
    keys = Counter(calls[i].entry.key for i in kept if calls[i].entry.key is not None)
    main_key = keys.most_common(1)[0][0] if keys else None
    opening = [
        {"id": f"step{number}", **escaped(step)} for number, step in enumerate(opening, start=1)
    ]
    numbers = {index: number for number, index in enumerate(kept, start=len(opening) + 1)}
    writer = _Writer(calls, templates, numbers)
    steps = [*opening, *(writer.step(index, main_key) for index in kept)]
    # Without any x-api-key, every step says it sends none: the key is only reset.
    document: Json = {"description": description, "apiKey": main_key or NO_KEY}
    document["steps"] = steps
    if left_out:
        document["leftOut"] = left_out
    return document
