"""Retry schedules: named or custom, jittered reproducibly."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from mock_ingrid.webhooks.schedule import ScheduleError, parse_duration, parse_schedule


def test_sandbox_retries_within_about_a_second_a_handful_of_times() -> None:
    sandbox = parse_schedule("sandbox")
    assert sandbox.delays[0] == timedelta(0)
    assert sandbox.delays[1] <= timedelta(seconds=1)
    assert 4 <= sandbox.attempts <= 8


def test_realistic_mirrors_the_providers() -> None:
    realistic = parse_schedule("realistic")
    hours = [d.total_seconds() / 3600 for d in realistic.delays]
    assert hours == [0, 5 / 3600, 5 / 60, 0.5, 2, 5, 10, 10]


def test_custom_lists_take_units() -> None:
    custom = parse_schedule("0, 250ms, 2, 1.5s, 3m, 1h")
    assert custom.name == "custom"
    assert [d.total_seconds() for d in custom.delays] == [0, 0.25, 2, 1.5, 180, 3600]


@pytest.mark.parametrize("text", ["", ",", "soon", "5x", "-1s"])
def test_bad_schedules_say_what_is_wrong(text: str) -> None:
    with pytest.raises(ScheduleError):
        parse_schedule(text)


def test_jitter_stays_within_twenty_percent_and_repeats_with_the_seed() -> None:
    schedule = parse_schedule("0,1s,10s")
    first = [schedule.delay(n, random.Random(3)) for n in range(3)]
    again = [schedule.delay(n, random.Random(3)) for n in range(3)]
    assert first == again
    assert first[0] == timedelta(0)
    delay = first[1]
    assert delay is not None and timedelta(seconds=0.8) <= delay <= timedelta(seconds=1.2)
    assert schedule.delay(3, random.Random(3)) is None


def test_parse_duration() -> None:
    assert parse_duration("750ms") == timedelta(milliseconds=750)
    assert parse_duration("2h") == timedelta(hours=2)
