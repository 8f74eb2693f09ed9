"""The route table of the legacy generation (rows L1-L3 of the inventory)."""

from __future__ import annotations

from starlette.routing import Route

from mock_ingrid.api.legacy import returns
from mock_ingrid.api.resource import resource

ROUTES: list[Route] = [
    resource("/merchant/return", get=returns.list_returns),
    resource("/merchant/return/{returnId}", get=returns.get_return),
    resource("/merchant/items/returned", post=returns.report_items_returned),
]
