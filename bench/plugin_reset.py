"""The pytest plugin's cost per test: what the ``mock_ingrid`` fixture does before each
test on the default handle (no marker options: ``configure()``, then ``reset()``), timed
in this process over ``resets`` tests, as the median of ``batches`` batches.

For comparison, the same reset as the two control calls a handle makes by URL (``POST
/_mock/reset``, ``POST /_mock/webhooks/subscriptions``), which is how the handle reset
before it reset in process.

    .venv/bin/python bench/plugin_reset.py [--resets 1000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from mock_ingrid.testing import MockIngrid

WARM_UP = 50


def per_test(handle: MockIngrid) -> None:
    """The fixture's work for an unmarked test (``pytest_plugin.mock_ingrid``)."""
    handle.configure(api_key=None, fixtures=(), freeze_time=None)
    handle.reset()


def over_http(handle: MockIngrid) -> None:
    assert handle.webhooks is not None
    handle.control("POST", "/reset")
    receiver = {"merchant": handle.api_key, "url": handle.webhooks.url, "secret": handle.secret}
    handle.control("POST", "/webhooks/subscriptions", receiver)


def _ms_per_call(work: Callable[[], None], calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        work()
    return (time.perf_counter() - started) * 1000 / calls


def measure(resets: int = 1000, batches: int = 5) -> dict[str, Any]:
    with MockIngrid() as handle:
        for _ in range(WARM_UP):
            per_test(handle)
            over_http(handle)
        in_process = [_ms_per_call(lambda: per_test(handle), resets) for _ in range(batches)]
        http = [_ms_per_call(lambda: over_http(handle), resets) for _ in range(batches)]
    return {
        "resets": resets,
        "batches": batches,
        "ms_per_test": in_process,
        "ms_per_test_median": statistics.median(in_process),
        "over_http_ms": http,
        "over_http_ms_median": statistics.median(http),
    }


def describe(figures: dict[str, Any]) -> str:
    return (
        f"pytest plugin, reset before each test (default handle, {figures['resets']:,} tests, "
        f"median of {figures['batches']}): {figures['ms_per_test_median']:.2f} ms per test "
        f"in process; {figures['over_http_ms_median']:.2f} ms as control calls over HTTP"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resets", type=int, default=1000)
    parser.add_argument("--batches", type=int, default=5)
    args = parser.parse_args(argv)
    print(describe(measure(args.resets, args.batches)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
