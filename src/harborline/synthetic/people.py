"""Synthetic organizations, users, memberships and authenticator devices.

Demo scale: about two dozen organizations (every type at least once) and about forty users,
with one fixed demo login per role. State scale: every county's core agencies, hundreds of
providers weighted by population, and about ten thousand users, most of them caseworkers.

Rows are made with `bulk_create`, so no per-row audit is written (`seed()` writes one record for
the whole run). Names are obviously made up: organizations end in "(synthetic)", people carry
landscape surnames, and every email address is on the reserved example.org / example.net
domains."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.db.models import OuterRef, Subquery
from django.utils.crypto import RANDOM_STRING_CHARS

from harborline.people.errors import Conflict
from harborline.people.models import Membership, Organization, User
from harborline.people.roles import OrgType, Role, rules_for
from harborline.protocols.models import County, Region

from . import DEMO_PASSWORD
from .base import PERIOD_START, Context, apportion, day_in_period, moment
from .nevada import (
    COUNTY_POPULATION_2020,
    STATE_POPULATION_2020,
    TOWN_TIME_ZONES,
    TRIBAL_COUNTY_WEIGHTS,
)
from .states import NEVADA, DemoState, demo_state

T = OrgType
PACK = "nevada"  # state scale; the demo follows Context.pack (synthetic/states.py)
DEFAULT_TIME_ZONE = "America/Los_Angeles"
MFA_DEVICE_NAME = "Demo authenticator"
BATCH = 1000

# --- Proportions (state scale) ---------------------------------------------------------------
# Every county has these agencies (one each). Child welfare is county-run in Clark and Washoe
# and run by the state Division of Child and Family Services in the rural counties; each county
# has its own school district.
CORE_TYPES = (
    T.LAW_ENFORCEMENT,
    T.CHILD_WELFARE,
    T.PROBATION,
    T.JUVENILE_COURT,
    T.PROSECUTOR,
    T.PUBLIC_DEFENDER,
    T.EDUCATION,
)

# Further organizations across the state: (total, at least per county). They are spread over
# the counties by 2020 census population (nevada.py), so most sit in Clark County; every county
# has at least one community advocacy organization and one service provider. The totals are
# synthetic estimates of how many organizations a statewide response would involve over ten
# years (Clark County alone lists hundreds of youth and family service providers).
STATE_EXTRA_ORGS: dict[str, tuple[int, int]] = {
    T.LAW_ENFORCEMENT: (55, 0),  # city police, school and campus police, specialised units
    T.COMMUNITY_ADVOCACY: (70, 1),
    T.SYSTEM_ADVOCACY: (20, 0),  # advocates in prosecutors' and courts' witness-assistance units
    T.MEDICAL: (80, 0),
    T.MENTAL_HEALTH: (110, 0),
    T.SUBSTANCE_USE: (70, 0),
    T.EDUCATION: (30, 0),  # charter and alternative schools, colleges
    T.SERVICE_PROVIDER: (200, 1),  # shelters, housing, legal aid, workforce, drop-in centres
    T.CHILD_ADVOCACY_CENTER: (12, 0),
}
STATE_TRIBAL_ORGS = 26  # spread by TRIBAL_COUNTY_WEIGHTS, not by population

# Of a county's users of a type that has both a core agency and other organizations, the share
# that works at the core agency (the sheriff's office, the school district).
CORE_USER_SHARE: dict[str, float] = {T.LAW_ENFORCEMENT: 0.6, T.EDUCATION: 0.7}

# Email domains: public agencies on example.org, non-profits on example.net (both reserved).
NONPROFIT_TYPES = {
    T.COMMUNITY_ADVOCACY,
    T.SERVICE_PROVIDER,
    T.MENTAL_HEALTH,
    T.SUBSTANCE_USE,
    T.MEDICAL,
    T.CHILD_ADVOCACY_CENTER,
}

STATE_USERS = 10_000
# Share of all users by organization type. Child welfare carries most casework; synthetic
# estimates, not measured figures.
USER_SHARE_BY_TYPE: dict[str, float] = {
    T.CHILD_WELFARE: 0.26,
    T.LAW_ENFORCEMENT: 0.12,
    T.PROBATION: 0.08,
    T.JUVENILE_COURT: 0.04,
    T.PROSECUTOR: 0.04,
    T.PUBLIC_DEFENDER: 0.03,
    T.COMMUNITY_ADVOCACY: 0.08,
    T.SYSTEM_ADVOCACY: 0.03,
    T.MEDICAL: 0.05,
    T.MENTAL_HEALTH: 0.07,
    T.SUBSTANCE_USE: 0.03,
    T.EDUCATION: 0.05,
    T.SERVICE_PROVIDER: 0.08,
    T.CHILD_ADVOCACY_CENTER: 0.02,
    T.TRIBAL: 0.01,
    T.STATISTICAL_CENTER: 0.002,
    T.TASK_FORCE: 0.008,
}
STATE_MIN_USERS_PER_ORG = 2  # an administrator and someone who works cases
STATE_SYSTEM_ADMINS = 3  # at the statewide Coalition
INACTIVE_SHARE = 0.12  # accounts closed over ten years (people moved on)

# Within an organization: one supervisor per this many staff, one extra administrator per
# ADMIN_PER users, and the share of staff in roles other than caseworker, by type.
STAFF_PER_SUPERVISOR = 8
ADMIN_PER = 150
MENTOR_SHARE: dict[str, float] = {
    T.COMMUNITY_ADVOCACY: 0.6,
    T.SYSTEM_ADVOCACY: 0.4,
    T.CHILD_ADVOCACY_CENTER: 0.3,
    T.TRIBAL: 0.2,
    T.SERVICE_PROVIDER: 0.1,
}
# Coordinators work for task forces only (the grant rule, people/grants.py).
COORDINATOR_SHARE: dict[str, float] = {T.TASK_FORCE: 0.8}
# Who does the work in an organization of only one or two users.
MAIN_ROLE: dict[str, str] = {
    T.TASK_FORCE: Role.COORDINATOR,
    T.STATISTICAL_CENTER: Role.ANALYST,
    T.COMMUNITY_ADVOCACY: Role.MENTOR_ADVOCATE,
}
ANALYST_SHARE: dict[str, float] = {
    T.STATISTICAL_CENTER: 1.0,
    T.TASK_FORCE: 0.1,
    T.CHILD_WELFARE: 0.015,
    T.LAW_ENFORCEMENT: 0.01,
    T.PROSECUTOR: 0.01,
}

# --- Demo scale ------------------------------------------------------------------------------
# (key, type, place or None for statewide). Every organization type appears at least once. The
# places are Nevada's counties; another state's demo puts each in one of its own counties
# (states.py, `demo_orgs`).
DEMO_ORGS: tuple[tuple[str, str, str | None], ...] = (
    ("coalition", T.TASK_FORCE, None),
    ("tf-southern", T.TASK_FORCE, "clark"),
    ("tf-northern", T.TASK_FORCE, "washoe"),
    ("tf-rural", T.TASK_FORCE, "carson-city"),
    ("sac", T.STATISTICAL_CENTER, "clark"),
    ("clark-cw", T.CHILD_WELFARE, "clark"),
    ("clark-le", T.LAW_ENFORCEMENT, "clark"),
    ("clark-probation", T.PROBATION, "clark"),
    ("clark-court", T.JUVENILE_COURT, "clark"),
    ("clark-da", T.PROSECUTOR, "clark"),
    ("clark-pd", T.PUBLIC_DEFENDER, "clark"),
    ("clark-advocacy", T.COMMUNITY_ADVOCACY, "clark"),
    ("clark-provider", T.SERVICE_PROVIDER, "clark"),
    ("clark-medical", T.MEDICAL, "clark"),
    ("clark-mental-health", T.MENTAL_HEALTH, "clark"),
    ("clark-cac", T.CHILD_ADVOCACY_CENTER, "clark"),
    ("clark-education", T.EDUCATION, "clark"),
    ("washoe-cw", T.CHILD_WELFARE, "washoe"),
    ("washoe-le", T.LAW_ENFORCEMENT, "washoe"),
    ("washoe-advocacy", T.COMMUNITY_ADVOCACY, "washoe"),
    ("washoe-system-advocacy", T.SYSTEM_ADVOCACY, "washoe"),
    ("washoe-substance-use", T.SUBSTANCE_USE, "washoe"),
    ("elko-cw", T.CHILD_WELFARE, "elko"),
    ("elko-tribal", T.TRIBAL, "elko"),
)
DEMO_CORE_KEYS = {
    "clark-cw",
    "clark-le",
    "clark-probation",
    "clark-court",
    "clark-da",
    "clark-pd",
    "washoe-cw",
    "washoe-le",
    "elko-cw",
}
# One login per role, each where that role works.
DEMO_LOGIN_ORGS: dict[str, str] = {
    Role.CASEWORKER: "clark-cw",
    Role.SUPERVISOR: "clark-cw",
    Role.MENTOR_ADVOCATE: "clark-advocacy",
    Role.ORG_ADMIN: "clark-cw",
    Role.COORDINATOR: "tf-southern",
    Role.ANALYST: "sac",
    Role.SYSTEM_ADMIN: "coalition",
}
# Logins beside the one per role, so the demo shows who sees what: law enforcement, the
# prosecutor and probation (who never see advocate-privileged notes) and a community advocate.
# (name before the @, role, organization key, what the login is for)
DEMO_AGENCY_LOGINS: tuple[tuple[str, str, str, str], ...] = (
    ("law-enforcement", Role.CASEWORKER, "clark-le", "law enforcement"),
    ("prosecutor", Role.CASEWORKER, "clark-da", "prosecution"),
    ("probation", Role.CASEWORKER, "clark-probation", "probation"),
    ("advocate", Role.CASEWORKER, "clark-advocacy", "community advocate"),
)
DEMO_EMAIL_DOMAIN = "demo.example.org"
DEMO_OTHER_USERS = 28  # besides the demo logins


def demo_email(role: str) -> str:
    return f"{role}@{DEMO_EMAIL_DOMAIN}"


def demo_orgs(pack: str = PACK) -> tuple[tuple[str, str, str | None], ...]:
    """DEMO_ORGS with each place put in the pack's county (key, type, county slug or None)."""
    state = demo_state(pack)
    return tuple((key, t, state.county(place)) for key, t, place in DEMO_ORGS)


