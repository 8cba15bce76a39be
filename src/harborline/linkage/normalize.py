"""Normalisation of the identifiers before they are encoded (decision 0053).

Everything here runs inside the agency, on plaintext, and returns plaintext tokens that
`encode` then hashes under the secret. What it smooths over: case and accents ("José" =
"jose"), punctuation and particles in surnames ("O'Brien" = "obrien", "de la Cruz" = "cruz"),
hyphenated and double surnames (each part is kept, so "García-López" meets "García"), nicknames
("Bill" meets "William", from the shipped list in `data/nicknames.csv`), and dates of birth
written in several ways, including day and month transposed.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_DATA = Path(__file__).with_name("data")

# Letters NFKD does not take apart into a base letter and a mark.
_SPECIAL = str.maketrans(
    {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)
# Surname particles dropped when the surname has another part ("de la Cruz" -> "cruz").
_PARTICLES = frozenset(
    {"de", "del", "della", "la", "las", "los", "le", "van", "von", "der", "den", "da", "di", "du"}
)
_SEPARATORS = re.compile(r"[\s\-_/,.]+")


def fold(text: str) -> str:
    """Lower case, without accents; letters, spaces and hyphens only."""
    text = unicodedata.normalize("NFKD", text.strip().lower().translate(_SPECIAL))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.translate(_SPECIAL).replace("'", "").replace("\u2019", "")
    return "".join(c if ("a" <= c <= "z") else " " for c in text)


def name_parts(text: str) -> list[str]:
    """The parts of a name, folded: "María-José  de la Cruz" -> ["maria", "jose", "cruz"]."""
    parts = [p for p in _SEPARATORS.split(fold(text)) if p]
    kept = [p for p in parts if p not in _PARTICLES]
    return kept or parts


@cache
def nicknames() -> dict[str, str]:
    """Each given name or nickname in the list -> the one name it is encoded as.

    The list (carltonnorthern/nicknames, Apache-2.0, `data/nicknames.csv`) is a genealogist's:
    it holds both "william has_nickname bill" and "bill has_nickname william". A name is
    encoded as whichever of itself and the names it is listed as a nickname of has the most
    nicknames ("jim" -> "james", "liz" -> "elizabeth", "becky" -> "rebecca"); ties go to the
    alphabetically first. The list's ambiguities stay: "bill" is listed for robert too, who has
    more nicknames, so Bill and William are compared by their bigrams only."""
    parents: dict[str, set[str]] = {}
    children: dict[str, int] = {}
    with (_DATA / "nicknames.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["relationship"] != "has_nickname":
                continue
            name, nick = row["name1"].strip().lower(), row["name2"].strip().lower()
            if name and nick and name != nick:
                parents.setdefault(nick, set()).add(name)
                parents.setdefault(name, set())
                children[name] = children.get(name, 0) + 1

    def step(name: str) -> str:
        return min({name} | parents[name], key=lambda n: (-children.get(n, 0), n))

    out = {name: step(name) for name in parents}
    # One step only (following on drifts: michael -> mike's other formal name, miguel); a
    # name whose formal name goes elsewhere is left as written, so the mapping is idempotent.
    return {name: f if out.get(f, f) == f else name for name, f in out.items()}


def formal_name(first: str) -> str | None:
    """The name a given name is encoded as ("bill" -> "william"); None when the list does not
    know it."""
    return nicknames().get(first)


_SOUNDEX = str.maketrans("bfpvcgjkqsxzdtlmnr", "111122222222334556")


def soundex(word: str) -> str:
    """American Soundex ("robert" -> "r163"); "" for an empty word."""
    word = "".join(c for c in word if "a" <= c <= "z")
    if not word:
        return ""
    codes = word.translate(_SOUNDEX)
    out, last = [word[0]], codes[0]
    for ch, code in zip(word[1:], codes[1:], strict=True):
        if code.isdigit() and code != last:
            out.append(code)
        if ch not in "hw":
            last = code
    return "".join(out)[:4].ljust(4, "0")


@dataclass(frozen=True)
class Dob:
    """A date of birth as far as it could be read; `complete` when year, month and day are
    all valid. `transposed` is set when day and month were read the other way round."""

    year: int | None = None
    month: int | None = None
    day: int | None = None
    transposed: bool = False

    @property
    def complete(self) -> bool:
        return self.year is not None and self.month is not None and self.day is not None

    @property
    def empty(self) -> bool:
        return self.year is None and self.month is None and self.day is None

    def tokens(self) -> list[str]:
        """What the date's Bloom filter holds: year, month, day, month-and-day without order
        (so a transposed date still shares it), and the whole date."""
        out: list[str] = []
        if self.year is not None:
            out += [f"y{self.year:04d}", f"c{self.year // 10:03d}"]
        if self.month is not None:
            out.append(f"m{self.month:02d}")
        if self.day is not None:
            out.append(f"d{self.day:02d}")
        if self.month is not None and self.day is not None:
            lo, hi = sorted((self.month, self.day))
            out.append(f"p{lo:02d}{hi:02d}")
            if self.year is not None:
                out.append(f"f{self.year:04d}{self.month:02d}{self.day:02d}")
        return out

    def unordered(self) -> str:
        """Year and the unordered month and day ("2008|0314"), the same for a transposed
        date; "" unless complete."""
        if not self.complete:
            return ""
        lo, hi = sorted((self.month or 0, self.day or 0))
        return f"{self.year:04d}|{lo:02d}{hi:02d}"


_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _valid_day(month: int | None, day: int) -> bool:
    return 1 <= day <= (_DAYS[month - 1] if month else 31)


def parse_dob(text: str) -> Dob:
    """Reads 2008-03-14, 20080314, 03/14/2008 (US order first; 14/03/2008 when the first
    number cannot be a month), 14.03.2008 and 2008/03/14. A part that cannot be read is left
    out, the rest kept: "2008-13-45" gives the year only; "2008-14-03" (a month over 12 and a
    day that can be a month) is read as 14 March with `transposed` set."""
    text = text.strip()
    if not text:
        return Dob()
    digits = re.findall(r"\d+", text)
    y: int | None
    a: int | None
    b: int | None
    if len(digits) == 1 and len(digits[0]) == 8:
        s = digits[0]
        y, a, b = int(s[:4]), int(s[4:6]), int(s[6:])
        month_first = True
    elif len(digits) == 3 and len(digits[0]) == 4:
        y, a, b = int(digits[0]), int(digits[1]), int(digits[2])
        month_first = True
    elif len(digits) == 3 and len(digits[2]) in (2, 4):
        y = int(digits[2])
        if len(digits[2]) == 2:  # two-digit year: youth records, so 20xx unless in the future
            y += 2000 if y <= 40 else 1900
        a, b = int(digits[0]), int(digits[1])
        month_first = "." not in text  # 14.03.2008 is day first
    elif len(digits) >= 1 and len(digits[0]) == 4:
        return Dob(year=int(digits[0]) if 1880 <= int(digits[0]) <= 2100 else None)
    else:
        return Dob()
    if not 1880 <= y <= 2100:
        y = None
    month, day = (a, b) if month_first else (b, a)
    transposed = False
    if month > 12 and 1 <= day <= 12 and 1 <= month <= 31:
        month, day, transposed = day, month, True
    m_ok = 1 <= month <= 12
    d_ok = _valid_day(month if m_ok else None, day)
    return Dob(
        year=y,
        month=month if m_ok else None,
        day=day if d_ok else None,
        transposed=transposed,
    )


def zip_digits(text: str) -> str:
    """The ZIP code's digits, at most five (ZIP+4 loses its +4); FEBRL's four-digit postcodes
    stay four digits."""
    digits = "".join(c for c in text if c.isdigit())
    return digits[:5]


def bigrams(word: str) -> list[str]:
    """Padded bigrams: "ana" -> _a an na a_."""
    padded = f"_{word}_"
    return [padded[i : i + 2] for i in range(len(padded) - 1)]
