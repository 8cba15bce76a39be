"""Annual reports built from the task force's data: the Nevada regional task force's report to
the Coalition (the Coalition's own annual report is due October 1, seed 001 L143; a task force
reports every year on progress, service needs and gaps, L1696-1706), the Washington task
force's annual report to the Statewide Coordinating Committee (seed 002 L477-481), and, for a
task force of any other pack (whose documents name no body it reports to), the task force's own
calendar-year report titled with its pack's name (decision 0031).

`annual_report()` is the one data function; the page (template + `attendance_svg`) and the PDF
(`report_pdf`, fpdf2) both render what it returns, including the narrative sections the
coordinator and the chair write (models.NARRATIVE_SECTIONS, decision 0031), and the figures from
the cases (issue 16, item 6): screenings by region and result, the code book's outcomes,
obligations met on time and runaway recurrence, the very tables of the outcome dashboards
(`reports.tables.build`) for the report's period (Nevada's: the state fiscal year) and the task
force's region, after the same disclosure control (decision 0060).

The report and the task-force dashboard's `training_compliance` and `agreements_summary` compose
`taskforce` with `training` and `agreements`, which build on task forces: so they live here,
above all three, and `taskforce` imports neither (docs/decisions/0036)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone

from harborline.agreements.selectors import summary_for
from harborline.errors import InvalidInput, NotFound
from harborline.pdf import document, latin1
from harborline.people.models import User
from harborline.protocols.home import home_pack_name
from harborline.protocols.models import Region
from harborline.protocols.packs import get_pack
from harborline.taskforce import services
from harborline.taskforce.models import (
    NARRATIVE_SECTIONS,
    ActionItem,
    NarrativeSection,
    ReportKind,
    TaskForce,
    report_kind_for,
)
from harborline.taskforce.selectors import (
    MeetingAttendance,
    Representation,
    attendance_by_meeting,
    report_narrative,
    representation,
)
from harborline.training.selectors import compliance_summary

from . import statistical_center, tables
from .tables import Period, Scope, Table

# The dashboards' tables the Coalition's annual report carries (issue 16, item 6).
DATA_TABLES = (
    "screenings_by_region_result",
    "outcomes_33_53",
    "obligations_on_time_by_kind",
    "runaway_recurrence_by_region",
)

# --- Training and agreements, for a task force ----------------------------------------------


@dataclass
class Summary:
    items: list[Any]

    @property
    def met(self) -> int:
        return sum(1 for i in self.items if getattr(i, "met", False))

    @property
    def unmet(self) -> list[Any]:
        return [i for i in self.items if not getattr(i, "met", True)]


def training_compliance(taskforce: TaskForce, at: date | None = None) -> Summary:
    """Training compliance of the task force's member organizations on `at` (default today)."""
    return Summary(list(compliance_summary(taskforce=taskforce, at=at)))


def agreements_summary(taskforce: TaskForce, at: datetime | None = None) -> Summary:
    """The member organizations' agreements as they stood at `at` (default now)."""
    data = summary_for(taskforce=taskforce, at=at).as_dict()
    return Summary([_summary_line(k, v) for k, v in data.items()])


AGREEMENT_LABELS = {
    "mous_in_force": "MOUs in force",
    "mous_expiring": "MOUs expiring within 90 days",
    "mous_expired": "MOUs expired or ended",
    "mous_awaiting_signature": "MOUs awaiting signature",
    "dsas_in_force": "Data-sharing agreements in force",
    "dsas_expiring": "Data-sharing agreements expiring within 90 days",
    "dsas_expired": "Data-sharing agreements expired or ended",
    "dsas_awaiting_signature": "Data-sharing agreements awaiting signature",
    "duties_overdue": "Data-sharing duties overdue",
    "member_organizations": "Member organizations counted",
    "organizations_without_dsa": "Member organizations without a data-sharing agreement",
}


def _summary_line(key: str, value: Any) -> str:
    label = AGREEMENT_LABELS.get(key, key.replace("_", " ").capitalize())
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value) or "none"
    return f"{label}: {value}"


KINDS: dict[str, str] = {str(k.value): str(k.label) for k in ReportKind}


