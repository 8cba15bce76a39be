"""The possible-duplicate check inside one installation, on encodings (decision 0063).

Pure functions over `encode` and `link`: no Django, no database. The cases app stores what
`encode_identity` returns for every youth and, when a case is opened, asks `best_weights` how
strongly the new youth's encoding agrees with the stored ones that share a blocking token.

What differs from linking two agencies' files (decision 0054):
- A youth record in Harborline holds a name and a date of birth, no ZIP code or city, so the
  names are salted with the date of birth only, and two names are compared only when the
  records share it (year and unordered day and month: a transposed date still shares it).
- One query against a handful of candidates trains nothing: the weights are fixed, those EM
  learned on synthetic youth (`WEIGHTS`, below), and the decision is a threshold on the sum
  of the fields' weights (`THRESHOLD_BITS`), not a probability that depends on a file's size.
- Double given names and double surnames: each record is encoded as written and, when a name
  has several parts, as its first given name with each surname part ("Ana María Gómez-Ruiz"
  also as "Ana Gómez" and "Ana Ruiz"); two records are scored by their best pair of variants.
  In one filter, a name with a second part agrees only halfway with the same name without it.
- A date whose day and month are transposed is known exactly here (the salts are equal, the
  date filter is not): it takes the date's second level ("the same date, or day and month
  transposed", decision 0054) rather than whatever the noisy filter similarity gives.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from harborline.linkage import link
from harborline.linkage.encode import (
    BLOCK_COLUMNS,
    FILTER_COLUMNS,
    SALT_COLUMNS,
    Encoder,
    prepare,
)
from harborline.linkage.normalize import name_parts
from harborline.linkage.problems import Warnings

# Match weights (bits, log2 m/u) per field and level (missing, then the four cut-offs of
# link.LEVELS): m and u as `link.estimate` and `link.estimate_u` learned them, without labels,
# on 20,000 x 20,000 synthetic youth (`linkage.synthetic.two_files(20000, seed=3)`, the FEBRL-
# like errors of decision 0054). Place is never present in a youth record: weight 0.
WEIGHTS = np.array(
    [
        [0.0, -5.87, 0.45, 4.80, 7.19],  # given name
        [0.0, -8.36, 1.56, 6.71, 8.95],  # surname
        [0.0, -7.48, 0.19, 3.74, 11.31],  # date of birth
        [0.0, 0.0, 0.0, 0.0, 0.0],  # place (ZIP code, city): not held
    ]
)
# Warn at this many bits of evidence or more: odds of 2^16 to 1 that the agreement comes from
# the same youth rather than chance. With the prior of two records taken at random in a
# state-size installation (about one in 60,000 youth, -15.9 bits) that is a probability of
# about one half. On synthetic youth (names and dates only: 5,000 queries against 5,000
# records, half of them the same youth written as another agency would) it warned for 91 % of
# the same youth and twice for another youth.
THRESHOLD_BITS = 16.0
# ...and only when the given names at least mostly agree (level 3: a typo, a nickname the list
# knows, a second given name dropped). Surname and date of birth together weigh 20.3 bits, so
# without this a twin or another sibling born the same day whose short given name the filters
# find "partly" alike (level 2, +0.45 bits: where most short, different names land) was
# warned about: 15 % of the time for "Lucía" against "Ana María Gómez-Ruiz", 48 % without
# BLIP's noise, depending on the secret. The cost, on the same synthetic youth: 88 % of the
# same youth caught instead of 91 %, the same two false warnings (decision 0063, addendum).
MIN_GIVEN_LEVEL = 3
TRANSPOSED_LEVEL = 3
GIVEN = link.FIELDS.index("first_name")
DOB = link.FIELDS.index("dob")
SALT_DOB = SALT_COLUMNS.index("st_d")
MAX_VARIANTS = 4


@dataclass(frozen=True)
class Encoding:
    """One youth's encodings: the filters of each name variant (column -> base64, "" for a
    missing field) and the blocking tokens of all of them (keyed, 16 hex digits each)."""

    variants: tuple[dict[str, str], ...]
    tokens: frozenset[str]

    def as_json(self) -> list[dict[str, str]]:
        return [dict(v) for v in self.variants]

    @classmethod
    def from_json(cls, variants: list[dict[str, str]]) -> Encoding:
        return cls(variants=tuple(variants), tokens=frozenset(tokens_of(variants)))


def tokens_of(variants: list[dict[str, str]] | tuple[dict[str, str], ...]) -> set[str]:
    return {v[c] for v in variants for c in (*BLOCK_COLUMNS, *SALT_COLUMNS) if v.get(c)}


def name_variants(
    first_name: str, last_name: str, *, swapped: bool = False
) -> list[tuple[str, str]]:
    """The name as written, then (when either name has several parts) the first given name
    with each surname part; at most MAX_VARIANTS, no repeats. With `swapped` (the query's
    side only), also given name and surname the other way round: the nickname list encodes
    a given name as its formal name ("liz" as "elizabeth"), so link's crosswise comparison does
    not see such a name written in the surname's place."""
    out = [(first_name, last_name)]
    given, surnames = name_parts(first_name), name_parts(last_name)
    if given and (len(given) > 1 or len(surnames) > 1):
        for part in surnames:
            pair = (given[0], part)
            if pair not in out:
                out.append(pair)
    out = out[:MAX_VARIANTS]
    if swapped and given and surnames:
        out.append((last_name, first_name))
    return out


