"""mock-ingrid with returns loaded through the domain (not HTTP), served like ``mock-ingrid serve``.

    python bench/loaded_server.py --port PORT --returns N [--pool P]

Merchant ``bench`` gets ``N`` orders of two shipped lines (product ``P``, variants
``V1`` and ``V2``), each with a one-unit return ``"1"`` .. ``"N"``. Nine returns in ten
are inspected by a warehouse report that approves the unit, so they carry a report
and a refund transaction (REFUND_PENDING); every tenth stays CONFIRMED, so a
``status=CONFIRMED`` list is a sparse filter. Then ``P`` more CONFIRMED returns
``"N+1"`` .. ``"N+P"``: the pool that the ``POST /warehouse-reports`` case inspects,
one report per return.

Before serving, one JSON line goes to stdout: load time and the process's RSS
before and after loading. The server then runs with the same uvicorn settings as
``mock-ingrid serve`` (its default ``Settings``: the request journal is on).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import time
from decimal import Decimal
from pathlib import Path

from serving import serve

from mock_ingrid.app import create_app
from mock_ingrid.domain import catalog, orders, returns, warehouse
from mock_ingrid.domain.commands import (
    LineItemInput,
    OrderInput,
    ProductInput,
    ReportInput,
    ReportItemInput,
    ReturnItemInput,
    ShipmentInput,
    ShipmentLineInput,
    VariantInput,
)
from mock_ingrid.domain.merchant import Merchant
from mock_ingrid.domain.model import ReportAction
from mock_ingrid.runtime import Runtime, freeze_heap, tune_collector
from mock_ingrid.settings import Settings

API_KEY = "bench"
POOL_UNITS_PER_ORDER = 20
_ADDRESS = {"countryCode": "SE"}


def rss_kb(pid: int | str = "self") -> int | None:
    """Resident memory of a process, from /proc (Linux); None elsewhere."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _order(order_id: str, units: int) -> OrderInput:
    return OrderInput(
        order_id,
        "SEK",
        Decimal(49),
        Decimal(49 + 299 * (units + 1)),
        dict(_ADDRESS),
        [
            LineItemInput("A", "P", "V1", units, Decimal(299)),
            LineItemInput("B", "P", "V2", 1, Decimal(299)),
        ],
        [ShipmentInput("S", [ShipmentLineInput("A", units), ShipmentLineInput("B", 1)])],
    )


def _approve(m: Merchant, return_id: str) -> None:
    item = ReportItemInput(1, ReportAction.APPROVED, order_line_item_id="A")
    warehouse.submit_report(m, ReportInput([item], return_id=return_id))


def load(runtime: Runtime, count: int, settle: bool = True, pool: int = 0) -> None:
    """``count`` orders with a return each (nine in ten settled when ``settle``),
    then ``pool`` CONFIRMED returns for warehouse reports."""
    m = runtime.state.merchant(API_KEY)
    catalog.upsert_product(
        m, ProductInput("P", "Tee", variants=[VariantInput("V1", "S1"), VariantInput("V2", "S2")])
    )
    one_unit = [ReturnItemInput("A", 1)]
    for n in range(count):
        order_id = f"O{n}"
        orders.upsert_order(m, _order(order_id, 1))
        ret = returns.create_return(m, order_id, one_unit)
        if settle and n % 10 != 9:
            _approve(m, ret.return_id)
    for n in range(pool):
        order_id = f"POOL{n // POOL_UNITS_PER_ORDER}"
        if n % POOL_UNITS_PER_ORDER == 0:
            orders.upsert_order(m, _order(order_id, POOL_UNITS_PER_ORDER))
        returns.create_return(m, order_id, one_unit)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--returns", type=int, required=True)
    parser.add_argument("--pool", type=int, default=0)
    args = parser.parse_args()
    runtime = Runtime.build(Settings(port=args.port))
    runtime.forks = hasattr(os, "fork")  # as mock-ingrid serve: whole-state writes fork
    before = rss_kb()
    started = time.perf_counter()
    # The collector only slows loading down (nothing loaded is garbage); it stays on
    # while serving. As ``mock-ingrid serve`` does after its fixtures and state file,
    # the loaded data is then frozen (``runtime.freeze_heap``): full collections no
    # longer walk it, so their pauses do not grow with the returns loaded.
    gc.disable()
    load(runtime, args.returns, pool=args.pool)
    gc.enable()
    freeze_heap()
    tune_collector()  # as mock-ingrid serve does
    loaded = time.perf_counter() - started
    m = runtime.state.merchant(API_KEY)
    stats = {
        "load_s": loaded,
        "rss_before_kb": before,
        "rss_after_kb": rss_kb(),
        "orders": len(m.orders),
        "returns": len(m.returns),
        "refunds": len(m.refunds),
        "reports": len(m.reports),
        "webhook_messages": len(runtime.webhooks.outbox.messages),
    }
    print(json.dumps(stats), flush=True)
    serve(create_app(runtime=runtime), args.port)


if __name__ == "__main__":
    main()
