"""Importing member lists and meeting sign-in sheets (CSV or XLSX, read by harborline.tabular)
and exporting members, representation and attendance.

Imports are all or nothing: every row is checked and written inside one transaction; if any row
has a problem, the whole transaction is rolled back and the problems come back row by row
(row number as the spreadsheet shows it, column, message). A preview is the same run, always
rolled back, so it shows exactly what an import would create."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction

from harborline.errors import DomainError, InvalidInput
from harborline.people.models import User
from harborline.tabular import Column, RowError, read_table, write_table

from . import services
from .categories import categories_for, check_category
from .models import AttendanceStatus, Meeting, Member, TaskForce
from .selectors import attendance_by_meeting, member_rows, representation


class ImportRejected(InvalidInput):
    """The file had problems; nothing was written. `problems` lists them row by row."""

    def __init__(self, problems: list[RowError]) -> None:
        super().__init__(
            f"The file has {len(problems)} problem(s); nothing was imported.",
            errors=[],
        )
        self.problems = problems


@dataclass
class Plan:
    """What an import creates (or would create)."""

    created: list[str] = field(default_factory=list)
    problems: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class _DryRun(Exception):
    pass


TRUE = {"yes", "y", "true", "1", "x"}
FALSE = {"no", "n", "false", "0", ""}


def parse_bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ValueError(f"'{raw}' is not yes or no.")


def parse_date(raw: str) -> date:
    text = raw.strip()[:10]
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    for fmt in ("%m/%d/%Y", "%m/%d/%y"):
        try:
            from datetime import datetime

            return datetime.strptime(raw.strip(), fmt).date()  # noqa: DTZ007 - a date only
        except ValueError:
            continue
    raise ValueError(f"'{raw}' is not a date; write it as 2026-03-31 or 03/31/2026.")


def parse_status(raw: str) -> str:
    value = raw.strip().lower()
    if value in AttendanceStatus.values:
        return value
    raise ValueError(f"'{raw}' is not one of: {', '.join(AttendanceStatus.values)}.")


def member_columns(taskforce: TaskForce) -> list[Column]:
    pack = taskforce.pack

    def category(raw: str) -> str:
        try:
            return check_category(pack, raw)
        except InvalidInput as problem:
            raise ValueError(problem.errors[0].message) from None

    ids = ", ".join(c.id for c in categories_for(pack).top)
    return [
        Column("organization", False, help="An organization's short name (slug) in Harborline."),
        Column("name", False, help="A person's name, for a member who is a person."),
        Column("email", False, help="The person's email; a Harborline account is matched by it."),
        Column("category", True, category, help=f"One of: {ids}; or 'other: <name>'."),
        Column("since", False, parse_date, help="Member since (2026-03-31); today if empty."),
        Column("until", False, parse_date, help="Member until, if the membership has ended."),
        Column("protected", False, parse_bool, help="yes for survivors and parents of survivors."),
    ]


SIGN_IN_COLUMNS = [
    Column("name", False, help="The member's name as on the member list."),
    Column("email", False, help="Or their email."),
    Column("organization", False, help="Or the member organization's short name (slug)."),
    Column("status", False, parse_status, help="present, absent or excused; present if empty."),
]


def _run(plan: Plan, dry_run: bool, body: Any) -> Plan:
    try:
        with transaction.atomic():
            body()
            if plan.problems:
                raise ImportRejected(plan.problems)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    except ImportRejected:
        if not dry_run:
            raise
    return plan


def _member_from_row(
    actor: User, taskforce: TaskForce, values: dict[str, Any], row: int, plan: Plan
) -> None:
    slug = (values.get("organization") or "").strip()
    name = (values.get("name") or "").strip()
    email = (values.get("email") or "").strip().lower()
    if not (slug or name or email):
        plan.problems.append(
            RowError(row, "name", "Give an organization, or a person's name or email.")
        )
        return
    try:
        with transaction.atomic():
            # The short name and the email as written: the service resolves them, as it does
            # for the page and the API (an email that is an active account's links it).
            member = services.add_member(
                actor=actor,
                taskforce=taskforce,
                category=values["category"],
                organization=slug or None,
                person_name="" if slug else name,
                person_email="" if slug else email,
                since=values.get("since"),
                until=values.get("until"),
                protected=bool(values.get("protected")),
            )
    except DomainError as problem:
        for e in problem.errors or []:
            column = {"person_name": "name", "person_email": "email", "user": "email"}.get(
                e.field, e.field
            )
            plan.problems.append(RowError(row, column, e.message))
        if not problem.errors:
            plan.problems.append(RowError(row, "", problem.detail))
        return
    label = "a protected member (survivor)" if member.protected else member.real_name
    plan.created.append(
        f"Row {row}: {label} — {categories_for(taskforce.pack).label(member.category)}"
    )


def import_members(
    *, actor: User, taskforce: TaskForce, upload: bytes, filename: str, dry_run: bool = False
) -> Plan:
    """Add every row of a member list, or nothing. Raises ImportRejected (unless dry_run, which
    returns the plan with its problems) and InvalidInput for an unusable file."""
    services.require(actor, services.Do.MANAGE, taskforce)
    table = read_table(upload, filename, member_columns(taskforce))
    plan = Plan(problems=list(table.errors), ignored_columns=table.ignored_columns)

    def body() -> None:
        for values, row in zip(table.rows, table.row_numbers, strict=True):
            _member_from_row(actor, taskforce, values, row, plan)

    plan.problems.sort(key=lambda p: (p.row, p.column))
    result = _run(plan, dry_run, body)
    result.problems.sort(key=lambda p: (p.row, p.column))
    return result


def _match(members: list[Member], values: dict[str, Any]) -> Member | None:
    email = (values.get("email") or "").strip().lower()
    slug = (values.get("organization") or "").strip()
    name = (values.get("name") or "").strip().casefold()
    for m in members:
        if email and m.real_email.lower() == email:
            return m
        if slug and m.organization_id and m.organization.slug == slug:  # type: ignore[union-attr]  # organization_id is checked just before
            return m
        if name and m.real_name.casefold() == name:
            return m
    return None


def import_sign_in(
    *, actor: User, meeting: Meeting, upload: bytes, filename: str, dry_run: bool = False
) -> Plan:
    """Record attendance from a sign-in sheet: every row must match a member of the task force
    (by email, organization or name)."""
    taskforce = meeting.taskforce
    services.require(actor, services.Do.MANAGE, taskforce)
    table = read_table(upload, filename, SIGN_IN_COLUMNS)
    plan = Plan(problems=list(table.errors), ignored_columns=table.ignored_columns)
    members = list(taskforce.members.select_related("organization", "user"))
    statuses: dict[int, str] = {}
    for values, row in zip(table.rows, table.row_numbers, strict=True):
        if not any(values.get(k) for k in ("name", "email", "organization")):
            plan.problems.append(RowError(row, "name", "Give a name, email or organization."))
            continue
        member = _match(members, values)
        if member is None:
            plan.problems.append(
                RowError(row, "name", "No member of this task force matches this row.")
            )
            continue
        if member.pk in statuses:
            plan.problems.append(RowError(row, "name", "This member is on the sheet twice."))
            continue
        statuses[member.pk] = values.get("status") or AttendanceStatus.PRESENT
        label = "a protected member (survivor)" if member.protected else member.real_name
        plan.created.append(f"Row {row}: {label} — {statuses[member.pk]}")

    def body() -> None:
        if statuses and not plan.problems:
            services.record_attendance(actor=actor, meeting=meeting, statuses=statuses)

    plan.problems.sort(key=lambda p: (p.row, p.column))
    return _run(plan, dry_run, body)


# --- Exports ---------------------------------------------------------------------------------

MEMBER_EXPORT = ["name", "email", "organization", "category", "category_label", "since", "until"]
REPRESENTATION_EXPORT = ["category", "label", "members", "represented"]
ATTENDANCE_EXPORT = ["meeting", "starts_at_utc", "member", "category", "status"]


def export_members(*, actor: User, taskforce: TaskForce, fmt: str) -> tuple[bytes, str]:
    """The member list; a protected member's name and email are never in it."""
    services.require(actor, services.Do.READ, taskforce)
    rows = [
        {
            "name": r.name,
            "email": r.email,
            "organization": r.organization,
            "category": r.category,
            "category_label": r.category_label,
            "since": r.since,
            "until": r.until,
        }
        for r in member_rows(actor, taskforce, for_export=True)
    ]
    content = write_table(rows, MEMBER_EXPORT, fmt)
    services.exported(actor=actor, taskforce=taskforce, what="members", fmt=fmt)
    return content


