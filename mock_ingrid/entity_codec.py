"""Snapshot entities to JSON-ready dicts and back: one function per dataclass,
written once from its fields and type hints, as ``dataclasses`` writes ``__init__``.

The format is each entity's fields under their camelCase names: ``Decimal`` as a
JSON number, datetimes as RFC 3339 strings, enums as their values, tuples as lists.
Code that walked the type hints for every value (what this replaces) took 30 times
orjson's time to write a state file of 10,000 returns and 14 times its time to
parse one; straight-line code per class, with the type checks inline, takes about 7
and 3 times its CPU time (bench/persistence.py, where the writes also fsync).

- ``dumper(kind)``: ``entity -> dict`` for orjson, which writes the datetimes
  (``OPT_UTC_Z``); amounts go as their text (``_AMOUNT_TEXTS``).
- ``loader(kind)``: ``(dict, Shared) -> entity``, checking every value as the format
  requires; the first bad one raises ``SnapshotError`` with its path relative to the
  entity (``.items[0].quantity``), which the caller prefixes with its own.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any, Union

import orjson

from mock_ingrid.clock import parse_instant
from mock_ingrid.domain.model import CREATED_AT, SHARED_SHAPES, HasHistory
from mock_ingrid.money import wire as amount_text


class SnapshotError(ValueError):
    """A snapshot that cannot be imported: the path of the bad value (``$.merchants[0]
    .returns[1].orderId``), a stable code and what is wrong; ``str()`` joins them."""

    def __init__(self, path: str, message: str, code: str = "INVALID_VALUE") -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message
        self.code = code

    def within(self, prefix: str) -> SnapshotError:
        """The same error, its path under ``prefix``."""
        return SnapshotError(prefix + self.path, self.message, self.code)


class _Decimals(dict[str | int, Decimal]):
    """One ``Decimal`` per text (a fraction: msgspec's ``float_hook``) or integer."""

    def __missing__(self, key: str | int) -> Decimal:
        found = self[key] = Decimal(key)
        return found


class _Instants(dict[str, datetime | None]):
    """One datetime per RFC 3339 text; None for a text that is not one."""

    def __missing__(self, text: str) -> datetime | None:
        try:
            if _WRITTEN_INSTANT.fullmatch(text):  # as the emulator writes them: read
                found = datetime.fromisoformat(text)  # 10x faster (a tenth of a load)
            else:
                found = parse_instant(text)
        except ValueError:  # no such day or hour
            return None
        self[text] = found
        return found


# UTC, "Z", microseconds or none: ``datetime.fromisoformat`` reads it as ``parse_instant``.
_WRITTEN_INSTANT = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{6})?Z"
)


class Shared:
    """What one load shares between the entities it makes: equal strings, amounts and
    instants become one object each, so a loaded world is as lean as one made call by
    call (where ids, amounts and an operation's instant are shared as they are made);
    a ``Decimal`` is 104 bytes, a datetime 48. The lookups are bound dict methods:
    a hit, the common case, runs no Python code. ``keys`` counts the object keys
    read, for the reader's duplicate-key check."""

    __slots__ = ("decimal", "instant", "integer", "keys", "share")

    def __init__(self) -> None:
        # by text (a fraction) or by integer: 299 and 299.00 stay apart
        decimals = _Decimals()
        self.decimal: Callable[[str], Decimal] = decimals.__getitem__
        self.integer: Callable[[int], Decimal] = decimals.__getitem__
        self.instant: Callable[[str], datetime | None] = _Instants().__getitem__
        strings: dict[str, str] = {}
        self.share: Callable[[str, str], str] = strings.setdefault
        self.keys = 0


Dumper = Callable[[Any], dict[str, Any]]
Loader = Callable[[Any, Shared], Any]
_MISSING = object()
_KIND_NAMES: dict[Any, str] = {
    dict: "an object",
    list: "a list",
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    Decimal: "a number",
}


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


@cache
def fields_of(kind: Any) -> list[tuple[str, str, Any]]:
    """(attribute, wire name, type hint) of each field, in declaration order."""
    hints = typing.get_type_hints(kind)
    return [(f.name, camel(f.name), hints[f.name]) for f in dataclasses.fields(kind)]


def _optional(hint: Any) -> tuple[Any, bool]:
    """``X | None`` -> (X, True); anything else -> (hint, False)."""
    if typing.get_origin(hint) in (Union, types.UnionType):
        options = [option for option in typing.get_args(hint) if option is not type(None)]
        if len(options) == 1:
            return options[0], True
    return hint, False


def _is_entity(hint: Any) -> bool:
    return isinstance(hint, type) and dataclasses.is_dataclass(hint)


def _compile(source: str, name: str, env: dict[str, Any]) -> Any:
    exec(compile(source, f"<{name}>", "exec"), env)
    return env[name]


