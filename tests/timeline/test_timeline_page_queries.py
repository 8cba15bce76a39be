"""The timeline page's SQL does not grow with the youth's history (issue 11): the whole request
(session, sign-in, the selector, the audit record, the template) needs the same number of
queries for a case with a dozen events and for one with sixty and more, which is what
`make bench` measures on the state-scale data set (bench/run.py, `timeline`)."""

from __future__ import annotations

import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import give_totp_device, sign_in

from .conftest import seed


def _page(client: Client, case_id: int) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(f"/cases/{case_id}/timeline/")
    assert r.status_code == 200
    events = len(re.findall(r'<li class="[^"]*" data-kind="', r.content.decode()))
    return len(ctx.captured_queries), events


def test_the_timeline_page_needs_the_same_queries_for_a_few_and_60_events(world):
    seed(world, 1)  # every kind once: 13 entries
    give_totp_device(world.caseworker)
    client = sign_in(Client(), world.caseworker)
    client.get(f"/cases/{world.case_id}/timeline/")  # the session's first touch, once
    few, few_events = _page(client, world.case_id)
    assert 5 <= few_events <= 15
    seed(world, 4)  # every kind four times more: 65 entries in all
    many, many_events = _page(client, world.case_id)
    assert many_events >= 60
    assert many == few, (few, many)
