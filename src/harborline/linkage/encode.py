"""Encoding at the agency: identifiers -> keyed, hardened Bloom filters and keyed blocking
tokens (decision 0053). Runs where the plaintext is; the secret never leaves the agency.

Each encoded row holds, besides `id`:
- `bf_first_name_d`, `bf_last_name_d`: the given name's and surname's bigrams (and the given
  name's formal name, and sex) hashed with HMAC-SHA256 under a key salted with the date of
  birth (year and unordered day/month); `bf_first_name_z`, `bf_last_name_z` the same salted
  with the ZIP code. A name's encoding is only comparable with another record's when they
  share the salt, so encodings of one name do not gather into a class whose size gives the
  name away (the frequency attack); either salt is enough to compare two records' names.
- `bf_dob`, `bf_zip`, `bf_city`: the date's parts, the ZIP code's digits, the city's bigrams.
- Every filter is balanced (the filter followed by its complement, the bits permuted under
  the secret: every encoding has the same number of ones, so none tells a name's length) and
  each bit then flipped at random with probability `FLIP` (BLIP; fresh randomness for every
  encoding, so the same name never gives the same encoding twice).
- `bk_*`: blocking tokens, HMAC of combinations (date of birth with a surname's, the first
  surname part's or the given name's Soundex; both names' Soundex with the ZIP code or the
  year; date with ZIP code) that the linking only compares for equality.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import multiprocessing
import os
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np

from harborline.linkage.normalize import (
    Dob,
    bigrams,
    fold,
    formal_name,
    name_parts,
    parse_dob,
    soundex,
    zip_digits,
)
from harborline.linkage.problems import LinkageProblems, Warnings

SCHEME = b"harborline-linkage/1/"
MIN_SECRET_BYTES = 32
FLIP = 0.02  # probability of each bit being flipped (BLIP)

# Filter: (bits before balancing, the domain whose key and permutation it uses)
NAME_BITS = 256
FILTERS: dict[str, tuple[int, str]] = {
    "first_name_d": (NAME_BITS, "name"),
    "last_name_d": (NAME_BITS, "name"),
    "first_name_z": (NAME_BITS, "name"),
    "last_name_z": (NAME_BITS, "name"),
    "first_name_c": (NAME_BITS, "name"),
    "last_name_c": (NAME_BITS, "name"),
    "dob": (128, "dob"),
    "zip": (128, "zip"),
    "city": (256, "city"),
}
BLOCKING_KEYS = (
    "dob_last",
    "dob_lastpart",
    "dob_first",
    "names_zip",
    "names_year",
    "dob_zip",
    "names_city",
    "names_zip3",
    "dob_city",
    "first_zip",
    "last_zip",
)
FILTER_COLUMNS = tuple(f"bf_{name}" for name in FILTERS)
BLOCK_COLUMNS = tuple(f"bk_{name}" for name in BLOCKING_KEYS)
# Keyed tokens of the names' salts (date of birth, ZIP code, city): the linking compares two
# names only under a salt both records share, and learns how often names agree by chance
# among records that share one. They tell the center no more than the date, ZIP and city
# filters do already (which records share a date, a ZIP code, a city).
SALT_COLUMNS = ("st_d", "st_z", "st_c")
ALL_COLUMNS = FILTER_COLUMNS + BLOCK_COLUMNS + SALT_COLUMNS
INPUT_COLUMNS = ("id", "first_name", "last_name", "dob", "sex", "zip", "city")
REQUIRED_FIELDS = ("first_name", "last_name", "dob", "zip")
K_GRAM = 8  # hash positions per bigram or token (each a 16-bit word of its digest)

_CHUNK = 20_000


def read_secret(path: Path) -> bytes:
    """The secret's bytes (a trailing newline is not part of it); LinkageProblems when the
    file cannot be read or holds fewer than 32 bytes."""
    try:
        secret = path.read_bytes().rstrip(b"\r\n")
    except OSError as exc:
        raise LinkageProblems([f"{path}: the secret file cannot be read: {exc.strerror}"]) from exc
    if len(secret) < MIN_SECRET_BYTES:
        raise LinkageProblems(
            [
                f"{path}: the secret is {len(secret)} bytes; at least {MIN_SECRET_BYTES} are "
                "needed (e.g. `head -c 32 /dev/urandom | base64 > SECRET`)"
            ]
        )
    return secret


@dataclass
class Person:
    """One input row, normalised."""

    first: list[str]
    last: list[str]
    formal: str | None
    sex: str
    dob: Dob
    zip: str
    city: str


def prepare(row: dict[str, str]) -> Person:
    first = name_parts(row.get("first_name") or "")
    last = name_parts(row.get("last_name") or "")
    sex = fold(row.get("sex") or "").strip()[:1]
    return Person(
        first=first,
        last=last,
        formal=formal_name(first[0]) if first else None,
        sex=sex if sex in ("f", "m", "x") else "",
        dob=parse_dob(row.get("dob") or ""),
        zip=zip_digits(row.get("zip") or ""),
        city="".join(name_parts(row.get("city") or "")),
    )


def _first_tokens(p: Person) -> list[str]:
    if not p.first:
        return []
    # A nickname is encoded as the formal name it stands for ("bill" as "william").
    parts = [p.formal or p.first[0], *p.first[1:]]
    out = [g for part in parts for g in bigrams(part)]
    if p.sex:
        out.append("s:" + p.sex)
    return out


def _last_tokens(p: Person) -> list[str]:
    return [g for part in p.last for g in bigrams(part)]


def _zip_tokens(z: str) -> list[str]:
    if not z:
        return []
    return ["z" + z, "p" + z[:3]] + [f"{i}:{c}" for i, c in enumerate(z)]


def _city_tokens(city: str) -> list[str]:
    if not city:
        return []
    return [*bigrams(city), "=" + city]


class Encoder:
    """Encodes people under one secret. `flip` is BLIP's bit-flip probability; `rng` the
    source of that noise (fresh from the OS unless a test passes one).

    Hashing: keys derived from the secret by HMAC-SHA256 (one per filter domain, per name salt
    and for the blocking tokens); a token's K_GRAM positions are the 16-bit words of its keyed
    BLAKE2b digest (RFC 7693's keyed mode is a MAC), each taken modulo the filter's size - no
    double hashing, whose structure the published pattern attacks use."""

    def __init__(
        self, secret: bytes, *, flip: float = FLIP, rng: np.random.Generator | None = None
    ) -> None:
        if len(secret) < MIN_SECRET_BYTES:
            raise ValueError("secret too short")
        self._secret = secret
        self.flip = flip
        self._rng = rng or np.random.default_rng(secrets.randbits(128))
        self._keys = {
            d: self._subkey(b"filter/" + d.encode()) for d in ("name", "dob", "zip", "city")
        }
        self._block_key = self._subkey(b"block")
        self._perms: dict[str, np.ndarray] = {}
        for bits, domain in FILTERS.values():
            if domain not in self._perms:
                seed = int.from_bytes(self._subkey(b"perm/" + domain.encode())[:16], "big")
                self._perms[domain] = np.random.default_rng(seed).permutation(2 * bits)
        self._digests: dict[tuple[bytes, str], bytes] = {}

    def _subkey(self, label: bytes) -> bytes:
        return hmac.digest(self._secret, SCHEME + label, hashlib.sha256)

    def _digest(self, key: bytes, token: str) -> bytes:
        """2 * K_GRAM bytes: the token's positions under the key."""
        return hashlib.blake2b(token.encode(), key=key, digest_size=2 * K_GRAM).digest()

    def _cached(self, key: bytes, token: str) -> bytes:
        d = self._digests.get((key, token))
        if d is None:
            d = self._digest(key, token)
            if len(self._digests) < 1_000_000:
                self._digests[(key, token)] = d
        return d

    def _salted(self, domain: str, salt: str) -> bytes:
        return hmac.digest(self._keys[domain], salt.encode(), hashlib.sha256)

    def block_token(self, key: str, value: str) -> str:
        if not value:
            return ""
        return hashlib.blake2b(
            f"{key}|{value}".encode(), key=self._block_key, digest_size=8
        ).hexdigest()

    def blocking(self, p: Person) -> dict[str, str]:
        dob = p.dob.unordered()
        # Soundex of the whole name, parts joined ("matthe ws" is "matthews").
        sx_last = soundex("".join(p.last))
        # The first surname alone: "Gómez-Ruiz" here and "Gomez" elsewhere share this key, as
        # a double surname written once in full and once in part does (decision 0054).
        sx_part = soundex(p.last[0]) if p.last else ""
        sx_first = soundex(p.formal or "".join(p.first))
        # Both names as written, in either order: a swapped pair shares these keys.
        sx_raw = soundex("".join(p.first))
        names = "|".join(sorted((sx_raw, sx_last))) if sx_raw and sx_last else ""
        year = str(p.dob.year) if p.dob.year else ""
        values = {
            "dob_last": f"{dob}|{sx_last}" if dob and sx_last else "",
            "dob_lastpart": f"{dob}|{sx_part}" if dob and sx_part else "",
            "dob_first": f"{dob}|{sx_first}" if dob and sx_first else "",
            "names_zip": f"{names}|{p.zip}" if names and p.zip else "",
            "names_year": f"{names}|{year}" if names and year else "",
            "dob_zip": f"{dob}|{p.zip}" if dob and p.zip else "",
            "names_city": f"{names}|{p.city[:1]}" if names and p.city else "",
            "names_zip3": f"{names}|{p.zip[:3]}" if names and p.zip else "",
            "dob_city": f"{dob}|{p.city}" if dob and p.city else "",
            "first_zip": f"{sx_first}|{p.zip}" if sx_first and p.zip else "",
            "last_zip": f"{sx_last}|{p.zip}" if sx_last and p.zip else "",
        }
        out = {f"bk_{k}": self.block_token(k, v) for k, v in values.items()}
        out["st_d"] = self.block_token("salt_d", dob)
        out["st_z"] = self.block_token("salt_z", p.zip)
        out["st_c"] = self.block_token("salt_c", p.city)
        return out

    def _digests_of(self, p: Person) -> dict[str, bytes | None]:
        """Each filter's token digests joined (None: the field is missing)."""
        out: dict[str, bytes | None] = {}
        first, last = _first_tokens(p), _last_tokens(p)
        for suffix, salt in (("d", p.dob.unordered()), ("z", p.zip), ("c", p.city)):
            if not salt:
                out[f"first_name_{suffix}"] = out[f"last_name_{suffix}"] = None
                continue
            # The key is salted per record, so these digests are not worth caching.
            key = self._salted("name", f"{suffix}|{salt}")
            out[f"first_name_{suffix}"] = b"".join(self._digest(key, t) for t in first) or None
            out[f"last_name_{suffix}"] = b"".join(self._digest(key, t) for t in last) or None
        for name, tokens in (
            ("dob", p.dob.tokens()),
            ("zip", _zip_tokens(p.zip)),
            ("city", _city_tokens(p.city)),
        ):
            key = self._keys[name]
            out[name] = b"".join(self._cached(key, t) for t in tokens) or None
        return out

    def _filters(self, digests: list[bytes | None], bits: int, domain: str) -> list[str]:
        n = len(digests)
        present = np.fromiter((d is not None for d in digests), dtype=bool, count=n)
        lengths = np.fromiter((len(d) // 2 if d else 0 for d in digests), dtype=np.int64, count=n)
        positions = np.frombuffer(b"".join(d for d in digests if d), dtype=">u2") % bits
        plain = np.zeros((n, bits), dtype=bool)
        plain[np.repeat(np.arange(n), lengths), positions] = True
        balanced = np.concatenate([plain, ~plain], axis=1)[:, self._perms[domain]]
        noise = self._rng.random(balanced.shape, dtype=np.float32) < self.flip
        packed = np.packbits(balanced ^ noise, axis=1)
        # Zero bytes to a multiple of 3: base64 then needs no padding, so the rows encode (and
        # decode, in link.py) in one call on the whole chunk.
        packed = np.pad(packed, ((0, 0), (0, -packed.shape[1] % 3)))
        width = packed.shape[1] * 4 // 3
        text = base64.b64encode(packed.tobytes()).decode()
        return [text[i * width : (i + 1) * width] if present[i] else "" for i in range(n)]

    def encode_people(self, people: list[Person]) -> dict[str, list[str]]:
        """Column -> one value per person: base64 filters ("" when the field is missing) and
        hex blocking tokens ("" when a part of the key is missing)."""
        columns: dict[str, list[str]] = {c: [] for c in ALL_COLUMNS}
        for start in range(0, len(people), _CHUNK):
            chunk = people[start : start + _CHUNK]
            digests = [self._digests_of(p) for p in chunk]
            for name, (bits, domain) in FILTERS.items():
                columns[f"bf_{name}"] += self._filters([d[name] for d in digests], bits, domain)
            for p in chunk:
                for k, v in self.blocking(p).items():
                    columns[k].append(v)
        return columns


def _read_rows(path: Path, problems: list[str]) -> tuple[list[str], list[dict[str, str]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            header = [h.strip() for h in (reader.fieldnames or [])]
            reader.fieldnames = header
            rows = [{k: (v or "") for k, v in r.items() if k is not None} for r in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        problems.append(f"{path.name}: the file cannot be read: {exc}")
        return [], []
    if not header:
        problems.append(f"{path.name}, row 1: the file is empty (no header, no rows)")
    elif not rows:
        problems.append(f"{path.name}, row 2: the file has a header but no rows")
    return header, rows


def check_ids(path: Path, header: list[str], rows: list[dict[str, str]]) -> list[str]:
    """The problems that stop a run: no `id` column, an empty id, a duplicate id. Row numbers
    count the header as row 1."""
    if not header:
        return []
    if "id" not in header:
        return [f"{path.name}, row 1, column id: missing (the header has: {', '.join(header)})"]
    problems = []
    first_seen: dict[str, int] = {}
    for n, row in enumerate(rows, start=2):
        value = row.get("id", "").strip()
        if not value:
            problems.append(f"{path.name}, row {n}, column id: empty")
        elif value in first_seen:
            problems.append(
                f"{path.name}, row {n}, column id: duplicate of row {first_seen[value]}"
            )
        else:
            first_seen[value] = n
    return problems


def read_people(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The rows of an identifiers CSV, or LinkageProblems."""
    problems: list[str] = []
    header, rows = _read_rows(path, problems)
    problems += check_ids(path, header, rows)
    if problems:
        raise LinkageProblems(problems)
    return header, rows


def dirty(header: list[str], rows: list[dict[str, str]], people: list[Person]) -> Warnings:
    warnings = Warnings()
    for column in REQUIRED_FIELDS:
        if column not in header:
            warnings.counts[f"column {column} missing, encoded as empty"] = len(rows)
            warnings.rows[f"column {column} missing, encoded as empty"] = [1]
    for n, (row, p) in enumerate(zip(rows, people, strict=True), start=2):
        if column_present(header, "first_name") and not p.first:
            warnings.add("first_name missing", n)
        if column_present(header, "last_name") and not p.last:
            warnings.add("last_name missing", n)
        if column_present(header, "zip") and not p.zip:
            warnings.add("zip missing or unreadable", n)
        raw_dob = (row.get("dob") or "").strip()
        if column_present(header, "dob"):
            if not raw_dob:
                warnings.add("dob missing", n)
            elif not p.dob.complete:
                warnings.add("dob unreadable, encoded as far as it could be read", n)
            elif p.dob.transposed:
                warnings.add("dob read with day and month transposed", n)
        if not p.dob.complete and not p.zip and not p.city and (p.first or p.last):
            warnings.add("no full dob, zip nor city to salt them: names not encoded", n)
    return warnings


def column_present(header: list[str], column: str) -> bool:
    return column in header


def encode_file(
    secret_file: Path, input_path: Path, output_path: Path, *, flip: float = FLIP
) -> Warnings:
    """The `encode` command: checks everything first (LinkageProblems: nothing written), then
    writes the encodings. Returns the dirty-value warnings."""
    problems: list[str] = []
    secret: bytes | None = None
    try:
        secret = read_secret(secret_file)
    except LinkageProblems as exc:
        problems += exc.problems
    try:
        header, rows = read_people(input_path)
    except LinkageProblems as exc:
        problems += exc.problems
    if problems or secret is None:
        raise LinkageProblems(problems)
    people = [prepare(r) for r in rows]
    warnings = dirty(header, rows, people)
    columns = encode_parallel(secret, people, flip=flip)
    ids = [r["id"].strip() for r in rows]
    tmp = output_path.with_name(output_path.name + ".part")
    with tmp.open("w", encoding="utf-8", newline="") as f:
        write_encoded(f, ids, columns)
    tmp.replace(output_path)
    return warnings


def write_encoded(f: IO[str], ids: list[str], columns: dict[str, list[str]]) -> None:
    writer = csv.writer(f, lineterminator="\n")
    names = list(ALL_COLUMNS)
    writer.writerow(["id", *names])
    writer.writerows(_rows(ids, [columns[n] for n in names]))


def _rows(ids: list[str], cols: list[list[str]]) -> Iterator[list[str]]:
    for i, id_ in enumerate(ids):
        yield [id_, *(c[i] for c in cols)]


def encode_rows(
    secret: bytes,
    rows: Iterable[dict[str, str]],
    *,
    flip: float = FLIP,
    rng: np.random.Generator | None = None,
    processes: int | None = None,
) -> dict[str, list[str]]:
    """Encodes rows already in memory (tests, the benchmark)."""
    people = [prepare(r) for r in rows]
    if rng is not None:
        return Encoder(secret, flip=flip, rng=rng).encode_people(people)
    return encode_parallel(secret, people, flip=flip, processes=processes)


_PARALLEL_FROM = 50_000  # rows; below this a second process costs more than it saves


def _encode_part(args: tuple[bytes, float, list[Person]]) -> dict[str, list[str]]:
    secret, flip, people = args
    return Encoder(secret, flip=flip).encode_people(people)  # fresh noise in each process


def encode_parallel(
    secret: bytes, people: list[Person], *, flip: float = FLIP, processes: int | None = None
) -> dict[str, list[str]]:
    """Encodes in several processes when there are many rows (one per core, at most 4)."""
    workers = processes or min(os.cpu_count() or 1, 4)
    if workers < 2 or len(people) < _PARALLEL_FROM:
        return Encoder(secret, flip=flip).encode_people(people)
    size = -(-len(people) // workers)
    parts = [(secret, flip, people[i : i + size]) for i in range(0, len(people), size)]
    columns: dict[str, list[str]] = {c: [] for c in ALL_COLUMNS}
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        for part in pool.map(_encode_part, parts):
            for c, values in part.items():
                columns[c] += values
    return columns