def default_kind(taskforce: TaskForce) -> str:
    """The report the task force's own pack asks for (its own annual report when the pack names
    no body it reports to)."""
    return report_kind_for(taskforce.pack)


def kind_title(kind: str, taskforce: TaskForce) -> str:
    """A report kind's title for this task force: the task force's own annual report is titled
    with its pack's name ("Annual report of the task force (Wisconsin Coordinated Community
    Response to Sex Trafficking of Youth)")."""
    if kind != ReportKind.ANNUAL:
        return KINDS[kind]
    try:
        pack_title = get_pack(taskforce.pack).manifest.title
    except NotFound:
        pack_title = taskforce.pack
    return f"{KINDS[kind]} ({pack_title})"


def kinds_for(taskforce: TaskForce, shown: str = "") -> list[tuple[str, str]]:
    """The report kinds offered on the task force's report page, titled for it: the one its
    pack asks for, and the one shown if another (a task force that changed packs keeps its
    earlier reports; another pack's report is never offered as if the task force owed it)."""
    kinds = dict.fromkeys(k for k in (default_kind(taskforce), shown) if k in KINDS)
    return [(kind, kind_title(kind, taskforce)) for kind in kinds]


def period(kind: str, year: int) -> tuple[date, date, date | None]:
    """(first day, last day, due date). Nevada: the state fiscal year July-June ending in
    `year`, reported before the Coalition's October 1 report. Washington: the calendar year,
    brought to the SCC's annual meeting (no due date in the toolkit)."""
    if kind == "nevada":
        return date(year - 1, 7, 1), date(year, 6, 30), date(year, 10, 1)
    return date(year, 1, 1), date(year, 12, 31), None


def latest_year(kind: str, today: date | None = None) -> int:
    """The most recent period that has ended."""
    today = today or timezone.localdate()
    if kind == "nevada":
        return today.year if today >= date(today.year, 7, 1) else today.year - 1
    return today.year - 1


@dataclass
class AnnualReport:
    kind: str
    title: str
    taskforce: TaskForce
    year: int
    start: date
    end: date
    due: date | None
    member_organizations: list[str]
    individuals: int
    protected_members: int
    representation: Representation
    subcommittees: list[str]
    mdts: list[str]
    meetings: list[MeetingAttendance]
    training: Summary
    agreements: Summary
    actions_done: int
    actions_open: int
    actions_overdue: int
    gaps: list[str] = field(default_factory=list)
    # The task force's own words, section by section (empty text: not written yet).
    narrative: list[tuple[NarrativeSection, str]] = field(default_factory=list)
    narrative_version: int = 0  # 0: nobody has written it yet
    narrative_updated_by: str = ""
    narrative_updated_at: datetime | None = None
    # The figures from the cases, after disclosure control (none when the task force follows
    # another pack than the installation's: the tables count the home pack's cases).
    data_scope: Scope | None = None
    data: list[Table] = field(default_factory=list)
    # The statistical center's statewide figures for the last calendar year the period starts
    # in, as the center released them (issue 16: the same figures in the Coalition's report).
    center_year: int = 0
    center: list[Table] = field(default_factory=list)

    @property
    def average_attendance(self) -> float | None:
        rates = [m.rate for m in self.meetings if m.rate is not None]
        return sum(rates) / len(rates) if rates else None

    @property
    def period_label(self) -> str:
        return f"{self.start:%d %B %Y} to {self.end:%d %B %Y}"

    def due_status(self, today: date | None = None) -> str:
        """Where the report stands against its due date, in words: "Past due: ..." once the
        date has gone by, "Due ... (in N days)" before, "" when the kind has no due date
        (Washington's is brought to the SCC's annual meeting)."""
        if self.due is None:
            return ""
        today = today or timezone.localdate()
        days = (self.due - today).days
        if days < 0:
            return f"Past due: it was due {self.due:%d %B %Y}, {-days} day(s) ago."
        if days == 0:
            return f"Due today, {self.due:%d %B %Y}."
        return f"Due {self.due:%d %B %Y} (in {days} day(s))."


