"""Every `type: ignore` in the source names the error it silences and says why (issue 11): an
ignore without a reason hides a real mistake as easily as a stub's gap, and the next engineer
cannot tell which it is."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "harborline"
IGNORE = re.compile(r"type:\s*ignore")
WITH_REASON = re.compile(r"type: ignore\[[a-z0-9, -]+\]  # \S")


def test_every_type_ignore_names_its_code_and_a_reason():
    bare = [
        f"{path.relative_to(SRC)}:{n}: {line.strip()}"
        for path in sorted(SRC.rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if IGNORE.search(line) and not WITH_REASON.search(line)
    ]
    assert bare == [], "type: ignore without [code] and '# why':\n" + "\n".join(bare)