# --- Names -----------------------------------------------------------------------------------
PLACES = (
    "Sierra Valley",
    "Silver Sage",
    "Red Canyon",
    "Desert Bloom",
    "High Desert",
    "Juniper Ridge",
    "Bristlecone",
    "Sunrise Mesa",
    "Lakeview",
    "Pinyon",
    "Cottonwood",
    "Aspen Grove",
    "Willow Creek",
    "Bluebird",
    "Granite Peak",
    "Painted Hills",
    "Starlight",
    "Quail Run",
    "Sandstone",
    "Tumbleweed",
    "Lantern",
    "Harbor Light",
    "New Horizons",
    "Open Door",
    "Morning Star",
    "True North",
    "Sagebrush",
    "Crescent",
    "Meadowlark",
    "Twin Rivers",
    "Stone Arch",
    "Clear Sky",
    "Basin and Range",
    "Evergreen",
    "Mountain Mahogany",
    "Firelight",
)
NOUNS: dict[str, tuple[str, ...]] = {
    T.LAW_ENFORCEMENT: (
        "Police Department",
        "Youth Crimes Unit",
        "Campus Police",
        "School Police",
        "Vice and Exploitation Unit",
        "Marshal's Office",
    ),
    T.COMMUNITY_ADVOCACY: (
        "Youth Services",
        "Youth Advocacy Project",
        "Survivor Advocacy Network",
        "Youth Outreach",
        "Mentoring Alliance",
        "Street Outreach Collective",
    ),
    T.SYSTEM_ADVOCACY: (
        "Witness and Family Assistance Center",
        "Crime Survivor Services Unit",
        "Court Advocate Program",
        "Juvenile Justice Advocacy Office",
    ),
    T.MEDICAL: (
        "Community Health Center",
        "Pediatric Clinic",
        "Children's Hospital",
        "Family Medical Clinic",
        "Adolescent Health Clinic",
    ),
    T.MENTAL_HEALTH: (
        "Counseling Center",
        "Behavioral Health Services",
        "Trauma Recovery Clinic",
        "Family Therapy Center",
        "Youth Wellness Center",
    ),
    T.SUBSTANCE_USE: (
        "Recovery Center",
        "Adolescent Treatment Program",
        "Substance Use Services",
        "Youth Recovery House",
    ),
    T.EDUCATION: (
        "Academy",
        "Charter School",
        "Community College",
        "Alternative High School",
        "Learning Center",
    ),
    T.SERVICE_PROVIDER: (
        "Youth Shelter",
        "Family Resource Center",
        "Transitional Living Program",
        "Housing Collaborative",
        "Workforce Center",
        "Drop-In Center",
        "Legal Aid Clinic",
        "Food and Clothing Bank",
    ),
    T.CHILD_ADVOCACY_CENTER: (
        "Child Advocacy Center",
        "Children's Advocacy Center",
        "Child Safety Center",
    ),
    T.TRIBAL: (
        "Tribal Social Services",
        "Tribal Family Services",
        "Tribal Youth Program",
        "Indian Child Welfare Office",
    ),
}
FIRST_NAMES = (
    "Alex",
    "Avery",
    "Bailey",
    "Blake",
    "Cameron",
    "Casey",
    "Charlie",
    "Dakota",
    "Drew",
    "Eden",
    "Ellis",
    "Emerson",
    "Finley",
    "Harper",
    "Hayden",
    "Indigo",
    "Jamie",
    "Jordan",
    "Jules",
    "Kai",
    "Kendall",
    "Lane",
    "Logan",
    "Marlow",
    "Morgan",
    "Noel",
    "Oakley",
    "Parker",
    "Peyton",
    "Quinn",
    "Reese",
    "Remy",
    "Riley",
    "River",
    "Rowan",
    "Sage",
    "Sam",
    "Skyler",
    "Sloane",
    "Taylor",
    "Tatum",
    "Toby",
    "Wren",
    "Zion",
)
LAST_NAMES = (  # landscape words, so nobody mistakes a synthetic person for a real one
    "Alkali",
    "Arroyo",
    "Basalt",
    "Bitterbrush",
    "Butte",
    "Caliche",
    "Canyonlark",
    "Cholla",
    "Creosote",
    "Dunegrass",
    "Flintridge",
    "Greasewood",
    "Hoodoo",
    "Ironwood",
    "Jackrabbit",
    "Joshua",
    "Lavafield",
    "Mesquite",
    "Monolith",
    "Obsidian",
    "Playa",
    "Quartzite",
    "Rabbitbrush",
    "Rimrock",
    "Ryolite",
    "Saltgrass",
    "Sandwash",
    "Scree",
    "Shadscale",
    "Silverbell",
    "Slickrock",
    "Sotol",
    "Spirea",
    "Talus",
    "Tamarisk",
    "Tuff",
    "Wash",
    "Whiptail",
    "Yucca",
    "Zephyr",
)


