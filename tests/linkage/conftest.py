"""Record linkage tests (issue 17): synthetic youth only, small files, no database.

The Spark test (`-m spark`) runs in `make bench-linkage`, never in `make test`: it needs the bench
extra (pyspark) and a Java runtime, and takes most of a minute to start Spark."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from harborline.linkage import synthetic
from harborline.linkage.encode import encode_rows, write_encoded


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "spark: the linking SQL on Apache Spark (make bench-linkage)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "spark" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="Spark runs in make bench-linkage (-m spark)")
    for item in items:
        if "spark" in item.keywords:
            item.add_marker(skip)


SECRET = b"test-only-secret-0123456789abcdef-never-real"
OTHER_SECRET = b"another-test-secret-0123456789abcdef-xyz"


def write_people(path: Path, rows: list[dict[str, str]]) -> Path:
    columns = ["id", "first_name", "last_name", "dob", "sex", "zip", "city"]
    lines = [",".join(columns)]
    lines += [",".join(r.get(c, "") for c in columns) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_encodings(
    path: Path,
    rows: list[dict[str, str]],
    secret: bytes = SECRET,
    *,
    rng: np.random.Generator | None = None,
) -> Path:
    """The rows encoded to `path`: fresh bit flips, or those `rng` draws (a seeded test)."""
    columns = encode_rows(secret, rows, processes=1, rng=rng)
    with path.open("w", encoding="utf-8", newline="") as f:
        write_encoded(f, [r["id"] for r in rows], columns)
    return path


@pytest.fixture(scope="session")
def two_files() -> tuple[list[dict[str, str]], list[dict[str, str]], set[tuple[str, str]]]:
    return synthetic.two_files(400, seed=3)
