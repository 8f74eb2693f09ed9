"""Every relative link of README.md and docs/*.md points to a file that exists, and every
#anchor to a heading of its page."""

from __future__ import annotations

from pathlib import Path

from tests.docs.pages import anchors, links, pages, relative, slug


def broken_links(path: Path) -> list[str]:
    broken = []
    for target in links(path):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        file_part, _, anchor = target.partition("#")
        resolved = (path.parent / file_part).resolve() if file_part else path
        if not resolved.exists():
            broken.append(f"{target}: no such file")
        elif anchor and (resolved.suffix != ".md" or anchor not in anchors(resolved)):
            broken.append(f"{target}: no heading gives #{anchor}")
    return broken


def test_every_relative_link_resolves() -> None:
    broken = [f"{relative(path)}: {problem}" for path in pages() for problem in broken_links(path)]
    assert not broken, "\n".join(broken)


def test_the_checker_finds_a_missing_file_and_a_missing_anchor(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# The `x-mock-fault` header\n\n"
        "[ok](#the-x-mock-fault-header) [gone](missing.md) [no anchor](page.md#nowhere)\n"
        "`[in code](missing.md)`\n\n```sh\n[in a block](missing.md)\n```\n"
    )
    assert broken_links(page) == [
        "missing.md: no such file",
        "page.md#nowhere: no heading gives #nowhere",
    ]


def test_anchors_are_github_slugs() -> None:
    assert slug("Faults, the request journal and the admin token") == (
        "faults-the-request-journal-and-the-admin-token"
    )
    assert slug("The `x-mock-fault` header") == "the-x-mock-fault-header"
    assert slug("Merchants, resets and the state") == "merchants-resets-and-the-state"
