"""The synthetic generator: one demo login per role, deterministic for a seed, realistic
proportions at state scale, obviously made-up names, one audit record per run (beside the
statistical center's link runs, audited as the service audits them)."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from harborline.audit.models import AuditEvent
from harborline.errors import Conflict, InvalidInput
from harborline.people.models import Membership, Organization, User
from harborline.people.roles import OrgType, Role, rules_for
from harborline.protocols.models import County
from harborline.synthetic import DEMO_PASSWORD, seed
from harborline.synthetic.base import apportion
from harborline.synthetic.people import CORE_TYPES
from tests.shared_rows import shared_rows

pytestmark = pytest.mark.django_db

STATE_FACTOR = 0.15  # about 1,500 users and 220 organizations: fast, and big enough for proportions


class _Rollback(Exception):
    pass


def snapshot() -> dict[str, list[tuple]]:
    """Every seeded row by its natural key (primary keys differ between runs on PostgreSQL)."""
    return {
        "organizations": list(
            Organization.objects.order_by("slug").values_list(
                "slug",
                "name",
                "type",
                "county__slug",
                "region__slug",
                "time_zone",
                "created_at",
                "is_active",
            )
        ),
        "users": list(
            User.objects.order_by("email").values_list(
                "email",
                "full_name",
                "password",
                "is_active",
                "date_joined",
                "membership__role",
                "membership__organization__slug",
                "membership__since",
                "membership__is_active",
            )
        ),
        "devices": list(
            TOTPDevice.objects.order_by("user__email").values_list(
                "user__email", "name", "key", "confirmed", "created_at"
            )
        ),
    }


def seeded_snapshot(**kwargs) -> dict[str, list[tuple]]:
    """Seed inside a savepoint, take the snapshot, and roll back, leaving the database empty."""
    taken: dict[str, list[tuple]] = {}
    try:
        with transaction.atomic():
            seed(**kwargs)
            taken.update(snapshot())
            raise _Rollback
    except _Rollback:
        pass
    assert not Organization.objects.exists()
    return taken


@pytest.fixture
def demo():
    return seed(scale="demo", seed=1)


# --- Demo scale ---------------------------------------------------------------------------------


class TestDemo:
    """Read-only checks of the demo world, seeded once for the class (tests/shared_rows.py)."""

    @pytest.fixture(scope="class")
    @classmethod
    def demo(cls, django_db_setup, django_db_blocker):
        yield from shared_rows(django_db_blocker, lambda: seed(scale="demo", seed=1))

    def test_demo_has_one_login_per_role_in_a_fitting_organization(self, demo):
        per_role = [login for login in demo.demo_logins if not login.what]
        assert sorted(login.role for login in per_role) == sorted(Role.values)
        expected_type = {
            Role.CASEWORKER: OrgType.CHILD_WELFARE,
            Role.SUPERVISOR: OrgType.CHILD_WELFARE,
            Role.ORG_ADMIN: OrgType.CHILD_WELFARE,
            Role.MENTOR_ADVOCATE: OrgType.COMMUNITY_ADVOCACY,
            Role.COORDINATOR: OrgType.TASK_FORCE,
            Role.ANALYST: OrgType.STATISTICAL_CENTER,
            Role.SYSTEM_ADMIN: OrgType.TASK_FORCE,
        }
        for login in per_role:
            assert login.email == f"{login.role}@demo.example.org"
            user = User.objects.get(email=login.email)
            membership = user.membership
            assert membership.role == login.role
            assert membership.is_active and user.is_active
            assert membership.organization.name == login.organization
            assert membership.organization.type == expected_type[Role(login.role)]
            assert user.check_password(DEMO_PASSWORD)

    def test_demo_system_admin_works_at_the_statewide_coalition(self, demo):
        org = User.objects.get(email="system_admin@demo.example.org").membership.organization
        assert org.county is None and org.region is None
        assert "Coalition" in org.name

    def test_demo_users_who_need_mfa_have_a_confirmed_authenticator(self, demo):
        users = list(User.objects.select_related("membership"))
        assert any(u.needs_mfa for u in users) and any(not u.needs_mfa for u in users)
        for user in users:
            devices = list(TOTPDevice.objects.filter(user=user))
            if rules_for(user.membership.role).sees_youth_data:
                assert [(d.name, d.confirmed) for d in devices] == [("Demo authenticator", True)]
            else:
                assert devices == []
        analyst = User.objects.get(email="analyst@demo.example.org")
        assert not analyst.needs_mfa
        assert User.objects.get(email="caseworker@demo.example.org").needs_mfa

    def test_demo_is_small_and_covers_every_organization_type_and_role(self, demo):
        assert 18 <= demo.counts["organizations"] <= 30
        assert 30 <= demo.counts["users"] <= 55
        assert set(Organization.objects.values_list("type", flat=True)) == set(OrgType.values)
        assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
        assert demo.counts["organizations"] == Organization.objects.count()
        assert demo.counts["users"] == User.objects.count() == Membership.objects.count()
        assert demo.counts["totp_devices"] == TOTPDevice.objects.count()

    def test_names_are_obviously_synthetic_and_emails_use_reserved_domains(self, demo):
        for name in Organization.objects.values_list("name", flat=True):
            assert name.endswith(" (synthetic)")
        for email in User.objects.values_list("email", flat=True):
            domain = email.rsplit("@", 1)[1]
            assert domain.endswith((".example.org", ".example.net")), email
            assert email == email.lower()

    def test_nevada_geography_is_loaded_when_missing(self, demo):
        assert County.objects.filter(pack="nevada").count() == 17
        clark = Organization.objects.get(slug="clark-county-department-of-family-services")
        assert clark.county.slug == "clark" and clark.region.slug == "southern"

    def test_coordinators_work_only_for_task_forces(self, demo):
        """The grant rule (people/grants.py): a coordinator belongs to a task-force organization."""
        types = set(
            Membership.objects.filter(role=Role.COORDINATOR).values_list(
                "organization__type", flat=True
            )
        )
        assert types == {OrgType.TASK_FORCE}


def test_one_audit_record_per_run(db):
    before = AuditEvent.objects.count()
    report = seed(scale="demo", seed=5)
    *runs, event = list(AuditEvent.objects.order_by("seq")[before:])
    # Rows made in bulk are not audited one by one; the statistical center's linking of the
    # demo's submissions is a service's work, audited as the worker's is: one record a run.
    assert report.counts["linkage.submissions"] == 3
    assert [(e.action, e.object_type, e.actor_id) for e in runs] == [
        ("create", "reports.linkrun", None)
    ] * report.counts["linkage.submissions"]
    assert (event.action, event.object_type, event.object_id) == (
        "create",
        "synthetic.seed",
        "demo:5",
    )
    assert event.actor_email == "seed" and event.actor_id is None
    assert event.detail == report.counts


def test_progress_is_reported(db):
    lines: list[str] = []
    seed(scale="demo", seed=1, progress=lines.append)
    assert any("organizations" in line for line in lines)
    assert any("users" in line for line in lines)


def test_seeding_twice_is_refused(demo):
    with pytest.raises(Conflict):
        seed(scale="demo", seed=2)


@pytest.mark.parametrize("kwargs", [{"scale": "county"}, {"scale": "state", "_factor": 0}])
def test_bad_arguments_are_refused(db, kwargs):
    with pytest.raises(InvalidInput):
        seed(**kwargs)


# --- Determinism --------------------------------------------------------------------------------


def test_same_seed_gives_identical_rows(db):
    first = seeded_snapshot(scale="demo", seed=7)
    second = seeded_snapshot(scale="demo", seed=7)
    assert first["users"] and first["devices"]
    assert first == second


def test_same_seed_gives_identical_rows_at_state_scale(db):
    first = seeded_snapshot(scale="state", seed=7, _factor=STATE_FACTOR)
    second = seeded_snapshot(scale="state", seed=7, _factor=STATE_FACTOR)
    assert first == second


def test_different_seeds_give_different_data(db):
    one = seeded_snapshot(scale="demo", seed=1)
    two = seeded_snapshot(scale="demo", seed=2)
    slugs_one = {row[0] for row in one["organizations"]}
    slugs_two = {row[0] for row in two["organizations"]}
    assert slugs_one != slugs_two
    emails_one = {row[0] for row in one["users"]}
    emails_two = {row[0] for row in two["users"]}
    assert emails_one != emails_two
    # The demo logins stay the same whatever the seed.
    fixed = {f"{role}@demo.example.org" for role in Role.values}
    assert fixed <= emails_one & emails_two
    assert {row[2] for row in one["devices"]} != {row[2] for row in two["devices"]}


# --- State scale (reduced) ----------------------------------------------------------------------


class TestStateScale:
    """Read-only checks of a tenth of the state, seeded once for the class (shared_rows)."""

    @pytest.fixture(scope="class")
    @classmethod
    def state_like(cls, django_db_setup, django_db_blocker):
        yield from shared_rows(
            django_db_blocker, lambda: seed(scale="state", seed=3, _factor=STATE_FACTOR)
        )

    def test_state_scale_users_follow_population(self, state_like):
        by_county = Counter(
            Membership.objects.filter(organization__county__isnull=False).values_list(
                "organization__county__slug", flat=True
            )
        )
        clark, washoe = by_county.pop("clark"), by_county.pop("washoe")
        assert clark > washoe > max(by_county.values())
        total = Membership.objects.count()
        assert clark / total > 0.5

    def test_every_county_has_its_core_agencies(self, state_like):
        required = {*CORE_TYPES, OrgType.COMMUNITY_ADVOCACY, OrgType.SERVICE_PROVIDER}
        for county in County.objects.filter(pack="nevada"):
            types = set(Organization.objects.filter(county=county).values_list("type", flat=True))
            assert required <= types, (county.slug, required - types)
        rural_child_welfare = Organization.objects.get(
            county__slug="elko", type=OrgType.CHILD_WELFARE
        )
        assert rural_child_welfare.name.startswith("State Child and Family Services")
        assert Organization.objects.get(
            county__slug="clark", type=OrgType.CHILD_WELFARE
        ).name.startswith("Clark County")

    def test_statewide_bodies(self, state_like):
        assert Organization.objects.filter(type=OrgType.STATISTICAL_CENTER).count() == 1
        task_forces = Organization.objects.filter(type=OrgType.TASK_FORCE)
        assert (
            task_forces.filter(county__isnull=True, region__isnull=True).count() == 1
        )  # Coalition
        regions = set(
            task_forces.exclude(region__isnull=True).values_list("region__slug", flat=True)
        )
        assert regions == {"southern", "northern", "rural"}
        system_admins = Membership.objects.filter(role=Role.SYSTEM_ADMIN)
        assert system_admins.exists()
        assert set(system_admins.values_list("organization__type", flat=True)) == {
            OrgType.TASK_FORCE
        }

    def test_state_scale_coordinators_work_only_for_task_forces(self, state_like):
        coordinators = Membership.objects.filter(role=Role.COORDINATOR)
        assert coordinators.count() > 1
        assert set(coordinators.values_list("organization__type", flat=True)) == {
            OrgType.TASK_FORCE
        }

    def test_state_scale_roles_and_memberships(self, state_like):
        counts = state_like.counts
        assert counts["users"] == User.objects.count() == Membership.objects.count()
        assert 1_200 <= counts["users"] <= 1_800
        assert counts["users.caseworker"] > counts["users"] / 2  # mostly caseworkers
        assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
        assert Organization.objects.filter(memberships__isnull=True).count() == 0
        assert counts["active_users"] < counts["users"]
        needing = Membership.objects.exclude(role=Role.ANALYST).count()
        assert (
            TOTPDevice.objects.filter(confirmed=True).count() == needing == counts["totp_devices"]
        )
        assert len(set(TOTPDevice.objects.values_list("key", flat=True))) == needing
        passwords = set(User.objects.values_list("password", flat=True))
        assert len(passwords) == 1  # hashed once for the whole data set
        assert User.objects.first().check_password(DEMO_PASSWORD)

    def test_state_scale_has_every_type_and_more_organizations_in_clark(self, state_like):
        assert set(Organization.objects.values_list("type", flat=True)) == set(OrgType.values)
        by_county = Counter(Organization.objects.values_list("county__slug", flat=True))
        assert by_county.most_common(1)[0][0] == "clark"


# --- Helpers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "weights", "minimum", "expected"),
    [
        (10, [1, 1], 0, [5, 5]),
        (10, [3, 1], 0, [8, 2]),  # 7.5 and 2.5: the tie goes to the first
        (10, [1, 1, 1], 0, [4, 3, 3]),
        (10, [100, 1, 1], 2, [6, 2, 2]),
        (3, [1, 1, 1, 1], 1, [1, 1, 1, 1]),  # minimums beat the total
        (0, [], 0, []),
    ],
)
def test_apportion(total, weights, minimum, expected):
    assert apportion(total, weights, minimum) == expected
