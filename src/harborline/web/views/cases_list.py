"""The case list (the cases the person may see, searchable by last name and date of birth)
and opening a case, with the possible-duplicate warning."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods

from harborline.access.policy import works_cases
from harborline.cases import selectors as case_reads
from harborline.cases.models import Case
from harborline.errors import NotFound
from harborline.protocols.packs import Pack, get_pack
from harborline.response import agency_screening
from harborline.response import selectors as response_reads
from harborline.response.casefile import screening_instrument

from ..forms_cases import IdentityForm, field_name
from ._util import actor as _actor
from ._util import form_page
from .cases_util import case_url, local, outcome_label, time_left


@dataclass
class ListRow:
    case: Case
    name: str
    outcome: str
    next_title: str
    next_due: str
    next_left: str
    overdue: bool


class _Outcomes:
    """A case's latest screening outcome in the words of its pack's screening instrument (each
    pack looked up once per page)."""

    def __init__(self) -> None:
        self.packs: dict[str, tuple[Pack | None, str]] = {}

    def label(self, case: Case) -> str:
        if case.pack not in self.packs:
            try:
                pack: Pack | None = get_pack(case.pack)
            except NotFound:
                pack = None
            self.packs[case.pack] = (pack, screening_instrument(pack))
        pack, instrument = self.packs[case.pack]
        return outcome_label(pack, instrument, case.latest_outcome)


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    status = request.GET.get("status", "open")
    if status not in ("open", "closed", "all"):
        status = "open"
    q = request.GET.get("q", "").strip()[:120]
    dob = request.GET.get("dob", "").strip()[:10]
    query = f"{q} {dob}".strip() if q and not q.isdigit() else q
    try:
        page_no = int(request.GET.get("page", "1"))
    except ValueError:
        page_no = 1
    page, grants, names = case_reads.case_list(actor, page=page_no, status=status, q=query)
    cases = list(page.object_list)
    due = response_reads.next_due(cases, grants)
    outcomes = _Outcomes()
    now = timezone.now()
    rows = []
    for case in cases:
        nxt = due.get(case.pk)
        left, overdue = time_left(nxt.due_at, now) if nxt else ("", False)
        rows.append(
            ListRow(
                case=case,
                name=names.get(case.pk, ""),  # only where the grant sees the identity compartment
                outcome=outcomes.label(case)
                if grants[case.pk].sees("screening") and case.latest_outcome
                else "",
                next_title=nxt.title if nxt else "",
                next_due=local(nxt.due_at, case.owner.time_zone) if nxt else "",
                next_left=left,
                overdue=overdue,
            )
        )
    keep = {k: v for k, v in (("status", status), ("q", q), ("dob", dob)) if v}
    return render(
        request,
        "web/cases/list.html",
        {
            "rows": rows,
            "page": page,
            "status": status,
            "q": q,
            "dob": dob,
            "page_query": urlencode(keep),
            "may_open": works_cases(actor),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if not works_cases(actor):
        raise Http404
    form = IdentityForm(request.POST or None)

    def save(data: dict[str, Any]) -> HttpResponse:
        youth = form.youth()
        if request.POST.get("confirmed") != "1":
            check = case_reads.duplicate_check(
                actor,
                first_name=youth["first_name"],
                last_name=youth["last_name"],
                dob=youth["dob"],
            )
            if check.readable or check.elsewhere:
                # Shown above the form, which comes back as sent to confirm.
                context = {
                    "form": form,
                    "duplicates": check.readable,
                    "elsewhere": check.elsewhere,
                }
                return render(request, "web/cases/new.html", context)
        case = agency_screening.open_case(actor=actor, youth=youth)  # decision 0065
        messages.success(request, f"Case {case.pk} opened.")
        return redirect(case_url(case.pk))

    return form_page(
        request,
        form,
        "web/cases/new.html",
        {"duplicates": [], "elsewhere": []},
        save=save,
        aliases=field_name,
    )
