"""Linking at the statistical center, on encodings only (decision 0054).

1. Candidates: pairs of records from different files that share a blocking token (the SQL in
   `BLOCKING_SQL`, run on embedded DuckDB here and on Spark SQL in the bench's test); a token
   shared by more than `max_block` pairs is skipped and counted (a hot key would make the run
   quadratic).
2. Comparison: each field's similarity is 1 - Hamming distance / length of the two balanced
   filters; a name takes the better of its two salted encodings; given name and surname are
   compared crosswise too, and a pair whose names agree only crosswise is scored swapped.
   Similarities are cut into levels (`LEVELS`); a missing field is its own level and weighs 0.
3. Model: Fellegi-Sunter. u (how often a level occurs between records that do not match) from
   random pairs, m (the same among matches) and the share of matches among candidates by
   expectation-maximisation on the candidates - no labels, as Splink does. A pair's match weight
   is the sum of its fields' log2(m/u) plus the prior's; its probability follows.
4. Resolution: pairs at or above the threshold, best first, join clusters that hold at most one
   record per file - between two files that is a one-to-one matching; across many files, clusters.
"""

from __future__ import annotations

import base64
import binascii
import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from harborline.linkage.encode import (
    ALL_COLUMNS,
    BLOCK_COLUMNS,
    FILTER_COLUMNS,
    FILTERS,
    SALT_COLUMNS,
    check_ids,
)
from harborline.linkage.problems import LinkageProblems, Warnings

FIELDS = ("first_name", "last_name", "dob", "place")
# ZIP code and city are compared as one field, "place": a city mostly follows from its ZIP
# code, and two fields that agree together would count the same evidence twice (on Nevada-like
# data the model then took "same city" for "same youth").
# Similarity cut-offs per field, lowest first: level 1 below the first, ..., top level above
# the last; level 0 = missing on either side.
LEVELS: dict[str, tuple[float, ...]] = {
    "first_name": (0.78, 0.85, 0.93),
    "last_name": (0.78, 0.85, 0.93),
    "dob": (0.70, 0.80, 0.93),
    "zip": (0.78, 0.85, 0.93),
    "city": (0.78, 0.85, 0.93),
}
N_LEVELS = 5  # 0 (missing) and four
MAX_BLOCK = 10_000  # pairs one blocking token may generate between two files
RANDOM_PAIRS = 100_000
_CHUNK = 400_000

# The candidate pairs of two files, as portable SQL (DuckDB here; Spark SQL runs the same text
# in the benchmark's test). tokens_l and tokens_r: (row, key, token), one row per record and
# blocking key that has a token.
BLOCKING_SQL = """
WITH counts_l AS (SELECT key, token, COUNT(*) AS n FROM tokens_l GROUP BY key, token),
     counts_r AS (SELECT key, token, COUNT(*) AS n FROM tokens_r GROUP BY key, token),
     oversized AS (
         SELECT cl.key, cl.token
         FROM counts_l cl JOIN counts_r cr ON cl.key = cr.key AND cl.token = cr.token
         WHERE cl.n * cr.n > {max_block}
     )
SELECT DISTINCT l.row AS row_l, r.row AS row_r
FROM tokens_l l
JOIN tokens_r r ON l.key = r.key AND l.token = r.token
LEFT JOIN oversized o ON l.key = o.key AND l.token = o.token
WHERE o.key IS NULL
"""
OVERSIZED_SQL = """
SELECT COUNT(*) FROM
    (SELECT key, token, COUNT(*) AS n FROM tokens_l GROUP BY key, token) cl
    JOIN (SELECT key, token, COUNT(*) AS n FROM tokens_r GROUP BY key, token) cr
    ON cl.key = cr.key AND cl.token = cr.token
WHERE cl.n * cr.n > {max_block}
"""


@dataclass
class EncodedFile:
    source: str
    ids: list[str]
    filters: dict[str, np.ndarray]  # column -> (n, words) uint64
    present: dict[str, np.ndarray]  # column -> (n,) bool
    tokens: np.ndarray  # (n, blocking keys) int64, 0 = no token
    salts: np.ndarray  # (n, 3) int64: the names' salts (date, ZIP code, city), 0 = none


def _filter_bytes(column: str) -> tuple[int, int]:
    """(bytes of the filter, bytes as written: padded to a multiple of 3)."""
    bits, _ = FILTERS[column.removeprefix("bf_")]
    nbytes = 2 * bits // 8
    return nbytes, nbytes + (-nbytes % 3)


