"""``control/faults.py`` without HTTP: the header syntax, matching, consumption, the dice."""

from __future__ import annotations

import pytest

from mock_ingrid.control.faults import (
    Fault,
    Faults,
    FaultSyntaxError,
    PathPattern,
    parse_fault_header,
)


@pytest.mark.parametrize(
    ("header", "fault"),
    [
        ("status=503", Fault(status=503)),
        ("status=429;retry-after=2", Fault(status=429, retry_after=2)),
        ("latency=200", Fault(latency_ms=200)),
        ("drop", Fault(drop=True)),
        (" Latency = 150 ; STATUS=500 ", Fault(latency_ms=150, status=500)),
        ("latency=10;drop;", Fault(latency_ms=10, drop=True)),
    ],
)
def test_the_header_syntax(header: str, fault: Fault) -> None:
    assert parse_fault_header(header) == fault


@pytest.mark.parametrize(
    ("header", "complaint"),
    [
        ("", "name a fault"),
        ("status=200", "from 400 to 599"),
        ("status=abc", "expected an integer"),
        ("latency=-5", "expected an integer"),
        ("latency=60001", "from 0 to 60000"),
        ("retry-after=2", "goes with a status"),
        ("status=503;drop", "not both"),
        ("explode", "is not a fault item"),
        ("timeout=5", "is not a fault item"),
    ],
)
def test_a_bad_header_says_what_is_wrong(header: str, complaint: str) -> None:
    with pytest.raises(FaultSyntaxError, match=complaint):
        parse_fault_header(header)


@pytest.mark.parametrize(
    "header", ["status=503", "status=429;retry-after=2", "latency=200", "drop", "latency=5;drop"]
)
def test_spec_writes_the_header_syntax_back(header: str) -> None:
    assert parse_fault_header(header).spec == header


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("/returns", "/returns", True),
        ("/returns", "/returns/1", False),
        ("/returns/*", "/returns/1", True),
        ("/returns/*", "/returns/1/cancel", True),
        ("/returns/*", "/returns", False),
        ("/returns*", "/returns", True),
        ("/returns/?/cancel", "/returns/7/cancel", True),
        ("/returns/?/cancel", "/returns/17/cancel", False),
        ("/merchant/*", "/merchant/return/3", True),
        ("/*", "/anything/at/all", True),
        ("/Returns/*", "/returns/1", False),
    ],
)
def test_path_patterns(pattern: str, path: str, matches: bool) -> None:
    assert PathPattern(pattern).matches(path) is matches


def test_a_rule_matches_its_method_and_merchant_only() -> None:
    faults = Faults()
    rule = faults.add(Fault(status=503), "/returns/*", method="post", merchant="shop-a")
    assert rule.method == "POST"
    assert faults.pick("GET", "/returns/1/cancel", "shop-a") is None
    assert faults.pick("POST", "/returns/1/cancel", "shop-b") is None
    assert faults.pick("POST", "/returns/1/cancel", None) is None
    assert faults.pick("POST", "/orders", "shop-a") is None
    assert faults.pick("POST", "/returns/1/cancel", "shop-a") is rule


def test_times_counts_down_and_an_exhausted_rule_stays_listed() -> None:
    faults = Faults()
    rule = faults.add(Fault(status=500), times=2)
    picked = [faults.pick("GET", "/returns", "k") for _ in range(3)]
    assert picked == [rule, rule, None]
    assert (rule.remaining, rule.applied, rule.exhausted) == (0, 2, True)
    assert list(faults.rules) == [rule.fault_id]


def test_the_first_matching_rule_wins_and_an_exhausted_one_lets_the_next_fire() -> None:
    faults = Faults()
    first = faults.add(Fault(status=503), "/returns/*", times=1)
    second = faults.add(Fault(status=500), "/*")
    assert faults.pick("GET", "/returns/1", None) is first
    assert faults.pick("GET", "/returns/1", None) is second


def test_ids_are_never_reused() -> None:
    faults = Faults()
    one = faults.add(Fault(drop=True))
    faults.clear()
    two = faults.add(Fault(drop=True))
    assert (one.fault_id, two.fault_id) == ("fault_1", "fault_2")
    assert faults.remove("fault_2") and not faults.remove("fault_2")


def _fired(seed: int, probability: float, calls: int = 200) -> list[bool]:
    faults = Faults(seed)
    faults.add(Fault(status=503), probability=probability)
    return [faults.pick("GET", "/returns", None) is not None for _ in range(calls)]


def test_a_probability_is_reproducible_with_the_same_seed() -> None:
    assert _fired(7, 0.3) == _fired(7, 0.3)
    assert _fired(7, 0.3) != _fired(8, 0.3)
    assert 20 < sum(_fired(7, 0.3)) < 100  # a share of the calls, not none or all


def test_a_certain_rule_does_not_shift_the_random_sequence() -> None:
    plain = Faults(3)
    plain.add(Fault(status=503), "/returns", probability=0.5)
    mixed = Faults(3)
    mixed.add(Fault(status=500), "/orders")  # certain: never rolls the dice
    mixed.add(Fault(status=503), "/returns", probability=0.5)
    for faults in (plain, mixed):
        faults.pick("GET", "/orders", None)
    assert [plain.pick("GET", "/returns", None) is not None for _ in range(50)] == [
        mixed.pick("GET", "/returns", None) is not None for _ in range(50)
    ]


def test_a_fault_without_an_effect_is_refused() -> None:
    with pytest.raises(ValueError, match="name a fault"):
        Faults().add(Fault())
