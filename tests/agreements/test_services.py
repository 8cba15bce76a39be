"""Creating, editing and signing agreements; the 4-A checklist; termination; reminders."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.core import mail

from harborline.agreements import services
from harborline.agreements.models import Agreement, Kind, RenewalReminder, Status
from harborline.audit.models import AuditEvent
from harborline.errors import Conflict, InvalidInput
from tests.factories import OrganizationFactory, UserFactory

from .factories import make_dsa, make_mou, system_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    return OrganizationFactory(slug="a", name="Agency A"), OrganizationFactory(slug="b", name="B")


def fields(problem):
    return {e.field for e in problem.errors}


def test_a_new_mou_has_the_thirteen_element_checklist_and_no_signatures(pair):
    mou = make_mou(pair, signed=False)
    assert [e.code for e in mou.elements.all()] == [f"MOU-{n}" for n in range(1, 14)]
    assert mou.status_on(date(2026, 6, 1)) == Status.DRAFT
    assert AuditEvent.objects.filter(object_type="agreements.agreement", action="create").exists()


def test_bad_input_names_every_field_and_writes_nothing(pair):
    with pytest.raises(InvalidInput) as caught:
        services.create_agreement(
            actor=system_admin(),
            kind=Kind.MOU,
            reference="x",
            title="",
            parties=[pair[0]],
            compartments=["identity", "horoscope"],
            purposes=["gossip"],
            effective_on=date(2026, 2, 1),
            expires_on=date(2026, 1, 1),
        )
    assert fields(caught.value) == {
        "reference",
        "title",
        "parties",
        "compartments",
        "purposes",
        "expires_on",
    }
    assert not Agreement.objects.exists()


def test_references_are_unique_and_upper_case(pair):
    make_mou(pair, reference="mou-washoe-2026-01", signed=False)
    assert Agreement.objects.get().reference == "MOU-WASHOE-2026-01"
    with pytest.raises(Conflict):
        make_mou(pair, reference="MOU-WASHOE-2026-01", signed=False)


def test_scope_is_fixed_once_anyone_signed(pair):
    mou = make_mou(pair, signed=False)
    mou = services.update_agreement(
        actor=system_admin(), agreement=mou, version=mou.version, compartments=["medical"]
    )
    assert mou.compartments == ["medical"]
    services.record_signature(
        actor=system_admin(),
        agreement=mou,
        organization=pair[0],
        signatory_name="Dir",
        signed_on=date(2025, 12, 1),
    )
    mou.refresh_from_db()
    with pytest.raises(InvalidInput) as caught:
        services.update_agreement(
            actor=system_admin(), agreement=mou, version=mou.version, compartments=["legal"]
        )
    assert fields(caught.value) == {"compartments"}


def test_a_stale_edit_is_refused(pair):
    mou = make_mou(pair, signed=False)
    services.update_agreement(actor=system_admin(), agreement=mou, version=1, title="New title")
    with pytest.raises(Conflict):
        services.update_agreement(actor=system_admin(), agreement=mou, version=1, title="Other")


def test_checklist_records_presence_and_place(pair):
    mou = make_mou(pair, signed=False)
    services.set_checklist(
        actor=system_admin(),
        agreement=mou,
        version=mou.version,
        elements={"MOU-1": (True, "Section 1"), "MOU-9": (True, "Section 4.2, p. 6")},
    )
    rows = {e.code: e for e in mou.elements.all()}
    assert rows["MOU-9"].present and rows["MOU-9"].location == "Section 4.2, p. 6"
    assert not rows["MOU-2"].present
    with pytest.raises(InvalidInput) as caught:
        services.set_checklist(
            actor=system_admin(),
            agreement=mou,
            version=None,
            elements={"MOU-3": (True, ""), "MOU-99": (False, "")},
        )
    assert fields(caught.value) == {"elements.MOU-3", "elements.MOU-99"}


def test_a_signature_cannot_be_recorded_twice_or_in_the_future(pair):
    mou = make_mou(pair, signed=[pair[0]])
    with pytest.raises(Conflict):
        services.record_signature(
            actor=system_admin(),
            agreement=mou,
            organization=pair[0],
            signatory_name="Again",
            signed_on=date(2025, 12, 2),
        )
    with pytest.raises(InvalidInput) as caught:
        services.record_signature(
            actor=system_admin(),
            agreement=mou,
            organization=pair[1],
            signatory_name=" ",
            signed_on=date(2099, 1, 1),
        )
    assert fields(caught.value) == {"signatory_name", "signed_on"}


def test_a_party_that_is_not_one_cannot_sign(pair):
    mou = make_mou(pair, signed=False)
    outsider = OrganizationFactory(slug="c", name="C")
    with pytest.raises(InvalidInput):
        services.record_signature(
            actor=system_admin(),
            agreement=mou,
            organization=outsider,
            signatory_name="X",
            signed_on=date(2025, 12, 2),
        )


def _admin_of(org, email):
    return UserFactory(role="org_admin", org=org, email=email)


def test_renewal_reminders_mail_the_parties_org_admins_at_90_and_30_days(pair):
    _admin_of(pair[0], "admin-a@example.org")
    _admin_of(pair[1], "admin-b@example.org")
    UserFactory(role="caseworker", org=pair[0], email="worker@example.org")
    make_mou(pair, expires_on=date(2026, 12, 31))  # ends (first day out) 2027-01-01
    at_100 = datetime(2026, 9, 23, 18, 0, tzinfo=UTC)  # 100 days before
    assert services.send_renewal_reminders(at=at_100) == 0
    at_90 = datetime(2026, 10, 3, 18, 0, tzinfo=UTC)
    assert services.send_renewal_reminders(at=at_90) == 1
    assert sorted(mail.outbox[0].to) == ["admin-a@example.org", "admin-b@example.org"]
    assert "90 days" in mail.outbox[0].subject
    assert services.send_renewal_reminders(at=at_90) == 0  # once per threshold
    assert services.send_renewal_reminders(at=datetime(2026, 11, 1, 18, tzinfo=UTC)) == 0
    assert services.send_renewal_reminders(at=datetime(2026, 12, 2, 18, tzinfo=UTC)) == 1
    assert "30 days" in mail.outbox[1].subject
    assert sorted(RenewalReminder.objects.values_list("days_before", flat=True)) == [30, 90]


def test_a_late_recorded_agreement_gets_one_reminder_not_two(pair):
    _admin_of(pair[0], "admin-a@example.org")
    make_mou(pair, expires_on=date(2026, 12, 31))
    assert services.send_renewal_reminders(at=datetime(2026, 12, 10, 18, tzinfo=UTC)) == 1
    assert len(mail.outbox) == 1


def test_the_reminder_task_runs_through_django_tasks(pair):
    from datetime import timedelta

    from django.utils import timezone

    from harborline.agreements.tasks import send_renewal_reminders

    _admin_of(pair[0], "admin-a@example.org")
    today = timezone.localdate()
    make_mou(
        pair,
        effective_on=today - timedelta(days=300),
        expires_on=today + timedelta(days=20),
        signed_on=today - timedelta(days=310),
    )
    result = send_renewal_reminders.enqueue()
    assert result.return_value == 1
    assert mail.outbox[0].to == ["admin-a@example.org"]


def test_dsa_requires_the_statistical_center_and_one_agency(pair):
    with pytest.raises(InvalidInput) as caught:
        services.create_agreement(
            actor=system_admin(),
            kind=Kind.DSA,
            reference="DSA-1",
            title="x",
            parties=list(pair),
            aggregate=False,
            client_level=False,
        )
    assert fields(caught.value) == {"parties", "aggregate"}


def test_dsa_term_is_two_years_from_the_latest_signature(pair):
    dsa = make_dsa(pair[0], signed_on=(date(2025, 1, 10), date(2025, 1, 20)))
    assert dsa.effective_on == date(2025, 1, 20)
    assert dsa.expires_on == date(2027, 1, 19)
    assert dsa.ends_on == date(2027, 1, 20)
    assert dsa.purposes == ["statistical_reporting"]


def test_a_new_dsa_signed_by_both_supersedes_the_old_one(pair):
    old = make_dsa(pair[0], reference="DSA-OLD", signed_on=(date(2024, 3, 1), date(2024, 3, 2)))
    new = make_dsa(pair[0], reference="DSA-NEW", signed_on=(date(2025, 11, 1), date(2025, 11, 3)))
    old.refresh_from_db()
    assert old.superseded_by == new
    assert old.terminates_on == date(2025, 11, 3)
    assert old.status_on(date(2025, 11, 3)) == Status.TERMINATED
