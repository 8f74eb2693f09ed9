"""Named, declarative flows (``scenarios/*.json``, shipped in the package as
``mock_ingrid.bundled_scenarios``, see pyproject.toml) run as HTTP calls.

A scenario is a list of steps. A request step sends ``request`` (method, path,
body) as the scenario's merchant and checks ``expect`` (the status code, and a
body that the answer must contain: objects match by subset, lists item by item).
``webhooks`` lists events the step must have fired (type plus payload fields).
A ``receiver`` step starts a loopback webhook receiver that fails its first
``failures`` requests; its ``url`` can be subscribed.

Any string may refer to an earlier step's answer: ``"$createReturn.returnId"``
(alone: the value keeps its JSON type) or ``"/returns/$createReturn.returnId"``
(inside text); numeric segments index lists (``$refunds.data.0.totalAmount``);
``$$`` is a ``$`` itself.

A request acts as the scenario's merchant unless it names another one
(``"apiKey": "other-key"``, or ``null`` for no ``x-api-key`` at all: a ``/_mock``
call that names its merchant in its query); ``headers`` adds headers (such as
``x-mock-fault``). A recording exported by ``/_mock/recording/export`` uses both.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import httpx

__all__ = [
    "ScenarioError",
    "ScenarioFailed",
    "StepReport",
    "check_scenario",
    "list_scenarios",
    "load_scenario",
    "run_scenario",
]

# The repository's scenarios/ folder, installed as a package (see pyproject.toml).
PACKAGE = "mock_ingrid.bundled_scenarios"
WEBHOOK_TIMEOUT = 5.0
POLL_INTERVAL = 0.02
_WHOLE = re.compile(r"^\$([A-Za-z_]\w*)((?:\.[\w-]+)*)$")
_INSIDE = re.compile(r"\$\$|\$([A-Za-z_]\w*)((?:\.[\w-]+)*)")

Json = dict[str, Any]
Printer = Callable[[str], None]


class ScenarioError(Exception):
    """A scenario that does not exist or is not well formed."""


class ScenarioFailed(AssertionError):
    """A step whose answer was not the expected one: names the step, expected and actual."""


# -- finding scenarios -------------------------------------------------------------------


def _shipped() -> dict[str, Traversable]:
    """The shipped scenario files, by name."""
    try:
        folder = resources.files(PACKAGE)
    except ModuleNotFoundError:  # mock_ingrid imported from a checkout, not installed
        return {}
    return {
        entry.name.removesuffix(".json"): entry
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".json")
    }


def list_scenarios() -> dict[str, str]:
    """Every shipped scenario's name and description, by name."""
    found = {}
    for name, entry in _shipped().items():
        document = json.loads(entry.read_text(encoding="utf-8"))
        found[name] = str(document.get("description", ""))
    return found


def load_scenario(name_or_path: str | Path) -> Json:
    """A shipped scenario by name, or a scenario file by path."""
    path = Path(name_or_path)
    if path.suffix == ".json" and path.exists():
        text = path.read_text(encoding="utf-8")
        name = path.stem
    else:
        entry = _shipped().get(str(name_or_path))
        if entry is None:
            known = ", ".join(list_scenarios())
            raise ScenarioError(f"no scenario '{name_or_path}'; known: {known}")
        text, name = entry.read_text(encoding="utf-8"), str(name_or_path)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError(f"scenario '{name}' is not valid JSON: {exc}") from None
    return check_scenario(document, name)


def check_scenario(document: Any, name: str) -> Json:
    """A scenario document as the runner takes it (``name`` unless it has one), or
    :class:`ScenarioError` naming every field that is not as control.json's
    ``ScenarioUpload`` describes it, and every step that cannot run."""
    if not isinstance(document, dict) or not isinstance(document.get("steps"), list):
        raise ScenarioError(f"scenario '{name}' has no list of steps")
    problems = [
        f"{key}: {rule}"
        for key, rule in (("name", "a non-empty string"), ("apiKey", "a non-empty string"))
        if key in document and not _text(document[key])
    ]
    if "description" in document and not isinstance(document["description"], str):
        problems.append("description: a string")
    problems += [
        f"steps[{index}]: {problem}"
        for index, step in enumerate(document["steps"])
        if (problem := _step_problem(step))
    ]
    if problems:
        raise ScenarioError(f"scenario '{name}' is not well formed: " + "; ".join(problems))
    document.setdefault("name", name)
    return document


