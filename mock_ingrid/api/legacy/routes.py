"""The route table of the legacy generation (rows L1-L3 of the inventory)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from mock_ingrid.api.resource import resource

ROUTES: list[BaseRoute] = [
    resource("/merchant/return", get="mock_ingrid.api.legacy.returns:list_returns"),
    resource("/merchant/return/{returnId}", get="mock_ingrid.api.legacy.returns:get_return"),
    resource(
        "/merchant/items/returned", post="mock_ingrid.api.legacy.returns:report_items_returned"
    ),
]
