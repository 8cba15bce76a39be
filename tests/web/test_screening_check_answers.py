"""The NRIT page, "tell us once" (issue 13): filled in from the case and the session, "Identified
at" now with a Change control, every problem at once in a linked summary, and a check-your-answers
step that shows the clocks the screening would start (a dry run of the service that starts them)
before anything is recorded."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from harborline.audit.models import AuditEvent
from harborline.cases import services as case_services
from harborline.response.models import Obligation, Screening
from harborline.response.preview import preview_screening
from tests.factories import OrganizationFactory, UserFactory, give_totp_device, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("nevada_home")]  # the NRIT's

TZ = "America/Los_Angeles"


@pytest.fixture
def world():
    owner = OrganizationFactory(slug="washoe-cw", name="Washoe Child Welfare", type="child_welfare")
    worker = UserFactory(role="caseworker", org=owner, email="worker@washoe.example.org")
    worker.full_name = "Rae Okafor"
    worker.save()
    give_totp_device(worker)
    case = case_services.open_case(
        actor=worker,
        youth={"first_name": "Mara", "last_name": "Quill", "dob": "2010-05-01", "gender": "girl"},
    )
    return owner, worker, case


def _post(world, **extra):
    _, worker, case = world
    at = timezone.now().astimezone(ZoneInfo(TZ)) - timedelta(minutes=30)
    data = {
        "instrument": "nrit",
        "step": "review",
        "youth_name": "Mara Quill",
        "cv_law_enforcement": "on",
        "identified_by": "law_enforcement",
        "identified_at": at.strftime("%Y-%m-%dT%H:%M"),
        "setting": "field",
        "urgent": "rule",
    }
    data.update(extra)
    data = {k: v for k, v in data.items() if v is not None}
    return sign_in(Client(), worker).post(f"/cases/{case.pk}/screen", data)


def test_the_form_is_filled_in_from_the_case_and_the_session(world):
    owner, worker, case = world
    html = sign_in(Client(), worker).get(f"/cases/{case.pk}/screen").content.decode()
    today = timezone.now().astimezone(ZoneInfo(owner.time_zone)).date().isoformat()
    for name, value in (
        ("youth_name", "Mara Quill"),
        ("youth_dob", "2010-05-01"),
        ("unique_id", str(case.pk)),
        ("completed_by_name", "Rae Okafor"),
        ("agency", "Washoe Child Welfare"),
        ("completed_date", today),
    ):
        assert re.search(rf'name="{name}"[^>]*value="{re.escape(value)}"', html), name
    # Identified at: now, in the organization's time zone, behind a Change control.
    now = timezone.now().astimezone(ZoneInfo(owner.time_zone))
    field = re.search(r'name="identified_at"[^>]*value="([^"]+)"', html)
    assert field
    shown = datetime.fromisoformat(field.group(1))
    assert abs(now.replace(tzinfo=None, second=0, microsecond=0) - shown) <= timedelta(minutes=1)
    assert 'id="identified-at-change"' in html and "Change" in html
    # Reading the youth's name to fill it in is recorded.
    views = AuditEvent.objects.filter(action="view", object_id=str(case.pk))
    assert any("identity" in (e.compartments or []) for e in views)


def test_every_problem_at_once_in_a_linked_summary_in_plain_words(world):
    r = _post(world, identified_by="", cv_law_enforcement=None, identified_at="")
    assert r.status_code == 422
    html = r.content.decode()
    start = html.index('id="form-errors"')
    summary = html[start : html.index("</ul>", start)]
    assert "data-error-summary" in html and "There are" in summary
    assert "Select who identified the youth" in summary
    assert "say when the youth was identified" in summary
    assert "Check every indicator that applies" in summary  # the answers, in the same pass
    for target in re.findall(r'href="#([^"]+)"', summary):
        assert f'id="{target}"' in html, target
    assert "use one of" not in html and "law_enforcement, " not in html
    assert 'aria-describedby="id_identified_by_error"' in html
    assert Screening.objects.count() == 0
    bad_date = _post(world, youth_dob="not a date").content.decode()
    assert "Date of birth: Enter \u201cDate of birth\u201d as a real date" in bad_date
    assert 'href="#f-youth_dob"' in bad_date and 'id="f-youth_dob"' in bad_date


def test_check_your_answers_shows_the_clocks_and_records_nothing(world):
    owner, worker, case = world
    r = _post(world)
    assert r.status_code == 200, r.content.decode()[:3000]
    html = r.content.decode()
    assert "Check your answers before the clocks start" in html
    assert Screening.objects.count() == 0 and Obligation.objects.count() == 0
    assert "Convene a Rapid Response MDT on scene" in html
    assert "Confirmed" in html
    # Due times in the organization's time zone, as the service computes them.
    at = timezone.now().astimezone(ZoneInfo(TZ)) - timedelta(minutes=30)
    preview = preview_screening(
        actor=worker,
        case_id=case.pk,
        instrument="nrit",
        answers={"cv_law_enforcement": True},
        identified_by="law_enforcement",
        identified_at=at.replace(tzinfo=None, second=0, microsecond=0),
        setting="field",
        urgent=None,
        urgent_reason="",
    )
    assert preview.clocks
    for clock in preview.clocks:
        assert clock.due_local.tzinfo is not None and str(clock.due_local.tzinfo) == TZ
        if not clock.received:
            assert clock.due_local.strftime("%-d %b %Y, %H:%M %Z") in html
    assert Screening.objects.count() == 0 and Obligation.objects.count() == 0
    # Confirming sends the same answers back and starts exactly the clocks shown.
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))
    hidden["step"] = "confirm"
    done = sign_in(Client(), worker).post(f"/cases/{case.pk}/screen", hidden)
    assert done.status_code == 302, done.content.decode()[:3000]
    made = Obligation.objects.filter(case=case).order_by("pk")
    assert sorted((o.kind, o.due_at) for o in made) == sorted(
        (k.kind, k.due_at) for k in preview.clocks
    )
    assert Screening.objects.get().outcome


def test_change_your_answers_goes_back_to_the_form_with_them(world):
    r = _post(world, step="edit")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'name="cv_law_enforcement"' in html and "checked" in html
    assert "form-errors" not in html
    assert Screening.objects.count() == 0
