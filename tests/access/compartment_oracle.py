"""The compartment table of issue 12: where a placement address (compartment `placement_address`)
and a safety plan's contents (compartment `safety`) may appear, for every viewer × every surface
that shows a case.

Declared from the design's words (design §4; issue 12 items 1, 6 and 7; decision 0040 on the
youth-safe copy), NOT from Harborline's code: this module imports nothing from Harborline, so a
change to the implementation cannot silently change what the test expects.
`test_compartment_surfaces.py` seeds distinctive markers, reads every surface as every viewer
through HTTP, and checks that each marker appears exactly where `expected()` says — in the
body of every answer, whatever its status, PDF text included — and nowhere else.

A surface is ("api", ninja path) for GET /api/v1<path>, or ("page", Django route) for GET /<route>,
each with a query string. The test enumerates the API router and the URL resolver: a route that
is in neither CASE_* nor NO_CASE_* below fails the test until it is declared here."""

from __future__ import annotations

from dataclasses import dataclass

# --- the markers ----------------------------------------------------------------------------

ADDRESS = "ZZ-ADDR-7731 Quail Run, Sparks, NV (not real)"
# The safety plan's notes name the exploiter; so does the 9-A (trafficker's name); and the plan
# lists the exploiter among its contacts (the youth-safe copy must drop that entry).
EXPLOITER = "ZZ-SAFETY-EXPLOITER-NAME"
# A contact the youth chose: on the plan and on the youth-safe copy (page and PDF).
CONTACT = "ZZ-SAFETY-CONTACT-AUNTIE"

# What the test searches for: every part that would betray the marker (a PDF or a page may
# wrap a line at a space, so the address is searched by its parts).
FRAGMENTS: dict[str, tuple[str, ...]] = {
    "address": ("ZZ-ADDR-7731", "Quail Run"),
    "exploiter": (EXPLOITER,),
    "contact": (CONTACT,),
}
MARKER_COMPARTMENT = {
    "address": "placement_address",
    "exploiter": "safety",
    "contact": "safety",
}

# --- the viewers ------------------------------------------------------------------------------

ALL = (
    "identity",
    "contact",
    "placement_address",
    "screening",
    "safety",
    "medical",
    "mental_health",
    "substance_use",
    "education",
    "legal",
    "advocate_privileged",
)


@dataclass(frozen=True)
class Viewer:
    id: str
    relation: str  # owner | shared | break_glass | none
    shared: tuple[str, ...] = ()  # the share's compartments (relation "shared")

    @property
    def sees(self) -> frozenset[str]:
        """'The owning organization sees every compartment'; a share, exactly its compartments;
        break-glass, 'all but advocate-privileged'; anyone else, nothing (design §4)."""
        if self.relation == "owner":
            return frozenset(ALL)
        if self.relation == "break_glass":
            return frozenset(ALL) - {"advocate_privileged"}
        return frozenset(self.shared)


def _all_but(*names: str) -> tuple[str, ...]:
    return tuple(n for n in ALL if n not in names and n != "advocate_privileged")


VIEWERS: tuple[Viewer, ...] = (
    Viewer("owner", "owner"),
    Viewer("shared-with-both", "shared", _all_but()),
    Viewer("shared-without-address", "shared", _all_but("placement_address")),
    Viewer("shared-without-safety", "shared", _all_but("safety")),
    Viewer("shared-address-only", "shared", ("placement_address",)),
    Viewer("shared-safety-only", "shared", ("safety",)),
    Viewer("shared-without-either", "shared", ("identity", "screening")),
    Viewer("break-glass", "break_glass"),
    Viewer("none", "none"),
)

# --- the surfaces -------------------------------------------------------------------------------

Surface = tuple[str, str, str]  # (kind, route, query)

