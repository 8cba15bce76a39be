"""The agency-policy page (issue 15, item 4; decision 0058): an organization's administrator
sets, within the home pack's configurable obligations, shorter clocks, the re-screening
triggers and who completes the screening tool. Permission rows, declared here: only the
organization's administrator and a system administrator have the page; every other role gets
404 for both reading and saving."""

from __future__ import annotations

import pytest

from harborline.people.roles import Role
from harborline.response.models import AgencyPolicy

pytestmark = pytest.mark.django_db

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