# -- dumping ------------------------------------------------------------------------


class _Texts(dict[Any, Any]):
    """Values' JSON text, looked up as ``texts.of(value)`` (the bound ``__getitem__``): a
    miss makes it with ``render``, None stays None; past ``kept`` values the dict starts
    again. A dict hit costs less than orjson's call back into Python for each amount
    (10-25% of a save, bench/persistence.py), and amounts repeat. (``texts[value]``
    costs more: a dict subclass's ``[]`` looks ``__getitem__`` up by name, about 230
    instructions a lookup.)"""

    def __init__(self, render: Callable[[Any], Any], kept: int) -> None:
        super().__init__()
        self._render = render
        self._kept = kept
        self.of: Callable[[Any], Any] = self.__getitem__

    def __missing__(self, value: Any) -> Any:
        if len(self) >= self._kept:
            self.clear()
        text = self[value] = None if value is None else self._render(value)
        return text


def _instant_bytes(at: datetime) -> bytes:
    """RFC 3339 in UTC with a Z, as ``clock.format_instant`` (the entities' instants
    are in UTC: the clock's, and those read by ``parse_instant``)."""
    return orjson.dumps(at if at.tzinfo is UTC else at.astimezone(UTC), option=orjson.OPT_UTC_Z)


# An instant's text, for histories: one operation stamps one instant (see
# ``one_instant``), found in the histories of the entities it changed and made (a
# return's report and refund come thousands of entities after it). Kept for one save
# (``forget_instants``), which then renders each once.
_INSTANT_BYTES = _Texts(_instant_bytes, 1 << 16)
# An amount's text: ``money.wire``, so equal amounts read the same.
_AMOUNT_TEXTS = _Texts(lambda amount: orjson.Fragment(amount_text(amount)), 4096)


def forget_instants() -> None:
    """Let the instants' texts go (after a save: the next finds others)."""
    _INSTANT_BYTES.clear()


_Render = Callable[[datetime, tuple[Any, ...]], orjson.Fragment]


def _history_renderer(shape: Any) -> _Render:
    """``(created_at, compact history) -> history's text`` for one shape: the shape's
    text cut where each change's instant goes, joined with the instants' texts.

    With the instants kept for a save and the texts' lookups as bound methods, a save
    of 10,000 returns made over HTTP takes 12.8% fewer instructions than with a loop
    over a template per shape, each piece appended to a list, and instants kept 4,096
    at a time (1,367 M against 1,568 M, callgrind)."""
    if not shape:
        empty = orjson.Fragment(b"[]")
        return lambda created, flat: empty
    names = {at: f"a{n}" for n, at in enumerate(dict.fromkeys(at for _, at in shape))}
    fetch = "; ".join(
        f"{name} = t(c)" if at == CREATED_AT else f"{name} = t(f[{at + 1}])"
        for at, name in names.items()
    )
    pieces = []
    for index, (step, at) in enumerate(shape):
        row = orjson.dumps({"event": step.event, "source": step.source, "target": step.target})
        pieces.append(repr((b"[" if index == 0 else b"},") + row[:-1] + b',"at":'))
        pieces.append(names[at])
    pieces.append(repr(b"}]"))
    source = f"def render(c, f):\n    {fetch}\n    return F(J(({', '.join(pieces)})))\n"
    env = {"F": orjson.Fragment, "J": b"".join, "t": _INSTANT_BYTES.of}
    return typing.cast(_Render, _compile(source, "render", env))


class _Renderers(dict[Any, Any]):
    """A history shape -> its renderer (``_history_renderer``), made on first use;
    looked up as ``renderers.of(shape)`` (see ``_Texts``)."""

    def __init__(self) -> None:
        super().__init__()
        self.of: Callable[[Any], Any] = self.__getitem__

    def __missing__(self, shape: Any) -> Any:
        if len(self) >= SHARED_SHAPES:
            self.clear()
        render = self[shape] = _history_renderer(shape)
        return render


_RENDERERS = _Renderers()