@dataclass
class OrgPlan:
    type: str
    county: str | None
    name: str
    weight: float
    key: str = ""
    time_zone: str = DEFAULT_TIME_ZONE
    region: str | None = None  # for statewide or regional bodies without a county
    users: int = 0
    roles: list[str] = field(default_factory=list)


def core_name(org_type: str, county: str, state: DemoState = NEVADA) -> str:
    place = state.label(county)
    if org_type == T.CHILD_WELFARE:
        if county in state.child_welfare:
            return state.child_welfare[county]
        return f"{state.state_child_welfare}, {place} Office"
    names: dict[str, str] = {
        T.LAW_ENFORCEMENT: f"{place} Sheriff's Office",
        T.PROBATION: f"{place} Juvenile Probation Department",
        T.JUVENILE_COURT: f"{place} Juvenile Court",
        T.PROSECUTOR: f"{place} District Attorney's Office",
        T.PUBLIC_DEFENDER: f"{place} Public Defender",
        T.EDUCATION: f"{place} School District",
    }
    return names[org_type]


def extra_name(
    org_type: str, county: str, rng: random.Random, taken: set[str], state: DemoState = NEVADA
) -> tuple[str, str]:
    """A made-up organization name and the town it is in."""
    towns = state.towns[county]
    nouns = NOUNS[org_type]
    for _ in range(40):
        town = rng.choice(towns)
        if org_type == T.LAW_ENFORCEMENT and rng.random() < 0.5:
            prefix = town
        elif org_type == T.TRIBAL:
            prefix = rng.choice(PLACES)
        else:
            prefix = rng.choice((*PLACES, town))
        name = f"{prefix} {rng.choice(nouns)}"
        if name not in taken:
            return name, town
    number = 2
    while f"{name} {number}" in taken:
        number += 1
    return f"{name} {number}", town