# Every API GET under /cases/{case_id}… and every GET of a record of a case.
CASE_API: tuple[str, ...] = (
    "/cases/{case_id}",
    "/cases/{case_id}/missing-episodes",
    "/cases/{case_id}/obligations",
    "/cases/{case_id}/placements",
    "/cases/{case_id}/runaway-prevention",
    "/cases/{case_id}/timeline",
    "/cases/{case_id}/events",
    "/cases/{case_id}/needs-assessments",
    "/cases/{case_id}/referrals",
    "/cases/{case_id}/service-matches",
    "/cases/{case_id}/code-book",
    "/submissions",
    "/submissions/{submission_id}",
    "/submissions/{submission_id}/file",
    "/linkage/confirmation-requests/{request_id}",  # the agency's own youth it is asked about
    "/missing-episodes/{episode_id}",
    "/needs-assessments/{assessment_id}",
    "/referrals/{referral_id}",
    "/safety-plans/{safety_plan_id}",
    "/service-plans/{plan_id}",
)
# API GETs that show no case.
NO_CASE_API: tuple[str, ...] = (
    "/me",
    "/protocols",
    "/protocols/{pack}/instruments/{instrument}",
    "/protocols/{pack}/instruments/{instrument}/schema",
    "/protocols/{pack}/agency-policy",  # an organization's clocks and triggers, never a youth
    "/taskforces/{taskforce_id}",
    "/taskforces/{taskforce_id}/meetings",
    "/taskforces/{taskforce_id}/members",
    "/taskforces/{taskforce_id}/training-compliance",
    "/training-courses",
    # the service directory (HSDS): providers and services, never a youth
    "/",
    "/organizations",
    "/organizations/{organization_id}",
    "/services",
    "/services/{service_id}",
    "/service_at_locations",
    "/service_at_locations/{sal_id}",
    "/taxonomies",
    "/taxonomies/{taxonomy_id}",
    "/taxonomy_terms",
    "/taxonomy_terms/{term_id}",
    "/directory/gaps",
    "/reports/tables/{table}",
    "/reports/statistical-center",  # controlled aggregates of the center's submissions
    "/linkage/pairs",  # field agreement patterns of encoded records: never a name
    "/linkage/pairs/{pair_id}",
    "/linkage/confirmation-requests",  # the center's questions, without the record
)
# Every page that shows a case, its records, a list or search of cases, or the audit of them.
# Pages that only take a POST are read with GET too: their answer (405, a form, an error) must
# not leak either.
CASE_PAGES: tuple[str, ...] = (
    "",  # home: the person's cases and work
    "cases/",
    "cases/new",
    "cases/break-glass",
    "cases/break-glass/reviews",
    "cases/break-glass/reviews/<int:glass_id>",
    "cases/<int:case_id>/",
    "cases/<int:case_id>/identity",
    "cases/<int:case_id>/placement",
    "cases/<int:case_id>/notes",
    "cases/<int:case_id>/references",
    "cases/<int:case_id>/team",
    "cases/<int:case_id>/status",
    "cases/<int:case_id>/team/<int:member_id>/remove",
    "cases/<int:case_id>/obligations/<int:obligation_id>/complete",
    "cases/<int:case_id>/obligations/<int:obligation_id>/waive",
    "cases/<int:case_id>/obligations/<int:obligation_id>/assign",
    "cases/<int:case_id>/screen",
    "cases/<int:case_id>/warning-sign",
    "cases/<int:case_id>/screenings/<int:screening_id>",
    "cases/<int:case_id>/meetings/new",
    "cases/<int:case_id>/sharing",
    "cases/<int:case_id>/sharing/new/",
    "cases/<int:case_id>/sharing/new/<slug:step>",
    "cases/<int:case_id>/sharing/shares/<int:share_id>/end",
    "cases/<int:case_id>/sharing/consents",
    "cases/<int:case_id>/sharing/consents/<int:consent_id>/revoke",
    "cases/<int:case_id>/sharing/consents/<int:consent_id>/form",  # the consent form (0064)
    "cases/<int:case_id>/sharing/consents/<int:consent_id>/form.pdf",
    "cases/<int:case_id>/sharing/consent-form",
    "cases/<int:case_id>/sharing/consent-form.pdf",
    "obligations/",
    "org/audit",
    "audit/youth/<int:youth_id>",
    "cases/<int:case_id>/plans/",
    "cases/<int:case_id>/plans/outcome",
    "cases/<int:case_id>/plans/<slug:what>/new",
    "cases/<int:case_id>/plans/<int:plan_id>/tasks/<int:task_id>/done",
    "cases/<int:case_id>/plans/<int:plan_id>/outcomes/<int:outcome_id>/status",
    "cases/<int:case_id>/plans/<int:plan_id>/sign",
    "cases/<int:case_id>/plans/<int:plan_id>/review",
    "safety-plans/<int:plan_id>/youth-copy",
    "safety-plans/<int:plan_id>/youth-copy.pdf",
    "cases/<int:case_id>/missing/",
    "cases/<int:case_id>/missing/new",
    "missing/<int:episode_id>/",
    "missing/<int:episode_id>/report",
    "missing/<int:episode_id>/effort",
    "missing/<int:episode_id>/return",
    "missing/<int:episode_id>/debrief",
    "cases/<int:case_id>/runaway-prevention/",
    "cases/<int:case_id>/placements/",
    "cases/<int:case_id>/placements/new",
    "placements/<int:placement_id>/end",
    "cases/<int:case_id>/timeline/",
    "cases/<int:case_id>/events/",
    "cases/<int:case_id>/events/new",
    "cases/<int:case_id>/needs/",
    "cases/<int:case_id>/needs/new",
    "needs-assessments/<int:assessment_id>/",
    "cases/<int:case_id>/referrals/",
    "cases/<int:case_id>/referrals/to/<int:service_id>",
    "referrals/",
    "referrals/<int:referral_id>/",
    "referrals/<int:referral_id>/handout",  # the referral handout: nothing of the youth
    "referrals/<int:referral_id>/handout.pdf",
    "referrals/<int:referral_id>/<str:action>",
    "cases/<int:case_id>/code-book/",
    "reports/code-book.csv",
    "reports/submissions/",
    "reports/submissions/<int:submission_id>/",
    "reports/submissions/<int:submission_id>/file",
    "reports/submissions/<int:submission_id>/decide",
    "reports/linkage/questions/<int:request_id>/",  # the agency's own youth it is asked about
)
# Route prefixes of pages that show no case (sign-in, people, protocols, task forces, training,
# agreements, mentoring, the service directory, help, the dashboards); `api/v1/` is the API,
# enumerated from its router.
NO_CASE_PAGE_PREFIXES: tuple[str, ...] = (
    "healthz",
    "api/v1/",
    "login",
    "logout",
    "password/",
    "mfa/",
    "session/",
    "keepalive",
    "org/users",
    "org/policy",  # the organization's own clocks and triggers (issue 15)
    "organizations/",  # registering agencies (system administrators)
    "protocols/",
    "taskforces/",
    "training/",
    "agreements/",
    "mentoring/",
    "directory/",
    "help/",
    "reports/dashboards/",  # counts after disclosure control, never a case
    "reports/statistical-center/",  # the same, from the center's submissions
    # The center's linkage and review queue (patterns, never a name) and an agency's list of
    # its questions; the page of one question shows the agency's own youth (CASE_PAGES).
    "reports/linkage/",
)
# The query strings each surface is read with besides none: the search of the case list, the
# youth copy in both languages, the timeline filtered by each kind that holds a marker's record.
QUERIES: dict[str, tuple[str, ...]] = {
    "cases/": ("", "q=Reyes", "q=Quail"),  # the search box echoes the words typed
    "safety-plans/<int:plan_id>/youth-copy": ("lang=en", "lang=es"),
    "safety-plans/<int:plan_id>/youth-copy.pdf": ("lang=en", "lang=es"),
    "cases/<int:case_id>/sharing/consents/<int:consent_id>/form": ("lang=en", "lang=es"),
    "cases/<int:case_id>/sharing/consents/<int:consent_id>/form.pdf": ("lang=en", "lang=es"),
    "cases/<int:case_id>/sharing/consent-form": ("lang=en", "lang=es"),
    "cases/<int:case_id>/sharing/consent-form.pdf": ("lang=en", "lang=es"),
    "referrals/<int:referral_id>/handout": ("lang=en", "lang=es"),
    "referrals/<int:referral_id>/handout.pdf": ("lang=en", "lang=es"),
    "cases/<int:case_id>/timeline/": ("", "kind=placement", "kind=safety_plan"),
    "/cases/{case_id}/timeline": ("", "kind=placement", "kind=safety_plan"),
    "/cases/{case_id}/service-matches": ("need=housing",),
}

