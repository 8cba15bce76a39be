"""Pages that once named Nevada whatever the pack now say what the pack's own data says (issue
15, item 2): the yearly training minimum, the survivor-speaker phases, the MOU checklist's
guidance and the CANS ratings of the needs assessment."""

from __future__ import annotations

import datetime as dt
import html

import pytest

from harborline.protocols.packs import get_pack
from harborline.training.catalogue import yearly_minimums
from harborline.training.selectors import speaker_steps_source
from harborline.web.views.agreements import mou_guidance
from harborline.web.views.needs import cans_label
from tests.factories import give_totp_device, sign_in

from .factories import org, person

LAST_WEEK = (dt.date.today() - dt.timedelta(days=7)).isoformat()
NEVADA_MINIMUM = (
    "Nevada's protocol asks for at least 3 hours of CSEC continuing education (the 300 series) "
    "a year."
)


@pytest.fixture(autouse=True)
def _no_demo(settings):
    settings.DEMO_MODE = False


def test_the_yearly_minimum_comes_from_the_pack():
    assert yearly_minimums("nevada") == [NEVADA_MINIMUM]
    assert yearly_minimums("washington") == []  # the toolkit sets no yearly hours
    assert yearly_minimums("wisconsin") == []
    assert yearly_minimums("county-protocol") == []  # no training section at all


@pytest.mark.parametrize("pack", ["washington", "wisconsin"])
def test_a_persons_page_under_another_home_pack_says_no_nevada_minimum(client, db, settings, pack):
    settings.HARBORLINE_PACK = pack
    worker = person(org("child_welfare"))
    give_totp_device(worker)
    sign_in(client, worker)
    page = client.get(f"/training/people/{worker.pk}/").content.decode()
    assert "Training record" in page
    assert "Nevada" not in page and "continuing education" not in page


def test_a_persons_page_under_nevada_keeps_its_words(client, db, settings):
    settings.HARBORLINE_PACK = "nevada"
    worker = person(org("child_welfare"))
    give_totp_device(worker)
    sign_in(client, worker)
    page = html.unescape(client.get(f"/training/people/{worker.pk}/").content.decode())
    assert NEVADA_MINIMUM in page


def test_the_speaker_phases_name_their_source():
    assert speaker_steps_source("nevada") == "The protocol's four phases (Nevada Resource 2-E)."
    washington = speaker_steps_source("washington")
    assert washington.startswith("Washington CSEC/Y Task Force Toolkit gives no steps")
    assert "as a model" in washington and "The protocol's four phases" not in washington


def test_a_washington_events_page_does_not_claim_nevadas_phases_as_its_own(client, db):
    organizer = person(org("community_advocacy"), role="supervisor")
    give_totp_device(organizer)
    sign_in(client, organizer)
    response = client.post(
        "/training/events/new",
        {
            "pack": "washington",
            "course": "CSEC-101",
            "starts_on": LAST_WEEK,
            "format": "in_person",
            "hours": "6",
            "level": "in_depth",
            "trainers": "Synthetic Trainer",
            "location": "Room 1",
            "survivor_speaker": "on",
            "speaker_role": "guest_speaker",
            "speaker_name": "Speaker Synthetic",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response["Location"]).content.decode()
    assert "Preparing the survivor speaker" in page
    assert "(Nevada Resource 2-E)" not in page
    assert "Washington CSEC/Y Task Force Toolkit gives no steps" in page


def test_the_mou_guidance_follows_the_home_pack(settings):
    settings.HARBORLINE_PACK = "nevada"
    assert mou_guidance() == (
        "For each element of Nevada's MOU guidance (Resource 4-A), say whether this MOU covers "
        "it and where in the document."
    )
    settings.HARBORLINE_PACK = "wisconsin"
    words = mou_guidance()
    assert words.startswith(
        "Wisconsin Coordinated Community Response to Sex Trafficking of Youth names no elements"
    )
    assert "Nevada's MOU guidance (Resource 4-A) as a model" in words


def test_the_cans_ratings_are_named_from_the_pack():
    nevada = get_pack("nevada").instrument("needs_assessment")
    assert cans_label("nevada", nevada) == "Nevada CANS domain ratings"
    # An instrument that rates no CANS domain says nothing of CANS.
    wisconsin_intake = next(iter(get_pack("wisconsin").instruments.values()))
    assert cans_label("wisconsin", wisconsin_intake) == ""