_STEP_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _step_problem(step: Any) -> str | None:
    """Why a step cannot run, or None."""
    if not isinstance(step, dict):
        return "a step is an object"
    if "id" in step and not (isinstance(step["id"], str) and _STEP_ID.match(step["id"])):
        return "id: letters, digits and '_', not starting with a digit"
    expect = step.get("expect", {})
    if not isinstance(expect, dict):
        return "expect: an object (status, body)"
    if "status" in expect and not _whole(expect["status"]):
        return "expect.status: a whole number"
    hooks = step.get("webhooks", [])
    if not isinstance(hooks, list) or not all(
        isinstance(h, dict) and isinstance(h.get("type"), str) for h in hooks
    ):
        return "webhooks: a list of objects with a 'type'"
    if "receiver" in step:
        spec = step["receiver"]
        failures: Any = spec.get("failures", 0) if isinstance(spec, dict) else None
        if not _whole(failures) or failures < 0:
            return "receiver: {'failures': N} with N a whole number >= 0"
    if "request" in step or "receiver" not in step:
        return _request_problem(step.get("request"))
    return None


def _request_problem(request: Any) -> str | None:
    if not isinstance(request, dict):
        return "a step has a 'request' (method, path, body) or a 'receiver'"
    for key in ("method", "path"):
        if not _text(request.get(key)):
            return f"request.{key}: a non-empty string is required"
    if not request["path"].startswith("/"):
        # Every call goes to the server under test, never to a URL of the file's choosing.
        return "request.path: a path on the server, starting with '/'"
    if "apiKey" in request and not (request["apiKey"] is None or _text(request["apiKey"])):
        return "request.apiKey: a non-empty string, or null for no x-api-key"
    headers = request.get("headers", {})
    if not isinstance(headers, dict) or not all(_text(v) for v in headers.values()):
        return "request.headers: an object of header names and string values"
    return None


def _whole(value: Any) -> bool:
    """A whole number, as JSON Schema counts one (``201.0`` too)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value()


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value)


def _label(step: Json) -> str:
    return str(step.get("id") or step.get("name") or "")


def describe_step(step: Json) -> str:
    """What a step does, in a word or two: ``POST /products``, ``receiver``."""
    if "receiver" in step:
        return "receiver"
    return f"{str(step['request']['method']).upper()} {step['request']['path']}"


# -- references and expectations ---------------------------------------------------------


def _lookup(results: Json, ref: str, path: str) -> Any:
    if ref not in results:
        raise ScenarioError(f"${ref}{path}: no earlier step has the id '{ref}'")
    value = results[ref]
    for segment in path.split(".")[1:]:
        if isinstance(value, list) and segment.isdigit() and int(segment) < len(value):
            value = value[int(segment)]
        elif isinstance(value, dict) and segment in value:
            value = value[segment]
        else:
            raise ScenarioError(f"${ref}{path}: '{segment}' is not in {_short(value)}")
    return value


def resolve(value: Any, results: Json) -> Any:
    """``value`` with every ``$step.path`` reference replaced by what it points at."""
    if isinstance(value, str):
        whole = _WHOLE.match(value)
        if whole:
            return _lookup(results, whole.group(1), whole.group(2))
        return _INSIDE.sub(lambda m: _inside(m, results), value)
    if isinstance(value, list):
        return [resolve(item, results) for item in value]
    if isinstance(value, dict):
        return {key: resolve(item, results) for key, item in value.items()}
    return value


def _inside(match: re.Match[str], results: Json) -> str:
    if match.group(1) is None:  # "$$": a "$" itself
        return "$"
    return str(_lookup(results, match.group(1), match.group(2)))


def _short(value: Any, limit: int = 300) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= limit else text[:limit] + "..."


def _body(answer: httpx.Response) -> Any:
    """The answer's JSON, or its text when it is not JSON (so a failure can quote it)."""
    if not answer.content:
        return None
    try:
        return answer.json()
    except ValueError:
        return answer.text


