"""The agency-policy page (issue 15, item 4; decision 0058): an organization's administrator
sets, within the home pack's configurable obligations, shorter clocks, the re-screening
triggers and who completes the screening tool. Permission rows, declared here: only the
organization's administrator and a system administrator have the page; every other role gets
404 for both reading and saving."""

from __future__ import annotations

import pytest

from harborline.people.models import ScreeningCriteria
from harborline.people.roles import Role
from harborline.response.models import AgencyPolicy

# The page works on the home pack; these rows are Nevada's (its clocks and 8-B's criteria).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("nevada_home")]

HAS_PAGE = {Role.ORG_ADMIN, Role.SYSTEM_ADMIN}
SAVE = {
    "version": "0",
    "choice_rescreen_on_return": "business_days",
    "amount_rescreen_on_return": "1",
    "choice_rescreen": "off",
    "screeners": ["caseworker", "supervisor"],
}


def _form(**changes: object) -> dict[str, object]:
    """Every configurable rule at the pack's clock, then the changes."""
    from harborline.protocols.packs import get_pack
    from harborline.response.policy import configurable

    data: dict[str, object] = {f"choice_{r.id}": "pack" for r in configurable(get_pack("nevada"))}
    data["version"] = "0"
    data.update(changes)
    return data


@pytest.mark.parametrize("role", Role.values)
def test_permission_rows_for_the_page(as_user, role):
    client, user = as_user(role)
    read = client.get("/org/policy")
    write = client.post("/org/policy", _form(**SAVE))
    allowed = role in HAS_PAGE
    assert read.status_code == (200 if allowed else 404)
    assert write.status_code == (302 if allowed else 404)
    assert AgencyPolicy.objects.exists() == allowed


def test_the_administrator_sets_a_shorter_clock_and_turns_off_a_trigger(as_user, org):
    client, _ = as_user("org_admin")
    page = client.get("/org/policy").content.decode()
    assert "Re-administer the NRIT after a return from being missing" in page
    assert "The pack&#x27;s clock: 2 business days" in page
    assert "Report to the local child-welfare agency" not in page  # the pack sets it
    saved = client.post("/org/policy", _form(**SAVE), follow=True)
    assert "policy is saved" in saved.content.decode()
    policy = AgencyPolicy.objects.get(organization=org, pack="nevada")
    assert policy.clocks == {
        "rescreen_on_return": {"business_days": 1},
        "rescreen": {"off": True},
    }
    assert policy.screeners == ["caseworker", "supervisor"]
    again = client.get("/org/policy").content.decode()
    assert 'name="version" value="1"' in again


def test_a_longer_clock_is_refused_beside_its_field(as_user):
    client, _ = as_user("org_admin")
    response = client.post(
        "/org/policy",
        _form(choice_missing_report_ncmec="hours", amount_missing_report_ncmec="36"),
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "data-error-summary" in page
    assert 'href="#id_amount_missing_report_ncmec"' in page
    assert "never longer" in page
    missing = client.post("/org/policy", _form(choice_rescreen_on_return="hours"))
    assert missing.status_code == 400
    assert "Give the number of hours." in missing.content.decode()
    assert not AgencyPolicy.objects.exists()


def test_the_administrator_chooses_which_youth_are_screened(as_user, org):
    """Resource 8-B's "which children will be screened" and "which warning signs": the page
    offers the pack's population, events and signs, saves them and refuses an age out of
    bounds beside its field."""
    client, _ = as_user("org_admin")
    page = client.get("/org/policy").content.decode()
    assert "Which youth this agency screens" in page
    assert "Excessive truancy (more than 6 days in the school year)" in page
    assert "A change of placement" in page
    refused = client.post(
        "/org/policy", _form(population_scope="age", min_age="40", signs=["truancy"])
    )
    assert refused.status_code == 422
    assert 'href="#id_min_age"' in refused.content.decode()
    assert not ScreeningCriteria.objects.exists()
    saved = client.post(
        "/org/policy",
        _form(
            population_scope="age",
            min_age="10",
            events=["placement_change"],
            signs=["truancy", "hotels"],
        ),
        follow=True,
    )
    assert "policy is saved" in saved.content.decode()
    criteria = ScreeningCriteria.objects.get(organization=org, pack="nevada")
    assert criteria.population == {"scope": "age", "min_age": 10}
    assert (criteria.events, criteria.signs) == (["placement_change"], ["truancy", "hotels"])
    assert "Now: new clients aged 10 and older." in client.get("/org/policy").content.decode()


def test_a_warning_sign_recorded_on_the_case_page_starts_the_policys_screening(as_user, org):
    client, admin = as_user("org_admin")
    client.post("/org/policy", _form(signs=["truancy"]))
    from harborline.response.agency_screening import open_case

    case = open_case(actor=admin, youth={"first_name": "Ana", "last_name": "Reyes"})
    detail = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'href="/cases/{case.pk}/warning-sign"' in detail
    form = client.get(f"/cases/{case.pk}/warning-sign").content.decode()
    assert "Excessive truancy" in form
    done = client.post(
        f"/cases/{case.pk}/warning-sign",
        {"sign": "truancy", "observed_at": "2026-01-05T09:30", "note": "Missed 8 days."},
        follow=True,
    )
    page = done.content.decode()
    assert "a screening is now due" in page
    assert "a warning sign the agency screens on was recorded" in page
    assert "Resource 8-B" in page
    assert case.notes.get().compartment == "screening"
    missing = client.post(f"/cases/{case.pk}/warning-sign", {"sign": "truancy"})
    assert missing.status_code == 400