def _decode_column(
    values: list[str], column: str, warnings: Warnings
) -> tuple[np.ndarray, np.ndarray]:
    nbytes, padded = _filter_bytes(column)
    width = padded * 4 // 3
    blank = "A" * width
    present = np.fromiter((len(v) == width for v in values), dtype=bool, count=len(values))
    for n, v in enumerate(values, start=2):
        if v and len(v) != width:
            warnings.add(f"{column} unreadable, taken as missing", n)
    joined = "".join(v if len(v) == width else blank for v in values)
    try:
        raw = base64.b64decode(joined, validate=True)
    except (binascii.Error, ValueError):
        parts = []
        for n, v in enumerate(values, start=2):
            try:
                parts.append(base64.b64decode(v if len(v) == width else blank, validate=True))
            except (binascii.Error, ValueError):
                warnings.add(f"{column} unreadable, taken as missing", n)
                present[n - 2] = False
                parts.append(bytes(padded))
        raw = b"".join(parts)
    matrix = np.frombuffer(raw, dtype=np.uint8).reshape(len(values), padded)[:, :nbytes]
    return np.ascontiguousarray(matrix).view(np.uint64), present


def _decode_tokens(values: list[str], column: str, warnings: Warnings) -> np.ndarray:
    """16 hex digits each ("" = no token) -> int64, 0 for none; a value that cannot be read is
    counted and taken as none."""
    width = 16
    zero = "0" * width
    try:
        raw = bytes.fromhex("".join(v if len(v) == width else zero for v in values))
        out = np.frombuffer(raw, dtype=">u8").astype(np.uint64)
        for n, v in enumerate(values):
            if v and len(v) != width:
                warnings.add(f"{column} unreadable, taken as missing", n + 2)
    except ValueError:
        out = np.zeros(len(values), dtype=np.uint64)
        for n, v in enumerate(values):
            if not v:
                continue
            try:
                out[n] = int(v, 16) if len(v) == width else 0
                if len(v) != width:
                    raise ValueError(v)
            except ValueError:
                warnings.add(f"{column} unreadable, taken as missing", n + 2)
    present = np.fromiter((len(v) == width for v in values), dtype=bool, count=len(values))
    out[present & (out == 0)] = 1  # a token that happens to be 0 is still a token
    return out.view(np.int64)


def _read_columns(path: Path) -> tuple[list[str], dict[str, list[str]], int]:
    """Header, columns (stripped strings, "" for empty) and number of rows: DuckDB's CSV reader
    (several times faster on a million rows), Python's csv module when DuckDB cannot read it."""
    import duckdb

    try:
        relation = duckdb.read_csv(str(path), header=True, all_varchar=True, sep=",", quotechar='"')
        arrays = relation.fetchnumpy()
        header = [h.strip() for h in arrays]
        if len(set(header)) == len(header) and header:
            columns = {
                h.strip(): ["" if v is None else str(v).strip() for v in a.tolist()]
                for h, a in arrays.items()
            }
            n = len(next(iter(columns.values())))
            return header, columns, n
    except duckdb.Error:
        pass
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            header = [h.strip() for h in next(reader, [])]
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise LinkageProblems([f"{path.name}: the file cannot be read: {exc}"]) from exc
    columns = {h: [r[i].strip() if i < len(r) else "" for r in rows] for i, h in enumerate(header)}
    return header, columns, len(rows)


def read_encoded(path: Path, warnings: Warnings) -> EncodedFile:
    problems: list[str] = []
    header, columns, n_rows = _read_columns(path)
    if not header:
        raise LinkageProblems([f"{path.name}, row 1: the file is empty (no header, no rows)"])
    if not n_rows:
        raise LinkageProblems([f"{path.name}, row 2: the file has a header but no rows"])
    ids = columns.get("id", [""] * n_rows)
    problems += check_ids(path, header, [{"id": v} for v in ids])
    for column in ALL_COLUMNS:
        if column not in columns:
            problems.append(
                f"{path.name}, row 1, column {column}: missing (not a file written by "
                "`harborline linkage encode`)"
            )
    if problems:
        raise LinkageProblems(problems)
    return encoded_from_columns(path.stem, ids, columns, warnings)


def encoded_from_columns(
    source: str, ids: list[str], columns: dict[str, list[str]], warnings: Warnings
) -> EncodedFile:
    """An encoded file from its columns in memory (every column of encode.ALL_COLUMNS, one
    value per id): what the statistical center links from the encodings it stores."""
    filters, present = {}, {}
    for name in FILTER_COLUMNS:
        filters[name], present[name] = _decode_column(columns[name], name, warnings)
    tokens = np.stack([_decode_tokens(columns[c], c, warnings) for c in BLOCK_COLUMNS], axis=1)
    salts = np.stack([_decode_tokens(columns[c], c, warnings) for c in SALT_COLUMNS], axis=1)
    return EncodedFile(
        source=source, ids=ids, filters=filters, present=present, tokens=tokens, salts=salts
    )


def check_sources(files: Sequence[Path]) -> list[str]:
    seen: dict[str, Path] = {}
    problems = []
    for path in files:
        if path.stem in seen:
            problems.append(
                f"{path}: its name without extension ({path.stem}) is already the source of "
                f"{seen[path.stem]}; sources must differ"
            )
        seen[path.stem] = path
    return problems