def annual_report(
    *, actor: User, taskforce: TaskForce, kind: str | None = None, year: int | None = None
) -> AnnualReport:
    services.require(actor, services.Do.READ, taskforce)
    kind = kind or default_kind(taskforce)
    if kind not in KINDS:
        raise InvalidInput.field("kind", f"{kind!r} is not one of: {', '.join(KINDS)}")
    year = year or latest_year(kind)
    if not 2000 <= year <= 2100:
        raise InvalidInput.field("year", "give a year between 2000 and 2100")
    start, end, due = period(kind, year)
    start_at = datetime.combine(start, time.min, tzinfo=UTC)
    end_at = datetime.combine(end, time.max, tzinfo=UTC)

    in_period = taskforce.members.filter(since__lte=end).exclude(until__lt=start)
    orgs = sorted(
        {m.organization.name for m in in_period.select_related("organization") if m.organization}
    )
    individuals = in_period.filter(organization__isnull=True).count()
    protected = in_period.filter(protected=True).count()
    rep = representation(taskforce, on=min(end, timezone.localdate()))
    meetings = list(
        taskforce.meetings.filter(starts_at__gte=start_at, starts_at__lte=end_at)
        .select_related("subcommittee")
        .order_by("starts_at")
    )
    attendance = attendance_by_meeting(meetings)
    items = ActionItem.objects.filter(taskforce=taskforce, due__gte=start, due__lte=end)
    done = items.filter(done=True).count()
    open_ = items.filter(done=False).count()
    overdue = items.filter(done=False, due__lt=timezone.localdate()).count()
    # Training and agreements as they stood at the end of the period (or today, if earlier).
    as_of = min(end, timezone.localdate())
    training = training_compliance(taskforce, at=as_of)
    agreements = agreements_summary(taskforce, at=min(end_at, timezone.now()))

    gaps = [f"No member represents: {r.label}" for r in rep.missing]
    if not meetings:
        gaps.append("No task-force meeting was recorded in this period.")
    if overdue:
        gaps.append(f"{overdue} action item(s) from this period are overdue.")
    for req in training.unmet:
        what = getattr(req, "requirement", "") or getattr(req, "id", "")
        gaps.append(
            f"Training requirement not met: {getattr(req, 'subject', '')} — {what} "
            f"({getattr(req, 'actual', '?')} of {getattr(req, 'required', '?')})"
        )
    if taskforce.coordinator_id is None:
        gaps.append("The task force has no coordinator.")
    if taskforce.chair_id is None:
        gaps.append("The task force has no chair.")
    written = report_narrative(taskforce, kind, year)
    narrative = [
        (section, getattr(written, section.field) if written else "")
        for section in NARRATIVE_SECTIONS[kind]
    ]
    by = written.updated_by if written else None
    scope = data_scope(taskforce, kind, year)
    data: list[Table] = []
    if scope is not None:
        for name in DATA_TABLES:
            made = tables.build(name, scope)
            tables.released(actor, made, scope, fmt="annual report")
            data.append(made)
    return AnnualReport(
        kind=kind,
        title=kind_title(kind, taskforce),
        taskforce=taskforce,
        year=year,
        start=start,
        end=end,
        due=due,
        member_organizations=orgs,
        individuals=individuals,
        protected_members=protected,
        representation=rep,
        subcommittees=[s.name for s in taskforce.subcommittees.all()],
        mdts=[f"{m.name} ({m.county})" if m.county else m.name for m in taskforce.mdts.all()],
        meetings=attendance,
        training=training,
        agreements=agreements,
        actions_done=done,
        actions_open=open_,
        actions_overdue=overdue,
        gaps=gaps,
        narrative=narrative,
        narrative_version=written.version if written else 0,
        narrative_updated_by=(by.full_name or by.email) if by else "",
        narrative_updated_at=written.updated_at if written else None,
        data_scope=scope,
        data=data,
        center_year=start.year,
        center=statistical_center.published(start.year) if scope is not None else [],
    )


