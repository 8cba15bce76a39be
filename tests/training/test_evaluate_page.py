"""The training evaluation page (2-B, the pack's instrument form): the event's facts filled in,
the engine's messages beside the items (422), a refusal said above the form with its status
(a second evaluation, 409), and a stored evaluation back on the event page."""

from __future__ import annotations

import datetime as dt

import pytest

from harborline.instruments.models import InstrumentResponse
from harborline.training import services
from tests.factories import give_totp_device, sign_in

from .factories import org, person

LAST_MONTH = dt.date.today() - dt.timedelta(days=30)
ANSWERS = {
    "ins_objectives_met": "agree",
    "ven_brochure": "does_not_apply",
    "material_level": "basic",
}


@pytest.fixture(autouse=True)
def _no_demo(settings):
    settings.DEMO_MODE = False


def _attended(client):
    supervisor = person(org("child_welfare"), role="supervisor")
    event = services.create_event(
        actor=supervisor,
        pack="nevada",
        course="101B",
        starts_on=LAST_MONTH,
        format="in_person",
        hours="6",
        trainers="Synthetic Trainer",
        location="Community Room",
    )
    attendee = person(supervisor.membership.organization)
    services.record_attendance(
        actor=supervisor, event_id=event.pk, person=attendee.email, completed=True
    )
    give_totp_device(attendee)
    sign_in(client, attendee)
    return event, f"/training/events/{event.pk}/evaluate"


def test_the_evaluation_form_errors_then_stores_then_refuses_a_second(client, db):
    event, url = _attended(client)
    page = client.get(url)
    assert page.status_code == 200
    assert "Synthetic Trainer" in page.content.decode()  # the event's facts filled in

    bad = client.post(url, {**ANSWERS, "ins_objectives_met": "not-an-option"})
    assert bad.status_code == 422
    assert "usa-error-message" in bad.content.decode()
    assert not InstrumentResponse.objects.exists()

    done = client.post(url, ANSWERS)
    assert done.status_code == 302 and done["Location"] == f"/training/events/{event.pk}/"
    assert InstrumentResponse.objects.count() == 1

    again = client.post(url, ANSWERS)
    assert again.status_code == 409
    assert "You have already evaluated this training" in again.content.decode()
    assert "usa-alert--error" in again.content.decode()
    assert InstrumentResponse.objects.count() == 1