# --- candidates -------------------------------------------------------------------------


def _long_tokens(tokens: np.ndarray) -> dict[str, np.ndarray]:
    rows, keys = np.nonzero(tokens)
    return {
        "row": rows.astype(np.int64),
        "key": keys.astype(np.int64),
        "token": tokens[rows, keys].astype(np.int64),
    }


def candidate_pairs(
    left: EncodedFile, right: EncodedFile, *, max_block: int = MAX_BLOCK
) -> tuple[np.ndarray, np.ndarray, int]:
    """(rows of left, rows of right, blocking tokens skipped as oversized), via DuckDB."""
    import duckdb

    con = duckdb.connect()
    try:
        con.execute("SET threads TO 2")
        con.register("tokens_l", _long_tokens(left.tokens))
        con.register("tokens_r", _long_tokens(right.tokens))
        result = con.sql(BLOCKING_SQL.format(max_block=int(max_block))).fetchnumpy()
        oversized = con.execute(OVERSIZED_SQL.format(max_block=int(max_block))).fetchone()
    finally:
        con.close()
    return (
        np.asarray(result["row_l"], dtype=np.int64),
        np.asarray(result["row_r"], dtype=np.int64),
        int(oversized[0]) if oversized else 0,
    )


# --- comparison -------------------------------------------------------------------------


@dataclass
class Records:
    """All files' records end to end; a record's global row is its file's offset + row."""

    files: list[EncodedFile]
    filters: dict[str, np.ndarray] = field(init=False)
    present: dict[str, np.ndarray] = field(init=False)
    salts: np.ndarray = field(init=False)
    offsets: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.filters = {
            c: np.concatenate([f.filters[c] for f in self.files]) for c in FILTER_COLUMNS
        }
        self.present = {
            c: np.concatenate([f.present[c] for f in self.files]) for c in FILTER_COLUMNS
        }
        self.salts = np.concatenate([f.salts for f in self.files])
        self.offsets = list(np.cumsum([0] + [len(f.ids) for f in self.files]))


def _sim(records: Records, col_l: str, col_r: str, gl: np.ndarray, gr: np.ndarray) -> np.ndarray:
    a, b = records.filters[col_l][gl], records.filters[col_r][gr]
    bits = a.shape[1] * 64
    s = 1.0 - np.bitwise_count(a ^ b).sum(axis=1, dtype=np.int64) / bits
    ok = records.present[col_l][gl] & records.present[col_r][gr]
    return np.where(ok, s, np.nan).astype(np.float32)


def _best(*sims: np.ndarray) -> np.ndarray:
    stacked = np.stack(sims)
    all_nan = np.isnan(stacked).all(axis=0)
    filled = np.where(np.isnan(stacked), -1.0, stacked).max(axis=0)
    return np.where(all_nan, np.nan, filled).astype(np.float32)


