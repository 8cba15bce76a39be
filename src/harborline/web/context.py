from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

from harborline.access.models import BREAK_GLASS_HOURS
from harborline.access.policy import REVIEWERS, works_cases
from harborline.mentoring.permissions import Do as MentoringDo
from harborline.mentoring.permissions import scope_for
from harborline.people.roles import AGGREGATE_READERS, Role
from harborline.reports import linking, submissions
from harborline.sharing.selectors import break_glass_waiting

from .templatetags.hl_urls import hl_url

CASE_ROLES = frozenset(
    {Role.CASEWORKER, Role.SUPERVISOR, Role.MENTOR_ADVOCATE, Role.ORG_ADMIN, Role.COORDINATOR}
)


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    current: bool
    count: int = 0  # work waiting behind the link (shown as a badge when not 0)


def _nav(
    request: HttpRequest, role: str, rules: object, waiting: int = 0
) -> tuple[list[NavItem], list[NavItem]]:
    """The main navigation (first list) and the task-force menu (second), for this role: only
    links the role can open (tests/web/test_menus_open.py walks them for every role)."""
    match = getattr(request, "resolver_match", None)
    here = match.url_name if match else ""

    def item(label: str, name: str, *prefixes: str, count: int = 0) -> NavItem:
        current = here == name or any(here.startswith(p) for p in prefixes)
        return NavItem(label, hl_url(f"web:{name}"), current, count)  # reversed once per process

    main = [item("Home", "home")]
    if role in CASE_ROLES:
        main += [
            item("Cases", "case_list", "case_", "share_", "consent_"),
            item("Obligations", "obligations", "obligation_"),
        ]
    if role:
        main.append(item("Referrals", "referrals", "referral", "case_referrals", "refer"))
    main.append(item("Service directory", "directory", "directory_", "provider_", "assessment_"))
    if role in AGGREGATE_READERS:
        main.append(item("Dashboards", "dashboards", "dashboard_"))
    user = getattr(request, "user", None)
    if user is not None and submissions.works_submissions(user):
        main.append(item("Submissions", "submissions", "submission"))
    if user is not None and submissions.at_statistical_center(user):
        main.append(item("Statewide report", "center_report"))
        main.append(item("Same-youth linkage", "linkage", "linkage_pair"))
    questions = linking.questions_waiting(user) if user is not None else None
    if questions is not None:
        main.append(
            item(
                "Questions from the statistical center",
                "linkage_requests",
                "linkage_request",
                count=questions,
            )
        )
    if role in (Role.SUPERVISOR, Role.ORG_ADMIN):
        main.append(
            item(
                "Break-glass reviews",
                "break_glass_reviews",
                "break_glass_review",
                count=waiting,
            )
        )
    if getattr(rules, "manages_org_users", False):
        main.append(item("Users", "org_users", "user_"))
    if getattr(rules, "reads_org_audit", False):
        main.append(item("Audit log", "org_audit"))
    main += [
        item("Protocols", "protocols", "protocol_"),
        item("Sign-in security", "recovery_codes"),
    ]
    taskforce = [
        item("Task forces", "taskforce_list", "taskforce_"),
        item("Training", "training", "training_"),
        item("Agreements", "agreements", "agreement_", "dsa_"),
    ]
    if user is not None and scope_for(user, MentoringDo.READ) is not None:
        taskforce.append(
            item("Mentor-advocates", "mentoring", "mentoring_", "on_call", "shift_", "supervision_")
        )
    return main, taskforce


def harborline(request: HttpRequest) -> dict[str, object]:
    """What every page needs: demo mode, who is signed in for which organization, what their
    role may reach (for the navigation) and the idle timeout."""
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    membership = getattr(user, "membership_or_none", None) if signed_in else None
    rules = getattr(user, "rules", None) if membership else None
    # Pages beyond sign-in and MFA only once the second factor is passed (if the role needs it).
    verified = signed_in and (not user.needs_mfa or user.is_verified())  # type: ignore[union-attr]  # signed in: a User
    role = membership.role if membership else ""
    waiting = break_glass_waiting(user) if verified and role in REVIEWERS else 0  # type: ignore[arg-type]  # signed in: a User
    nav, taskforce_nav = _nav(request, role, rules, waiting) if verified else ([], [])
    return {
        "nav": nav,
        "taskforce_nav": taskforce_nav,
        "taskforce_nav_current": any(i.current for i in taskforce_nav),
        "demo_mode": settings.DEMO_MODE,
        "membership": membership,
        "role_rules": rules,
        "nav_ready": verified,
        "is_system_admin": bool(membership and membership.role == Role.SYSTEM_ADMIN),
        "idle_timeout_seconds": settings.IDLE_TIMEOUT_SECONDS,
        "offers_emergency_access": bool(verified and works_cases(user)),  # type: ignore[arg-type]  # signed in: a User
        "break_glass_hours": BREAK_GLASS_HOURS,
        "break_glass_waiting": waiting,
    }
