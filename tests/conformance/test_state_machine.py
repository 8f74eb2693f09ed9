"""A Hypothesis state machine over the public and control APIs, with three merchants at once.

Each step is one HTTP call (current, legacy or control API) through an in-process client
whose every response is checked against its document. After every step the invariants of
the issue are checked through the API where it can see them:

- money refunded per order line is never negative and never more than was paid;
- statuses only move along the declared tables (the history since the last step is a
  chain of declared transitions from the status seen then to the status seen now);
- each webhook event fired exactly once per transition that defines it (the sources'
  table, not the domain's);
- the legacy view of every return agrees with the current one through the mapping table;
- no merchant sees another's data (same order ids, different worlds);
- a request that failed changed nothing (the whole state, and the event log).

``MOCK_INGRID_DEEP=1`` runs many more and longer programs, with a random seed.
"""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
)
from starlette.testclient import TestClient

from mock_ingrid.domain.lifecycle import CREATED, LIFECYCLES
from mock_ingrid.runtime import Runtime
from mock_ingrid.settings import Settings
from mock_ingrid.snapshot import export_state
from mock_ingrid.views.legacy_status import RETURN_STATUS_MAP
from tests.conformance.harness import DEEP, FROZEN_AT
from tests.conftest import make_client

# Three tenants with different policies; their order ids collide on purpose.
MERCHANTS: dict[str, dict[str, Any]] = {
    "alpha": {"refundShipping": True, "returnShipmentCost": 10, "returnHandlingCost": 5},
    "beta": {"autoConfirmReturns": False, "returnShipmentCost": 1000},
    "gamma": {"currency": "EUR", "exchangeCost": 25},
}
VARIANTS = [("V1", "SKU-1"), ("V2", "SKU-2"), ("V3", "SKU-3")]
PRICES = [Decimal("19.99"), Decimal("0.01"), Decimal("299"), Decimal("1234.5")]

# (collection, status entered) -> webhook, as the two sources describe them.
SOURCE_TRIGGERS = {
    ("return", "PENDING"): "RETURN_CREATED",
    ("report", "PROCESSING"): "RETURN_ARRIVED",
    ("return", "COMPLETED"): "RETURN_COMPLETED",
    ("refund", "AWAITING_EXTERNAL_REFUND"): "REFUND_PENDING_EXTERNAL",
    ("exchange", "AWAITING_EXTERNAL_HANDLING"): "EXCHANGE_PENDING_EXTERNAL",
}
CONTROL_STEPS = ["confirm", "label-ready", "in-transit", "deliver", "lost-in-transit"]
ADVANCE_TO = ["CONFIRMED", "READY", "IN_TRANSIT", "RECEIVED", "REFUND_PENDING", "COMPLETED"]
RETURN_STATUSES = ["PENDING", *ADVANCE_TO, "CANCELLED"]

merchant_keys = st.sampled_from(sorted(MERCHANTS))
picks = st.integers(min_value=0, max_value=10_000)


JSON = {"content-type": "application/json"}


def _json(body: Any) -> bytes | None:
    """Decimals as JSON numbers: these few-digit values print exactly as floats."""
    if body is None:
        return None
    return json.dumps(body, default=float).encode()


def _money(value: Any) -> Decimal:
    return Decimal(str(value))


