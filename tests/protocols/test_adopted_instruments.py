"""Instruments adopted by reference (issue 15, item 3; decision 0059): a pack whose documents name
no screening tool (Washington's) records the concern that starts its clock, and may use another
loaded pack's instrument by reference (`adopts` in pack.yaml). The adopted instrument is offered
and scored exactly as the defining pack scores it, is never the pack's default screening, and a
reference that does not resolve leaves the adopting pack out with the field named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from harborline.cases import services as cases
from harborline.protocols.home import screening_instrument
from harborline.protocols.packs import check_all, get_pack
from harborline.response import services as response
from tests.access import factories as f


def test_washington_adopts_the_nrit_from_nevada_but_opens_cases_on_the_concern():
    washington, nevada = get_pack("washington"), get_pack("nevada")
    assert washington.adopted == {"nrit": "nevada"}
    assert washington.instrument("nrit") is nevada.instrument("nrit")
    assert screening_instrument(washington) == ""  # never the default
    assert screening_instrument(nevada) == "nrit"


@pytest.mark.django_db
def test_a_confirmed_nrit_on_a_washington_case_starts_the_48_hour_report():
    worker = f.user(f.org("law_enforcement"), "caseworker")
    case = cases.open_case(
        actor=worker, youth={"first_name": "Ana", "last_name": "Reyes"}, pack="washington"
    )
    identified = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    screening, started = response.record_screening(
        actor=worker,
        case_id=case.pk,
        instrument="nrit",
        answers={"cv_law_enforcement": True},
        identified_by="law_enforcement",
        identified_at=identified,
    )
    assert (screening.pack, screening.outcome) == ("washington", "confirmed_victim")
    (report,) = started
    assert (report.kind, report.pack, report.clock) == (
        "child_welfare_report",
        "washington",
        "48 hours",
    )
    assert report.due_at == identified + timedelta(hours=48)


def _pack(root: Path, name: str, adopts: list[dict], screening: list | None = None) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    manifest = {
        "pack": name,
        "version": "1.0.0",
        "title": name.title(),
        "jurisdiction": "Somewhere",
        "source": {"document": "seeds/none.txt", "title": "None"},
        "adopts": adopts,
    }
    (folder / "pack.yaml").write_text(yaml.safe_dump(manifest), encoding="utf-8")
    if screening is not None:
        rules = {
            "obligations": [
                {
                    "id": "report",
                    "title": "Report",
                    "trigger": "reasonable_cause",
                    "due": {"hours": 24},
                    "owner": {"org_types": ["law_enforcement"]},
                    "source": "L1",
                }
            ],
            "screening": screening,
        }
        (folder / "obligations.yaml").write_text(yaml.safe_dump(rules), encoding="utf-8")
    return folder


def test_an_operator_pack_may_adopt_a_shipped_instrument(tmp_path):
    folder = _pack(
        tmp_path,
        "lake",
        [{"pack": "nevada", "instrument": "safety_plan", "source": "derived: reused"}],
    )
    loaded, rejected = check_all([folder])
    assert rejected == {}
    assert loaded["lake"].adopted == {"safety_plan": "nevada"}


@pytest.mark.parametrize(
    ("ref", "screening", "field", "words"),
    [
        ({"pack": "oregon", "instrument": "nrit"}, None, "adopts[0].pack", "no other loaded"),
        ({"pack": "nevada", "instrument": "nope"}, None, "adopts[0].instrument", "no such"),
        ({"pack": "washington", "instrument": "nrit"}, None, "adopts[0].instrument", "defines it"),
        (
            {"pack": "nevada", "instrument": "nrit"},
            [
                {
                    "instrument": "nrit",
                    "source": "L1",
                    "triggers": [
                        {
                            "when": {"result": "no_such"},
                            "fire": ["reasonable_cause"],
                            "source": "L1",
                        }
                    ],
                }
            ],
            "screening[0].triggers[0].when",
            "not a result",
        ),
    ],
)
def test_a_reference_that_does_not_resolve_leaves_the_pack_out(
    tmp_path, ref, screening, field, words
):
    folder = _pack(tmp_path, "lake", [{**ref, "source": "derived: reused"}], screening)
    good = _pack(tmp_path, "good", [])
    loaded, rejected = check_all([folder, good])
    assert "lake" not in loaded and "good" in loaded  # the valid pack still loads
    (problem,) = rejected[folder]
    assert problem.path == field, problem
    assert words in problem.message


@pytest.mark.django_db
def test_the_protocol_browser_says_where_an_adopted_instrument_comes_from(client):
    from tests.factories import UserFactory, give_totp_device, sign_in

    user = UserFactory(role="caseworker", org=f.org("law_enforcement"))
    give_totp_device(user)
    page = sign_in(client, user).get("/protocols/").content.decode()
    assert "Adopted by reference from the nevada pack" in page
