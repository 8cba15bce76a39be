"""Which youth an agency screens (Resource 8-B, decision 0065): within the pack's
`agency_screening`, an organization's administrator names the new clients it screens, the events
after which it screens and the warning signs that call for a screening; each starts the pack's
agency-screening obligation, whose title says the agency's policy (Resource 8-B) asked for it.

The permission rows below are declared here, not read from the implementation: for every role,
of the organization itself and of another one, who may set the screening criteria through the
API; and what lies outside the pack's bounds is refused naming the field."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from harborline.errors import InvalidInput
from harborline.missing import placements
from harborline.people import services as people
from harborline.people.models import ScreeningCriteria
from harborline.people.roles import Role
from harborline.response import agency_screening, policy
from harborline.response import services as response
from harborline.response.clocks import business_days_after
from harborline.response.models import Obligation
from tests.access import factories as f

pytestmark = pytest.mark.django_db

PACIFIC = ZoneInfo("America/Los_Angeles")
RULE = "screen_on_agency_policy"
# Who may set the criteria (the API): an organization's administrator for its own organization,
# a system administrator for any; everyone else gets 404, as for an organization that does not
# exist.
SETS_OWN = {Role.ORG_ADMIN, Role.SYSTEM_ADMIN}
SETS_OTHERS = {Role.SYSTEM_ADMIN}
CRITERIA = {
    "clocks": {},
    "screeners": [],
    "population": {"scope": "age", "min_age": 10},
    "events": ["placement_change"],
    "signs": ["truancy"],
}


def _born(years: float) -> str:
    return (date.today() - timedelta(days=int(years * 365.25) + 1)).isoformat()


def _agency(**criteria):
    org = f.org("child_welfare")
    admin = f.user(org, "org_admin")
    worker = f.user(org, "caseworker")
    if criteria:
        policy.set_policy(
            actor=admin,
            organization=org,
            pack="nevada",
            clocks=criteria.pop("clocks", {}),
            screeners=[],
            **criteria,
        )
    return org, admin, worker


def _open(worker, dob: str = ""):
    youth = {"first_name": "Ana", "last_name": "Reyes", "dob": dob}
    return agency_screening.open_case(actor=worker, youth=youth, pack="nevada")


def _asked(case) -> list[Obligation]:
    return list(case.obligations.filter(kind=RULE))


def _api(user) -> Client:
    _, raw = people.create_token(actor=None, user=user, days=1, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


# --- who may set it, and within what ---------------------------------------------------------


@pytest.mark.parametrize("whose", ["own", "other"])
@pytest.mark.parametrize("role", Role.values)
def test_permission_rows_for_the_screening_criteria(role, whose):
    org = f.org("task_force" if role == Role.COORDINATOR else "child_welfare")
    target = org if whose == "own" else f.org("probation")
    user = f.user(org, role)
    query = "" if whose == "own" else f"?org={target.slug}"
    put = _api(user).put(
        f"/api/v1/protocols/nevada/agency-policy{query}", CRITERIA, content_type="application/json"
    )
    allowed = role in (SETS_OWN if whose == "own" else SETS_OTHERS)
    assert put.status_code == (200 if allowed else 404), put.content
    stored = ScreeningCriteria.objects.filter(organization=target, pack="nevada").first()
    assert (stored is not None) == allowed
    if allowed:
        assert (stored.population, stored.events, stored.signs) == (
            {"scope": "age", "min_age": 10},
            ["placement_change"],
            ["truancy"],
        )
        assert put.json()["screening"]["population_words"] == "new clients aged 10 and older"


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"population": {"scope": "teens"}}, "population.scope", "choose one of"),
        ({"population": {"scope": "age"}}, "population.min_age", "youngest age"),
        ({"population": {"scope": "age", "min_age": 30}}, "population.min_age", "0 to 24"),
        ({"population": {"scope": "age", "min_age": 12, "max_age": 10}}, "population.max_age", ""),
        ({"population": {"scope": "all", "min_age": 10}}, "population", "ages go with"),
        ({"population": {"everyone": True}}, "population", "scope, min_age"),
        ({"events": ["return"]}, "events", "not one of the pack's events"),
        ({"events": "placement_change"}, "events", "give a list"),
        ({"signs": ["horoscope"]}, "signs", "not one of the pack's warning signs"),
    ],
)
def test_criteria_outside_the_pack_are_refused_naming_the_field(change, field, words):
    org, admin, _ = _agency()
    body = {**CRITERIA, **change}
    with pytest.raises(InvalidInput) as refused:
        policy.set_policy(actor=admin, organization=org, pack="nevada", **body)
    assert [e.field for e in refused.value.errors] == [field]
    assert words in refused.value.errors[0].message
    assert not ScreeningCriteria.objects.exists()


def test_a_pack_that_leaves_no_criteria_to_agencies_refuses_them():
    """Washington's toolkit asks no agency which youth it screens: no criteria, page or API."""
    org, admin, _ = _agency()
    with pytest.raises(InvalidInput) as refused:
        policy.set_policy(actor=admin, organization=org, pack="washington", **CRITERIA)
    assert {e.field for e in refused.value.errors} == {"population", "events", "signs"}
    policy.set_policy(actor=admin, organization=org, pack="washington", clocks={}, screeners=[])
    assert policy.view(admin, "washington").screening is None
    assert not ScreeningCriteria.objects.exists()


