"""Entities as the current generation shows them: pure functions of the domain.

Shared by the current API's handlers, ``/_mock`` and the current webhooks' payloads.
Optional fields that are unset are left out.
"""

from __future__ import annotations

from typing import Any

from mock_ingrid.domain.model import (
    ExchangeOrder,
    LineItem,
    Order,
    Product,
    RefundTransaction,
    Return,
    ReturnItem,
    Shipment,
    Variant,
    WarehouseReport,
)

Json = dict[str, Any]


def _compact(data: Json) -> Json:
    return {key: value for key, value in data.items() if value is not None}


# The reference's key order: its details (barCode ... manufacturingCountry), then
# properties, then availableInventory.
_VARIANT_DETAILS_FIRST = (
    "barCode",
    "weightInGrams",
    "imageSrc",
    "imageSrcs",
    "tags",
    "hsCode",
    "manufacturingCountry",
)


def variant(v: Variant) -> Json:
    data: Json = {"variantId": v.variant_id, "title": v.title, "sku": v.sku}
    details = v.details
    for key in _VARIANT_DETAILS_FIRST:
        if key in details:
            data[key] = details[key]
    if v.properties:
        data["properties"] = v.properties
    data.update(details)  # availableInventory, last
    return _compact(data)


def product(p: Product) -> Json:
    data: Json = {"productId": p.product_id, "title": p.title}
    data.update(p.details)
    data["productNumber"] = p.product_number
    data["variants"] = [variant(v) for v in p.variants.values()]
    data["createdAt"] = p.created_at
    return _compact(data)


def _line_item(item: LineItem) -> Json:
    # Built key by key rather than compacted: an order is rendered on every write.
    data: Json = {
        "lineItemId": item.line_item_id,
        "productId": item.product_id,
        "variantId": item.variant_id,
    }
    if item.title is not None:
        data["title"] = item.title
    if item.sku is not None:
        data["sku"] = item.sku
    data["originalUnitPrice"] = item.original_unit_price
    data["discountedUnitPrice"] = item.discounted_unit_price
    data["unitTaxes"] = item.unit_taxes
    data["quantity"] = item.quantity
    return data


def _shipment(s: Shipment) -> Json:
    return _compact(
        {
            "shipmentId": s.shipment_id,
            "shippedAt": s.shipped_at,
            "trackingReference": s.tracking_reference,
            "carrier": s.carrier,
            "lineItems": [
                _compact(
                    {
                        "shipmentLineItemId": line.shipment_line_item_id,
                        "orderLineItemId": line.order_line_item_id,
                        "quantity": line.quantity,
                    }
                )
                for line in s.lines
            ],
        }
    )


def order(o: Order) -> Json:
    data: Json = {"orderId": o.order_id}
    if o.order_name is not None:
        data["orderName"] = o.order_name
    if o.order_number is not None:
        data["orderNumber"] = o.order_number
    data["currencyCode"] = o.currency
    data["shippingCost"] = o.shipping_cost
    data["totalAmount"] = o.total_amount
    data["giftCardAmount"] = o.gift_card_amount
    if o.taxes_amount is not None:
        data["taxesAmount"] = o.taxes_amount
    data["orderedAt"] = o.ordered_at
    if o.shipped_at is not None:
        data["shippedAt"] = o.shipped_at
    data["shippingAddress"] = o.shipping_address
    data["lineItems"] = [_line_item(item) for item in o.line_items.values()]
    data["shipments"] = [_shipment(s) for s in o.shipments]
    data["tags"] = list(o.tags)  # a list, as a patch merged over it is validated
    return data


def _return_item(item: ReturnItem) -> Json:
    data: Json = {
        "returnItemId": item.return_item_id,
        "orderLineItemId": item.order_line_item_id,
        "quantity": item.quantity,
    }
    if item.reason is not None:
        data["reason"] = _compact(
            {
                "code": item.reason.code,
                "label": item.reason.label,
                "subReasonCode": item.reason.sub_reason_code,
                "subReasonLabel": item.reason.sub_reason_label,
            }
        )
    data["status"] = item.status  # a StrEnum: the JSON shows its value
    if item.exchange is not None:
        data["exchangeToProductId"] = item.exchange.to_product_id
        data["exchangeToVariantId"] = item.exchange.to_variant_id
    return data