def data_scope(taskforce: TaskForce, kind: str, year: int) -> Scope | None:
    """The dashboards' scope the report's figures use: its period (Nevada: the state fiscal year
    ending in `year`; Washington: the calendar year) and the task force's region when it names
    one of the home pack's regions (else the whole state); None when the task force follows
    another pack."""
    pack = home_pack_name()
    if taskforce.pack != pack:
        return None
    known = Region.objects.filter(pack=pack, slug=taskforce.region, kind="").exists()
    return Scope(
        Period.of("fiscal" if kind == "nevada" else "calendar", year),
        region=taskforce.region if known and taskforce.region else "",
    )


# --- Charts ----------------------------------------------------------------------------------

BAR = "#005ea2"  # USWDS primary: 7.2:1 against white
TEXT = "#1b1b1b"


def _short(meeting_attendance: MeetingAttendance, tz: str) -> str:
    local = timezone.localtime(meeting_attendance.meeting.starts_at, _zone(tz))
    return f"{local:%d %b}"


def _zone(name: str) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def attendance_svg(report: AnnualReport) -> str:
    """Attendance rate per meeting as an inline SVG bar chart (presentation attributes only,
    no style: the Content-Security-Policy allows no inline style). Screen readers get the
    title and the table that follows it on the page."""
    data = report.meetings
    if not data:
        return ""
    tz = report.taskforce.time_zone
    width, height, left, bottom, top = 640, 240, 40, 40, 16
    plot_h = height - bottom - top
    step = (width - left - 10) / len(data)
    bar_w = max(4.0, step * 0.6)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="attendance-chart-title" class="width-full" focusable="false">',
        '<title id="attendance-chart-title">Attendance rate per meeting (share of recorded '
        "members present)</title>",
    ]
    for pct in (0, 50, 100):
        y = top + plot_h * (1 - pct / 100)
        parts.append(
            f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#a9aeb1" '
            'stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="{TEXT}">{pct}%</text>'
        )
    for i, m in enumerate(data):
        rate = m.rate or 0.0
        h = plot_h * rate
        x = left + i * step + (step - bar_w) / 2
        y = top + plot_h - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{BAR}">'
            f"<title>{escape(m.meeting.title)}: {round(rate * 100)}%</title></rect>"
        )
        if len(data) <= 16:
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{height - bottom + 16}" font-size="11" '
                f'text-anchor="middle" fill="{TEXT}">{escape(_short(m, tz))}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


# --- PDF -------------------------------------------------------------------------------------