def export_representation(*, actor: User, taskforce: TaskForce, fmt: str) -> tuple[bytes, str]:
    services.require(actor, services.Do.READ, taskforce)
    rep = representation(taskforce)
    rows: list[dict[str, Any]] = [
        {
            "category": r.category,
            "label": r.label,
            "members": r.members,
            "represented": r.represented,
        }
        for r in rep.rows
    ]
    rows += [
        {"category": "other", "label": label, "members": n, "represented": True}
        for label, n in rep.other
    ]
    content = write_table(rows, REPRESENTATION_EXPORT, fmt)
    services.exported(actor=actor, taskforce=taskforce, what="representation", fmt=fmt)
    return content


def export_attendance(*, actor: User, taskforce: TaskForce, fmt: str) -> tuple[bytes, str]:
    services.require(actor, services.Do.READ, taskforce)
    names = {r.id: r for r in member_rows(actor, taskforce, for_export=True)}
    rows = []
    meetings = list(taskforce.meetings.order_by("starts_at"))
    for summary in attendance_by_meeting(meetings):
        meeting = summary.meeting
        for a in meeting.attendance.all().order_by("member_id"):
            r = names[a.member_id]
            rows.append(
                {
                    "meeting": meeting.title,
                    "starts_at_utc": meeting.starts_at.isoformat(),
                    "member": r.name,
                    "category": r.category_label,
                    "status": a.status,
                }
            )
    content = write_table(rows, ATTENDANCE_EXPORT, fmt)
    services.exported(actor=actor, taskforce=taskforce, what="attendance", fmt=fmt)
    return content