def encode_identity(
    encoder: Encoder, *, first_name: str, last_name: str, dob: str, query: bool = False
) -> Encoding:
    """A youth's encodings under the encoder's secret (fresh noise each time); `query`: the
    encoding of a youth being checked, with the swapped variant too (never stored)."""
    rows = [
        {"first_name": f, "last_name": last, "dob": dob}
        for f, last in name_variants(first_name, last_name, swapped=query)
    ]
    columns = encoder.encode_people([prepare(r) for r in rows])
    variants = tuple(
        {c: columns[c][i] for c in (*FILTER_COLUMNS, *BLOCK_COLUMNS, *SALT_COLUMNS)}
        for i in range(len(rows))
    )
    return Encoding(variants=variants, tokens=frozenset(tokens_of(variants)))


def _file(variants: list[dict[str, str]], source: str) -> link.EncodedFile:
    warnings = Warnings()
    filters, present = {}, {}
    for column in FILTER_COLUMNS:
        filters[column], present[column] = link._decode_column(
            [v.get(column, "") for v in variants], column, warnings
        )
    tokens = np.stack(
        [link._decode_tokens([v.get(c, "") for v in variants], c, warnings) for c in BLOCK_COLUMNS],
        axis=1,
    )
    salts = np.stack(
        [link._decode_tokens([v.get(c, "") for v in variants], c, warnings) for c in SALT_COLUMNS],
        axis=1,
    )
    return link.EncodedFile(
        source=source,
        ids=[str(i) for i in range(len(variants))],
        filters=filters,
        present=present,
        tokens=tokens,
        salts=salts,
    )


def pair_levels(query: Encoding, others: list[Encoding]) -> tuple[np.ndarray, np.ndarray]:
    """Levels (pairs, fields) of every variant of the query against every variant of each
    other encoding, and which other encoding each pair belongs to."""
    flat: list[dict[str, str]] = []
    owner: list[int] = []
    for k, other in enumerate(others):
        flat += other.variants
        owner += [k] * len(other.variants)
    if not flat or not query.variants:
        return np.zeros((0, len(link.FIELDS)), dtype=np.int8), np.zeros(0, dtype=np.int64)
    records = link.Records([_file(list(query.variants), "query"), _file(flat, "stored")])
    nq, ns = len(query.variants), len(flat)
    gl = np.repeat(np.arange(nq), ns)
    gr = nq + np.tile(np.arange(ns), nq)
    lv, _ = link.compare(records, gl, gr)
    # A transposed date: the date salts agree exactly (year, unordered day and month), the
    # filter does not (decision 0054's "same date, or day and month transposed").
    salt_l, salt_r = records.salts[gl, SALT_DOB], records.salts[gr, SALT_DOB]
    same_salt = (salt_l == salt_r) & (salt_l != 0)
    lv[:, DOB] = np.where(same_salt & (lv[:, DOB] < TRANSPOSED_LEVEL), TRANSPOSED_LEVEL, lv[:, DOB])
    return lv, np.tile(np.asarray(owner, dtype=np.int64), nq)


def best_weights(query: Encoding, others: list[Encoding]) -> list[float]:
    """For each other encoding, the match weight (bits) of its best-agreeing pair of variants
    with the query whose given names at least mostly agree (`MIN_GIVEN_LEVEL`); -inf when no
    pair's do."""
    lv, owner = pair_levels(query, others)
    out = np.full(len(others), -np.inf)
    if len(lv):
        total = WEIGHTS[np.arange(len(link.FIELDS)), lv.astype(np.int64)].sum(axis=1)
        total = np.where(lv[:, GIVEN] >= MIN_GIVEN_LEVEL, total, -np.inf)
        np.maximum.at(out, owner, total)
    return [float(x) for x in out]


def same_youth(weight: float) -> bool:
    return weight >= THRESHOLD_BITS