def report_pdf(report: AnnualReport, today: date | None = None) -> bytes:
    """The report as a PDF, with what fpdf2 offers for accessibility: the document's language
    and title (shown by readers instead of the file name), a structure tree with one tagged
    element per heading and a bookmark outline (`start_section`), and the representation as a
    real table with a header row (not ticked text boxes). Its state against the due date is
    said under the title."""
    from fpdf import FontFace

    pdf = document(
        title=f"{report.title}: {report.taskforce.name} {report.year}",
        subject=f"{report.title}, {report.period_label}",
    )
    pdf.add_page()
    pdf.set_font("Helvetica", "", 10)
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def heading(text: str, level: int = 1) -> None:
        pdf.start_section(latin1(text), level=level)
        pdf.set_font("Helvetica", "", 10)

    def line(text: str) -> None:
        pdf.multi_cell(width, 5.5, latin1(text), new_x="LMARGIN", new_y="NEXT")

    heading(report.title, 0)
    line(
        f"{report.taskforce.name} ({report.taskforce.get_kind_display()}, pack "
        f"{report.taskforce.pack})"
    )
    line(f"Reporting period: {report.period_label}")
    if report.due:
        line(f"Due: {report.due:%d %B %Y}")
        pdf.set_font("Helvetica", "B", 10)
        line(report.due_status(today))
        pdf.set_font("Helvetica", "", 10)
    line(f"Prepared {timezone.localdate():%d %B %Y} from the task force's records in Harborline.")

    for section, text in report.narrative:
        heading(section.label)
        if not text:
            line("Not written yet.")
        for paragraph in text.split("\n"):
            if paragraph.strip():
                line(paragraph)
            elif text:
                pdf.ln(2)

    heading("Membership and representation")
    line(
        f"Member organizations: {len(report.member_organizations)}; individual members: "
        f"{report.individuals} (of whom {report.protected_members} protected, not named)."
    )
    for name in report.member_organizations:
        line(f"- {name}")
    rep = report.representation
    line(f"{rep.list_title}: {len(rep.rows) - len(rep.missing)} of {len(rep.rows)} represented.")
    if rep.rows or rep.other:
        pdf.ln(1)
        with pdf.table(
            col_widths=(3, 1, 1),
            text_align=("LEFT", "LEFT", "RIGHT"),
            headings_style=FontFace(emphasis="BOLD"),
            line_height=5.5,
        ) as table:
            table.row(["Category", "Represented", "Members"])
            for r in rep.rows:
                table.row([latin1(r.label), "yes" if r.represented else "no", str(r.members)])
            for label, n in rep.other:
                table.row([latin1(label), "yes", str(n)])
        pdf.ln(1)
    if report.subcommittees:
        line("Subcommittees: " + ", ".join(report.subcommittees))
    if report.mdts:
        line("MDTs: " + ", ".join(report.mdts))

    heading("Meetings and attendance")
    avg = report.average_attendance
    line(
        f"{len(report.meetings)} meeting(s); average attendance "
        f"{'-' if avg is None else f'{round(avg * 100)}%'}."
    )
    if report.meetings:
        _pdf_bars(pdf, report)
        tz = _zone(report.taskforce.time_zone)
        for m in report.meetings:
            local = timezone.localtime(m.meeting.starts_at, tz)
            rate = "-" if m.rate is None else f"{round(m.rate * 100)}%"
            line(
                f"{local:%d %b %Y} {m.meeting.title}: {m.present} present, {m.absent} absent, "
                f"{m.excused} excused ({rate})"
            )
    line(
        f"Action items due in the period: {report.actions_done} done, {report.actions_open} "
        f"open ({report.actions_overdue} overdue)."
    )

    heading("Training and compliance")
    if not report.training.items:
        line("No training requirements apply.")
    else:
        line(f"{report.training.met} of {len(report.training.items)} requirements met.")
    for req in report.training.items:
        met = "met" if getattr(req, "met", False) else "not met"
        what = getattr(req, "requirement", "")
        line(
            f"- {getattr(req, 'subject', '')}{' - ' + what if what else ''}: "
            f"{getattr(req, 'actual', '?')} of {getattr(req, 'required', '?')} ({met})"
        )

    heading("Agreements")
    if not report.agreements.items:
        line("No agreements recorded.")
    for item in report.agreements.items:
        line(f"- {item}")

    heading("Figures from the cases")
    _pdf_figures(pdf, report, line, width)

    if report.center:
        heading(f"The statistical center's statewide figures, {report.center_year}")
        line(center_words(report))
        for table in report.center:
            _pdf_table(pdf, table, line)

    heading("Gaps")
    if not report.gaps:
        line("None found in the records.")
    for gap in report.gaps:
        line(f"- {gap}")
    return bytes(pdf.output())


def _pdf_bars(pdf: Any, report: AnnualReport) -> None:
    """Attendance per meeting as bars drawn with rectangles."""
    data = report.meetings
    chart_h, left = 40.0, pdf.l_margin + 10
    width = pdf.w - pdf.r_margin - left
    if pdf.get_y() + chart_h + 12 > pdf.h - pdf.b_margin:
        pdf.add_page()
    top = pdf.get_y() + 2
    base = top + chart_h
    pdf.set_draw_color(169, 174, 177)
    pdf.set_font("Helvetica", "", 7)
    for pct in (0, 50, 100):
        y = base - chart_h * pct / 100
        pdf.line(left, y, left + width, y)
        pdf.text(pdf.l_margin, y + 1, f"{pct}%")
    step = width / len(data)
    bar_w = max(1.0, step * 0.6)
    pdf.set_fill_color(0, 94, 162)
    tz = report.taskforce.time_zone
    for i, m in enumerate(data):
        h = chart_h * (m.rate or 0.0)
        x = left + i * step + (step - bar_w) / 2
        if h > 0:
            pdf.rect(x, base - h, bar_w, h, style="F")
        if len(data) <= 16:
            pdf.text(x, base + 4, _short(m, tz))
    pdf.set_y(base + 7)
    pdf.set_font("Helvetica", "", 10)


