"""The README and the design notes link only to files that are in the repository."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

_LINK = re.compile(r"\]\(([^)#\s]+)")


@pytest.mark.parametrize("document", ["README.md", "docs/design.md"])
def test_relative_links_resolve_inside_the_repository(document: str) -> None:
    path = ROOT / document
    targets = [t for t in _LINK.findall(path.read_text(encoding="utf-8")) if "://" not in t]
    assert targets, "no links found: the pattern is wrong"
    for target in targets:
        resolved = (path.parent / target).resolve()
        assert resolved.is_relative_to(ROOT), f"{document} links outside the repository: {target}"
        assert resolved.exists(), f"{document}: broken link {target}"


def test_the_readme_links_the_design_notes() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/design.md)" in text and "shared/DESIGN.md" not in text