def mismatch(expected: Any, actual: Any, where: str = "body") -> str | None:
    """Where ``actual`` does not contain ``expected``, as ``where: expected X, got Y``."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{where}: expected an object, got {_short(actual)}"
        for key, item in expected.items():
            if key not in actual:
                return f"{where}.{key}: expected {_short(item)}, but it is missing"
            found = mismatch(item, actual[key], f"{where}.{key}")
            if found:
                return found
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return f"{where}: expected {len(expected)} item(s), got {_short(actual)}"
        for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
            found = mismatch(want, got, f"{where}[{index}]")
            if found:
                return found
        return None
    if expected == actual and type(expected) is type(actual):
        return None
    numbers = isinstance(expected, int | float) and isinstance(actual, int | float)
    if numbers and expected == actual and not isinstance(actual, bool):
        return None
    return f"{where}: expected {_short(expected)}, got {_short(actual)}"


# -- a receiver that fails first ---------------------------------------------------------


@dataclass
class _Receiver:
    failures: int
    received: list[bytes] = field(default_factory=list)

    @contextmanager
    def serving(self) -> Iterator[str]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                receiver.received.append(body)
                failing = len(receiver.received) <= receiver.failures
                self.send_response(500 if failing else 204)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
        thread.daemon = True
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/webhooks"
        finally:
            server.shutdown()
            server.server_close()


# -- running -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StepReport:
    """One step's progress, as ``run_scenario`` tells its ``watch`` callback:
    ``running`` before it is sent, then ``passed`` or ``failed`` (with ``error``).
    ``number`` counts from 1; ``status`` is the answer's status code, if any."""

    number: int
    state: str
    status: int | None = None
    error: str | None = None


Watcher = Callable[[StepReport], None]


@dataclass
class _Run:
    scenario: Json
    http: httpx.Client
    merchant: str
    say: Printer
    stack: ExitStack
    watch: Watcher
    results: Json = field(default_factory=dict)
    old_events: set[str] = field(default_factory=set)
    last_status: int | None = None

    def fail(self, number: int, step: Json, what: str) -> ScenarioFailed:
        label = f" ({_label(step)})" if _label(step) else ""
        return ScenarioFailed(
            f"scenario '{self.scenario['name']}' failed at step {number}{label}: {what}"
        )

    def events(self, **params: str) -> list[Json]:
        """The merchant's events this run has not seen before it started."""
        answer = self.http.get(
            "/_mock/webhooks/events", params={"merchant": self.merchant, **params}
        )
        answer.raise_for_status()
        data: list[Json] = answer.json()["data"]
        return [e for e in data if e["eventId"] not in self.old_events]

    def start(self) -> None:
        reset = self.http.post(f"/_mock/merchants/{self.merchant}/reset")
        if reset.status_code != 404:  # 404: a merchant this server has not seen yet
            reset.raise_for_status()
        self.old_events = {e["eventId"] for e in self.events()}
        subscriptions = self.http.get(
            "/_mock/webhooks/subscriptions", params={"merchant": self.merchant}
        ).json()["data"]
        for old in subscriptions:
            if old["merchant"] == self.merchant:
                self.http.delete(f"/_mock/webhooks/subscriptions/{old['subscriptionId']}")

    def run_step(self, number: int, step: Json) -> None:
        self.last_status = None
        self.watch(StepReport(number, "running"))
        try:
            self._run_step(number, step)
        except ScenarioError as exc:  # a reference to an earlier answer that is not there
            label = f" ({_label(step)})" if _label(step) else ""
            error = ScenarioError(
                f"scenario '{self.scenario['name']}', step {number}{label}: {exc}"
            )
            self.watch(StepReport(number, "failed", self.last_status, str(error)))
            raise error from None
        except (ScenarioFailed, httpx.HTTPError) as exc:
            self.watch(StepReport(number, "failed", self.last_status, str(exc)))
            raise
        self.watch(StepReport(number, "passed", self.last_status))

    def send(self, request: Json) -> httpx.Response:
        """The request as the step's merchant (``apiKey``), with its ``headers``."""
        built = self.http.build_request(
            request["method"].upper(),
            request["path"],
            json=request.get("body"),
            headers=request.get("headers"),
        )
        if "apiKey" in request:
            del built.headers["x-api-key"]
            if request["apiKey"] is not None:
                built.headers["x-api-key"] = request["apiKey"]
        return self.http.send(built)

    def _run_step(self, number: int, step: Json) -> None:
        if "receiver" in step:
            spec = step["receiver"]
            url = self.stack.enter_context(_Receiver(int(spec.get("failures", 0))).serving())
            self.results[step.get("id", f"step{number}")] = {"url": url}
            self.say(f"  ok  {number:>2} {_label(step) or 'receiver'}: receiver at {url}")
            return
        request = resolve(step["request"], self.results)
        method, path = request["method"].upper(), request["path"]
        answer = self.send(request)
        self.last_status = answer.status_code
        body = _body(answer)
        expect = resolve(step.get("expect", {}), self.results)
        wanted = expect.get("status")
        if wanted is None and not answer.is_success:
            wanted = "2xx"
        if wanted is not None and wanted != answer.status_code:
            raise self.fail(
                number,
                step,
                f"{method} {path}: expected status {wanted}, got {answer.status_code}: "
                + _short(body),
            )
        if "body" in expect:
            problem = mismatch(expect["body"], body)
            if problem:
                raise self.fail(number, step, f"{method} {path}: {problem}")
        if "id" in step:
            self.results[step["id"]] = body
        self.say(
            f"  ok  {number:>2} {_label(step) or '-'}: {method} {path} -> {answer.status_code}"
        )
        for hook in resolve(step.get("webhooks", []), self.results):
            self.check_webhook(number, step, hook)

    def check_webhook(self, number: int, step: Json, hook: Json) -> None:
        wanted = {k: v for k, v in hook.items() if k != "type"}
        deadline = time.monotonic() + WEBHOOK_TIMEOUT
        while True:
            seen = self.events()
            if any(
                e["type"] == hook["type"] and mismatch(wanted, e["payload"]) is None for e in seen
            ):
                self.say(f"          webhook {hook['type']} {_short(wanted)}")
                return
            if time.monotonic() >= deadline:
                got = ", ".join(f"{e['type']} (return {e['returnId']})" for e in seen) or "none"
                raise self.fail(
                    number, step, f"expected a {hook['type']} webhook {_short(wanted)}; got: {got}"
                )
            time.sleep(POLL_INTERVAL)  # polling interval, not a wait for state