CENTER_WORDS = (
    "The statistical center's statewide report for {year}, as it released it from the agencies' "
    "January 31 submissions, after disclosure control. Not unduplicated: each agency counts the "
    "youth it serves."
)
CENTER_WORDS_LINKED = (
    "The statistical center's statewide report for {year}, as it released it from the agencies' "
    "January 31 submissions, after disclosure control. The agencies' tables count the youth each "
    "agency serves; the unduplicated count counts each youth once, as the center released it. "
    "{note}"
)


def center_words(report: AnnualReport) -> str:
    """What the report says above the statistical center's figures: how the center's released
    unduplicated count was reached, as it released it; "not unduplicated" only when the center
    released none (no linking run at the center)."""
    note = statistical_center.unduplicated_note(report.center)
    if note is None:
        return CENTER_WORDS.format(year=report.center_year)
    return CENTER_WORDS_LINKED.format(year=report.center_year, note=note)


def figure_text(value: int | float | None, suffix: str = "") -> str:
    """A published figure for the PDF (a count in full); a suppressed one says so."""
    if value is None:
        return "suppressed"
    return f"{value}{suffix}" if isinstance(value, int) else f"{value:g}{suffix}"


def rules_sentence(table: Table) -> str:
    """The rules a table applied, in one paragraph (the PDF; the page lists them)."""
    r = table.rules
    return (
        f"Threshold k = {r.get('threshold')}: {r.get('primary')}; {r.get('complementary')}. "
        f"Rates: {r.get('rates')}. Differencing: {r.get('differencing', 'none')}. "
        f"Rounding: {r.get('rounding')}. Entries suppressed: "
        f"{r.get('suppressed')}. Counted: {r.get('counted')}. {r.get('note', '')}"
    ).strip()


def _pdf_figures(pdf: Any, report: AnnualReport, line: Any, width: float) -> None:
    """The dashboards' tables for the report's period, as real tables with a header row;
    "suppressed" where disclosure control hid a count."""
    scope = report.data_scope
    if scope is None:
        line(
            "The figures come from the cases of the installation's protocol pack; this task "
            "force follows another pack, so none are shown."
        )
        return
    where = f"region {scope.region}" if scope.region else "the whole state"
    line(
        f"Counts from the cases for the {scope.period.label}, {where}, after disclosure control: "
        f"counts from 1 to {scope.threshold - 1} and any count that could be worked out from the "
        "totals are suppressed, and a rate with its count. The same figures as the outcome "
        "dashboards for the same period."
    )
    for table in report.data:
        _pdf_table(pdf, table, line)


def _pdf_table(pdf: Any, table: Table, line: Any) -> None:
    """One controlled table as a PDF table with a header row, then its rules."""
    from fpdf import FontFace

    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 10)
    line(table.title)
    pdf.set_font("Helvetica", "", 8)
    header = [table.row_header, *table.columns, "Total"]
    if table.rate_label:
        header.append(table.rate_label)
    widths = (3, *([1] * (len(header) - 1)))
    with pdf.table(
        col_widths=widths,
        text_align=("LEFT", *(["RIGHT"] * (len(header) - 1))),
        headings_style=FontFace(emphasis="BOLD"),
        line_height=4.5,
    ) as grid:
        grid.row([latin1(h) for h in header])
        rows = list(zip(table.rows, table.cells, table.row_totals, strict=True))
        for i, (label, cells, total) in enumerate(rows):
            pct = [figure_text(table.rates[i], "%")] if table.rate_label else []
            grid.row([latin1(label), *(figure_text(v) for v in cells), figure_text(total), *pct])
        pct = [figure_text(table.total_rate, "%")] if table.rate_label else []
        grid.row(
            [
                "Total",
                *(figure_text(v) for v in table.column_totals),
                figure_text(table.grand_total),
                *pct,
            ]
        )
    pdf.set_font("Helvetica", "", 8)
    line(rules_sentence(table))
    pdf.set_font("Helvetica", "", 10)