def _synthetic(name: str) -> str:
    return f"{name} (synthetic)"


def _slugify(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower().replace("'", "")).strip("-")
    if len(base) > 56:  # room for "-NN"; cut at a word boundary
        base = base[:57].rsplit("-", 1)[0]
    slug, number = base, 2
    while slug in taken:
        slug = f"{base}-{number}"
        number += 1
    taken.add(slug)
    return slug


# --- Planning --------------------------------------------------------------------------------


def _plan_state_orgs(ctx: Context, rng: random.Random) -> list[OrgPlan]:
    taken: set[str] = set()
    plans: list[OrgPlan] = []

    def add(plan: OrgPlan) -> None:
        taken.add(plan.name)
        plans.append(plan)

    state = float(STATE_POPULATION_2020)
    add(
        OrgPlan(
            T.TASK_FORCE,
            None,
            "Silver State Coalition Against Youth Exploitation",
            state * 0.4,
            key="coalition",
        )
    )
    add(
        OrgPlan(
            T.STATISTICAL_CENTER,
            "clark",
            "Silver State University Center for Justice Statistics",
            1.0,
            key="sac",
        )
    )
    add(
        OrgPlan(
            T.CHILD_WELFARE,
            "carson-city",
            "State Child and Family Services, Central Office",
            state * 0.04,
        )
    )
    for region, label, counties in (
        ("southern", "Southern Nevada", ["clark"]),
        ("northern", "Northern Nevada", ["washoe"]),
        (
            "rural",
            "Rural Nevada",
            [c for c in COUNTY_POPULATION_2020 if c not in ("clark", "washoe")],
        ),
    ):
        region_population = sum(COUNTY_POPULATION_2020[c] for c in counties)
        add(
            OrgPlan(
                T.TASK_FORCE,
                counties[0] if len(counties) == 1 else None,
                f"{label} Regional Task Force on Youth Exploitation",
                float(region_population),
                key=f"tf-{region}",
                region=region,
            )
        )

    counties = list(COUNTY_POPULATION_2020)
    populations = [float(COUNTY_POPULATION_2020[c]) for c in counties]
    extras: dict[tuple[str, str], int] = {}
    for org_type, (total, minimum) in STATE_EXTRA_ORGS.items():
        shares = apportion(ctx.scaled(total), populations, minimum)
        for county, count in zip(counties, shares, strict=True):
            extras[(org_type, county)] = count
    tribal_counties = list(TRIBAL_COUNTY_WEIGHTS)
    tribal = apportion(
        ctx.scaled(STATE_TRIBAL_ORGS, minimum=1),
        [float(TRIBAL_COUNTY_WEIGHTS[c]) for c in tribal_counties],
    )
    for county, count in zip(tribal_counties, tribal, strict=True):
        extras[(T.TRIBAL, county)] = count

    for county, population in zip(counties, populations, strict=True):
        for org_type in CORE_TYPES:
            has_extras = extras.get((org_type, county), 0) > 0
            share = CORE_USER_SHARE.get(org_type, 0.5) if has_extras else 1.0
            key = "clark-cw" if (county, org_type) == ("clark", T.CHILD_WELFARE) else ""
            add(OrgPlan(org_type, county, core_name(org_type, county), population * share, key=key))
        for org_type in (*STATE_EXTRA_ORGS, T.TRIBAL):
            count = extras.get((org_type, county), 0)
            if not count:
                continue
            core_share = CORE_USER_SHARE.get(org_type, 0.5) if org_type in CORE_TYPES else 0.0
            # Tribal agencies serve their nations, not the county's population.
            served = float(TRIBAL_COUNTY_WEIGHTS[county]) if org_type == T.TRIBAL else population
            sizes = [rng.lognormvariate(0, 0.6) for _ in range(count)]
            for number, size in enumerate(sizes):
                name, town = extra_name(org_type, county, rng, taken)
                weight = served * (1 - core_share) * size / sum(sizes)
                first_advocacy = (county, org_type, number) == ("clark", T.COMMUNITY_ADVOCACY, 0)
                add(
                    OrgPlan(
                        org_type,
                        county,
                        name,
                        weight,
                        key="clark-advocacy" if first_advocacy else "",
                        time_zone=TOWN_TIME_ZONES.get(town, DEFAULT_TIME_ZONE),
                    )
                )
    return plans


