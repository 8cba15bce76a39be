"""Fixtures for the deadline sweep, the clocks and the concurrency tests: an organization with a
caseworker on the case team, another caseworker, a supervisor, and a case for a synthetic youth."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core import mail

from harborline.response.models import Obligation
from tests.cases import conftest as cases_conftest
from tests.cases.conftest import Api, open_case
from tests.cli import conftest as cli_conftest

# Fixtures shared with the case and command-line tests.
api = cases_conftest.api
make_org = cases_conftest.make_org
make_user = cases_conftest.make_user
cli = cli_conftest.cli

# A made-up youth; the e-mail tests assert none of this ever reaches an inbox.
FIRST, LAST, DOB = "Zephyrine", "Quillfeather", "2010-05-01"


@dataclass
class Setup:
    org: Any
    lead: Any  # caseworker who opened the case (on the team)
    other: Any  # caseworker of the same organization, not on the team
    supervisor: Any
    client: Api
    case_id: int


@pytest.fixture
def setup(make_org, make_user) -> Setup:
    org = make_org("law_enforcement")
    lead = make_user(org, "caseworker")
    other = make_user(org, "caseworker")
    supervisor = make_user(org, "supervisor")
    client = Api(lead)
    case_id = open_case(client, first=FIRST, last=LAST, dob=DOB)
    mail.outbox.clear()
    return Setup(org, lead, other, supervisor, client, case_id)


def make_obligation(
    setup: Setup,
    *,
    trigger_at: datetime,
    hours: float,
    role: str = "caseworker",
    kind: str = "child_welfare_report",
    title: str = "Report to the local child-welfare agency",
) -> Obligation:
    return Obligation.objects.create(
        case_id=setup.case_id,
        pack="nevada",
        kind=kind,
        title=title,
        trigger="reasonable_cause",
        trigger_at=trigger_at,
        due_at=trigger_at + timedelta(hours=hours),
        owner_org=setup.org,
        owner_role=role,
    )
