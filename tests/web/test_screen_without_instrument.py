"""A case whose pack names no screening instrument about a youth (the county protocol on its
own) gets a clear answer on the screening page naming the field, not a server error."""

from __future__ import annotations

import pytest
from django.test import Client

from harborline.cases.models import Case
from tests.access import factories as f
from tests.factories import give_totp_device, sign_in

pytestmark = pytest.mark.django_db


def test_the_screening_page_says_there_is_nothing_to_screen_with():
    worker = f.user(f.org("child_welfare"), "caseworker")
    case = f.case(worker, notes=False)
    Case.objects.filter(pk=case.pk).update(pack="county-protocol")
    give_totp_device(worker)
    client = sign_in(Client(), worker)
    r = client.get(f"/cases/{case.pk}/screen")
    assert r.status_code == 422
    assert "no screening instrument about a youth" in r.content.decode()
