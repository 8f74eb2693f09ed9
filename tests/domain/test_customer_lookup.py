"""``orders.find_customer_order``: what a customer types finds their order, and nothing else."""

from __future__ import annotations

from decimal import Decimal

from mock_ingrid.domain import orders
from mock_ingrid.domain.commands import LineItemInput, OrderInput
from mock_ingrid.domain.merchant import Merchant
from tests.builders import merchant


def _order(
    m: Merchant, order_id: str, name: str | None, number: int | None, email: str | None
) -> None:
    address = {"firstName": "Anna", **({"email": email} if email else {})}
    line = LineItemInput("L1", "TEE", "TEE-M", 1, Decimal("10"))
    data = OrderInput(order_id, "SEK", Decimal(0), Decimal(10), address, [line])
    data.order_name, data.order_number = name, number
    orders.upsert_order(m, data)


def test_the_name_or_the_number_with_the_email_in_any_case_finds_the_order() -> None:
    m = merchant()
    _order(m, "A", "#1001", 1001, "anna@example.com")
    _order(m, "B", "1002", None, "Anna@Example.com")
    for typed in ("#1001", "1001", " 1001 ", "# 1001"):
        found = orders.find_customer_order(m, typed, " ANNA@example.com ")
        assert found is not None and found.order_id == "A", typed
    for typed in ("1002", "#1002"):
        found = orders.find_customer_order(m, typed, "anna@example.com")
        assert found is not None and found.order_id == "B", typed


def test_a_mismatch_of_either_or_a_blank_finds_nothing() -> None:
    m = merchant()
    _order(m, "A", "#1001", 1001, "anna@example.com")
    _order(m, "NONE", None, None, "anna@example.com")  # no name, no number
    _order(m, "NOMAIL", "#1003", 1003, None)
    assert orders.find_customer_order(m, "#1001", "jonas@example.com") is None
    assert orders.find_customer_order(m, "#1002", "anna@example.com") is None
    assert orders.find_customer_order(m, "ORD", "anna@example.com") is None
    assert orders.find_customer_order(m, "#1003", "") is None
    assert orders.find_customer_order(m, " # ", "anna@example.com") is None
    assert orders.find_customer_order(m, "9" * 40, "anna@example.com") is None
