"""Rows for the access tests, made directly (fast): organizations, users, a case with one note in
every compartment, shares and break-glass openings. What is checked always goes through the
HTTP API or the services; only the setting-up is done here."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from harborline.access.models import BasisType, BreakGlass, Share
from harborline.cases.models import Case, Note, Placement, Youth
from harborline.crypto.fields import blind_index
from harborline.people import services as people
from harborline.people.models import Organization, User
from tests.factories import OrganizationFactory, UserFactory

from .table import COMPARTMENTS

_numbers = itertools.count(1)
MISSING_CASE = 2_000_000_000  # a case number that never exists


class Api:
    """A JSON client for one user, through HTTP with a bearer token — like tests/cases' `Api`,
    but every instance shares one Django test client, so the middleware (and WhiteNoise's scan
    of the static files) loads once per run rather than once per user: the permission table
    makes hundreds of users."""

    _client: Client | None = None

    def __init__(self, user: User) -> None:
        _, raw = people.create_token(actor=None, user=user, days=1, name="tests")
        self.headers = {"Authorization": f"Bearer {raw}"}
        self.user = user

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        if Api._client is None:
            Api._client = Client()
        client = Api._client
        client.cookies.clear()  # nothing carries over from another user's request
        send = getattr(client, method)
        if method in ("get", "delete"):
            return send(f"/api/v1{path}", headers=self.headers)
        return send(f"/api/v1{path}", body, content_type="application/json", headers=self.headers)

    def get(self, path: str) -> Any:
        return self._call("get", path)

    def post(self, path: str, body: Any | None = None) -> Any:
        return self._call("post", path, body or {})

    def patch(self, path: str, body: Any) -> Any:
        return self._call("patch", path, body)

    def put(self, path: str, body: Any) -> Any:
        return self._call("put", path, body)

    def delete(self, path: str) -> Any:
        return self._call("delete", path)


def note_text(compartment: str) -> str:
    return f"Synthetic {compartment} note zq{compartment.upper()}qz"


def later(days: int = 30) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


def earlier(hours: int = 2) -> str:
    return (datetime.now(UTC) - timedelta(hours=hours)).isoformat()


def org(type: str) -> Organization:
    n = next(_numbers)
    return OrganizationFactory(
        slug=f"{type.replace('_', '-')}-{n}",
        name=f"{type.replace('_', ' ').title()} {n}",
        type=type,
    )


def user(organization: Organization, role: str) -> User:
    n = next(_numbers)
    return UserFactory(
        email=f"{role}-{n}@{organization.slug}.example.org", org=organization, role=role
    )


def case(owner: User, *, dob: str = "2010-05-01", notes: bool = True) -> Case:
    """A case owned by `owner`'s organization, with (by default) one note in every compartment."""
    membership = owner.membership_or_none
    assert membership is not None
    youth = Youth.objects.create(
        first_name="Ana",
        last_name="Reyes",
        dob=dob,
        gender="girl",
        contacts=[{"kind": "phone", "value": "555-0100", "note": "synthetic"}],
        name_dob_key=blind_index("Reyes", dob),
        created_by_org=membership.organization,
    )
    # A Nevada case on every installation: the table's screen action uses Nevada's NRIT, which a
    # Wisconsin home pack does not offer. Who may do what never depends on the case's pack; a
    # case that follows the home pack is tests/protocols' and tests/response's subject.
    made = Case.objects.create(
        youth=youth,
        owner=membership.organization,
        opened_by=owner,
        pack="nevada",
    )
    Placement.objects.create(
        case=made,
        kind="foster_home",
        started_on=made.opened_at.date(),
        address="1 Synthetic Way",
        recorded_by=owner,
    )
    if notes:
        Note.objects.bulk_create(
            Note(
                case=made,
                compartment=name,
                text=note_text(name),
                author=owner,
                author_org=membership.organization,
            )
            for name in COMPARTMENTS
        )
    return made


def share(
    of: Case,
    to: Organization,
    compartments: list[str] | tuple[str, ...],
    *,
    by: User,
    role: str = "",
    expires_at: datetime | None = None,
    may_edit: bool = False,
) -> Share:
    """A share row as if the owner had made it (no validation: the access rule must hold
    whatever a share says)."""
    return Share.objects.create(
        case=of,
        organization=to,
        role=role,
        compartments=list(compartments),
        purpose="service coordination",
        basis_type=BasisType.COURT_ORDER,
        basis_reference="TEST-ORDER-1",
        may_edit=may_edit,
        expires_at=expires_at or timezone.now() + timedelta(days=30),
        created_by=by,
    )


def glass(of: Case, actor: User, *, opened_at: datetime | None = None) -> BreakGlass:
    membership = actor.membership_or_none
    assert membership is not None
    at = opened_at or timezone.now()
    return BreakGlass.objects.create(
        case=of,
        user=actor,
        organization=membership.organization,
        reason="Synthetic emergency: youth missing overnight",
        opened_at=at,
        expires_at=BreakGlass.window(at),
    )


def problem_fields(response: Any) -> dict[str, str]:
    """{field: message} of a 422 problem+json answer."""
    return {e["field"]: e["message"] for e in response.json().get("errors", [])}
