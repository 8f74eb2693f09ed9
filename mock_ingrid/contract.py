"""The OpenAPI documents as an oracle: the test suite checks every response it sees
against them, and ``--validate-responses`` makes the server check its own.

``ORACLES.validate(method, path, status, headers, body)`` picks the document by path
prefix (``/merchant`` legacy, ``/_mock`` control, anything else current), finds the
operation (literal path segments win over templated ones), the response by exact
status code (then ``4XX``-style ranges, then ``default``), and checks the content type
and the body against the schema with JSON Schema 2020-12 (``date-time`` checked).
A response of a method and path the document does not describe (404 and 405 of
unknown routes) only has to carry a JSON error body. Documents without ``paths``
(placeholders) are skipped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

SPEC_PACKAGE = "mock_ingrid.spec"
DOCUMENT_NAMES = ("current", "legacy", "control")
JSON_MEDIA_TYPE = "application/json"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
EXCERPT_CHARS = 400

_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_TEMPLATE_PART = re.compile(r"\{[^}/]+\}")

FORMAT_CHECKER = FormatChecker(formats=())


def _is_date_time(value: object) -> bool:
    """RFC 3339: a date, ``T``, a time and a mandatory offset (the ranges checked too)."""
    if not isinstance(value, str):
        return True
    if not _RFC3339.match(value):
        return False
    datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    return True


FORMAT_CHECKER.checks("date-time", raises=ValueError)(_is_date_time)


def pointer_part(key: str) -> str:
    """Escape one JSON Pointer reference token."""
    return key.replace("~", "~0").replace("/", "~1")


def excerpt(body: bytes | str, limit: int = EXCERPT_CHARS) -> str:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} characters)"


def media_type(headers: Mapping[str, str]) -> str:
    return headers.get("content-type", "").split(";", 1)[0].strip().lower()


@dataclass(frozen=True, slots=True)
class Operation:
    """One method of one path template of a document."""

    document: str
    method: str
    template: str
    operation_id: str
    pointer: str
    pattern: re.Pattern[str]
    rank: tuple[int, ...]
    responses: Mapping[str, Any]

    @property
    def label(self) -> str:
        return f"{self.document}.json {self.operation_id} ({self.method.upper()} {self.template})"

    def response_key(self, status: int) -> str | None:
        """The documented response for ``status``: exact, then ``4XX``, then ``default``."""
        for key in (str(status), f"{status // 100}XX", "default"):
            if key in self.responses:
                return key
        return None


def _segment_pattern(segment: str) -> str:
    parts = _TEMPLATE_PART.split(segment)
    return "[^/]+".join(re.escape(part) for part in parts)


def compile_template(template: str) -> tuple[re.Pattern[str], tuple[int, ...]]:
    """A regex for a path template and its rank: 1 per literal segment, 0 per templated one."""
    segments = template.strip("/").split("/") if template.strip("/") else []
    regex = "^/" + "/".join(_segment_pattern(s) for s in segments) + "$"
    rank = tuple(0 if "{" in s else 1 for s in segments)
    return re.compile(regex), rank


class Document:
    """One OpenAPI document: its operations, and JSON Schema validators into it."""

    def __init__(self, name: str, spec: Mapping[str, Any]) -> None:
        self.name = name
        self.spec = spec
        self.uri = f"https://mock-ingrid.invalid/spec/{name}.json"
        resource: Resource[Any] = DRAFT202012.create_resource(spec)
        self._registry: Registry[Any] = Registry().with_resource(self.uri, resource)
        self._validators: dict[str, Draft202012Validator] = {}

    @property
    def has_paths(self) -> bool:
        return bool(self.spec.get("paths"))

    @cached_property
    def operations(self) -> tuple[Operation, ...]:
        found: list[Operation] = []
        for template, item in self.spec.get("paths", {}).items():
            pattern, rank = compile_template(template)
            for method in HTTP_METHODS:
                if method in item:
                    operation = item[method]
                    found.append(
                        Operation(
                            document=self.name,
                            method=method,
                            template=template,
                            operation_id=operation.get("operationId", f"{method} {template}"),
                            pointer=f"/paths/{pointer_part(template)}/{method}",
                            pattern=pattern,
                            rank=rank,
                            responses=operation.get("responses", {}),
                        )
                    )
        return tuple(found)

    def find(self, method: str, path: str) -> Operation | None:
        """The operation serving ``method path``; literal segments beat templates."""
        candidates = [
            op for op in self.operations if op.method == method.lower() and op.pattern.match(path)
        ]
        return max(candidates, key=lambda op: op.rank, default=None)

    def operation(self, operation_id: str) -> Operation:
        for op in self.operations:
            if op.operation_id == operation_id:
                return op
        raise KeyError(f"{self.name}.json has no operation {operation_id!r}")

    def follow(self, pointer: str) -> tuple[str, Mapping[str, Any]]:
        """The object at a JSON Pointer, ``$ref`` chains within the document followed,
        and the pointer where it was found."""
        value = self._lookup(pointer)
        seen = {pointer}
        while isinstance(value, Mapping) and str(value.get("$ref", "")).startswith("#"):
            pointer = value["$ref"][1:]
            if pointer in seen:
                raise AssertionError(f"{self.name}.json: $ref cycle at {pointer}")
            seen.add(pointer)
            value = self._lookup(pointer)
        return pointer, value if isinstance(value, Mapping) else {}

    def _lookup(self, pointer: str) -> Any:
        try:
            return self._registry.resolver().lookup(f"{self.uri}#{pointer}").contents
        except Unresolvable:
            # referencing's own message would print the whole document
            raise LookupError(f"{self.name}.json has nothing at {pointer}") from None

    def validator(self, pointer: str) -> Draft202012Validator:
        """A validator for the schema at ``pointer`` (compiled once per pointer)."""
        cached = self._validators.get(pointer)
        if cached is None:
            cached = Draft202012Validator(
                {"$ref": f"{self.uri}#{pointer}"},
                registry=self._registry,
                format_checker=FORMAT_CHECKER,
            )
            self._validators[pointer] = cached
        return cached

    def errors(self, pointer: str, instance: Any) -> list[ValidationError]:
        return list(self.validator(pointer).iter_errors(instance))

    def check_response(
        self, op: Operation, status: int, headers: Mapping[str, str], body: bytes | str
    ) -> None:
        key = op.response_key(status)
        if key is None:
            documented = ", ".join(op.responses) or "none"
            raise AssertionError(
                f"{op.label} answered {status}, which it does not document "
                f"(documented: {documented})\n  body: {excerpt(body)}"
            )
        pointer, response = self.follow(f"{op.pointer}/responses/{pointer_part(key)}")
        content: Mapping[str, Any] = response.get("content", {})
        if not content:
            return
        got = media_type(headers)
        if got not in content:
            raise AssertionError(
                f"{op.label} answered {status} with content-type {got or '(none)'!r}; "
                f"documented: {', '.join(content)}\n  body: {excerpt(body)}"
            )
        # A page, an asset or an event stream is held to its content type only: its
        # schema (a string, one event) is not a JSON document to parse.
        if "schema" not in content[got] or not (got == JSON_MEDIA_TYPE or got.endswith("+json")):
            return
        instance = parse_json(body, f"{op.label} answered {status}")
        schema_pointer = f"{pointer}/content/{pointer_part(got)}/schema"
        self.assert_valid(schema_pointer, instance, f"{op.label} answered {status}", body)

    def assert_valid(self, pointer: str, instance: Any, context: str, body: bytes | str) -> None:
        """Raise an AssertionError naming the offending value if ``instance`` breaks the schema."""
        errors = self.errors(pointer, instance)
        if errors:
            raise AssertionError(describe(context, errors, body))


def parse_json(body: bytes | str, context: str) -> Any:
    try:
        return json.loads(body)
    except ValueError as exc:
        raise AssertionError(
            f"{context} with a body that is not JSON ({exc})\n  body: {excerpt(body)}"
        ) from None


def describe(context: str, errors: Iterable[ValidationError], body: bytes | str) -> str:
    ordered = list(errors)
    worst = best_match(ordered)
    lines = [
        f"{context} with a body that does not match the schema",
        f"  at {worst.json_path}: {worst.message}",
    ]
    others = sorted({f"{e.json_path}: {e.message}" for e in ordered if e is not worst})
    if others:
        lines.append(f"  and {len(others)} more: " + "; ".join(others[:5]))
    lines.append(f"  body: {excerpt(body)}")
    return "\n".join(lines)


class Oracles:
    """The three documents; ``validate`` raises AssertionError when a response disagrees."""

    def __init__(self, documents: Mapping[str, Document]) -> None:
        self.documents = dict(documents)

    @classmethod
    def load(cls, names: Iterable[str] = DOCUMENT_NAMES) -> Oracles:
        return cls({name: Document(name, load_spec(name)) for name in names})

    def document(self, name: str) -> Document:
        return self.documents[name]

    def for_path(self, path: str) -> Document:
        if path == "/merchant" or path.startswith("/merchant/"):
            return self.documents["legacy"]
        if path == "/_mock" or path.startswith("/_mock/"):
            return self.documents["control"]
        return self.documents["current"]

    def validate(
        self, method: str, path: str, status: int, headers: Mapping[str, str], body: bytes | str
    ) -> None:
        """Raise AssertionError when a response disagrees with its document."""
        document = self.for_path(path)
        if not document.has_paths:
            return
        op = document.find(method, path)
        if op is not None:
            document.check_response(op, status, headers, body)
        elif status >= 400 and body:
            context = f"{method} {path} (not in {document.name}.json)"
            check_error_body(context, status, headers, body)


def check_error_body(
    context: str, status: int, headers: Mapping[str, str], body: bytes | str
) -> None:
    got = media_type(headers)
    if got != JSON_MEDIA_TYPE:
        raise AssertionError(
            f"{context} answered {status} with content-type {got or '(none)'!r}, not JSON\n"
            f"  body: {excerpt(body)}"
        )
    parse_json(body, f"{context} answered {status}")


def load_spec(name: str) -> dict[str, Any]:
    text = resources.files(SPEC_PACKAGE).joinpath(f"{name}.json").read_text(encoding="utf-8")
    spec: dict[str, Any] = json.loads(text)
    return spec


ORACLES = Oracles.load()


def violation(
    method: str, path: str, status: int, headers: Mapping[str, str], body: bytes | str
) -> str | None:
    """How a response disagrees with its document, or ``None`` when it agrees."""
    try:
        ORACLES.validate(method, path, status, headers, body)
    except AssertionError as exc:
        return str(exc)
    return None
