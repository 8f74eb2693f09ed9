"""A return as the legacy (turnr) generation shows it: pure functions of the domain.

Shared by ``GET /merchant/return[/{id}]`` and the legacy webhooks. Nothing is
stored for the legacy view: every field is computed from the one domain, and
ids are the current generation's numeric string ids read as integers.
Absent values are ``null`` (the fields are always present).
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from mock_ingrid.domain.merchant import Merchant
from mock_ingrid.domain.model import (
    ExchangeItem,
    ExchangeOrder,
    Order,
    RefundTransaction,
    Return,
    ReturnItem,
    ReturnShipment,
)
from mock_ingrid.money import ZERO
from mock_ingrid.views.legacy_reasons import reason_id, sub_reason_id
from mock_ingrid.views.legacy_status import legacy_item_status, legacy_return_status
from mock_ingrid.views.portal import status_path

Json = dict[str, Any]

# Carrier tracking pages, keyed by the carrier name without case or punctuation.
_TRACKING_PAGES = {
    "POSTNORD": "https://tracking.postnord.com/se/?id={ref}",
    "DHL": "https://www.dhl.com/global-en/home/tracking.html?tracking-id={ref}",
    "DHLEXPRESS": "https://www.dhl.com/global-en/home/tracking.html?tracking-id={ref}",
    "UPS": "https://www.ups.com/track?tracknum={ref}",
    "BRING": "https://tracking.bring.com/tracking/{ref}",
}
# Any other carrier: a reserved (RFC 2606) host, so nobody mistakes it for a real page.
_FALLBACK_TRACKING_PAGE = "https://tracking.example.com/{carrier}/{ref}"


def legacy_id(entity_id: str) -> int:
    """The legacy integer id of a domain id (the id factory only makes numeric ones)."""
    return int(entity_id)


def status_url(base_url: str, m: Merchant, ret: Return, target: str = "api") -> str:
    """The legacy resource itself (``target`` "api") or the return's page in the customer
    portal ("portal"), absolute, under the server's public URL (``--public-url``, else
    its bound address): never built from a request's ``Host`` header, which a client or
    a proxy can set to anything."""
    if target == "portal":
        return base_url.rstrip("/") + status_path(m.key, ret.return_id)
    return f"{base_url.rstrip('/')}/merchant/return/{legacy_id(ret.return_id)}"


def tracking_url(carrier: str, reference: str) -> str:
    template, quoted_carrier = _tracking_page(carrier)
    return template.format(carrier=quoted_carrier, ref=quote(reference, safe=""))


@lru_cache(maxsize=256)
def _tracking_page(carrier: str) -> tuple[str, str]:
    """The carrier's page template and its name quoted (a shop has few carriers)."""
    key = "".join(ch for ch in carrier.upper() if ch.isalnum())
    return _TRACKING_PAGES.get(key, _FALLBACK_TRACKING_PAGE), quote(carrier, safe="")


def legacy_return_summary(
    m: Merchant, ret: Return, base_url: str, status_target: str = "api"
) -> Json:
    """One element of ``GET /merchant/return``'s ``content``; ``status_target`` is
    ``--status-url``'s (see ``status_url``)."""
    return {
        "id": legacy_id(ret.return_id),
        "createdAt": ret.created_at,
        "status": legacy_return_status(m, ret).value,
        "statusUrl": status_url(base_url, m, ret, status_target),
        "order": _order(m.orders[ret.order_id]),
    }


def legacy_return_detail(
    m: Merchant, ret: Return, base_url: str, status_target: str = "api"
) -> Json:
    """``GET /merchant/return/{returnId}``: the summary with costs, money, items, parcels."""
    order = m.orders[ret.order_id]
    refunds = [m.refunds[refund_id] for refund_id in ret.refund_ids]
    exchanges = [m.exchanges[exchange_id] for exchange_id in ret.exchange_ids]
    data = legacy_return_summary(m, ret, base_url, status_target)
    data["returnCosts"] = _return_costs(m, ret, order, refunds, exchanges)
    data["refundTransactions"] = [entry for refund in refunds for entry in _refund_entries(refund)]
    data["items"] = [_item(m, ret, order, item) for item in ret.items]
    data["shipments"] = [_shipment(ret.shipment)] if ret.shipment is not None else []
    data["exchanges"] = [_exchange(m, order, exchange) for exchange in exchanges]
    return data


def _order(order: Order) -> Json:
    return {
        "id": order.internal_id,
        "foreignId": order.order_id,
        "foreignName": order.order_name,
        "foreignNumber": order.order_number,
        # The shop's order date: what "order creation" meant to the shop's platform.
        "createdAt": order.ordered_at,
    }


