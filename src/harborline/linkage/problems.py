"""What the linkage commands report: problems that stop a run (exit 2, nothing written) and
warnings about dirty values that do not."""

from __future__ import annotations

from dataclasses import dataclass, field


class LinkageProblems(Exception):
    """One line per problem, each naming the file, row and column it is about."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Warnings:
    """Counts of dirty values by kind, with the first rows seen for each (never the values:
    they are identifiers)."""

    counts: dict[str, int] = field(default_factory=dict)
    rows: dict[str, list[int]] = field(default_factory=dict)

    def add(self, kind: str, row: int) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        seen = self.rows.setdefault(kind, [])
        if len(seen) < 5:
            seen.append(row)

    def lines(self, prefix: str) -> list[str]:
        out = []
        for kind, n in sorted(self.counts.items()):
            rows = ", ".join(str(r) for r in self.rows[kind])
            more = ", ..." if n > len(self.rows[kind]) else ""
            out.append(f"warning: {prefix}: {kind}: {n} row(s) (rows {rows}{more})")
        return out

    @property
    def total(self) -> int:
        return sum(self.counts.values())
