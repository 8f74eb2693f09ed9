"""mock-ingrid with N returns loaded through the domain (not HTTP), served by uvicorn.

python bench/loaded_server.py PORT RETURNS
"""

from __future__ import annotations

import sys
from decimal import Decimal

import uvicorn

from mock_ingrid.app import create_app
from mock_ingrid.domain import catalog, orders, returns
from mock_ingrid.domain.commands import (
    LineItemInput,
    OrderInput,
    ProductInput,
    ReturnItemInput,
    ShipmentInput,
    ShipmentLineInput,
    VariantInput,
)
from mock_ingrid.runtime import Runtime
from mock_ingrid.settings import Settings

API_KEY = "bench"


def load(runtime: Runtime, count: int) -> None:
    """``count`` orders of two lines, each with a one-unit return (half of them settled)."""
    m = runtime.state.merchant(API_KEY)
    catalog.upsert_product(
        m, ProductInput("P", "Tee", variants=[VariantInput("V1", "S1"), VariantInput("V2", "S2")])
    )
    for n in range(count):
        order_id = f"O{n}"
        orders.upsert_order(
            m,
            OrderInput(
                order_id,
                "SEK",
                Decimal(49),
                Decimal(647),
                {"countryCode": "SE"},
                [
                    LineItemInput("A", "P", "V1", 1, Decimal(299)),
                    LineItemInput("B", "P", "V2", 1, Decimal(299)),
                ],
                [ShipmentInput("S", [ShipmentLineInput("A", 1), ShipmentLineInput("B", 1)])],
            ),
        )
        returns.create_return(m, order_id, [ReturnItemInput("A", 1)])


def main() -> None:
    port, count = int(sys.argv[1]), int(sys.argv[2])
    runtime = Runtime.build(Settings(journal_size=0))
    load(runtime, count)
    uvicorn.run(
        create_app(runtime=runtime),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        server_header=False,
    )


if __name__ == "__main__":
    main()
