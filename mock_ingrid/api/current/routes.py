"""The route table of the current generation (operations 1-21 of the inventory).

Handlers are named, not imported: each module loads on its first request (``resource``)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from mock_ingrid.api.resource import resource

ROUTES: list[BaseRoute] = [
    resource(
        "/products",
        post="mock_ingrid.api.current.catalog:upsert_product",
        get="mock_ingrid.api.current.catalog:list_products",
    ),
    resource(
        "/products/{productId}",
        get="mock_ingrid.api.current.catalog:get_product",
        patch="mock_ingrid.api.current.catalog:patch_product",
    ),
    resource(
        "/products/{productId}/variants/{variantId}",
        put="mock_ingrid.api.current.catalog:upsert_variant",
    ),
    resource(
        "/orders",
        post="mock_ingrid.api.current.orders:upsert_order",
        get="mock_ingrid.api.current.orders:list_orders",
    ),
    resource(
        "/orders/{orderId}",
        get="mock_ingrid.api.current.orders:get_order",
        patch="mock_ingrid.api.current.orders:patch_order",
    ),
    resource(
        "/orders/{orderId}/returns",
        get="mock_ingrid.api.current.orders:list_order_returns",
        post="mock_ingrid.api.current.orders:create_return",
    ),
    resource("/returns", get="mock_ingrid.api.current.returns:list_returns"),
    resource("/returns/{returnId}", get="mock_ingrid.api.current.returns:get_return"),
    resource("/returns/{returnId}/cancel", post="mock_ingrid.api.current.returns:cancel_return"),
    resource("/warehouse-reports", post="mock_ingrid.api.current.returns:create_warehouse_report"),
    resource(
        "/refund-transactions", get="mock_ingrid.api.current.settlement:list_refund_transactions"
    ),
    resource(
        "/refund-transactions/{refundTransactionId}",
        get="mock_ingrid.api.current.settlement:get_refund_transaction",
    ),
    resource(
        "/refund-transactions/{refundTransactionId}/complete",
        post="mock_ingrid.api.current.settlement:complete_refund_transaction",
    ),
    resource("/exchanges", get="mock_ingrid.api.current.settlement:list_exchanges"),
    resource("/exchanges/{exchangeOrderId}", get="mock_ingrid.api.current.settlement:get_exchange"),
    resource(
        "/exchanges/{exchangeOrderId}/complete",
        post="mock_ingrid.api.current.settlement:complete_exchange",
    ),
]