def run_scenario(
    name_or_path: str | Path | Json,
    base_url: str,
    *,
    verbose: bool = True,
    say: Printer | None = None,
    admin_token: str | None = None,
    watch: Watcher | None = None,
) -> Json:
    """Run a scenario (a name, a file, or a document ``check_scenario`` passed) against
    ``base_url``; returns each step's answer by step id.

    Prints each step as it goes (when ``verbose``) and tells ``watch`` of each step's
    progress; raises :class:`ScenarioFailed`.
    """
    if isinstance(name_or_path, dict):
        scenario = check_scenario(name_or_path, str(name_or_path.get("name", "scenario")))
    else:
        scenario = load_scenario(name_or_path)
    printer: Printer = say or (print if verbose else (lambda line: None))
    merchant = str(scenario.get("apiKey") or f"scenario-{scenario['name']}")
    headers = {"x-api-key": merchant}
    if admin_token:
        headers["x-mock-admin-token"] = admin_token
    description = scenario.get("description")
    printer(f"scenario {scenario['name']}" + (f": {description}" if description else ""))
    with ExitStack() as stack, httpx.Client(base_url=base_url, headers=headers, timeout=60) as http:
        run = _Run(scenario, http, merchant, printer, stack, watch or (lambda report: None))
        try:
            run.start()
        except (httpx.HTTPError, ValueError, KeyError) as exc:
            raise ScenarioError(
                f"cannot use {base_url} as a mock-ingrid server (its /_mock routes): "
                f"{type(exc).__name__}: {exc}"
            ) from None
        try:
            for number, step in enumerate(scenario["steps"], start=1):
                run.run_step(number, step)
        except httpx.HTTPError as exc:
            raise ScenarioError(f"cannot talk to {base_url}: {exc}") from None
    printer(f"scenario {scenario['name']}: passed ({len(scenario['steps'])} steps)")
    return run.results