# --- where each marker shows --------------------------------------------------------------

# marker -> {surface: the compartments the viewer must see for the marker to show there}.
# Everywhere else — every other surface, every other viewer — the marker must not appear.
SHOWS: dict[str, dict[Surface, frozenset[str]]] = {
    # The case shows the address to whoever sees `placement_address` (issue 12 item 6); the
    # placement history is a safety record and shows it only with the address compartment too.
    # Never a list, search, timeline (kind only), audit page, PDF or error.
    "address": {
        ("api", "/cases/{case_id}", ""): frozenset({"placement_address"}),
        ("page", "cases/<int:case_id>/", ""): frozenset({"placement_address"}),
        ("api", "/cases/{case_id}/placements", ""): frozenset({"placement_address", "safety"}),
        ("page", "cases/<int:case_id>/placements/", ""): frozenset({"placement_address", "safety"}),
    },
    # The plan's contents are read whole only through the plan itself (its answers); pages,
    # the timeline and the audit name that a plan exists, never what it says; the youth-safe
    # copy never carries the exploiter's name (decision 0040).
    "exploiter": {
        ("api", "/safety-plans/{safety_plan_id}", ""): frozenset({"safety"}),
    },
    # A contact the youth chose is on the plan and on the youth-safe copy, page and PDF.
    "contact": {
        ("api", "/safety-plans/{safety_plan_id}", ""): frozenset({"safety"}),
        ("page", "safety-plans/<int:plan_id>/youth-copy", "lang=en"): frozenset({"safety"}),
        ("page", "safety-plans/<int:plan_id>/youth-copy", "lang=es"): frozenset({"safety"}),
        ("page", "safety-plans/<int:plan_id>/youth-copy.pdf", "lang=en"): frozenset({"safety"}),
        ("page", "safety-plans/<int:plan_id>/youth-copy.pdf", "lang=es"): frozenset({"safety"}),
    },
}

# Cells where the implementation is known to disagree, with the reason: (viewer, marker,
# surface) -> reason. Empty means the implementation matches every cell.
KNOWN_DEVIATIONS: dict[tuple[str, str, Surface], str] = {}


def surfaces() -> list[Surface]:
    found: list[Surface] = []
    for route in CASE_API:
        found += [("api", route, q) for q in QUERIES.get(route, ("",))]
    for route in CASE_PAGES:
        found += [("page", route, q) for q in QUERIES.get(route, ("",))]
    return found


def expected(viewer: Viewer) -> dict[str, set[Surface]]:
    """marker -> the surfaces where `viewer` sees it."""
    return {
        marker: {s for s, needs in shows.items() if needs <= viewer.sees}
        for marker, shows in SHOWS.items()
    }
