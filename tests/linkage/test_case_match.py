"""The possible-duplicate check's score (decision 0063): a sibling born the same day is never
warned about, whatever the secret; the same youth written another way is."""

from __future__ import annotations

import os

import pytest

from harborline.linkage import case_match
from harborline.linkage.encode import Encoder

ANA = {"first_name": "Ana María", "last_name": "Gómez-Ruiz", "dob": "2009-04-07"}


def _weight(secret: bytes, stored: dict[str, str], query: dict[str, str], flip: float) -> float:
    encoder = Encoder(secret, flip=flip)
    kept = case_match.encode_identity(encoder, **stored)
    asked = case_match.encode_identity(encoder, **query, query=True)
    return case_match.best_weights(asked, [kept])[0]


@pytest.mark.parametrize("flip", [0.0, 0.02], ids=["no noise", "BLIP noise"])
def test_a_sibling_born_the_same_day_is_never_warned_about(flip: float) -> None:
    # Before MIN_GIVEN_LEVEL this fired under about one secret in seven (one in two without
    # noise): surname and date alone weigh 20.3 bits, above the 16-bit threshold.
    sibling = dict(ANA, first_name="Lucía")
    weights = [_weight(os.urandom(32), ANA, sibling, flip) for _ in range(40)]
    assert not any(case_match.same_youth(w) for w in weights), weights


@pytest.mark.parametrize(
    "written",
    [
        {"first_name": "Anna", "last_name": "Gomez", "dob": "2009-04-07"},
        {"first_name": "Ana", "last_name": "Ruiz", "dob": "2009-04-07"},
        {"first_name": "Ana Maria", "last_name": "Gomez Ruiz", "dob": "2009-04-07"},
    ],
    ids=["nickname and one surname", "the other surname", "no accents"],
)
def test_the_same_youth_written_another_way_is_warned_about(written: dict[str, str]) -> None:
    weights = [_weight(os.urandom(32), ANA, written, 0.02) for _ in range(10)]
    assert all(case_match.same_youth(w) for w in weights), weights
