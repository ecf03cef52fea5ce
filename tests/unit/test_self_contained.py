"""The repository stands on its own: no tracked file cites a specification kept outside
it, and every relative link in README.md and docs/*.md leads to a file that exists.

The rules live in docs/ (oem-api.md, cli.md, domain.md, privacy.md, concurrency.md) in
the project's own words; a comment that sends a reader to a file they do not have
explains nothing. The needles are assembled from pieces so that this file does not
match itself.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: names of documents outside the repository that nothing inside may point to
NEEDLES = tuple(a + b for a, b in (("CONTRACT", ".md"), ("DOMAIN", ".md"), ("..", "/shared"), ("shared", "/seeds")))

_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.M | re.S)
_CODE_SPAN = re.compile(r"`[^`\n]*`")
_INLINE_LINK = re.compile(r"!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_REFERENCE = re.compile(r"^\s{0,3}\[[^\]\n]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M)
_EXTERNAL = re.compile(r"^([a-z][a-z0-9+.-]*:|//)", re.I)


def tracked_files() -> list[Path]:
    """Every file git tracks in this checkout that is present on disk."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: nothing to list tracked files with")
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True).stdout
    paths = [ROOT / name for name in out.decode("utf-8", "surrogateescape").split("\0") if name]
    return [p for p in paths if p.is_file()]


def outside_mentions(text: str) -> list[str]:
    """The needles ``text`` mentions."""
    return [needle for needle in NEEDLES if needle in text]


def relative_links(markdown: str) -> list[str]:
    """Link targets that are paths inside the repository (no URL, no bare #anchor),
    without their #anchor or ?query; code blocks and code spans are not links."""
    prose = _CODE_SPAN.sub("", _FENCE.sub("", markdown))
    targets = _INLINE_LINK.findall(prose) + _REFERENCE.findall(prose)
    out = []
    for target in targets:
        if _EXTERNAL.match(target) or target.startswith("#"):
            continue
        path = re.split(r"[#?]", target, maxsplit=1)[0]
        if path:
            out.append(path)
    return out


def broken_links(markdown_file: Path) -> list[str]:
    text = markdown_file.read_text(encoding="utf-8")
    return [target for target in relative_links(text) if not (markdown_file.parent / target).exists()]


def test_the_checks_find_what_they_look_for(tmp_path: Path) -> None:
    planted = f"see {NEEDLES[0]} and {NEEDLES[2]}/x, then {NEEDLES[3]}/000.txt or {NEEDLES[1]}"
    assert outside_mentions(planted) == list(NEEDLES)
    assert outside_mentions("docs/domain.md#numbers, a shared lock, contract ended") == []
    page = tmp_path / "page.md"
    (tmp_path / "here.md").write_text("x", encoding="utf-8")
    page.write_text("[ok](here.md#part) [gone](missing.md) [web](https://example.com/a.md) [top](#x)\n"
                    "`[code](nowhere.md)`\n```\n[fenced](nowhere.md)\n```\n[ref]: gone-too.md\n",
                    encoding="utf-8")
    assert broken_links(page) == ["missing.md", "gone-too.md"]


def test_no_tracked_file_points_outside_the_repository() -> None:
    files = tracked_files()
    assert ROOT / "README.md" in files and Path(__file__).resolve() in files  # the walk sees the tree
    found = []
    for path in files:
        data = path.read_bytes()
        if b"\0" in data[:8192]:  # binary
            continue
        text = data.decode("utf-8", "replace")
        found += [f"{path.relative_to(ROOT)}: {needle}" for needle in outside_mentions(text)]
    assert found == [], "cite docs/ instead of documents outside the repository:\n" + "\n".join(found)


def test_every_relative_link_in_the_docs_leads_to_a_file() -> None:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    assert len(pages) > 1
    broken = [f"{page.relative_to(ROOT)} -> {target}" for page in pages for target in broken_links(page)]
    assert broken == [], "links to missing files:\n" + "\n".join(broken)
