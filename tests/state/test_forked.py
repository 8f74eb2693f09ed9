"""``forked.Forked``: work run in a forked copy of the process, awaited without blocking."""

from __future__ import annotations

import asyncio
import os

import pytest

from mock_ingrid.forked import ChildDied, ChildFailed, Forked

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


def test_the_child_sees_the_state_of_the_fork_and_its_result_comes_back() -> None:
    state = {"returns": 3}

    async def scenario() -> int:
        running = Forked().run(lambda: state["returns"] * 10)
        task = asyncio.ensure_future(running)
        await asyncio.sleep(0)  # the fork happens here; the change below comes after it
        state["returns"] = 4
        return await task

    assert asyncio.run(scenario()) == 30
    assert state["returns"] == 4


def test_a_failure_in_the_child_is_told_by_its_text_when_explained() -> None:
    def failing() -> int:
        raise ValueError("the disk is full")

    with pytest.raises(ChildFailed, match=r"^the disk is full$"):
        asyncio.run(Forked().run(failing, explained=(ValueError,)))
    with pytest.raises(ChildFailed, match=r"^ValueError\('the disk is full'\)$"):
        asyncio.run(Forked().run(failing))


def test_a_child_that_dies_without_a_report_and_an_abandoned_one_are_told_apart() -> None:
    with pytest.raises(ChildDied, match=r"ended \(7\)"):
        asyncio.run(Forked().run(lambda: os._exit(7)))

    async def abandoned() -> None:
        forked = Forked()

        def forever() -> int:
            while True:
                os.pause()

        task = asyncio.ensure_future(forked.run(forever))
        await asyncio.sleep(0)
        assert forked.running
        forked.abandon()
        await task

    with pytest.raises(ChildDied, match="stopped"):
        asyncio.run(abandoned())
