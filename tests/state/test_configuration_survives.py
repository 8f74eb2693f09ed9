"""What a user set up through ``/_mock`` survives a restart: subscriptions, the
progression policies and the steps they wait for, fault rules, the clock."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import pytest

from tests.api.flow import create_return, ok, seed_reference
from tests.state.process import serving

pytestmark = pytest.mark.slow
KEY = {"x-api-key": "shop"}


def _setup(http: Any) -> dict[str, Any]:
    """Everything one can set, and how the server shows it."""
    ok(http.post("/_mock/clock/freeze", json={"at": "2026-03-01T09:00:00Z"}))
    ok(http.put("/_mock/progression", json={"return": "after:2h", "refund": "immediate"}))
    subscription = {
        "merchant": "shop",
        "url": "http://127.0.0.1:9/hooks",
        "eventTypes": ["RETURN_COMPLETED"],  # none comes: no delivery is due
    }
    ok(http.post("/_mock/webhooks/subscriptions", json=subscription), 201)
    seed_reference(http)
    ok(http.post("/_mock/clock/advance", json={"by": "30m"}))
    created = create_return(http)  # the policy moves it on in 2 hours
    ok(http.post("/_mock/clock/advance", json={"by": "1h"}))  # an hour to go
    rule = {"status": 503, "path": "/orders/nope", "method": "GET", "times": 3}
    ok(http.post("/_mock/faults", json=rule), 201)
    ok(http.post("/_mock/faults", json={"latencyMs": 5, "path": "/returns/*"}), 201)
    assert http.get("/orders/nope").status_code == 503  # one of the three times
    ok(http.post("/_mock/webhooks/pause"))
    return _shown(http) | {"return": created}


def _shown(http: Any) -> dict[str, Any]:
    return {
        "clock": ok(http.get("/_mock/clock")),
        "progression": ok(http.get("/_mock/progression")),
        "subscriptions": ok(http.get("/_mock/webhooks/subscriptions")),
        "faults": ok(http.get("/_mock/faults")),
        "status": ok(http.get("/_mock/webhooks/status"))["paused"],
    }


def test_what_was_set_up_survives_a_restart(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    with serving(state_file, "--save-interval", "0") as server, server.http(headers=KEY) as http:
        before = _setup(http)
        assert before["clock"]["nextDueAt"] == "2026-03-01T11:30:00Z"
        server.signal(signal.SIGTERM)
        assert server.wait() == 0, server.stderr
    with serving(state_file) as server, server.http(headers=KEY) as http:
        created = before.pop("return")
        assert _shown(http) == before
        # The step still falls due when it was going to: an hour on, not two.
        moved = ok(http.post("/_mock/clock/advance", json={"by": "1h"}))
        assert moved["ran"]["progressionSteps"] >= 1
        assert ok(http.get(f"/returns/{created['returnId']}"))["status"] != created["status"]
        # The rule goes on counting: two of its three times left.
        assert [http.get("/orders/nope").status_code for _ in range(3)] == [503, 503, 404]
        # Ids and secrets go on too: nothing given before is given again.
        more = {"merchant": "shop", "url": "http://127.0.0.1:9/other"}
        created = ok(http.post("/_mock/webhooks/subscriptions", json=more), 201)
        (first,) = before["subscriptions"]["data"]
        assert created["subscriptionId"] != first["subscriptionId"]
        assert created["secret"] != first["secret"]
        fault = ok(http.post("/_mock/faults", json={"status": 500, "path": "/x"}), 201)
        assert fault["faultId"] not in {f["faultId"] for f in before["faults"]["data"]}
