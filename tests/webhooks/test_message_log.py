"""The outbox's compact message log: what goes in comes out, byte for byte, by id and in order."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from mock_ingrid.webhooks.outbox import BODIES_PER_BLOCK, Message, Outbox, message_prefix
from mock_ingrid.webhooks.schedule import parse_schedule

T0 = datetime(2026, 1, 16, 9, 0, tzinfo=UTC)


def new_outbox() -> Outbox:
    return Outbox(parse_schedule("0"), random.Random(0))


def add(box: Outbox, merchant: str, n: int, body: bytes) -> Message:
    at = T0 + timedelta(seconds=n)
    return box.add_message(merchant, "RETURN_CREATED", str(n), f"e{n}", at, body)


def test_every_message_reads_back_identical_across_compressed_blocks() -> None:
    box = new_outbox()
    rng = random.Random(7)
    added = []
    for n in range(BODIES_PER_BLOCK * 3 + 5):  # full (compressed) blocks and an open one
        merchant = rng.choice(["a", "b", "c"])
        body = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 300)))
        added.append(add(box, merchant, n, body))
    assert len(box.messages) == len(added)
    assert list(box.messages) == [m.message_id for m in added]
    assert list(box.messages.values()) == added
    for message in reversed(added):  # out of order: blocks are decompressed again
        assert box.messages[message.message_id] == message
        assert box.messages.get(message.message_id) == message
        assert message.message_id in box.messages


def test_numbering_that_jumps_after_an_import_keeps_every_message_found() -> None:
    box = new_outbox()
    added = [add(box, "a", 1, b"1"), add(box, "b", 2, b"2")]
    box.continue_numbering("a", 10)
    box.continue_numbering("b", 1)  # behind what it has: no change
    added += [add(box, "a", 3, b"3"), add(box, "b", 4, b"4"), add(box, "a", 5, b"5")]
    prefix = message_prefix("a")
    ids = [m.message_id for m in added]
    assert ids == [f"msg_{prefix}_1", ids[1], f"msg_{prefix}_11", ids[3], f"msg_{prefix}_12"]
    assert ids[3].endswith("_2")
    assert list(box.messages) == ids
    assert [box.messages[i] for i in ids] == added
    assert f"msg_{prefix}_5" not in box.messages


def test_the_body_kept_is_an_exact_copy_of_what_was_rendered() -> None:
    box = new_outbox()
    rendered = b'{"type":"RETURN_CREATED"}'
    message = add(box, "a", 1, rendered)
    assert message.body == rendered
    assert box.messages[message.message_id].body == rendered


def test_unknown_or_malformed_ids_are_not_found() -> None:
    box = new_outbox()
    message = add(box, "a", 1, b"{}")
    prefix = message_prefix("a")
    for wrong in [
        f"msg_{prefix}_2",
        f"msg_{prefix}_0",
        f"msg_{message_prefix('b')}_1",
        f"msg_{prefix}_",
        f"msg_{prefix}_x1",
        f"msg_{prefix}_\u0661",  # a digit, but not an ASCII one
        f"{prefix}_1",
        "",
    ]:
        assert wrong not in box.messages
        assert box.messages.get(wrong) is None
    assert box.messages[message.message_id] == message


def test_clear_forgets_messages_but_ids_go_on() -> None:
    box = new_outbox()
    first = add(box, "a", 1, b"{}")
    box.clear()
    assert len(box.messages) == 0 and box.messages == {}
    assert first.message_id not in box.messages
    second = add(box, "a", 2, b"[]")
    assert second.message_id == f"msg_{message_prefix('a')}_2"
    assert dict(box.messages) == {second.message_id: second}


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abc"), st.binary(max_size=80)), max_size=200))
def test_the_log_reads_as_the_dict_it_replaces(entries: list[tuple[str, bytes]]) -> None:
    box = new_outbox()
    expected = {}
    for n, (merchant, body) in enumerate(entries):
        message = add(box, merchant, n, body)
        expected[message.message_id] = message
    assert box.messages == expected
    assert list(box.messages.items()) == list(expected.items())
