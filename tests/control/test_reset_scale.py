"""Reset with 10,000 objects: everything goes (its speed is measured by bench/run.py)."""

from __future__ import annotations

from starlette.testclient import TestClient

from mock_ingrid.runtime import Runtime
from tests.builders import merchant, order, return_of


def test_reset_forgets_ten_thousand_objects(client: TestClient, runtime: Runtime) -> None:
    m = merchant(runtime.state, "bulk")
    for n in range(5_000):  # 5,000 orders and 5,000 returns, through the domain
        order(m, f"O{n}")
        return_of(m, f"O{n}")
    assert len(m.orders) + len(m.returns) == 10_000
    assert client.post("/_mock/reset").status_code == 200
    assert runtime.state.merchants == {}
    assert client.get("/returns", headers={"x-api-key": "bulk"}).json()["data"] == []
