"""The route table of the current generation (operations 1-21 of the inventory)."""

from __future__ import annotations

from starlette.routing import Route

from mock_ingrid.api.current import catalog, orders, returns, settlement
from mock_ingrid.api.resource import resource

ROUTES: list[Route] = [
    resource("/products", post=catalog.upsert_product, get=catalog.list_products),
    resource("/products/{productId}", get=catalog.get_product, patch=catalog.patch_product),
    resource("/products/{productId}/variants/{variantId}", put=catalog.upsert_variant),
    resource("/orders", post=orders.upsert_order, get=orders.list_orders),
    resource("/orders/{orderId}", get=orders.get_order, patch=orders.patch_order),
    resource("/orders/{orderId}/returns", get=orders.list_order_returns, post=orders.create_return),
    resource("/returns", get=returns.list_returns),
    resource("/returns/{returnId}", get=returns.get_return),
    resource("/returns/{returnId}/cancel", post=returns.cancel_return),
    resource("/warehouse-reports", post=returns.create_warehouse_report),
    resource("/refund-transactions", get=settlement.list_refund_transactions),
    resource("/refund-transactions/{refundTransactionId}", get=settlement.get_refund_transaction),
    resource(
        "/refund-transactions/{refundTransactionId}/complete",
        post=settlement.complete_refund_transaction,
    ),
    resource("/exchanges", get=settlement.list_exchanges),
    resource("/exchanges/{exchangeOrderId}", get=settlement.get_exchange),
    resource("/exchanges/{exchangeOrderId}/complete", post=settlement.complete_exchange),
]