def _return_costs(
    m: Merchant,
    ret: Return,
    order: Order,
    refunds: list[RefundTransaction],
    exchanges: list[ExchangeOrder],
) -> Json:
    """What the return costs the customer: as deducted once a refund exists, as the
    merchant's settings say before that."""
    if refunds:
        shipment = sum((r.return_shipment_cost for r in refunds), ZERO)
        handling = sum((r.return_handling_cost for r in refunds), ZERO)
    else:
        deductions = m.settings.deductions_for(order.currency)
        shipment, handling = deductions.return_shipment_cost, deductions.return_handling_cost
    if exchanges:
        exchange = sum((e.exchange_cost for e in exchanges), ZERO)
    elif any(item.exchange is not None for item in ret.items):
        exchange = m.settings.exchange_cost
    else:
        exchange = ZERO
    # The domain has no failed deliveries (a parcel is delivered or lost).
    failed_delivery = ZERO
    return {
        "currencyCode": order.currency,
        "returnShipmentCost": shipment,
        "returnHandlingCost": handling,
        "exchangeCost": exchange,
        "failedDeliveryCost": failed_delivery,
        "totalCost": shipment + handling + exchange + failed_delivery,
    }


def _refund_entries(refund: RefundTransaction) -> list[Json]:
    """One refund transaction as legacy entries: the part paid back to the original
    payment (BASIC) and the part paid back to the gift card (GIFT_CARD)."""
    gift_card = refund.gift_card_amount
    basic = refund.total_amount - gift_card
    parts: list[tuple[str, Decimal]] = []
    if basic > ZERO or gift_card <= ZERO:
        parts.append(("BASIC", basic))
    if gift_card > ZERO:
        parts.append(("GIFT_CARD", gift_card))
    return [
        {
            "foreignId": refund.transaction_id,
            "refundType": refund_type,
            "currencyCode": refund.currency,
            "totalAmount": amount,
        }
        for refund_type, amount in parts
    ]


def _item(m: Merchant, ret: Return, order: Order, item: ReturnItem) -> Json:
    line = order.line_items[item.order_line_item_id]
    return {
        "id": legacy_id(item.return_item_id),
        "foreignLineItemId": line.line_item_id,
        "status": legacy_item_status(m, ret, item).value,
        "quantity": item.quantity,
        "purchasePriceAmount": {
            "currencyCode": order.currency,
            "amount": line.paid_unit_price,
            "itemTax": line.unit_taxes,
        },
        "productVariant": product_variant(m, line.product_id, line.variant_id, line.sku),
        "returnReasons": _reasons(item),
    }


def _reasons(item: ReturnItem) -> list[Json]:
    if item.reason is None:
        return []
    sub_code = item.reason.sub_reason_code
    return [
        {
            "id": reason_id(item.reason.code),
            "subReasonId": sub_reason_id(sub_code) if sub_code else None,
        }
    ]


def product_variant(m: Merchant, product_id: str, variant_id: str, sku: str | None = None) -> Json:
    """A catalogue variant; ``sku`` overrides the variant's own when an order line was
    sold under another one (it is what the warehouse reads off the parcel)."""
    # Products and variants are never deleted, so an order line's variant exists.
    product = m.products[product_id]
    variant = product.variants[variant_id]
    return {
        "id": variant.internal_id,
        "foreignProductId": product.product_id,
        "foreignVariantId": variant.variant_id,
        "productNumber": product.product_number,
        "properties": [_property(p) for p in variant.properties],
        "sku": sku or variant.sku,
        "productTitle": product.title,
        "variantTitle": variant.title,
    }


def _property(prop: dict[str, Any]) -> Json:
    # The current catalogue has no separate property code: the value is the code.
    data: Json = {
        "type": str(prop.get("type", "")),
        "code": str(prop.get("code", prop.get("value", ""))),
        "value": str(prop.get("value", "")),
    }
    if prop.get("hexColor"):
        data["hexColor"] = str(prop["hexColor"])
    return data


def _shipment(shipment: ReturnShipment) -> Json:
    return {
        "id": legacy_id(shipment.shipment_id),
        "type": "C2B",  # consumer to business: the parcel goes back to the merchant
        "carrier": shipment.carrier,
        "trackingUrl": tracking_url(shipment.carrier, shipment.tracking_reference),
        "trackingReference": shipment.tracking_reference,
        "customsType": "NO_CUSTOMS",
    }


def _exchange(m: Merchant, order: Order, exchange: ExchangeOrder) -> Json:
    return {
        "id": legacy_id(exchange.exchange_id),
        # Draft orders are a Shopify step the emulator does not model.
        "foreignDraftOrderId": None,
        "foreignOrderId": exchange.completed_order_id,
        "foreignOrderNumber": exchange.completed_order_number,
        "items": [_exchange_item(m, order, item) for item in exchange.items],
    }


def _exchange_item(m: Merchant, order: Order, item: ExchangeItem) -> Json:
    line = order.line_items[item.order_line_item_id]
    return {
        "id": legacy_id(item.exchange_item_id),
        "orderItemId": legacy_id(item.return_item_id),
        "quantity": item.quantity,
        "fromProductVariant": product_variant(
            m, item.from_product_id, item.from_variant_id, line.sku
        ),
        "toProductVariant": product_variant(m, item.to_product_id, item.to_variant_id),
    }
