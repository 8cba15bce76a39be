"""Normalisation at the agency: what must compare equal before anything is hashed."""

from __future__ import annotations

import pytest

from harborline.linkage.encode import Encoder, prepare
from harborline.linkage.normalize import (
    Dob,
    fold,
    formal_name,
    name_parts,
    nicknames,
    parse_dob,
    soundex,
    zip_digits,
)

from .conftest import SECRET


@pytest.mark.parametrize(
    ("raw", "parts"),
    [
        ("María José", ["maria", "jose"]),
        ("  GARCÍA-LÓPEZ ", ["garcia", "lopez"]),
        ("O'Brien", ["obrien"]),
        ("de la Cruz", ["cruz"]),
        ("Van der Berg-Smith", ["berg", "smith"]),
        ("Søren Østergård", ["soren", "ostergard"]),
        ("Łucja Straße", ["lucja", "strasse"]),
        ("De", ["de"]),  # a particle alone is the name
        ("", []),
    ],
)
def test_name_parts(raw: str, parts: list[str]) -> None:
    assert name_parts(raw) == parts


def test_fold_keeps_letters_only() -> None:
    assert fold("Zoë-Ann 3rd").split() == ["zoe", "ann", "rd"]


def test_nicknames_from_the_shipped_list() -> None:
    assert len(nicknames()) > 1000
    assert formal_name("liz") == formal_name("elizabeth") == "elizabeth"
    assert formal_name("jim") == formal_name("james") == "james"
    assert formal_name("becky") == "rebecca"
    assert formal_name("mike") == formal_name("michael")
    assert formal_name("xochitl") is None  # not in the list: compared as written
    # Idempotent: the name a nickname is encoded as is encoded as itself.
    assert all(formal_name(f) in (f, None) for f in set(nicknames().values()))


def test_ana_and_anna_are_one_name_and_not_bryannas_nicknames() -> None:
    # The shipped list (upstream) had "bryanna has_nickname ana" and "... anna", so every Ana
    # and Anna was encoded as Bryanna; the local data drop those rows and add "anna
    # has_nickname ana" (data/README.md).
    assert formal_name("ana") == formal_name("anna") == formal_name("anne") == "anna"
    assert "bryanna" not in {formal_name("ana"), formal_name("anna")}
    assert formal_name("bryanna") == formal_name("brianna") == "bryanna"
    assert prepare({"first_name": "Ana", "last_name": "Gomez", "dob": "2009-04-07"}).formal == (
        prepare({"first_name": "Anna", "last_name": "Gomez", "dob": "2009-04-07"}).formal
    )


def test_nickname_and_formal_name_encode_alike() -> None:
    liz = prepare({"first_name": "Liz", "last_name": "Smith", "dob": "2009-01-02"})
    elizabeth = prepare({"first_name": "ELIZABETH", "last_name": "smith", "dob": "2009-01-02"})
    assert liz.formal == elizabeth.formal == "elizabeth"
    e = Encoder(SECRET)
    assert e.blocking(liz)["bk_dob_first"] == e.blocking(elizabeth)["bk_dob_first"] != ""


def test_soundex() -> None:
    assert soundex("robert") == soundex("rupert") == "r163"
    assert soundex("tymczak") == "t522"
    assert soundex("pfister") == "p236"
    assert soundex("") == ""


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2008-03-14", Dob(2008, 3, 14)),
        ("20080314", Dob(2008, 3, 14)),
        ("03/14/2008", Dob(2008, 3, 14)),
        ("3/4/2008", Dob(2008, 3, 4)),  # US order
        ("14.03.2008", Dob(2008, 3, 14)),  # dotted: day first
        ("14/03/2008", Dob(2008, 3, 14, transposed=True)),  # 14 cannot be a month
        ("2008-14-03", Dob(2008, 3, 14, transposed=True)),
        ("03/14/08", Dob(2008, 3, 14)),
        ("2008-13-45", Dob(2008, None, None)),  # as far as it goes: the year
        ("2008-02-30", Dob(2008, 2, None)),
        ("2008", Dob(2008)),
        ("unknown", Dob()),
        ("", Dob()),
        ("19561345", Dob(1956, None, None)),  # FEBRL4's unreadable dates
    ],
)
def test_parse_dob(raw: str, expected: Dob) -> None:
    assert parse_dob(raw) == expected


def test_transposed_dates_share_their_salt_and_blocking() -> None:
    a, b = parse_dob("2008-03-04"), parse_dob("2008-04-03")
    assert a != b
    assert a.unordered() == b.unordered() == "2008|0304"
    assert set(a.tokens()) & set(b.tokens()) >= {"y2008", "p0304"}
    assert "f20080304" in a.tokens() and "f20080304" not in b.tokens()


def test_zip() -> None:
    assert zip_digits("89101-1234") == "89101"
    assert zip_digits(" 2153 ") == "2153"
    assert zip_digits("n/a") == ""


def test_swapped_names_share_blocking_tokens() -> None:
    e = Encoder(SECRET)
    a = prepare(
        {"first_name": "Jessica", "last_name": "Lopez", "dob": "2009-05-06", "zip": "89101"}
    )
    b = prepare(
        {"first_name": "Lopez", "last_name": "Jessica", "dob": "2009-05-06", "zip": "89101"}
    )
    ta, tb = e.blocking(a), e.blocking(b)
    assert ta["bk_names_zip"] == tb["bk_names_zip"] != ""
    assert ta["bk_names_year"] == tb["bk_names_year"] != ""