# --- what it does --------------------------------------------------------------------------


def test_a_new_client_in_the_population_is_due_a_screening_that_says_why():
    org, _, worker = _agency(population={"scope": "age", "min_age": 10, "max_age": 17})
    case = _open(worker, dob=_born(12.5))
    [asked] = _asked(case)
    assert asked.trigger == "agency_screening" and asked.trigger_at == case.opened_at
    assert asked.owner_org == org and asked.clock_set_by == "pack"
    assert asked.due_at == business_days_after(case.opened_at, 2, "US-NV", org.time_zone)
    assert "a new client aged 12" in asked.title
    assert "new clients aged 10 to 17" in asked.title
    assert f"{org.name}'s screening policy" in asked.title
    assert "Resource 8-B" in asked.title


def test_outside_the_population_or_without_a_policy_no_screening_is_asked():
    _, _, worker = _agency(population={"scope": "age", "min_age": 10})
    assert _asked(_open(worker, dob=_born(8))) == []
    _, _, no_policy = _agency()
    assert _asked(_open(no_policy, dob=_born(12))) == []
    _, _, nobody = _agency(population={})
    assert _asked(_open(nobody, dob=_born(12))) == []


def test_a_youth_whose_age_is_not_known_is_screened_when_the_policy_names_ages():
    _, _, worker = _agency(population={"scope": "age", "min_age": 10})
    [asked] = _asked(_open(worker))
    assert "age is not known" in asked.title


def test_the_agencys_shorter_clock_sets_the_time_and_says_so():
    org, _, worker = _agency(population={"scope": "all"}, clocks={RULE: {"hours": 24}})
    [asked] = _asked(_open(worker, dob=_born(15)))
    assert asked.clock_set_by == "agency" and asked.clock == "24 hours"
    assert asked.due_at - asked.trigger_at == timedelta(hours=24)


def test_a_warning_sign_the_policy_names_starts_a_screening_and_one_it_does_not_only_a_note():
    org, _, worker = _agency(signs=["truancy"])
    case = _open(worker, dob=_born(14))
    seen = timezone.now() - timedelta(hours=3)
    other = agency_screening.record_warning_sign(
        actor=worker, case_id=case.pk, sign="hotels", observed_at=seen
    )
    assert other.in_policy is False and other.obligations == []
    assert "Use of hotels" in other.note.text and other.note.compartment == "screening"
    named = agency_screening.record_warning_sign(
        actor=worker, case_id=case.pk, sign="truancy", observed_at=seen, note="Missed 8 days."
    )
    [asked] = named.obligations
    assert asked.kind == RULE
    assert abs((asked.trigger_at - seen).total_seconds()) < 1
    assert "a warning sign the agency screens on" in asked.title and "Resource 8-B" in asked.title
    assert "Missed 8 days." in named.note.text
    # A second sign while the screening is due starts no second one.
    again = agency_screening.record_warning_sign(
        actor=worker, case_id=case.pk, sign="truancy", observed_at=seen
    )
    assert again.in_policy and again.obligations == []
    # The screening recorded after the sign fulfils it.
    response.record_screening(
        actor=worker,
        case_id=case.pk,
        instrument="nrit",
        answers={"no_indicators": True},
        identified_by="child_welfare",
        identified_at=seen,
    )
    asked.refresh_from_db()
    assert asked.status == "done"


