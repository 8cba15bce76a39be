"""Sharing and consent on a case: who can see what, until when and why, in plain words; end
shares (after a confirmation saying who loses access); record and revoke consent. New shares go
through the sharing wizard (cases_share_wizard). Only the case's managers (policy.CASE_MANAGERS
of the owning organization); anyone else who sees the case gets 403, anyone who does not 404."""

from __future__ import annotations

from datetime import datetime, time
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from harborline.access.models import BasisType, ConsentKind
from harborline.access.policy import Grant
from harborline.cases.models import Case
from harborline.cases.selectors import preferred_language
from harborline.errors import DomainError
from harborline.people.models import User
from harborline.protocols.translations import printout_languages
from harborline.sharing import selectors as access_reads
from harborline.sharing import services as access_services

from ..forms_cases import ConsentForm, field_name, place_errors
from ._util import actor as _actor
from ._util import form_page
from .cases_util import (
    consent_words,
    local,
    long_date,
    share_summary,
    share_what,
    share_who,
    short_label,
)
from .plans import remembered_language


def _end_of_day(day: Any, tz_name: str) -> datetime | None:
    """A share or consent 'until 3 March 2027' lasts to the end of that day, owner's time."""
    if day is None:
        return None
    return datetime.combine(day, time(23, 59, 59), tzinfo=ZoneInfo(tz_name))


def _page(request: HttpRequest, actor: User, case: Case, grant: Grant) -> dict[str, Any]:
    """The sharing page: the shares, ended ones, the consent records, the pack's consent rule, an
    empty consent form and the consent form's printout language."""
    tz = case.owner.time_zone
    state = access_reads.sharing_state(actor=actor, case=case, grant=grant)
    shares = [
        {
            "id": s.pk,
            "summary": share_summary(s, tz),
            "purpose": s.purpose,
            "organization": s.organization.name,
        }
        for s in state.shares
    ]
    now = timezone.now()
    consents = []
    for k in state.consents:
        consents.append(
            {
                "id": k.pk,
                "kind": ConsentKind(k.kind).label,
                "given_by": k.given_by,
                "recipients": ", ".join(o.name for o in k.recipients.all()),
                "compartments": ", ".join(short_label(n).lower() for n in k.compartments),
                "purpose": k.purpose,
                "expires": long_date(k.expires_at, tz) if k.expires_at else "no end date",
                "evidence": k.get_evidence_display(),
                "evidence_reference": k.evidence_reference,
                "attestation": k.attestation,
                "recorded": consent_words(k, tz),
                "active": k.active(now),
                "revoked": local(k.revoked_at, tz) if k.revoked_at else "",
                "shares": len(access_reads.resting_shares(k, now)),
            }
        )
    return {
        "case": case,
        "shares": shares,
        "ended": [
            {"summary": share_summary(s, tz), "end": s.get_end_reason_display() or "Expired"}
            for s in state.ended
        ],
        "consents": consents,
        "rule": access_reads.consent_rule_words(case),
        "consent_form": ConsentForm(
            organizations=access_reads.consent_recipients(case), prefix="consent"
        ),
        "basis_words": BASIS_WORDS,
        "tz": tz,
        **_printouts(request, case, grant),
    }


BASIS_WORDS = [
    (
        BasisType.CONSENT.label,
        "The youth (and, by age, a parent, guardian or the court) agreed, in a consent record on "
        "this page. Revoking that consent ends the share at once.",
    ),
    (
        BasisType.MANDATED_REPORT.label,
        "The law requires the information to go to this agency (for example the report to child "
        "welfare). Give the report number.",
    ),
    (
        BasisType.COURT_ORDER.label,
        "A court ordered the information shared. Give the order or case number.",
    ),
    (
        BasisType.MOU.label,
        "A signed memorandum of understanding between the two organizations covers this sharing "
        "and purpose. Give the agreement's reference; Harborline checks it is in force.",
    ),
]


def _printouts(request: HttpRequest, case: Case, grant: Grant) -> dict[str, Any]:
    """The consent form's language choice: the one last chosen for the case's printouts, else
    the youth's preferred language."""
    preferred = preferred_language(_actor(request), case, grant)
    return {
        "printout_languages": printout_languages(),
        "printout_lang": remembered_language(request, case.pk, preferred),
    }


