"""An order and a return as the customer portal shows them: pure functions of the domain.

The portal's page scripts read these through ``/_mock/portal/{merchant}/api/...``:
what the current API does not give a customer's page in one answer (how many units
of each line can still be returned, the other variants of the same product, the
reason table, a return with its refunds and exchanges and the titles of its lines).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from mock_ingrid.domain.merchant import Merchant
from mock_ingrid.domain.model import LineItem, Order, Return, ReturnItem
from mock_ingrid.domain.reasons import REASON_LABELS, SUB_REASON_LABELS
from mock_ingrid.domain.returns import returnable_units
from mock_ingrid.views import current as render

Json = dict[str, Any]

PORTAL = "/_mock/portal/{merchant}"


def portal_path(merchant: str) -> str:
    return PORTAL.format(merchant=quote(merchant, safe=""))


def status_path(merchant: str, return_id: str) -> str:
    """A return's status page (also the legacy ``statusUrl`` under ``--status-url portal``)."""
    return f"{portal_path(merchant)}/returns/{quote(return_id, safe='')}"


def reasons() -> Json:
    """The reason table, in its own order, for the page's choices."""
    return {
        "reasons": [{"code": code, "label": label} for code, label in REASON_LABELS.items()],
        "subReasons": [{"code": code, "label": label} for code, label in SUB_REASON_LABELS.items()],
    }


def customer_order(m: Merchant, order: Order) -> Json:
    """The order with, per line, the units the customer may still return (the domain's
    own count, ``returnable_units``) and the variants an exchange may go to."""
    units = returnable_units(m, order)
    data: Json = {"orderId": order.order_id}
    if order.order_name is not None:
        data["orderName"] = order.order_name
    if order.order_number is not None:
        data["orderNumber"] = order.order_number
    data["currencyCode"] = order.currency
    data["lines"] = [
        _line(m, item, max(units[item.line_item_id], 0)) for item in order.line_items.values()
    ]
    data.update(reasons())
    return data


def _line(m: Merchant, item: LineItem, returnable: int) -> Json:
    product = m.products.get(item.product_id)
    others = [
        {"variantId": v.variant_id, "title": v.title or v.variant_id}
        for v in (product.variants.values() if product is not None else ())
        if v.variant_id != item.variant_id
    ]
    data: Json = {
        "orderLineItemId": item.line_item_id,
        "productId": item.product_id,
        "variantId": item.variant_id,
        "title": line_title(m, item),
        "unitPrice": item.discounted_unit_price,
        "quantity": item.quantity,
        "returnable": returnable,
        "exchangeVariants": others,
    }
    if item.sku is not None:
        data["sku"] = item.sku
    return data


def line_title(m: Merchant, item: LineItem) -> str:
    """The line's own title, else its product's and variant's, else its ids."""
    if item.title:
        return item.title
    product = m.products.get(item.product_id)
    variant = product.variants.get(item.variant_id) if product is not None else None
    parts = [product.title if product else item.product_id]
    parts.append(variant.title if variant is not None and variant.title else item.variant_id)
    return " ".join(parts)


def customer_return(m: Merchant, ret: Return) -> Json:
    """A return with its items titled, its refund transactions and its exchanges."""
    order = m.orders[ret.order_id]
    data: Json = {"returnId": ret.return_id, "orderId": ret.order_id}
    if order.order_name is not None:
        data["orderName"] = order.order_name
    data["status"] = ret.status
    data["createdAt"] = ret.created_at
    data["updatedAt"] = ret.updated_at
    if ret.shipment is not None:
        data["shipment"] = {
            "carrier": ret.shipment.carrier,
            "trackingReference": ret.shipment.tracking_reference,
        }
    data["items"] = [_item(m, order, item) for item in ret.items]
    data["refundTransactions"] = [render.refund_transaction(m.refunds[i]) for i in ret.refund_ids]
    data["exchanges"] = [render.exchange_order(m.exchanges[i]) for i in ret.exchange_ids]
    return data


def _item(m: Merchant, order: Order, item: ReturnItem) -> Json:
    line = order.line_items.get(item.order_line_item_id)
    data: Json = {
        "returnItemId": item.return_item_id,
        "orderLineItemId": item.order_line_item_id,
        "title": line_title(m, line) if line is not None else item.order_line_item_id,
        "quantity": item.quantity,
        "status": item.status,
    }
    if item.reason is not None:
        data["reason"] = item.reason.label
        if item.reason.sub_reason_label is not None:
            data["subReason"] = item.reason.sub_reason_label
    if item.exchange is not None:
        product = m.products.get(item.exchange.to_product_id)
        variant = product.variants.get(item.exchange.to_variant_id) if product else None
        data["exchangeTo"] = {
            "productId": item.exchange.to_product_id,
            "variantId": item.exchange.to_variant_id,
            "title": (variant.title if variant is not None else None)
            or item.exchange.to_variant_id,
        }
    return data
