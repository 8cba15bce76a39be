"""A case's pack when nobody names one: the installation's home pack (HARBORLINE_PACK), read
when the case is made — never Nevada's written into the model (issue 15 review)."""

from __future__ import annotations

import pytest

from harborline.cases import services
from harborline.cases.models import Case, Youth
from harborline.crypto.fields import blind_index
from harborline.protocols.home import home_pack_name


@pytest.mark.parametrize("home", ["washington", "wisconsin"])
def test_a_case_made_without_a_pack_follows_the_home_pack(make_org, make_user, settings, home):
    settings.HARBORLINE_PACK = home
    org = make_org("child_welfare")
    worker = make_user(org)
    youth = Youth.objects.create(
        first_name="Ana",
        last_name="Reyes",
        name_dob_key=blind_index("Reyes", ""),
        created_by_org=org,
    )
    made = Case.objects.create(youth=youth, owner=org, opened_by=worker)
    assert Case.objects.get(pk=made.pk).pack == home
    # The service, which names the pack itself, agrees.
    opened = services.open_case(actor=worker, youth={"first_name": "Bea", "last_name": "Diaz"})
    assert opened.pack == home


def test_the_default_is_read_when_a_case_is_made_not_when_the_code_loads(settings):
    assert Case._meta.get_field("pack").default is home_pack_name
    settings.HARBORLINE_PACK = "wisconsin"
    assert Case().pack == "wisconsin"
    settings.HARBORLINE_PACK = "washington"
    assert Case().pack == "washington"