@login_required
@require_GET
def sharing(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = _actor(request)
    case, grant = access_reads.managed_case(actor, case_id)
    return render(request, "web/cases/sharing.html", _page(request, actor, case, grant))


def _sharing_url(case_id: int, anchor: str = "") -> str:
    return reverse("web:case_sharing", args=[case_id]) + (f"#{anchor}" if anchor else "")


@login_required
@require_http_methods(["GET", "POST"])
def share_end(request: HttpRequest, case_id: int, share_id: int) -> HttpResponse:
    """GET: confirm, saying who loses access to what, at once; POST: end the share."""
    actor = _actor(request)
    case, grant = access_reads.managed_case(actor, case_id)
    if request.method == "GET":
        share = access_reads.active_share(actor=actor, case=case, grant=grant, share_id=share_id)
        return render(
            request,
            "web/cases/share_end.html",
            {
                "case": case,
                "share": share,
                "who": share_who(share),
                "what": share_what(share),
                "summary": share_summary(share, case.owner.time_zone),
            },
        )
    share = access_services.end_share(actor=actor, share_id=share_id, case_id=case.pk)
    messages.success(
        request, f"The share has ended: {share.organization.name} no longer sees this record."
    )
    return redirect(_sharing_url(case.pk, "shares"))


def record_consent(request: HttpRequest, actor: User, case: Case, data: dict[str, Any]) -> None:
    """Record the consent of a valid ConsentForm's data (the sharing page's form, or the sharing
    wizard's consent step) and say so."""
    access_services.record_consent(
        actor=actor,
        case_id=case.pk,
        kind=data["kind"],
        given_by=data["given_by"],
        recipients=data["recipients"],
        compartments=data["compartments"],
        purpose=data["purpose"],
        evidence=data["evidence"],
        evidence_reference=data["evidence_reference"],
        attestation=data["attestation"],
        expires_at=_end_of_day(data["expires_on"], case.owner.time_zone),
    )
    messages.success(request, "Consent recorded.")


def record_consent_form(
    request: HttpRequest, actor: User, case: Case
) -> tuple[ConsentForm, int | None]:
    """Record the consent posted in `request` (the sharing wizard's consent step): the bound
    form, and None when it was recorded, else the status to answer with (its problems placed
    beside its fields)."""
    form = ConsentForm(
        request.POST, organizations=access_reads.consent_recipients(case), prefix="consent"
    )
    if not form.is_valid():
        return form, 422
    try:
        record_consent(request, actor, case, form.cleaned_data)
    except DomainError as problem:
        place_errors(form, problem)
        return form, problem.status
    return form, None


@login_required
@require_POST
def consent_create(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = _actor(request)
    case, grant = access_reads.managed_case(actor, case_id)
    form = ConsentForm(
        request.POST, organizations=access_reads.consent_recipients(case), prefix="consent"
    )

    def save(data: dict[str, Any]) -> HttpResponse:
        record_consent(request, actor, case, data)
        return redirect(_sharing_url(case.pk, "consents"))

    return form_page(
        request,
        form,
        "web/cases/sharing.html",
        partial(_page, request, actor, case, grant),
        save=save,
        aliases=field_name,
        name="consent_form",
        invalid_status=422,
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent_revoke(request: HttpRequest, case_id: int, consent_id: int) -> HttpResponse:
    """GET: confirm ('this ends N shares at once'); POST: revoke."""
    actor = _actor(request)
    case, grant = access_reads.managed_case(actor, case_id)
    consent = access_reads.case_consent(actor=actor, case=case, grant=grant, consent_id=consent_id)
    if request.method == "POST":
        access_services.revoke_consent(
            actor=actor, consent_id=consent.pk, reason=request.POST.get("reason", "")[:300]
        )
        messages.success(request, "Consent revoked; the shares resting on it have ended.")
        return redirect(_sharing_url(case.pk, "consents"))
    return render(
        request,
        "web/cases/consent_revoke.html",
        {
            "case": case,
            "consent": consent,
            "kind": ConsentKind(consent.kind).label,
            "recorded": consent_words(consent, case.owner.time_zone),
            "count": len(access_reads.resting_shares(consent, timezone.now())),
            "compartments": ", ".join(short_label(n).lower() for n in consent.compartments),
        },
    )
