"""Export and import of the state round-trip exactly, and bad snapshots are refused whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from mock_ingrid.domain import returns
from mock_ingrid.fixtures import load_fixture_paths
from mock_ingrid.jsonio import dumps, loads
from mock_ingrid.snapshot import SnapshotError, export_state, import_state
from mock_ingrid.store import State
from tests.builders import new_state

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo-shop.json"


def _demo() -> State:
    state = new_state()
    load_fixture_paths(state, [DEMO])
    return state


def test_export_import_export_is_identical() -> None:
    original = dumps(export_state(_demo()))
    restored = new_state()
    assert import_state(restored, loads(original)) == ["demo-key"]
    assert dumps(export_state(restored)) == original


def test_an_imported_world_keeps_working() -> None:
    state = _demo()
    restored = new_state()
    import_state(restored, loads(dumps(export_state(state))))
    m = restored.merchant("demo-key")
    before = len(m.returns)
    ret = m.returns["2"]  # in transit in the demo shop
    assert ret.shipment is not None
    assert m.returns_by_tracking[ret.shipment.tracking_reference] == "2"
    returns.deliver_to_warehouse(m, "2")
    assert len(m.returns) == before
    assert m.ids.next("return") == str(before + 1)


def test_one_merchant_can_be_exported() -> None:
    state = _demo()
    state.merchant("other")
    exported = export_state(state, "demo-key")
    assert [entry["apiKey"] for entry in exported["merchants"]] == ["demo-key"]


def test_a_bad_snapshot_names_the_path_and_loads_nothing() -> None:
    data = loads(dumps(export_state(_demo())))
    data["merchants"][0]["refunds"][0]["totalAmount"] = "53.9"
    target = new_state()
    with pytest.raises(SnapshotError) as caught:
        import_state(target, data)
    assert "$.merchants[0].refunds[0].totalAmount: expected a number" in str(caught.value)
    assert target.merchants == {}