class ReturnsWorld(RuleBasedStateMachine):
    orders = Bundle("orders")

    def __init__(self) -> None:
        super().__init__()
        self.client: TestClient = make_client(Settings(freeze_time=FROZEN_AT), api_key=None)
        self.client.__enter__()
        self.runtime: Runtime = self.client.app_state  # type: ignore[attr-defined]
        self.order_count: Counter[str] = Counter()
        # What each merchant created successfully, as the API answered it.
        self.created: dict[str, dict[str, set[str]]] = {
            key: {"orders": set(), "returns": set()} for key in MERCHANTS
        }
        self.order_lines: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
        self.reports: list[tuple[str, str]] = []
        # (merchant, kind, id) -> (status seen after the last step, history length then)
        self.seen: dict[tuple[str, str, str], tuple[str, int]] = {}

    def teardown(self) -> None:
        self.client.__exit__(None, None, None)

    # -- calls ----------------------------------------------------------------------

    def call(self, key: str, method: str, path: str, body: Any = None) -> Any:
        """One request; a 4xx must leave the state and the event log exactly as they were."""
        before = self._fingerprint()
        response = self.client.request(
            method, path, content=_json(body), headers={"x-api-key": key, **JSON}
        )
        assert response.status_code < 500, f"{method} {path}: {response.text}"
        if response.status_code >= 400:
            assert self._fingerprint() == before, f"{method} {path} failed but changed the state"
            error = response.json()
            assert error, f"{method} {path}: an empty error body"
            return None
        return response.json()

    def _fingerprint(self) -> tuple[Any, int]:
        return export_state(self.runtime.state), len(self.runtime.webhooks.outbox.messages)

    def get(self, key: str, path: str) -> Any:
        response = self.client.get(path, headers={"x-api-key": key})
        assert response.status_code == 200, f"GET {path}: {response.text}"
        return response.json()

    def _returns(self, key: str) -> list[dict[str, Any]]:
        return list(self.get(key, "/returns?size=100")["data"])

    def _pick(self, items: list[Any], index: int) -> Any:
        return items[index % len(items)] if items else None

    def _pick_return(self, key: str, index: int) -> dict[str, Any] | None:
        found: dict[str, Any] | None = self._pick(self._returns(key), index)
        return found

    # -- set-up ---------------------------------------------------------------------

    @initialize()
    def merchants_and_catalogue(self) -> None:
        for key, policy in MERCHANTS.items():
            created = self.client.post("/_mock/merchants", json={"apiKey": key, "settings": policy})
            assert created.status_code == 201, created.text
            product = {
                "productId": "P1",
                "title": "Tee",
                "variants": [{"variantId": v, "sku": sku} for v, sku in VARIANTS],
            }
            assert self.call(key, "POST", "/products", product) is not None

    # -- the public API ---------------------------------------------------------------

    @rule(
        target=orders,
        key=merchant_keys,
        lines=st.lists(
            st.tuples(
                st.integers(0, len(VARIANTS) - 1),
                st.integers(1, 3),
                st.sampled_from(PRICES),
                st.integers(0, 3),
            ),
            min_size=1,
            max_size=3,
        ),
        shipping=st.sampled_from([Decimal("0"), Decimal("49"), Decimal("4.95")]),
    )
    def push_order(
        self, key: str, lines: list[tuple[int, int, Decimal, int]], shipping: Decimal
    ) -> tuple[str, str]:
        self.order_count[key] += 1
        order_id = f"O{self.order_count[key]}"
        line_items = [
            {
                "lineItemId": f"L{n}",
                "productId": "P1",
                "variantId": VARIANTS[variant][0],
                "sku": VARIANTS[variant][1],
                "title": "Tee",
                "originalUnitPrice": price,
                "discountedUnitPrice": price,
                "quantity": quantity,
            }
            for n, (variant, quantity, price, _) in enumerate(lines)
        ]
        shipped = [
            {"orderLineItemId": f"L{n}", "quantity": min(quantity, ship)}
            for n, (_, quantity, _, ship) in enumerate(lines)
            if ship
        ]
        total = sum((p * q for _, q, p, _ in lines), shipping)
        body: dict[str, Any] = {
            "orderId": order_id,
            "currencyCode": "EUR" if key == "gamma" else "SEK",
            "shippingCost": shipping,
            "totalAmount": total,
            "orderedAt": "2026-01-15T10:00:00Z",
            "shippingAddress": {"firstName": "A", "lastName": "B", "countryCode": "SE"},
            "lineItems": line_items,
        }
        if shipped:
            body["shipments"] = [
                {
                    "shipmentId": f"S-{order_id}",
                    "trackingReference": f"T-{key}-{order_id}",
                    "lineItems": shipped,
                }
            ]
        answer = self.call(key, "POST", "/orders", body)
        assert answer is not None and answer["orderId"] == order_id
        self.created[key]["orders"].add(order_id)
        self.order_lines[(key, order_id)] = {line["lineItemId"]: line for line in line_items}
        return key, order_id

    def _return_items(
        self, key: str, order_id: str, wanted: list[tuple[int, int]]
    ) -> list[dict[str, Any]]:
        lines = sorted(self.order_lines[(key, order_id)])
        return [
            {
                "orderLineItemId": lines[index % len(lines)],
                "quantity": quantity,
                "reason": {"code": "DAMAGED" if index % 2 else "DOESNT_FIT"},
            }
            for index, quantity in wanted
        ]

    @rule(
        order=orders,
        wanted=st.lists(st.tuples(picks, st.integers(0, 3)), min_size=1, max_size=2),
    )
    def create_return(self, order: tuple[str, str], wanted: list[tuple[int, int]]) -> None:
        key, order_id = order
        body = {"items": self._return_items(key, order_id, wanted)}
        created = self.call(key, "POST", f"/orders/{order_id}/returns", body)
        if created is not None:
            self.created[key]["returns"].add(created["returnId"])

    @rule(order=orders, index=picks, quantity=st.integers(1, 2), to=st.integers(0, 2))
    def create_exchange_return(
        self, order: tuple[str, str], index: int, quantity: int, to: int
    ) -> None:
        key, order_id = order
        item = self._return_items(key, order_id, [(index, quantity)])[0]
        item["exchangeTo"] = {"productId": "P1", "variantId": VARIANTS[to][0]}
        created = self.call(key, "POST", f"/_mock/orders/{order_id}/returns", {"items": [item]})
        if created is not None:
            self.created[key]["returns"].add(created["returnId"])

    @rule(key=merchant_keys, index=picks)
    def cancel_return(self, key: str, index: int) -> None:
        ret = self._pick_return(key, index)
        if ret is not None:
            self.call(key, "POST", f"/returns/{ret['returnId']}/cancel")

    @rule(
        key=merchant_keys,
        index=picks,
        actions=st.lists(st.tuples(st.booleans(), st.integers(0, 3)), min_size=1, max_size=3),
        manual=st.booleans(),
        match=st.sampled_from(["returnId", "orderId", "shipmentTrackingReference"]),
    )
    def warehouse_report(
        self, key: str, index: int, actions: list[tuple[bool, int]], manual: bool, match: str
    ) -> None:
        ret = self._pick_return(key, index)
        if ret is None:
            return
        items = [
            {
                "returnItemId": item["returnItemId"],
                "quantity": quantity,
                "action": "APPROVED" if approve else "DENIED",
            }
            for item, (approve, quantity) in zip(ret["items"], actions, strict=False)
        ]
        body: dict[str, Any] = {
            "items": items,
            "reportProcessing": "MANUAL_REVIEW" if manual else "PROCESS_IMMEDIATELY",
        }
        if match == "shipmentTrackingReference" and "shipment" in ret:
            body[match] = ret["shipment"]["trackingReference"]
        elif match == "orderId":
            body[match] = ret["orderId"]
        else:
            body["returnId"] = ret["returnId"]
        report = self.call(key, "POST", "/warehouse-reports", body)
        if report is not None:
            self.reports.append((key, report["warehouseReportId"]))

    @rule(key=merchant_keys, index=picks, approvals=st.lists(st.booleans(), min_size=1))
    def legacy_items_returned(self, key: str, index: int, approvals: list[bool]) -> None:
        ret = self._pick_return(key, index)
        if ret is None:
            return
        lines = self.order_lines[(key, ret["orderId"])]
        items = [
            {
                "sku": lines[item["orderLineItemId"]]["sku"],
                "quantity": item["quantity"],
                "approved": approved,
                "comment": "checked",
            }
            for item, approved in zip(ret["items"], approvals, strict=False)
        ]
        body = {"foreignOrderId": ret["orderId"], "returnId": int(ret["returnId"]), "items": items}
        answer = self.call(key, "POST", "/merchant/items/returned", body)
        assert answer in (None, {"status": "OK"})

    @rule(key=merchant_keys, index=picks, exact=st.booleans(), transaction=st.booleans())
    def complete_refund(self, key: str, index: int, exact: bool, transaction: bool) -> None:
        refund = self._pick(self.get(key, "/refund-transactions?size=100")["data"], index)
        if refund is None:
            return
        amount = _money(refund["totalAmount"]) if exact else Decimal("1.00")
        body: dict[str, Any] = {"amount": amount, "currencyCode": refund["currencyCode"]}
        if transaction:
            body["transactionId"] = f"TX-{refund['refundTransactionId']}"
        path = f"/refund-transactions/{refund['refundTransactionId']}/complete"
        done = self.call(key, "POST", path, body)
        if done is not None:
            assert done["status"] == "SUCCESS"
            assert _money(done["refundedAmount"]) == amount

    @rule(key=merchant_keys, index=picks, retry=st.booleans())
    def fail_or_retry_refund(self, key: str, index: int, retry: bool) -> None:
        refund = self._pick(self.get(key, "/refund-transactions?size=100")["data"], index)
        if refund is not None:
            verb = "retry" if retry else "fail"
            self.call(
                key, "POST", f"/_mock/refund-transactions/{refund['refundTransactionId']}/{verb}"
            )

    @rule(key=merchant_keys, index=picks, cancel=st.booleans())
    def settle_exchange(self, key: str, index: int, cancel: bool) -> None:
        exchange = self._pick(self.get(key, "/exchanges?size=100")["data"], index)
        if exchange is None:
            return
        exchange_id = exchange["exchangeOrderId"]
        if cancel:
            self.call(key, "POST", f"/_mock/exchanges/{exchange_id}/cancel")
        else:
            body = {"completedOrderId": f"NEW-{exchange_id}", "completedOrderNumber": "2001"}
            self.call(key, "POST", f"/exchanges/{exchange_id}/complete", body)

    # -- the control API --------------------------------------------------------------

    @rule(key=merchant_keys, index=picks, step=st.sampled_from(CONTROL_STEPS))
    def lifecycle_helper(self, key: str, index: int, step: str) -> None:
        ret = self._pick_return(key, index)
        if ret is not None:
            self.call(key, "POST", f"/_mock/returns/{ret['returnId']}/{step}")

    @rule(key=merchant_keys, index=picks, status=st.sampled_from(ADVANCE_TO))
    def advance(self, key: str, index: int, status: str) -> None:
        ret = self._pick_return(key, index)
        if ret is not None:
            path = f"/_mock/returns/{ret['returnId']}/advance"
            self.call(key, "POST", path, {"status": status})

    @rule(key=merchant_keys, index=picks)
    def customer_keeps_an_item(self, key: str, index: int) -> None:
        ret = self._pick_return(key, index)
        if ret is not None:
            body = {"returnItemIds": [ret["items"][0]["returnItemId"]]}
            self.call(key, "POST", f"/_mock/returns/{ret['returnId']}/no-return-needed", body)

    @rule(index=picks, approve=st.booleans())
    def review(self, index: int, approve: bool) -> None:
        if self.reports:
            key, report_id = self._pick(self.reports, index)
            verb = "approve" if approve else "reject"
            self.call(key, "POST", f"/_mock/warehouse-reports/{report_id}/{verb}")

    @rule(key=merchant_keys, status=st.sampled_from(RETURN_STATUSES))
    def filtered_list(self, key: str, status: str) -> None:
        listed = self.get(key, f"/returns?status={status}&size=100")["data"]
        assert all(r["status"] == status for r in listed)
        everything = [r for r in self._returns(key) if r["status"] == status]
        assert [r["returnId"] for r in listed] == [r["returnId"] for r in everything]

    # -- invariants -------------------------------------------------------------------

    @invariant()
    def the_world_is_consistent(self) -> None:
        """Every invariant, from one read of each merchant's views (reads are the cost)."""
        for key in MERCHANTS:
            views = {
                "return": self._returns(key),
                "refund": self.get(key, "/refund-transactions?size=100")["data"],
                "exchange": self.get(key, "/exchanges?size=100")["data"],
            }
            self.check_refunds_within_what_was_paid(key, views["refund"])
            self.check_statuses_moved_along_the_tables(key, views)
            self.check_legacy_view_agrees(key, views["return"])
            self.check_merchant_sees_only_its_own(key, views["return"])
        self.check_each_webhook_fired_once_per_transition()

    def check_refunds_within_what_was_paid(self, key: str, refunds: list[Any]) -> None:
        per_line: dict[tuple[str, str], Decimal] = {}
        for refund in refunds:
            assert _money(refund["totalAmount"]) >= 0, refund
            for line in refund["lineItems"]:
                amount = _money(line["amount"])
                assert amount >= 0, refund
                where = (refund["orderId"], line["orderLineItemId"])
                per_line[where] = per_line.get(where, Decimal(0)) + amount
        for (order_id, line_id), refunded in per_line.items():
            paid = self.order_lines[(key, order_id)][line_id]
            ceiling = _money(paid["discountedUnitPrice"]) * paid["quantity"]
            assert refunded <= ceiling, (key, order_id, line_id, refunded, ceiling)

    def check_statuses_moved_along_the_tables(self, key: str, views: dict[str, list[Any]]) -> None:
        """The history since the last step is a chain of declared transitions from the
        status the API showed then to the one it shows now."""
        m = self.runtime.state.merchants[key]
        tables: dict[str, Any] = {"return": m.returns, "refund": m.refunds, "exchange": m.exchanges}
        id_fields = {
            "return": "returnId",
            "refund": "refundTransactionId",
            "exchange": "exchangeOrderId",
        }
        for kind, shown in views.items():
            for entity in shown:
                entity_id, status = entity[id_fields[kind]], entity["status"]
                history = tables[kind][entity_id].history
                chain, length = self.seen.get((key, kind, entity_id), (CREATED, 0))
                for change in history[length:]:
                    assert change.source == chain, (kind, entity_id, history)
                    assert LIFECYCLES[kind].can(change.source, change.event), change
                    chain = change.target
                assert chain == status, (kind, entity_id, chain, status)
                self.seen[(key, kind, entity_id)] = (status, len(history))

    def check_legacy_view_agrees(self, key: str, returns: list[Any]) -> None:
        page = self.get(key, "/merchant/return?page=0&size=100")
        legacy = {str(r["id"]): r["status"] for r in page["content"]}
        current = {r["returnId"]: r["status"] for r in returns}
        assert legacy.keys() == current.keys()
        for return_id, status in current.items():
            assert legacy[return_id] in RETURN_STATUS_MAP[status], (return_id, status)

    def check_merchant_sees_only_its_own(self, key: str, returns: list[Any]) -> None:
        mine = self.created[key]
        orders = {o["orderId"] for o in self.get(key, "/orders?size=100")["data"]}
        assert orders == mine["orders"]
        assert {r["returnId"] for r in returns} == mine["returns"]
        unseen = max((int(r) for r in mine["returns"]), default=0) + 1
        response = self.client.get(f"/returns/{unseen}", headers={"x-api-key": key})
        assert response.status_code == 404, response.text

    def check_each_webhook_fired_once_per_transition(self) -> None:
        expected: Counter[tuple[str, str, str]] = Counter()
        for key, m in self.runtime.state.merchants.items():
            tables: dict[str, Any] = {
                "return": m.returns,
                "report": m.reports,
                "refund": m.refunds,
                "exchange": m.exchanges,
            }
            for kind, table in tables.items():
                for entity_id, entity in table.items():
                    for change in entity.history:
                        event_type = SOURCE_TRIGGERS.get((kind, change.target))
                        if event_type:
                            expected[(key, event_type, entity_id)] += 1
        fired = Counter(
            (e["merchant"], e["type"], e["entityId"])
            for e in self.client.get("/_mock/webhooks/events").json()["data"]
        )
        assert fired == expected


ReturnsWorld.TestCase.settings = settings(
    max_examples=400 if DEEP else 40,
    stateful_step_count=40 if DEEP else 25,
    deadline=None,
    derandomize=not DEEP,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_returns_world = pytest.mark.filterwarnings("ignore::DeprecationWarning")(ReturnsWorld.TestCase)
