"""Sharing and consent on a case: who can see what, until when and why, in plain words; end
shares (after a confirmation saying who loses access); record and revoke consent. New shares go
through the sharing wizard (cases_share_wizard). Only the case's managers (policy.CASE_MANAGERS
of the owning organization); anyone else who sees the case gets 403, anyone who does not 404."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from harborline.access.models import BasisType, ConsentKind
from harborline.access.policy import Grant, require_edit
from harborline.cases.models import Case
from harborline.cases.selectors import case_for
from harborline.errors import DomainError, Forbidden, NotFound
from harborline.people.models import Organization, User
from harborline.protocols.packs import get_pack
from harborline.protocols.sections import Consent as ConsentRules
from harborline.sharing import selectors as access_reads
from harborline.sharing import services as access_services

from ..forms_cases import ConsentForm, place_errors
from ._util import actor as _actor
from .cases_util import (
    consent_words,
    local,
    long_date,
    share_summary,
    share_what,
    share_who,
    short_label,
)


def _managed(actor: User, case_id: int) -> tuple[Case, Grant]:
    try:
        case, grant = case_for(actor, case_id)
    except NotFound:
        raise Http404 from None
    try:
        require_edit(grant)
    except Forbidden:
        raise PermissionDenied from None
    return case, grant


def _orgs(case: Case) -> list[tuple[str, str]]:
    return [
        (o.slug, o.name)
        for o in Organization.objects.filter(is_active=True).exclude(pk=case.owner_id)
    ]


def _end_of_day(day: Any, tz_name: str) -> datetime | None:
    """A share or consent 'until 3 March 2027' lasts to the end of that day, owner's time."""
    if day is None:
        return None
    return datetime.combine(day, time(23, 59, 59), tzinfo=ZoneInfo(tz_name))


def consent_rule_words(case: Case) -> str:
    """The pack's consent rule for the youth's age, in words."""
    pack = get_pack(case.pack)
    rules = pack.sections.get("consent.yaml")
    if not isinstance(rules, ConsentRules):
        return "This protocol pack sets no consent rule."
    age = case.youth.age_on(timezone.localdate())
    rule = rules.rule_for(age)
    if rule is None:
        return "This protocol pack sets no consent rule for the youth's age."
    who = (
        "The youth's age is not recorded, so the strictest rule applies"
        if age is None
        else (f"The youth is {age}")
    )
    return f"{who}: {rule.note}"


def _context(
    actor: User,
    case: Case,
    grant: Grant,
    *,
    consent_form: ConsentForm | None = None,
) -> dict[str, Any]:
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
        resting = [s for s in k.shares.all() if s.ended_at is None and s.expires_at > now]
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
                "shares": len(resting),
            }
        )
    orgs = _orgs(case)
    return {
        "case": case,
        "shares": shares,
        "ended": [
            {"summary": share_summary(s, tz), "end": s.get_end_reason_display() or "Expired"}
            for s in state.ended
        ],
        "consents": consents,
        "rule": consent_rule_words(case),
        "consent_form": consent_form or ConsentForm(organizations=orgs, prefix="consent"),
        "basis_words": BASIS_WORDS,
        "tz": tz,
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


@login_required
@require_GET
def sharing(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = _actor(request)
    case, grant = _managed(actor, case_id)
    return render(request, "web/cases/sharing.html", _context(actor, case, grant))


def _sharing_url(case_id: int, anchor: str = "") -> str:
    return reverse("web:case_sharing", args=[case_id]) + (f"#{anchor}" if anchor else "")


@login_required
@require_http_methods(["GET", "POST"])
def share_end(request: HttpRequest, case_id: int, share_id: int) -> HttpResponse:
    """GET: confirm, saying who loses access to what, at once; POST: end the share."""
    actor = _actor(request)
    case, grant = _managed(actor, case_id)
    if request.method == "GET":
        state = access_reads.sharing_state(actor=actor, case=case, grant=grant)
        share = next((s for s in state.shares if s.pk == share_id), None)
        if share is None:
            raise Http404
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
    try:
        share = access_services.end_share(actor=actor, share_id=share_id)
    except NotFound:
        raise Http404 from None
    except Forbidden:
        raise PermissionDenied from None
    if share.case_id != case.pk:
        raise Http404
    messages.success(
        request, f"The share has ended: {share.organization.name} no longer sees this record."
    )
    return redirect(_sharing_url(case.pk, "shares"))


def record_consent_form(
    request: HttpRequest, actor: User, case: Case
) -> tuple[ConsentForm, int | None]:
    """Record the consent posted in `request` (the sharing page's form, or the sharing wizard's
    consent step): the bound form, and None when it was recorded, else the status to answer
    with (its problems placed beside its fields)."""
    form = ConsentForm(request.POST, organizations=_orgs(case), prefix="consent")
    if not form.is_valid():
        return form, 422
    data = form.cleaned_data
    try:
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
    except DomainError as problem:
        place_errors(form, problem)
        return form, problem.status
    messages.success(request, "Consent recorded.")
    return form, None


@login_required
@require_POST
def consent_create(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = _actor(request)
    case, grant = _managed(actor, case_id)
    form, status = record_consent_form(request, actor, case)
    if status is None:
        return redirect(_sharing_url(case.pk, "consents"))
    return render(
        request,
        "web/cases/sharing.html",
        _context(actor, case, grant, consent_form=form),
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent_revoke(request: HttpRequest, case_id: int, consent_id: int) -> HttpResponse:
    """GET: confirm ('this ends N shares at once'); POST: revoke."""
    actor = _actor(request)
    case, grant = _managed(actor, case_id)
    state = access_reads.sharing_state(actor=actor, case=case, grant=grant)
    consent = next((k for k in state.consents if k.pk == consent_id), None)
    if consent is None:
        raise Http404
    if request.method == "POST":
        try:
            access_services.revoke_consent(
                actor=actor, consent_id=consent.pk, reason=request.POST.get("reason", "")[:300]
            )
        except NotFound:
            raise Http404 from None
        except Forbidden:
            raise PermissionDenied from None
        messages.success(request, "Consent revoked; the shares resting on it have ended.")
        return redirect(_sharing_url(case.pk, "consents"))
    now = timezone.now()
    ending = [s for s in consent.shares.all() if s.ended_at is None and s.expires_at > now]
    return render(
        request,
        "web/cases/consent_revoke.html",
        {
            "case": case,
            "consent": consent,
            "kind": ConsentKind(consent.kind).label,
            "recorded": consent_words(consent, case.owner.time_zone),
            "count": len(ending),
            "compartments": ", ".join(short_label(n).lower() for n in consent.compartments),
        },
    )
