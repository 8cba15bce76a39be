"""The linking SQL on Apache Spark (issue 17, item 5): the same text as on DuckDB
(link.BLOCKING_SQL, OVERSIZED_SQL) run by Spark SQL on a local Spark, giving the same candidate
pairs. Runs with `-m spark` in `make bench-linkage` (pyspark from the bench extra, a Java 17
runtime), not in `make test`."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from harborline.linkage import synthetic
from harborline.linkage.link import (
    BLOCKING_SQL,
    OVERSIZED_SQL,
    EncodedFile,
    _long_tokens,
    candidate_pairs,
    read_encoded,
)
from harborline.linkage.problems import Warnings

from .conftest import write_encodings

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark():
    pyspark_sql = pytest.importorskip("pyspark.sql", reason="pip install -e '.[bench]'")
    if shutil.which("java") is None:
        pytest.fail("Spark needs a Java runtime (java on PATH)")
    session = (
        pyspark_sql.SparkSession.builder.master("local[2]")
        .appName("harborline-linkage-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    yield session
    session.stop()


def _view(spark, name: str, encoded: EncodedFile) -> None:
    long = _long_tokens(encoded.tokens)
    rows = list(
        zip(
            long["row"].tolist(),
            long["key"].tolist(),
            long["token"].tolist(),
            strict=True,
        )
    )
    spark.createDataFrame(rows, "row long, key long, token long").createOrReplaceTempView(name)


@pytest.mark.parametrize("max_block", [10_000, 3])
def test_the_blocking_sql_gives_the_same_pairs_on_spark(spark, tmp_path, max_block) -> None:
    left, right, truth = synthetic.two_files(2_000, seed=31)
    # Hot keys: 40 youth sharing a date of birth and ZIP code in both files.
    left += [dict(p, id=f"hot-a{i}", dob="2010-01-01", zip="89101") for i, p in
             enumerate(synthetic.people(40, seed=32))]  # fmt: skip
    right += [dict(p, id=f"hot-b{i}", dob="2010-01-01", zip="89101") for i, p in
              enumerate(synthetic.people(40, seed=33))]  # fmt: skip
    a = read_encoded(write_encodings(tmp_path / "a.csv", left), Warnings())
    b = read_encoded(write_encodings(tmp_path / "b.csv", right), Warnings())
    rl, rr, oversized = candidate_pairs(a, b, max_block=max_block)
    duck = set(zip(rl.tolist(), rr.tolist(), strict=True))
    _view(spark, "tokens_l", a)
    _view(spark, "tokens_r", b)
    on_spark = {
        (r.row_l, r.row_r) for r in spark.sql(BLOCKING_SQL.format(max_block=max_block)).collect()
    }
    skipped = spark.sql(OVERSIZED_SQL.format(max_block=max_block)).collect()[0][0]
    assert on_spark == duck
    assert skipped == oversized
    if max_block == 3:
        assert oversized > 0
    else:
        assert len(duck) > 2_000
    assert np.all(rl >= 0)
