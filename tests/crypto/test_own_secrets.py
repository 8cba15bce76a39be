"""The secrets the installation makes for itself (crypto.own_secrets): 32 random bytes as
url-safe base64, named by their fingerprint; made once on first use, even when two processes
race to make them."""

from __future__ import annotations

import base64

import pytest
from django.db import IntegrityError

from harborline.crypto.keys import fingerprint
from harborline.crypto.own_secrets import new_secret, on_first_use


def test_a_new_secret_is_32_random_bytes_named_by_its_fingerprint():
    one, two = new_secret("linkage-key"), new_secret("linkage-key")
    assert len(base64.urlsafe_b64decode(one["secret"])) == 32
    assert one["secret"] != two["secret"]
    assert one["key_id"] == fingerprint(one["secret"], "linkage-key")
    assert one["secret"] not in one["key_id"]


def test_a_secret_from_given_bytes_is_the_same_every_time():
    raw = bytes(range(32))
    assert new_secret("linkage-key", raw) == new_secret("linkage-key", raw)
    assert new_secret("linkage-key", raw)["key_id"] != new_secret("duplicate-check", raw)["key_id"]


@pytest.mark.django_db
def test_first_use_makes_it_once_and_then_finds_it():
    held: list[str] = []

    def make() -> str:
        held.append("made")
        return held[0]

    assert on_first_use(lambda: held[0] if held else None, make) == "made"
    assert on_first_use(lambda: held[0] if held else None, make) == "made"
    assert held == ["made"]


@pytest.mark.django_db
def test_the_process_that_loses_the_race_uses_the_winners():
    found = iter([None, "the winner's"])

    def make() -> str:
        raise IntegrityError("unique constraint")  # the other process inserted first

    assert on_first_use(lambda: next(found), make) == "the winner's"
