"""The README and the docs/ pages as the doc tests read them: fenced blocks with their
markers, sections, links and anchors. The rule the pages follow is stated at the top of
docs/README.md; tests/docs/test_rules.py enforces it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tests.server import ROOT

RUNNABLE = frozenset(
    {"sh", "bash", "zsh", "shell", "console", "shell-session", "python", "py", "pycon"}
)
RUN, NOT_RUN = "doc-test", "not-run"
# What the examples call the server; the tests put their own server's address in its place.
EXAMPLE_URL = "http://127.0.0.1:8080"

_FENCE = re.compile(r"^(`{3,}|~{3,})\s*(.*)$")
_MARKER = re.compile(rf"^<!--\s*({RUN}|{NOT_RUN}):?\s*(.*?)\s*-->$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def pages() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@dataclass(frozen=True)
class Block:
    page: Path
    line: int  # 1-based, of the opening fence
    language: str  # "" when the fence names none
    code: str
    marker: str | None  # RUN, NOT_RUN, or None when the line above is no marker
    argument: str  # the doc-test's name, or the not-run's reason

    @property
    def where(self) -> str:
        return f"{relative(self.page)}:{self.line}"


@dataclass(frozen=True)
class Marker:
    page: Path
    line: int
    kind: str
    argument: str
    on_a_fence: bool

    @property
    def where(self) -> str:
        return f"{relative(self.page)}:{self.line}"


@dataclass(frozen=True)
class Parsed:
    blocks: tuple[Block, ...]
    markers: tuple[Marker, ...]
    prose: str  # the page without its fenced blocks


@cache
def parse(page: Path) -> Parsed:
    lines = page.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    markers: list[Marker] = []
    prose: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        marker = _MARKER.match(line.strip())
        if marker:
            following = lines[index + 1] if index + 1 < len(lines) else ""
            markers.append(
                Marker(page, index + 1, marker[1], marker[2], bool(_FENCE.match(following)))
            )
        fence = _FENCE.match(line)
        if not fence:
            prose.append(line)
            index += 1
            continue
        opening, info = fence[1], fence[2].strip()
        end = index + 1
        while end < len(lines) and not _closes(lines[end], opening):
            end += 1
        above = _MARKER.match(lines[index - 1].strip()) if index else None
        blocks.append(
            Block(
                page=page,
                line=index + 1,
                language=info.split()[0] if info else "",
                code="\n".join(lines[index + 1 : end]) + "\n",
                marker=above[1] if above else None,
                argument=above[2] if above else "",
            )
        )
        index = end + 1
    return Parsed(tuple(blocks), tuple(markers), "\n".join(prose))


def _closes(line: str, opening: str) -> bool:
    line = line.strip()
    return line.startswith(opening) and not line.strip(opening[0])


def all_blocks() -> list[Block]:
    return [block for page in pages() for block in parse(page).blocks]


def doc_block(name: str, language: str | None = None) -> str:
    """The code of the block marked ``<!-- doc-test: name -->``, wherever it is."""
    found = [b for b in all_blocks() if b.marker == RUN and b.argument == name]
    assert found, f"no block marked '<!-- {RUN}: {name} -->' in README.md or docs/*.md"
    assert len(found) == 1, f"{RUN} {name!r} marks {len(found)} blocks: " + ", ".join(
        b.where for b in found
    )
    block = found[0]
    if language is not None:
        assert block.language == language, (
            f"{block.where}: a {block.language} block, not {language}"
        )
    return block.code


def page(name: str) -> Path:
    path = ROOT / name
    assert path.is_file(), f"no page {name}"
    return path


def section(path: Path, heading: str) -> str:
    """The prose under ``heading`` (given with its #s), up to the next heading of the same
    or a higher level."""
    level = len(heading) - len(heading.lstrip("#"))
    lines = parse(path).prose.splitlines()
    assert heading in lines, f"no heading '{heading}' in {relative(path)}"
    start = lines.index(heading) + 1
    kept: list[str] = []
    for line in lines[start:]:
        found = _HEADING.match(line)
        if found and len(found[1]) <= level:
            break
        kept.append(line)
    return "\n".join(kept)


def table_rows(text: str) -> list[list[str]]:
    """The body rows of the markdown tables in ``text`` (header rows left out), as cells."""
    lines = [line.strip() for line in text.splitlines()]
    rows = []
    for line, following in zip(lines, [*lines[1:], ""], strict=True):
        if not line.startswith("|") or _separator(line) or _separator(following):
            continue
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def _separator(line: str) -> bool:
    return line.startswith("|") and set(line) <= set("|-: ")


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation but - and _ dropped, spaces
    as hyphens (markup such as backticks is not part of the text)."""
    text = re.sub(r"[`*]", "", heading).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every anchor a heading of the page gives, repeated headings numbered as GitHub does."""
    seen: dict[str, int] = {}
    found = set()
    for line in parse(path).prose.splitlines():
        heading = _HEADING.match(line)
        if not heading:
            continue
        base = slug(heading[2])
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
_INLINE_CODE = re.compile(r"(`+)(?!`).*?\1")


def links(path: Path) -> list[str]:
    """The targets of the page's inline links, outside code."""
    found = []
    for line in parse(path).prose.splitlines():
        # Code spans go first: in link text ([`docs/`](docs/)) the brackets stay.
        found += _LINK.findall(_INLINE_CODE.sub("", line))
    return found