def similarities(
    records: Records, gl: np.ndarray, gr: np.ndarray
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Each field's similarity for the pairs (NaN = missing), and which pairs were scored with
    given name and surname swapped."""
    out: dict[str, np.ndarray] = {}

    def name(a: str, b: str) -> np.ndarray:
        sims = []
        for k, s in enumerate("dzc"):
            salt_l, salt_r = records.salts[gl, k], records.salts[gr, k]
            shared = (salt_l == salt_r) & (salt_l != 0)
            sims.append(
                np.where(shared, _sim(records, f"bf_{a}_{s}", f"bf_{b}_{s}", gl, gr), np.nan)
            )
        return _best(*sims)

    first, last = name("first_name", "first_name"), name("last_name", "last_name")
    cross1, cross2 = name("first_name", "last_name"), name("last_name", "first_name")
    straight = np.nan_to_num(first, nan=0.0) + np.nan_to_num(last, nan=0.0)
    crossed = np.nan_to_num(cross1, nan=0.0) + np.nan_to_num(cross2, nan=0.0)
    # Both names must agree crosswise at least "close" (the level below the top): a given name's
    # encoding also holds its formal name and the sex, so the same word encoded as a given name
    # and as a surname reaches about 0.945 (median), and fell below the top cut-off, 0.93, in 1
    # pair of 100: that pair was then scored as two names that disagree.
    close = LEVELS["first_name"][-2]
    swapped = (crossed > straight + 0.1) & (cross1 >= close) & (cross2 >= close)
    out["first_name"] = np.where(swapped, cross1, first)
    out["last_name"] = np.where(swapped, cross2, last)
    for f in ("dob", "zip", "city"):
        out[f] = _sim(records, f"bf_{f}", f"bf_{f}", gl, gr)
    return out, swapped


def _cut(s: np.ndarray, field: str) -> np.ndarray:
    lvl = 1 + sum((s >= t).astype(np.int8) for t in LEVELS[field])
    return np.where(np.isnan(s), 0, lvl).astype(np.int8)


def levels(sims: dict[str, np.ndarray]) -> np.ndarray:
    """(pairs, fields) int8: 0 missing, 1..4 by the field's cut-offs. Place: 4 when ZIP code
    and city both agree (or one agrees and the other is missing), 3 when one of them agrees,
    2 when either is close, 1 otherwise, 0 when both are missing."""
    n = len(next(iter(sims.values())))
    out = np.zeros((n, len(FIELDS)), dtype=np.int8)
    for j, f in enumerate(FIELDS[:3]):
        out[:, j] = _cut(sims[f], f)
    z, c = _cut(sims["zip"], "zip"), _cut(sims["city"], "city")
    top = N_LEVELS - 1
    agree = (z == top).astype(np.int8) + (c == top).astype(np.int8)
    missing = (z == 0).astype(np.int8) + (c == 0).astype(np.int8)
    close = (z >= top - 1) | (c >= top - 1)
    place = np.where(
        missing == 2,
        0,
        np.where(
            agree + missing >= 2,
            4,
            np.where(agree == 1, 3, np.where(close, 2, 1)),
        ),
    )
    out[:, FIELDS.index("place")] = place
    return out


def compare(records: Records, gl: np.ndarray, gr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Levels and swapped flags for many pairs, in chunks (memory stays bounded)."""
    lv = np.zeros((len(gl), len(FIELDS)), dtype=np.int8)
    sw = np.zeros(len(gl), dtype=bool)
    for s in range(0, len(gl), _CHUNK):
        sims, swapped = similarities(records, gl[s : s + _CHUNK], gr[s : s + _CHUNK])
        lv[s : s + _CHUNK] = levels(sims)
        sw[s : s + _CHUNK] = swapped
    return lv, sw


# --- the model --------------------------------------------------------------------------


@dataclass
class Model:
    """m and u per field and level (level 0, missing, is 1 and 1: weight 0), and the prior
    probability that two records taken at random are the same youth."""

    m: np.ndarray  # (fields, levels)
    u: np.ndarray
    prior: float
    iterations: int = 0

    def weights(self) -> np.ndarray:
        return np.log2(self.m / self.u)

    def describe(self) -> dict[str, object]:
        w = self.weights()
        return {
            "prior": self.prior,
            "iterations": self.iterations,
            "fields": {
                f: {
                    "m": [round(float(x), 5) for x in self.m[j, 1:]],
                    "u": [round(float(x), 7) for x in self.u[j, 1:]],
                    "weight": [round(float(x), 2) for x in w[j, 1:]],
                }
                for j, f in enumerate(FIELDS)
            },
        }


def _level_shares(lv: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    w = np.ones(len(lv)) if weights is None else weights
    out = np.ones((len(FIELDS), N_LEVELS))
    for j in range(len(FIELDS)):
        totals = np.bincount(lv[:, j], weights=w, minlength=N_LEVELS)
        seen = totals[1:].sum()
        out[j, 1:] = (totals[1:] + 1e-3) / (seen + 1e-3 * (N_LEVELS - 1)) if seen else 0.25
    return out


def _salt_sharing_pairs(
    records: Records, i: int, j: int, per: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Random pairs between files i and j that share a salt (date, ZIP code or city): the
    pairs among which two names can be compared at all."""
    gls, grs = [], []
    lo_i, hi_i = records.offsets[i], records.offsets[i + 1]
    lo_j, hi_j = records.offsets[j], records.offsets[j + 1]
    for k in range(records.salts.shape[1]):
        left = records.salts[lo_i:hi_i, k]
        right = records.salts[lo_j:hi_j, k]
        order = np.argsort(right, kind="stable")
        sorted_r = right[order]
        with_salt = np.flatnonzero(left != 0)
        if not len(with_salt) or not np.any(right != 0):
            continue
        picks = rng.choice(with_salt, size=per // 3 + 1)
        start = np.searchsorted(sorted_r, left[picks], side="left")
        stop = np.searchsorted(sorted_r, left[picks], side="right")
        ok = stop > start
        offs = (rng.random(ok.sum()) * (stop[ok] - start[ok])).astype(np.int64)
        gls.append(lo_i + picks[ok])
        grs.append(lo_j + order[start[ok] + offs])
    if not gls:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(gls), np.concatenate(grs)


def estimate_u(
    records: Records, pairs_of_files: list[tuple[int, int]], seed: int = 0
) -> np.ndarray:
    """u from random pairs between the files (almost all of them are non-matches); for the
    names, from random pairs that share a salt and disagree on the date of birth - names are
    only compared under a shared salt, so that is where their chance agreement is counted."""
    rng = np.random.default_rng(seed)
    per = max(RANDOM_PAIRS // max(len(pairs_of_files), 1), 1)
    gls, grs, sls, srs = [], [], [], []
    for i, j in pairs_of_files:
        n_i = records.offsets[i + 1] - records.offsets[i]
        n_j = records.offsets[j + 1] - records.offsets[j]
        gls.append(records.offsets[i] + rng.integers(0, n_i, per))
        grs.append(records.offsets[j] + rng.integers(0, n_j, per))
        sl, sr = _salt_sharing_pairs(records, i, j, per, rng)
        sls.append(sl)
        srs.append(sr)
    lv, _ = compare(records, np.concatenate(gls), np.concatenate(grs))
    u = _level_shares(lv)
    salted = np.concatenate(sls)
    if len(salted):
        lv_salted, _ = compare(records, salted, np.concatenate(srs))
        # Pairs that share a salt are often the same youth (sharing a date of birth mostly
        # is): keep those whose dates of birth disagree outright, nearly all non-matches.
        # And not both names at once: a pair with the same given name and surname, sharing a
        # place, is nearly always the same youth with a mistyped date.
        top = N_LEVELS - 1
        unlike = (lv_salted[:, FIELDS.index("dob")] == 1) & ~(
            (lv_salted[:, FIELDS.index("first_name")] == top)
            & (lv_salted[:, FIELDS.index("last_name")] == top)
        )
        if unlike.sum() >= 200:
            lv_salted = lv_salted[unlike]
        names = [FIELDS.index("first_name"), FIELDS.index("last_name")]
        u[names] = _level_shares(lv_salted)[names]
    return u


def _em(
    lv: np.ndarray, u: np.ndarray, m: np.ndarray, prior: float, fields: list[int]
) -> tuple[np.ndarray, float, float, int, np.ndarray]:
    """EM over the pairs' level patterns for the given fields only (the others - those the
    pairs were chosen by - are left out of the likelihood, as Splink does), u fixed. Returns m
    (updated for those fields), the share of matches among the pairs, the expected number of
    matches, the iterations run and each pair's probability of being a match."""
    sub = lv[:, fields].astype(np.int64)
    base = N_LEVELS ** np.arange(len(fields))
    _, first, inverse, counts = np.unique(
        sub @ base, return_index=True, return_inverse=True, return_counts=True
    )
    patterns = sub[first]
    counts = counts.astype(np.float64)
    cols = np.asarray(fields)
    m = m.copy()
    iterations = 0
    for iteration in range(1, 201):
        iterations = iteration
        lm = np.log(prior) + np.log(m[cols, patterns]).sum(axis=1)
        lu = np.log(1 - prior) + np.log(u[cols, patterns]).sum(axis=1)
        post = 1.0 / (1.0 + np.exp(np.clip(lu - lm, -700, 700)))
        w = post * counts
        new_prior = float(np.clip(w.sum() / counts.sum(), 1e-9, 1 - 1e-9))
        new_m = m.copy()
        for k, j in enumerate(fields):
            totals = np.bincount(patterns[:, k], weights=w, minlength=N_LEVELS)
            seen = totals[1:].sum()
            if seen > 0:
                new_m[j, 1:] = (totals[1:] + 1e-6) / (seen + 4e-6)
        delta = max(abs(new_prior - prior), float(np.abs(new_m - m).max()))
        m, prior = new_m, new_prior
        if delta < 1e-7:
            break
    lm = np.log(prior) + np.log(m[cols, patterns]).sum(axis=1)
    lu = np.log(1 - prior) + np.log(u[cols, patterns]).sum(axis=1)
    post = 1.0 / (1.0 + np.exp(np.clip(lu - lm, -700, 700)))
    return m, prior, float((post * counts).sum()), iterations, post[inverse.ravel()]


TRAINING_PAIRS = 1_000_000  # per round of EM


def _sharing_pairs(
    records: Records, i: int, j: int, k: int, limit: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, float]:
    """Every pair between files i and j that shares salt k, for a random sample of file i's
    records small enough to stay under `limit` pairs; and how many times larger than the
    sample file i's records with that salt are."""
    lo_i, hi_i = records.offsets[i], records.offsets[i + 1]
    lo_j, hi_j = records.offsets[j], records.offsets[j + 1]
    left = records.salts[lo_i:hi_i, k]
    right = records.salts[lo_j:hi_j, k]
    order = np.argsort(right, kind="stable")
    sorted_r = right[order]
    rows = np.flatnonzero(left != 0)
    empty = np.zeros(0, dtype=np.int64)
    if not len(rows):
        return empty, empty, 1.0
    rows = rng.permutation(rows)
    start = np.searchsorted(sorted_r, left[rows], side="left")
    sizes = np.searchsorted(sorted_r, left[rows], side="right") - start
    keep = int(np.searchsorted(np.cumsum(sizes), limit, side="right"))
    keep = max(keep, 1)
    rows, start, sizes = rows[:keep], start[:keep], sizes[:keep]
    total = int(sizes.sum())
    if not total:
        return empty, empty, 1.0
    gl = np.repeat(lo_i + rows, sizes)
    offsets = np.arange(total) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    gr = lo_j + order[np.repeat(start, sizes) + offsets]
    return gl, gr, float((left != 0).sum()) / keep


def estimate(
    records: Records,
    u: np.ndarray,
    pairs_of_files: list[tuple[int, int]],
    total_pairs: int,
    seed: int = 0,
) -> Model:
    """m by EM in two rounds, as Splink trains, each on pairs of its own (not the candidates,
    which the blocking keys chose on several fields at once): pairs that share a date of birth,
    whose names and place agree only by chance when they are not the same youth, for the names
    and the place; pairs that share a ZIP code for the date of birth. The prior is then the
    share of matches among all pairs of records (matches expected among the date-sharing pairs,
    over the share of matches whose dates agree, over every pair), so that the weights, with u
    from random pairs, give a probability for any pair."""
    rng = np.random.default_rng(seed)
    fi, la, dob, place = (FIELDS.index(f) for f in FIELDS)
    m = np.ones_like(u)
    m[:, 1:] = np.array([0.05, 0.05, 0.1, 0.8])
    limit = max(TRAINING_PAIRS // max(len(pairs_of_files), 1), 1000)
    iterations = 0
    matches = 0.0
    rounds = ((0, [fi, la, place]), (1, [fi, la, dob]))
    for salt, fields in rounds:
        gls, grs, scales = [], [], []
        for i, j in pairs_of_files:
            gl, gr, scale = _sharing_pairs(records, i, j, salt, limit, rng)
            gls.append(gl)
            grs.append(gr)
            scales.append(np.full(len(gl), scale))
        gl_all = np.concatenate(gls)
        if not len(gl_all):
            continue
        lv, _ = compare(records, gl_all, np.concatenate(grs))
        m_round, _, _, it, post = _em(lv, u, m, 1e-3, fields)
        iterations += it
        for f in fields:
            if salt == 0 or f == dob:
                m[f] = m_round[f]
        if salt == 0:
            matches = float((post * np.concatenate(scales)).sum())
    # Matches whose dates agree (top two levels: the same date, or day and month transposed).
    dob_agrees = float(m[dob, N_LEVELS - 2 :].sum())
    prior = float(np.clip(matches / max(dob_agrees, 0.05) / max(total_pairs, 1), 1e-12, 0.5))
    return Model(m=m, u=u, prior=prior if matches else 1e-6, iterations=iterations)


def score(model: Model, lv: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Probability per pair and each field's match weight (bits)."""
    w = model.weights()
    contributions = w[np.arange(len(FIELDS)), lv.astype(np.int64)]
    total = contributions.sum(axis=1) + math.log2(model.prior / (1 - model.prior))
    probability = 1.0 / (1.0 + np.exp2(-np.clip(total, -1000, 1000)))
    return probability, contributions


def exclusive(
    probability: np.ndarray, gl: np.ndarray, gr: np.ndarray, records: Records, prior: float
) -> np.ndarray:
    """Each pair's probability given the other candidates of both its records: within one
    agency's file a youth has one record, so a record has at most one match in another file.
    If pi is the share of a file's records that have a match in the other (prior x size of the
    other file), a record's candidates share, with "no match at all" (1 - pi), the belief
    that it has a match: p = odds / ((1 - pi) + sum of the odds of that record's candidates).
    Taken from each side of the pair, the lower of the two. A lone candidate of a record that
    surely has a match rises; two candidates that compete for one record both fall."""
    if not len(probability):
        return probability
    p = np.clip(probability, 1e-15, 1 - 1e-12)
    odds = p / (1 - p)
    sizes = np.diff(records.offsets)
    file_of = np.repeat(np.arange(len(sizes)), sizes)
    out = np.ones_like(p)
    for mine, other in ((gl, gr), (gr, gl)):
        # One sum per record and other file: key = record * files + the other record's file.
        key = mine * len(sizes) + file_of[other]
        uniq, inverse = np.unique(key, return_inverse=True)
        sums = np.bincount(inverse, weights=odds)
        pi = np.clip(prior * sizes[file_of[other]], 0.0, 0.95)
        out = np.minimum(out, odds / ((1 - pi) + sums[inverse]))
    return np.minimum(out, 1.0)


# --- resolution -------------------------------------------------------------------------


def resolve(
    gl: np.ndarray,
    gr: np.ndarray,
    probability: np.ndarray,
    source_of: np.ndarray,
    threshold: float,
    existing: list[list[int]] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The pairs kept, best first: a pair joins two clusters only when no file has a record in
    both (between two files: one-to-one). `existing` clusters (lists of global rows) are set up
    first, as they were; new records join them, but two of them are never merged (an existing
    cluster keeps its id and members). Returns the indexes of the pairs kept and every record's
    cluster root."""
    order = np.argsort(-probability, kind="stable")
    order = order[probability[order] >= threshold]
    parent: dict[int, int] = {}
    sources: dict[int, set[int]] = {}

    def find(x: int) -> int:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:
            parent[x], x = root, parent[x]
        return root

    locked: set[int] = set()  # existing clusters: joined by new records, never merged
    for members in existing or []:
        head = members[0]
        sources[head] = {int(source_of[head])}
        locked.add(head)
        for other in members[1:]:
            parent[other] = head
            sources[head].add(int(source_of[other]))

    kept = []
    for k in order.tolist():
        a, b = find(int(gl[k])), find(int(gr[k]))
        if a == b:
            kept.append(k)  # already in one cluster: the pair is consistent with it
            continue
        sa = sources.get(a) or {int(source_of[a])}
        sb = sources.get(b) or {int(source_of[b])}
        if sa & sb or (a in locked and b in locked):
            continue
        if b in locked:
            a, b = b, a
        parent[b] = a
        sources[a] = sa | sb
        sources.pop(b, None)
        kept.append(k)
    roots = np.fromiter((find(x) for x in range(len(source_of))), dtype=np.int64)
    return np.asarray(kept, dtype=np.int64), roots


@dataclass
class LinkResult:
    records: Records
    gl: np.ndarray
    gr: np.ndarray
    probability: np.ndarray
    contributions: np.ndarray
    swapped: np.ndarray
    kept: np.ndarray
    roots: np.ndarray  # each record's cluster (a record's global row)
    model: Model
    candidates: int
    oversized_blocks: int
    warnings: Warnings
    seconds: dict[str, float] = field(default_factory=dict)
    existing: list[list[tuple[int, int]]] | None = None

    def source_and_id(self, g: int) -> tuple[str, str]:
        i = int(np.searchsorted(self.records.offsets, g, side="right")) - 1
        f = self.records.files[i]
        return f.source, f.ids[g - self.records.offsets[i]]


def link_files(
    files: list[EncodedFile],
    *,
    threshold: float = 0.5,
    max_block: int = MAX_BLOCK,
    existing: list[list[tuple[int, int]]] | None = None,
) -> LinkResult:
    """Links the files. With `existing` clusters (lists of (file, row)) of files[1:], only the
    new file, files[0], is compared with the others, and its records join those clusters or
    start their own: incremental linking, nothing already linked is compared again."""
    import time

    t0 = time.perf_counter()
    records = Records(files)
    warnings = Warnings()
    if existing is None:
        pairs_of_files = [(i, j) for i in range(len(files)) for j in range(i + 1, len(files))]
    else:
        pairs_of_files = [(0, j) for j in range(1, len(files))]
    gls, grs = [], []
    oversized = 0
    for i, j in pairs_of_files:
        rl, rr, skipped = candidate_pairs(files[i], files[j], max_block=max_block)
        gls.append(rl + records.offsets[i])
        grs.append(rr + records.offsets[j])
        oversized += skipped
    gl = np.concatenate(gls) if gls else np.zeros(0, dtype=np.int64)
    gr = np.concatenate(grs) if grs else np.zeros(0, dtype=np.int64)
    t1 = time.perf_counter()
    lv, swapped = compare(records, gl, gr)
    u = estimate_u(records, pairs_of_files)
    t2 = time.perf_counter()
    sizes = [len(f.ids) for f in files]
    total_pairs = sum(sizes[i] * sizes[j] for i, j in pairs_of_files)
    model = (
        estimate(records, u, pairs_of_files, total_pairs)
        if len(lv)
        else Model(m=np.ones_like(u), u=u, prior=1e-9)
    )
    probability, contributions = score(model, lv)
    probability = exclusive(probability, gl, gr, records, model.prior)
    source_of = np.repeat(np.arange(len(files)), [len(f.ids) for f in files])
    seeds = [[records.offsets[f] + row for f, row in members] for members in existing or []]
    kept, roots = resolve(gl, gr, probability, source_of, threshold, seeds)
    t3 = time.perf_counter()
    return LinkResult(
        records=records,
        gl=gl,
        gr=gr,
        probability=probability,
        contributions=contributions,
        swapped=swapped,
        kept=kept,
        roots=roots,
        model=model,
        candidates=len(gl),
        oversized_blocks=oversized,
        warnings=warnings,
        seconds={"blocking": t1 - t0, "comparing": t2 - t1, "model_and_resolution": t3 - t2},
    )


def write_pairs(path: Path, result: LinkResult, *, explain: bool = False) -> None:
    header = ["id_l", "id_r", "source_l", "source_r", "probability"]
    if explain:
        header += [f"weight_{f}" for f in FIELDS] + ["names_swapped"]
    tmp = path.with_name(path.name + ".part")
    with tmp.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        for k in result.kept.tolist():
            sl, il = result.source_and_id(int(result.gl[k]))
            sr, ir = result.source_and_id(int(result.gr[k]))
            row = [il, ir, sl, sr, f"{result.probability[k]:.6f}"]
            if explain:
                row += [f"{w:.2f}" for w in result.contributions[k]]
                row.append("yes" if result.swapped[k] else "no")
            writer.writerow(row)
    tmp.replace(path)


def read_clusters(
    path: Path, files: list[EncodedFile]
) -> tuple[list[list[tuple[int, int]]], list[str], list[str]]:
    """A clusters file (`cluster, source, id`, from `--clusters`) of the files already linked
    (files[1:]): the clusters as (file, row) lists, their ids in the same order, and problems
    (one line each, naming row and column)."""
    problems: list[str] = []
    where = {
        (f.source, id_): (k, row) for k, f in enumerate(files) for row, id_ in enumerate(f.ids)
    }
    members: dict[str, list[tuple[int, int]]] = {}
    seen: dict[tuple[str, str], int] = {}
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            header = reader.fieldnames or []
            missing = [c for c in ("cluster", "source", "id") if c not in header]
            if missing:
                return [], [], [f"{path.name}, row 1, column {c}: missing" for c in missing]
            for n, row in enumerate(reader, start=2):
                key = (row["source"].strip(), row["id"].strip())
                if key[0] == files[0].source:
                    problems.append(
                        f"{path.name}, row {n}, column source: {key[0]} is the new file; "
                        "the clusters are those of the files already linked"
                    )
                elif key not in where:
                    problems.append(
                        f"{path.name}, row {n}, column id: no record {key[1]} in {key[0]}"
                    )
                elif key in seen:
                    problems.append(
                        f"{path.name}, row {n}, column id: duplicate of row {seen[key]}"
                    )
                else:
                    seen[key] = n
                    members.setdefault(row["cluster"].strip(), []).append(where[key])
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        return [], [], [f"{path.name}: the file cannot be read: {exc}"]
    return list(members.values()), list(members), problems


def write_clusters(path: Path, result: LinkResult, existing_ids: list[str] | None = None) -> None:
    """`cluster, source, id` for every record: a cluster that holds an existing cluster keeps
    its id, a new one gets the next free number."""
    records = result.records
    named: dict[int, str] = {}
    for members, name in zip(
        ([records.offsets[f] + r for f, r in m] for m in result.existing or []),
        existing_ids or [],
        strict=False,
    ):
        named.setdefault(int(result.roots[members[0]]), name)
    used = set(named.values())
    counter = 0
    tmp = path.with_name(path.name + ".part")
    with tmp.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["cluster", "source", "id"])
        for g, root in enumerate(result.roots.tolist()):
            if root not in named:
                counter += 1
                while f"c{counter}" in used:
                    counter += 1
                named[root] = f"c{counter}"
                used.add(named[root])
            source, id_ = result.source_and_id(g)
            writer.writerow([named[root], source, id_])
    tmp.replace(path)


def link_paths(
    paths: Sequence[Path],
    output: Path,
    *,
    threshold: float = 0.5,
    explain: bool = False,
    max_block: int = MAX_BLOCK,
    clusters: Path | None = None,
    existing: Path | None = None,
) -> LinkResult:
    """The `link` command: reads and checks every file first (LinkageProblems: nothing
    written), links, writes PAIRS.csv (and the clusters, when asked). With `existing`, the
    first file is new and the others were linked before: see link_files."""
    problems = check_sources(paths)
    warnings = Warnings()
    files = []
    per_file: list[tuple[str, Warnings]] = []
    for path in paths:
        w = Warnings()
        try:
            files.append(read_encoded(path, w))
        except LinkageProblems as exc:
            problems += exc.problems
        per_file.append((path.name, w))
    seeds: list[list[tuple[int, int]]] | None = None
    seed_ids: list[str] = []
    if existing is not None and not problems:
        seeds, seed_ids, more = read_clusters(existing, files)
        problems += more
    if problems:
        raise LinkageProblems(problems)
    result = link_files(files, threshold=threshold, max_block=max_block, existing=seeds)
    result.existing = seeds
    for name, w in per_file:
        for kind, n in w.counts.items():
            warnings.counts[f"{name}: {kind}"] = n
            warnings.rows[f"{name}: {kind}"] = w.rows[kind]
    if result.oversized_blocks:
        warnings.counts["blocking tokens skipped as oversized"] = result.oversized_blocks
        warnings.rows["blocking tokens skipped as oversized"] = []
    result.warnings = warnings
    write_pairs(output, result, explain=explain)
    if clusters is not None:
        write_clusters(clusters, result, seed_ids)
    return result
