"""``/_mock/clock`` and ``/_mock/progression``: time, and lifecycles that move by themselves.

Moving the clock forward runs everything that became due (progression steps and
webhook attempts), in due order, before the answer; webhook signatures still
carry real time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field
from pydantic_core import PydanticCustomError
from starlette.requests import Request
from starlette.responses import Response

from mock_ingrid.api.endpoint import json_response, runtime_of
from mock_ingrid.api.errors import ApiError
from mock_ingrid.api.types import WIRE_CONFIG, AwareInstant
from mock_ingrid.control.common import read_control_body
from mock_ingrid.domain.errors import Problem
from mock_ingrid.progression import KINDS, Policy, PolicyError, parse_duration, parse_policy
from mock_ingrid.runtime import Runtime


def _duration(value: Any) -> timedelta:
    if not isinstance(value, str):
        raise PydanticCustomError("duration_type", "expected a duration such as 90s, 5m or 80h")
    try:
        return parse_duration(value)
    except PolicyError as exc:
        raise PydanticCustomError("duration_format", str(exc)) from None


def _policy(value: Any) -> Policy:
    if not isinstance(value, str):
        raise PydanticCustomError("policy_type", "expected manual, immediate or after:<duration>")
    try:
        return parse_policy(value)
    except PolicyError as exc:
        raise PydanticCustomError("policy_format", str(exc)) from None


Duration = Annotated[timedelta, BeforeValidator(_duration)]
PolicyText = Annotated[Policy, BeforeValidator(_policy)]


class _Body(BaseModel):
    model_config = WIRE_CONFIG | {"extra": "forbid"}


class FreezeBody(_Body):
    at: AwareInstant | None = None


class SetBody(_Body):
    at: AwareInstant


class AdvanceBody(_Body):
    by: Duration


class ProgressionBody(_Body):
    return_: PolicyText | None = Field(default=None, alias="return")
    report: PolicyText | None = None
    refund: PolicyText | None = None
    exchange: PolicyText | None = None

    def given(self) -> dict[str, Policy]:
        found = {"return": self.return_, "report": self.report, "refund": self.refund}
        found["exchange"] = self.exchange
        return {kind: policy for kind, policy in found.items() if policy is not None}


def clock_json(runtime: Runtime, ran: dict[str, int] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "now": runtime.clock.now(),
        "frozen": runtime.clock.frozen,
        "pendingTimers": len(runtime.timers),
        "nextDueAt": runtime.next_due(),
    }
    if ran is not None:
        data["ran"] = ran
    return data


def progression_json(runtime: Runtime) -> dict[str, Any]:
    return {kind: str(runtime.progression.policies[kind]) for kind in KINDS}


async def move_to(runtime: Runtime, target: datetime) -> dict[str, int]:
    """Move the clock to ``target``: forward runs what became due on the way; back
    (freezing at an instant already past, say) runs nothing."""
    ran = await runtime.advance_to(target)
    if runtime.clock.now() > target:
        runtime.clock.set(target)
    return ran


async def get_clock(request: Request) -> Response:
    return json_response(clock_json(runtime_of(request)))


async def freeze_clock(request: Request) -> Response:
    """Stop the clock (at ``at``, or now); a frozen clock only moves when told to."""
    body = await read_control_body(request, FreezeBody, required=False)
    runtime = runtime_of(request)
    target = body.at
    runtime.clock.freeze()
    ran = await move_to(runtime, target) if target is not None else None
    return json_response(clock_json(runtime, ran))


async def resume_clock(request: Request) -> Response:
    runtime = runtime_of(request)
    runtime.clock.resume()
    return json_response(clock_json(runtime))


async def set_clock(request: Request) -> Response:
    """Move the clock to ``at``; moving forward runs what became due on the way."""
    body = await read_control_body(request, SetBody)
    runtime = runtime_of(request)
    ran = await move_to(runtime, body.at)
    return json_response(clock_json(runtime, ran))


async def advance_clock(request: Request) -> Response:
    body = await read_control_body(request, AdvanceBody)
    runtime = runtime_of(request)
    try:
        target: datetime = runtime.clock.now() + body.by
    except OverflowError:  # past 9999-12-31
        raise ApiError(
            400,
            "VALIDATION_ERROR",
            "invalid request body: by: the clock would pass the year 9999",
            [Problem("by", "OUT_OF_RANGE", "the clock would pass the year 9999")],
        ) from None
    ran = await runtime.advance_to(target)
    return json_response(clock_json(runtime, ran))


async def get_progression(request: Request) -> Response:
    return json_response(progression_json(runtime_of(request)))


async def set_progression(request: Request) -> Response:
    """Change the policy of the kinds given; the others keep theirs. A change applies
    to the entities already waiting, counted from now."""
    body = await read_control_body(request, ProgressionBody)
    runtime = runtime_of(request)
    for kind, policy in body.given().items():
        runtime.progression.set_policy(kind, policy)
    runtime.run_due()  # what "immediate" now moves, before the answer
    return json_response(progression_json(runtime))
