import pytest

from harborline.audit import chain
from harborline.audit.services import record
from harborline.people import services


@pytest.mark.django_db
def test_org_user_and_audit_chain():
    org = services.create_organization(
        actor=None, slug="lvmpd", name="LVMPD", type="law_enforcement"
    )
    user = services.create_user(
        actor=None,
        email="A@x.org",
        organization=org,
        role="caseworker",
        password="correct horse battery staple",
    )
    record(actor=user, action="view", obj=org)
    verdict = chain.verify()
    assert verdict.ok, verdict.problem
    assert verdict.checked == 3