@cache
def dumper(kind: Any) -> Dumper:
    """``entity -> dict`` with the wire names; nested entities become dicts, the rest
    is left to orjson (it writes tuples as lists, enums as their values)."""
    env: dict[str, Any] = {}
    items = []
    for name, wire, hint in fields_of(kind):
        inner, optional = _optional(hint)
        origin, args = typing.get_origin(inner), typing.get_args(inner)
        value = f"o.{name}"
        if inner is Decimal:
            env["amount"] = _AMOUNT_TEXTS.of
            value = f"amount(o.{name})"
        elif isinstance(inner, type) and issubclass(inner, Enum):
            env[f"e_{name}"] = {member: str(member.value) for member in inner}
            value = f"e_{name}[o.{name}]" if not optional else f"e_{name}.get(o.{name})"
        elif _is_entity(inner):
            env[f"d_{name}"] = dumper(inner)
            value = f"d_{name}(o.{name})"
            if optional:
                value = f"(None if (v := o.{name}) is None else d_{name}(v))"
        elif name == "history" and issubclass(kind, HasHistory):
            # From the compact form and a text per shape (``_history_renderer``):
            # building the ``StatusChange`` objects of ``history``, then a dict per
            # change, took 15% more of a save's time (bench/persistence.py).
            env["h_slot"] = kind._history_slot.__get__
            env["history"] = _RENDERERS.of
            value = "history((h := h_slot(o))[0])(o.created_at, h)"
        elif origin in (list, tuple) and _is_entity(args[0]):
            # ``map``, not a comprehension: no frame of its own (Python 3.11); orders,
            # two lists and a dict each, were built in 45% less time
            env[f"d_{name}"] = dumper(args[0])
            value = f"list(map(d_{name}, o.{name}))"
        elif origin is dict and _is_entity(args[1]):
            env[f"d_{name}"] = dumper(args[1])
            value = f"dict(zip((v := o.{name}), map(d_{name}, v.values())))"
        items.append(f"{wire!r}: {value}")
    source = f"def dump(o):\n    return {{{', '.join(items)}}}\n"
    return typing.cast(Dumper, _compile(source, "dump", env))


# -- loading ------------------------------------------------------------------------


def _bad_type(path: str, expected: Any) -> SnapshotError:
    return SnapshotError(path, f"expected {_KIND_NAMES[expected]}", "INVALID_TYPE")


def _bad_instant(path: str) -> SnapshotError:
    return SnapshotError(path, "expected an RFC 3339 date-time", "INVALID_TYPE")


def _bad_enum(path: str, value: Any, kind: type[Enum]) -> SnapshotError:
    return SnapshotError(path, f"'{value}' is not a {kind.__name__}", "INVALID_ENUM")


def _unknown(data: dict[str, Any], known: frozenset[str]) -> SnapshotError:
    first = next(key for key in data if key not in known)
    return SnapshotError(f".{first}", "not a field of this object", "UNKNOWN_FIELD")


def _missing(data: dict[str, Any], required: tuple[str, ...]) -> SnapshotError:
    first = next(wire for wire in required if wire not in data)
    return SnapshotError(f".{first}", "required", "REQUIRED")


def _locate(values: Any, load: Loader, shared: Shared, path: str) -> SnapshotError:
    """The error of the first item of a list (or value of an object) that does not
    load, under its path: what a comprehension that raised did not say."""
    pairs = values.items() if isinstance(values, dict) else enumerate(values)
    for key, value in pairs:
        try:
            load(value, shared)
        except SnapshotError as error:
            step = f".{key}" if isinstance(values, dict) else f"[{key}]"
            return error.within(path + step)
    raise AssertionError("no item failed")  # pragma: no cover


def count_keys(value: Any) -> int:
    """The object keys in a decoded JSON value (free-form fields: details, addresses)."""
    if isinstance(value, dict):
        return len(value) + sum(count_keys(item) for item in value.values())
    if isinstance(value, list):
        return sum(count_keys(item) for item in value)
    return 0