def _plan_demo_orgs(rng: random.Random, state: DemoState = NEVADA) -> list[OrgPlan]:
    taken: set[str] = set()
    plans = []
    for key, org_type, place in DEMO_ORGS:
        county = state.county(place)
        if key == "coalition":
            name = state.coalition
        elif key == "sac":
            name = state.statistical_center
        elif key.startswith("tf-"):
            label = state.task_force_labels.get(place or "", f"Rural {state.name}")
            name = f"{label} Regional Task Force on Youth Exploitation"
        elif key in DEMO_CORE_KEYS and county:
            name = core_name(org_type, county, state)
        else:
            assert county is not None
            name, _town = extra_name(org_type, county, rng, taken, state)
        taken.add(name)
        region = {"tf-rural": state.rural_region}.get(key)
        plans.append(
            OrgPlan(
                org_type,
                None if region else county,
                name,
                1.0,
                key=key,
                time_zone=state.time_zone,
                region=region,
            )
        )
    return plans


def _roles_for(org_type: str, n: int, *, system_admins: int = 0) -> list[str]:
    """The roles of an organization's n users, most senior first."""
    if n <= 0:
        return []
    if n <= 2:  # a small team: someone doing the work, and an administrator
        return [MAIN_ROLE.get(org_type, Role.CASEWORKER.value), Role.ORG_ADMIN.value][:n]
    roles = [Role.ORG_ADMIN.value] * (1 + (n - 1) // ADMIN_PER)
    roles += [Role.SYSTEM_ADMIN.value] * system_admins
    rest = n - len(roles)
    if rest <= 0:
        return roles[:n]
    supervisors = 0 if org_type == T.STATISTICAL_CENTER else rest // STAFF_PER_SUPERVISOR
    if org_type != T.STATISTICAL_CENTER and rest >= 4:
        supervisors = max(1, supervisors)
    workers = rest - supervisors
    coordinators = round(workers * COORDINATOR_SHARE.get(org_type, 0.0))
    mentors = round(workers * MENTOR_SHARE.get(org_type, 0.0))
    analysts = round(workers * ANALYST_SHARE.get(org_type, 0.0))
    analysts = min(analysts, workers - coordinators - mentors)
    caseworkers = workers - coordinators - mentors - analysts
    roles += [Role.SUPERVISOR.value] * supervisors
    roles += [Role.COORDINATOR.value] * coordinators
    roles += [Role.MENTOR_ADVOCATE.value] * mentors
    roles += [Role.ANALYST.value] * analysts
    roles += [Role.CASEWORKER.value] * caseworkers
    return roles


def _allocate_users(plans: Sequence[OrgPlan], total: int, minimum: int) -> None:
    for org_type in OrgType.values:
        group = [p for p in plans if p.type == org_type]
        shares = apportion(
            round(total * USER_SHARE_BY_TYPE[org_type]), [p.weight for p in group], minimum
        )
        for plan, share in zip(group, shares, strict=True):
            plan.users = share


# --- Building --------------------------------------------------------------------------------


def _deterministic_salt(rng: random.Random) -> str:
    return "".join(rng.choice(RANDOM_STRING_CHARS) for _ in range(22))


def _check_empty(ctx: Context) -> None:
    if Organization.objects.exists():
        raise Conflict(
            "The database already has organizations; synthetic data is loaded only "
            "into an empty database."
        )
    emails = [demo_email(r) for r in Role.values]
    emails += [demo_email(name) for name, *_ in DEMO_AGENCY_LOGINS]
    if User.objects.filter(email__in=emails).exists():
        raise Conflict(f"Demo logins (…@{DEMO_EMAIL_DOMAIN}) already exist.")


def build(ctx: Context) -> list[tuple[str, str, str, str]]:
    """Make the organizations and people. Returns the demo logins as (email, role, org name,
    what the login shows: "" for the one login per role)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _check_empty(ctx)
    rng = ctx.rng("people")
    if ctx.scale != "demo" and ctx.pack != PACK:
        raise Conflict(f"State-scale data is Nevada's; the {ctx.pack} pack has a demo only.")
    state = demo_state(ctx.pack)
    plans = _plan_demo_orgs(rng, state) if ctx.scale == "demo" else _plan_state_orgs(ctx, rng)
    if ctx.scale == "demo":
        _allocate_users(plans, DEMO_OTHER_USERS, 1)
    else:
        _allocate_users(plans, ctx.scaled(STATE_USERS, minimum=100), STATE_MIN_USERS_PER_ORG)
    for plan in plans:
        admins = STATE_SYSTEM_ADMINS if plan.key == "coalition" and ctx.scale == "state" else 0
        plan.roles = _roles_for(plan.type, plan.users, system_admins=admins)

    counties = {c.slug: c for c in County.objects.filter(pack=ctx.pack).select_related("region")}
    regions = {r.slug: r for r in Region.objects.filter(pack=ctx.pack)}
    slugs: set[str] = set()
    orgs: list[Organization] = []
    joined: list[date] = []
    for plan in plans:
        county = counties[plan.county] if plan.county else None
        region = county.region if county else (regions[plan.region] if plan.region else None)
        start = PERIOD_START + timedelta(days=rng.randint(0, 3 * 365))
        joined.append(start)
        orgs.append(
            Organization(
                slug=_slugify(plan.name, slugs),
                name=_synthetic(plan.name),
                type=plan.type,
                county=county,
                region=region,
                time_zone=plan.time_zone,
                created_at=moment(start, rng),
            )
        )
    Organization.objects.bulk_create(orgs, batch_size=BATCH)
    ctx.say(f"people: {len(orgs)} organizations")

    # Argon2 is slow on purpose (tens of milliseconds per hash): hashing ten thousand passwords
    # would take minutes. Every synthetic account shares the demo password, so it is hashed once
    # and the same string is stored for all; the salt comes from the seed so rows repeat exactly.
    password = make_password(DEMO_PASSWORD, salt=_deterministic_salt(ctx.rng("people.salt")))
    key_rng = ctx.rng("people.mfa")
    users: list[User] = []
    memberships: list[tuple[User, Organization, str, bool]] = []
    by_key = {plan.key: org for plan, org in zip(plans, orgs, strict=True) if plan.key}
    logins: list[tuple[str, str, str, str]] = []
    for role in Role.values:
        org = by_key[DEMO_LOGIN_ORGS[role]]
        user = User(
            email=demo_email(role),
            full_name=f"Demo {Role(role).label}",
            password=password,
            date_joined=moment(PERIOD_START, rng),
        )
        users.append(user)
        memberships.append((user, org, role, True))
        logins.append((user.email, role, org.name, ""))
    login_rng = ctx.rng("people.logins")  # its own stream: the rows after it stay the same
    for name, role, key, what in DEMO_AGENCY_LOGINS if ctx.scale == "demo" else ():
        org = by_key[key]
        user = User(
            email=demo_email(name),
            full_name=f"Demo {what.capitalize()}",
            password=password,
            date_joined=moment(PERIOD_START, login_rng),
        )
        users.append(user)
        memberships.append((user, org, role, True))
        logins.append((user.email, role, org.name, what))
    number = 0
    for plan, org, start in zip(plans, orgs, joined, strict=True):
        domain = "example.net" if plan.type in NONPROFIT_TYPES else "example.org"
        for role in plan.roles:
            number += 1
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            active = role == Role.ORG_ADMIN or rng.random() >= INACTIVE_SHARE
            user = User(
                email=f"{first}.{last}.{number}@{org.slug}.{domain}".lower(),
                full_name=f"{first} {last}",
                password=password,
                is_active=active,
                date_joined=moment(day_in_period(rng, not_before=start), rng),
            )
            users.append(user)
            memberships.append((user, org, role, active))
    User.objects.bulk_create(users, batch_size=BATCH)
    ctx.say(f"people: {len(users)} users")
    Membership.objects.bulk_create(
        (
            Membership(user=u, organization=o, role=r, is_active=a, since=_local_day(u.date_joined))
            for u, o, r, a in memberships
        ),
        batch_size=BATCH,
    )
    devices = [
        TOTPDevice(
            user=u, name=MFA_DEVICE_NAME, confirmed=True, key=f"{key_rng.getrandbits(160):040x}"
        )
        for u, _o, r, _a in memberships
        if rules_for(r).sees_youth_data
    ]
    TOTPDevice.objects.bulk_create(devices, batch_size=BATCH)
    if devices:
        # created_at is auto_now_add; give each device its user's joining time instead of now.
        ids = [d.pk for d in devices]
        TOTPDevice.objects.filter(pk__gte=min(ids), pk__lte=max(ids), name=MFA_DEVICE_NAME).update(
            created_at=Subquery(
                User.objects.filter(pk=OuterRef("user_id")).values("date_joined")[:1]
            )
        )
    ctx.say(f"people: {len(devices)} authenticator devices")

    ctx.counts["organizations"] = len(orgs)
    ctx.counts["users"] = len(users)
    ctx.counts["active_users"] = sum(1 for m in memberships if m[3])
    ctx.counts["memberships"] = len(memberships)
    ctx.counts["totp_devices"] = len(devices)
    for role in Role.values:
        ctx.counts[f"users.{role}"] = sum(1 for m in memberships if m[2] == role)
    return logins


def _local_day(moment_utc: datetime) -> date:
    return (moment_utc - timedelta(hours=8)).date()