def return_(r: Return) -> Json:
    data: Json = {
        "returnId": r.return_id,
        "orderId": r.order_id,
        "status": r.status,
        "items": [_return_item(item) for item in r.items],
    }
    if r.shipment is not None:
        data["shipment"] = {
            "shipmentId": r.shipment.shipment_id,
            "carrier": r.shipment.carrier,
            "trackingReference": r.shipment.tracking_reference,
            "bookedAt": r.shipment.booked_at,
        }
    if r.customer_note is not None:
        data["customerNote"] = r.customer_note
    data["createdAt"] = r.created_at
    return data


def warehouse_report(report: WarehouseReport, status: str) -> Json:
    return _compact(
        {
            "warehouseReportId": report.report_id,
            "returnId": report.return_id,
            "orderId": report.order_id,
            "status": status,
            "reportProcessing": report.processing.value,
            "shipmentTrackingReference": report.tracking_reference,
            "returnStation": report.return_station,
            "comment": report.comment,
            "items": [
                _compact(
                    {
                        "returnItemId": item.return_item_id,
                        "orderLineItemId": item.order_line_item_id,
                        "sku": item.sku,
                        "quantity": item.quantity,
                        "action": item.action.value,
                        "comment": item.comment,
                    }
                )
                for item in report.items
            ],
            "createdAt": report.created_at,
        }
    )


def spread_report(reports: list[WarehouseReport], status: str) -> Json:
    """The answer to a report matched by ``orderId`` alone: the report of the oldest
    return it went to, with the items placed on every return, and ``matchedReturns``
    naming each return and the report recorded for it."""
    data = warehouse_report(reports[0], status)
    if len(reports) > 1:
        data["items"] = [item for r in reports for item in warehouse_report(r, status)["items"]]
    data["matchedReturns"] = [
        {"returnId": r.return_id, "warehouseReportId": r.report_id} for r in reports
    ]
    # createdAt stays last, as in the reference's answer.
    data["createdAt"] = data.pop("createdAt")
    return data


def refund_body(t: RefundTransaction) -> Json:
    """The refund fields shared by the resource and the REFUND_PENDING_EXTERNAL webhook."""
    return {
        "refundTransactionId": t.refund_id,
        "returnId": t.return_id,
        "orderId": t.order_id,
        "status": t.status,
        "currencyCode": t.currency,
        "totalAmount": t.total_amount,
        "totals": {"itemsAmount": t.items_amount, "shippingAmount": t.shipping_amount},
        "deductions": {
            "returnHandlingCost": t.return_handling_cost,
            "returnShipmentCost": t.return_shipment_cost,
        },
        "lineItems": [
            {
                "orderLineItemId": line.order_line_item_id,
                "quantity": line.quantity,
                "amount": line.amount,
            }
            for line in t.lines
        ],
    }


def refund_transaction(t: RefundTransaction) -> Json:
    data = refund_body(t)
    data["createdAt"] = t.created_at
    if t.completed_at is not None:
        data["refundedAmount"] = t.refunded_amount
        if t.transaction_id is not None:
            data["transactionId"] = t.transaction_id
        data["completedAt"] = t.completed_at
    return data


def exchange_items(e: ExchangeOrder) -> list[Json]:
    return [
        {
            "exchangeOrderItemId": item.exchange_item_id,
            "orderLineItemId": item.order_line_item_id,
            "exchangeFromProductId": item.from_product_id,
            "exchangeFromVariantId": item.from_variant_id,
            "exchangeToProductId": item.to_product_id,
            "exchangeToVariantId": item.to_variant_id,
            "quantity": item.quantity,
        }
        for item in e.items
    ]


def exchange_order(e: ExchangeOrder) -> Json:
    data: Json = {
        "exchangeOrderId": e.exchange_id,
        "returnId": e.return_id,
        "orderId": e.order_id,
        "status": e.status,
        "currencyCode": e.currency,
        "exchangeCost": e.exchange_cost,
        "items": exchange_items(e),
        "createdAt": e.created_at,
    }
    if e.completed_at is not None:
        data.update(
            _compact(
                {
                    "completedOrderId": e.completed_order_id,
                    "completedOrderNumber": e.completed_order_number,
                    "completedOrderName": e.completed_order_name,
                    "completedAt": e.completed_at,
                }
            )
        )
    return data


def page(items: list[Json], has_next: bool, has_previous: bool) -> Json:
    return {"data": items, "pageInfo": {"hasNext": has_next, "hasPrevious": has_previous}}
