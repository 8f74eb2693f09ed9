"""The rule of docs/README.md: no runnable block in README.md or docs/*.md goes untested
without saying why, and every doc-test marker is run by a test here."""

from __future__ import annotations

import re
from pathlib import Path

from tests.docs.pages import NOT_RUN, RUN, RUNNABLE, all_blocks, links, page, pages, parse

HERE = Path(__file__).resolve().parent
# How the tests of this folder name the blocks they run.
_USE = re.compile(r"doc_block\(\s*\"([^\"]+)\"")


def used_by_tests() -> set[str]:
    return {name for path in HERE.glob("test_*.py") for name in _USE.findall(path.read_text())}


def test_every_fence_names_its_language() -> None:
    bare = [block.where for block in all_blocks() if not block.language]
    assert not bare, f"fenced blocks without a language: {bare}"


def test_every_runnable_block_is_run_or_says_why_not() -> None:
    unmarked = [
        f"{block.where} ({block.language})"
        for block in all_blocks()
        if block.language in RUNNABLE and block.marker is None
    ]
    assert not unmarked, (
        f"runnable blocks with neither '<!-- {RUN}: NAME -->' nor '<!-- {NOT_RUN}: REASON -->' "
        f"on the line above: {unmarked}"
    )


def test_every_marker_sits_on_a_block() -> None:
    stray = [m.where for path in pages() for m in parse(path).markers if not m.on_a_fence]
    assert not stray, f"markers not on the line right above a fenced block: {stray}"


def test_every_not_run_marker_gives_its_reason() -> None:
    silent = [b.where for b in all_blocks() if b.marker == NOT_RUN and len(b.argument) < 10]
    assert not silent, f"'{NOT_RUN}' markers without a reason: {silent}"


def test_doc_test_names_are_unique() -> None:
    names = [b.argument for b in all_blocks() if b.marker == RUN]
    assert all(re.fullmatch(r"[a-z0-9-]+", name) for name in names), names
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


def test_every_marked_block_is_run_by_a_test_and_every_test_has_its_block() -> None:
    marked = {b.argument for b in all_blocks() if b.marker == RUN}
    used = used_by_tests()
    assert not marked - used, f"marked {RUN} but run by no test in tests/docs/: {marked - used}"
    assert not used - marked, f"run by tests/docs/ but marked nowhere: {used - marked}"


def test_every_page_is_linked_from_the_readme() -> None:
    linked = {target.partition("#")[0] for target in links(page("README.md"))}
    orphans = [p.name for p in pages()[1:] if f"docs/{p.name}" not in linked]
    assert not orphans, f"docs pages the README does not link to: {orphans}"