class _Source:
    """The lines of a loader being written, and the names its code refers to."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.env: dict[str, Any] = {
            "SnapshotError": SnapshotError,
            "Decimal": Decimal,
            "_bad_type": _bad_type,
            "_bad_instant": _bad_instant,
            "_bad_enum": _bad_enum,
            "_locate": _locate,
            "count_keys": count_keys,
        }

    def add(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)

    def name(self, prefix: str, value: Any) -> str:
        key = f"{prefix}_{len(self.env)}"
        self.env[key] = value
        return key


def _check(src: _Source, indent: int, hint: Any, path: str) -> None:
    """Lines that check local ``v`` against ``hint`` and leave it converted in ``v``."""
    inner, optional = _optional(hint)
    if optional:
        src.add(indent, "if v is not None:")
        indent += 1
    origin, args = typing.get_origin(inner), typing.get_args(inner)
    if inner is str:
        src.add(indent, f"if type(v) is not str: raise _bad_type({path!r}, str)")
        src.add(indent, "v = share(v, v)")
    elif inner is int or inner is bool:
        kind = inner.__name__
        src.add(indent, f"if type(v) is not {kind}: raise _bad_type({path!r}, {kind})")
    elif inner is Decimal:
        src.add(indent, "if type(v) is not Decimal:")
        src.add(indent + 1, f"if type(v) is not int: raise _bad_type({path!r}, Decimal)")
        src.add(indent + 1, "v = shared.integer(v)")
    elif inner is datetime:
        src.add(indent, f"if type(v) is not str: raise _bad_type({path!r}, str)")
        src.add(indent, "v = shared.instant(v)")
        src.add(indent, f"if v is None: raise _bad_instant({path!r})")
    elif isinstance(inner, type) and issubclass(inner, Enum):
        members = src.name("members", {str(m.value): m for m in inner})
        kind = src.name("kind", inner)
        src.add(indent, f"w = {members}.get(v) if type(v) is str else None")
        src.add(indent, f"if w is None: raise _bad_enum({path!r}, v, {kind})")
        src.add(indent, "v = w")
    elif _is_entity(inner):
        load = src.name("load", loader(inner))
        src.add(indent, f"try: v = {load}(v, shared)")
        src.add(indent, f"except SnapshotError as e: raise e.within({path!r}) from None")
    elif origin in (list, tuple):
        _check_items(src, indent, args[0], path, tuple if origin is tuple else list)
    elif origin is dict:
        _check_values(src, indent, args[1], path)
    elif inner is Any:
        src.add(indent, "shared.keys += count_keys(v)")
    else:  # pragma: no cover - a field type the format does not know
        raise TypeError(f"no snapshot conversion for {inner!r}")


def _check_items(src: _Source, indent: int, item: Any, path: str, kind: type[Any]) -> None:
    src.add(indent, f"if type(v) is not list: raise _bad_type({path!r}, list)")
    load = src.name("load", loader(item) if _is_entity(item) else _value_loader(item))
    src.add(indent, f"try: v = [{load}(x, shared) for x in v]")
    src.add(indent, f"except SnapshotError: raise _locate(v, {load}, shared, {path!r}) from None")
    if kind is tuple:
        src.add(indent, "v = tuple(v)")


def _check_values(src: _Source, indent: int, item: Any, path: str) -> None:
    src.add(indent, f"if type(v) is not dict: raise _bad_type({path!r}, dict)")
    if item is Any:  # a free-form object
        src.add(indent, "shared.keys += count_keys(v)")
        return
    src.add(indent, "shared.keys += len(v)")
    load = src.name("load", loader(item) if _is_entity(item) else _value_loader(item))
    src.add(indent, f"try: v = {{k: {load}(x, shared) for k, x in v.items()}}")
    src.add(indent, f"except SnapshotError: raise _locate(v, {load}, shared, {path!r}) from None")


@cache
def _value_loader(hint: Any) -> Loader:
    """``(value, shared) -> value`` for an item of a list or object that is no entity."""
    src = _Source()
    src.add(0, "def load(v, shared):")
    src.add(1, "share = shared.share")
    _check(src, 1, hint, "")
    src.add(1, "return v")
    return typing.cast(Loader, _compile("\n".join(src.lines) + "\n", "load", src.env))


@cache
def loader(kind: Any) -> Loader:
    """``(dict, shared) -> entity``: unknown fields, then missing ones, then each value
    in field order, as the first error found (what the generic loader did)."""
    fields = fields_of(kind)
    known = frozenset(wire for _, wire, _ in fields)
    defaults = {f.name: f for f in dataclasses.fields(kind)}
    required = tuple(
        camel(f.name)
        for f in dataclasses.fields(kind)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    )
    src = _Source()
    env = src.env
    env.update(
        kind=kind,
        known=known,
        required=required,
        required_set=frozenset(required),
        _MISSING=_MISSING,
        _unknown=_unknown,
        _missing=_missing,
    )
    src.add(0, "def load(d, shared):")
    src.add(1, "if not isinstance(d, dict): raise _bad_type('', dict)")
    src.add(1, f"if len(d) != {len(fields)} or not known.issuperset(d):  # not every field")
    src.add(2, "if not d.keys() <= known: raise _unknown(d, known)")
    src.add(2, "if not required_set <= d.keys(): raise _missing(d, required)")
    src.add(1, "shared.keys += len(d)")
    src.add(1, "share = shared.share")
    arguments = []
    for index, (name, wire, hint) in enumerate(fields):
        field = defaults[name]
        if wire in required:
            src.add(1, f"v = d[{wire!r}]")
            _check(src, 1, hint, f".{wire}")
        else:
            src.add(1, f"v = d.get({wire!r}, _MISSING)")
            src.add(1, "if v is _MISSING:")
            if field.default_factory is not dataclasses.MISSING:
                src.add(2, f"v = {src.name('factory', field.default_factory)}()")
            else:
                src.add(2, f"v = {src.name('default', field.default)}")
            src.add(1, "else:")
            _check(src, 2, hint, f".{wire}")
        src.add(1, f"a{index} = v")
        arguments.append(f"a{index}")
    src.add(1, f"return kind({', '.join(arguments)})")
    return typing.cast(Loader, _compile("\n".join(src.lines) + "\n", "load", env))
