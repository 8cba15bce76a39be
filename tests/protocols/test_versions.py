"""Pack upgrades fail safely (issue 15, item 5): a record made under an earlier pack version keeps
that version's labels, and an upgrade migrates nothing silently: stored answers the new version
would refuse are listed, never changed."""

from __future__ import annotations

import copy

import pytest

from harborline.instruments.models import InstrumentResponse
from harborline.protocols.models import InstrumentDefinition
from harborline.protocols.packs import registry, reset_registry
from harborline.protocols.versions import (
    answers_that_no_longer_fit,
    definition_for,
    record_definitions,
)
from tests.factories import OrganizationFactory, UserFactory

from .conftest import SAMPLE_PACK, write_pack

pytestmark = pytest.mark.django_db


def upgraded(version: str, *, label: str, drop_note: bool) -> dict:
    """The sample pack at another version: the screen's first sign relabelled, and (for a
    major version) its `note` item removed."""
    files = copy.deepcopy(SAMPLE_PACK)
    files["pack.yaml"]["version"] = version
    items = files["instruments/screen.yaml"]["sections"][0]["items"]
    items[0]["label"] = label
    if drop_note:
        items[:] = [i for i in items if i["id"] != "note"]
    return files


def respond(answers: dict, version: str = "2.3.4") -> InstrumentResponse:
    org = OrganizationFactory()
    user = UserFactory(org=org)
    return InstrumentResponse.objects.create(
        pack="sample",
        pack_version=version,
        instrument="screen",
        about_youth=True,
        answers=answers,
        sealed={"results": {"flagged": True}, "actions": []},
        organization=org,
        submitted_by=user,
    )


def install(sample_pack, files: dict) -> None:
    write_pack(sample_pack.parent, files)
    reset_registry()


def test_each_version_is_recorded_once(sample_pack):
    total = sum(len(p.instruments) for p in registry().values())
    assert record_definitions() == (total, [])
    assert record_definitions() == (0, []), "recording again changes nothing"
    stored = InstrumentDefinition.objects.get(pack="sample", version="2.3.4", instrument="screen")
    assert stored.definition["sections"][0]["items"][0]["label"] == "Sign A"


def test_an_earlier_record_keeps_its_versions_labels_after_an_upgrade(sample_pack):
    record_definitions()
    install(sample_pack, upgraded("3.0.0", label="Sign A (observed)", drop_note=True))
    assert record_definitions()[0] == 2, "the new version's two instruments are recorded"
    old = definition_for("sample", "2.3.4", "screen")
    new = definition_for("sample", "3.0.0", "screen")
    assert old is not None and new is not None
    assert old.item_map()["sign_a"].label == "Sign A"
    assert "note" in old.item_map()
    assert new.item_map()["sign_a"].label == "Sign A (observed)"
    assert "note" not in new.item_map()
    assert definition_for("sample", "1.0.0", "screen") is None


def test_an_upgrade_lists_the_answers_that_no_longer_fit_and_changes_none(sample_pack):
    record_definitions()
    misfit = respond({"sign_b": True, "note": "seen at the bus station"})
    fits = respond({"sign_a": True})
    current = respond({"sign_a": True, "note": "ok"}, version="3.0.0")
    assert answers_that_no_longer_fit() == [], "nothing is stale before the upgrade"

    install(sample_pack, upgraded("3.0.0", label="Sign A (observed)", drop_note=True))
    found = answers_that_no_longer_fit()
    assert [(f.response_id, f.scored_with, f.current, f.fields) for f in found] == [
        (misfit.pk, "2.3.4", "3.0.0", ("note",))
    ]
    assert "seen at the bus station" not in str(found[0]), "ids and item names, never answers"
    assert fits.pk not in {f.response_id for f in found}
    assert current.pk not in {f.response_id for f in found}, "same version: not an upgrade"
    misfit.refresh_from_db()
    assert (misfit.pack_version, misfit.answers) == (
        "2.3.4",
        {"sign_b": True, "note": "seen at the bus station"},
    )


def test_an_instrument_changed_without_a_new_version_is_warned_about(sample_pack):
    record_definitions()
    install(sample_pack, upgraded("2.3.4", label="Sign A, reworded", drop_note=False))
    new, warnings = record_definitions()
    assert new == 0
    assert warnings == [
        "sample/instruments/screen.yaml changed but pack 'sample' is still version 2.3.4: give "
        "the pack a new version (records made under 2.3.4 keep the definition first recorded)"
    ]
    kept = definition_for("sample", "2.3.4", "screen")
    assert kept is not None
    assert kept.item_map()["sign_a"].label == "Sign A, reworded", "the loaded version is shown"
    stored = InstrumentDefinition.objects.get(pack="sample", version="2.3.4", instrument="screen")
    assert stored.definition["sections"][0]["items"][0]["label"] == "Sign A"


def test_migrate_records_versions_and_lists_misfits(sample_pack, capsys):
    from harborline.config.cli import main

    respond({"sign_b": True, "note": "x"})
    assert main(["migrate"]) == 0
    assert InstrumentDefinition.objects.filter(pack="sample", version="2.3.4").count() == 2
    install(sample_pack, upgraded("3.0.0", label="Sign A (observed)", drop_note=True))
    capsys.readouterr()
    assert main(["migrate"]) == 0
    out = capsys.readouterr().out
    assert "1 stored response(s) do not fit the pack version now loaded; nothing was changed" in out
    assert "sample/screen scored with 2.3.4; under 3.0.0: note" in out