@pytest.mark.parametrize(
    ("sign", "observed", "field"),
    [
        ("horoscope", timedelta(hours=-1), "sign"),
        ("truancy", timedelta(days=2), "observed_at"),
    ],
)
def test_a_sign_the_pack_does_not_list_or_a_time_to_come_is_refused(sign, observed, field):
    _, _, worker = _agency(signs=["truancy"])
    case = _open(worker)
    with pytest.raises(InvalidInput) as refused:
        agency_screening.record_warning_sign(
            actor=worker, case_id=case.pk, sign=sign, observed_at=timezone.now() + observed
        )
    assert [e.field for e in refused.value.errors] == [field]
    assert not case.notes.exists() and _asked(case) == []


def test_an_event_the_policy_screens_after_starts_a_screening():
    org, _, worker = _agency(events=["placement_change"])
    case = _open(worker, dob=_born(15))
    first = date.today() - timedelta(days=20)
    placements.record_placement(actor=worker, case_id=case.pk, kind="foster_home", started_on=first)
    assert _asked(case) == []  # the first placement is not a change
    placements.record_placement(
        actor=worker, case_id=case.pk, kind="group_home", started_on=first + timedelta(days=10)
    )
    [asked] = _asked(case)
    assert "after a change of placement" in asked.title
    assert asked.trigger_at == datetime.combine(
        first + timedelta(days=10), datetime.min.time(), tzinfo=ZoneInfo(org.time_zone)
    )


def test_a_screenings_own_triggers_ask_for_no_screening():
    """A confirmed NRIT fires reasonable_cause; an agency that screens after that concern is not
    asked to screen again by the screening itself."""
    _, _, worker = _agency(events=["reasonable_cause"])
    case = _open(worker, dob=_born(15))
    response.record_screening(
        actor=worker,
        case_id=case.pk,
        instrument="nrit",
        answers={"cv_self_report": True},
        identified_by="child_welfare",
        identified_at=timezone.now() - timedelta(hours=1),
    )
    assert _asked(case) == []


def test_through_the_api_a_new_case_and_a_warning_sign_show_the_screening_due():
    org, _, worker = _agency(population={"scope": "all"}, signs=["truancy"])
    client = _api(worker)
    made = client.post(
        "/api/v1/cases",
        {"youth": {"first_name": "Ana", "last_name": "Reyes"}, "pack": "nevada"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    case_id = made.json()["id"]
    listed = client.get(f"/api/v1/cases/{case_id}/obligations").json()
    titles = [o["title"] for o in listed if o["kind"] == RULE]
    assert len(titles) == 1 and "every new client" in titles[0]
    sign = client.post(
        f"/api/v1/cases/{case_id}/warning-signs",
        {"sign": "truancy", "observed_at": (timezone.now() - timedelta(hours=1)).isoformat()},
        content_type="application/json",
    )
    assert sign.status_code == 201, sign.content
    assert sign.json()["in_policy"] is True and sign.json()["obligations"] == []  # already due
    bad = client.post(
        f"/api/v1/cases/{case_id}/warning-signs",
        {"sign": "nope", "observed_at": timezone.now().isoformat()},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "sign"
    stranger = _api(f.user(f.org("law_enforcement"), "caseworker"))
    hidden = stranger.post(
        f"/api/v1/cases/{case_id}/warning-signs",
        {"sign": "truancy", "observed_at": timezone.now().isoformat()},
        content_type="application/json",
    )
    assert hidden.status_code == 404
