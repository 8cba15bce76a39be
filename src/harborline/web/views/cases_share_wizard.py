"""The sharing wizard (issue 13, item 8): who → what → why (the legal basis) → consent on file,
recorded right there when it is missing → check and share, ending with the plain sentence of
what the other organization can now see and until when.

Each step asks `sharing.services.create_share` with `dry_run=True`, so the wizard's rules are the
service's: a step shows every problem of its own fields at once (and sends the person back to an
earlier step whose answer no longer holds). The consent step reads the pack's rule through
`sharing.services.consents_on_file` (an audited read), over the one reading `create_share` uses
too. The draft lives in the session, per case, until it is shared or started again; nothing is
written before the last step but the consent records the person chooses to record."""

from __future__ import annotations

import re
from datetime import date
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from harborline.access.models import BasisType, Consent, Share
from harborline.access.policy import Grant
from harborline.cases.models import Case
from harborline.cases.selectors import preferred_language
from harborline.errors import DomainError, FieldError, InvalidInput
from harborline.people.lookups import organization_by_slug
from harborline.people.models import Organization, User
from harborline.people.roles import OrgType
from harborline.protocols.translations import printout_languages
from harborline.sharing import services as access_services
from harborline.sharing.selectors import consent_recipients, consent_rule_words, managed_case

from ..forms_cases import ConsentForm, ShareForm, field_name, place_errors
from ._util import actor as _actor
from .cases_sharing import BASIS_WORDS, _end_of_day, record_consent_form
from .cases_util import share_summary
from .plans import remembered_language

STEPS = ("who", "what", "why", "consent", "confirm")
TITLES = {
    "who": "Who you share with",
    "what": "What they can see",
    "why": "Why: the purpose and legal basis",
    "consent": "Consent on file",
    "confirm": "Check and share",
}
FIELDS: dict[str, tuple[str, ...]] = {
    "who": ("organization", "role"),
    "what": ("compartments", "may_edit"),
    "why": ("purpose", "basis_type", "basis_reference", "expires_on"),
    "consent": ("basis_reference",),
}


def _key(case_id: int) -> str:
    return f"share-draft-{case_id}"


def _steps(draft: dict[str, Any]) -> list[str]:
    """The steps this draft goes through: the consent step only for a share resting on consent."""
    consent = draft.get("basis_type") == BasisType.CONSENT
    return [s for s in STEPS if s != "consent" or consent]


def _url(case_id: int, step: str) -> str:
    return reverse("web:share_wizard", args=[case_id, step])


def _grouped_orgs(case: Case) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every other active organization, grouped by its type (not one flat list of hundreds)."""
    labels = dict(OrgType.choices)
    orgs = (
        Organization.objects.filter(is_active=True)
        .exclude(pk=case.owner_id)
        .order_by("type", "name")
        .values_list("type", "slug", "name")
    )
    return [
        (str(labels.get(kind, kind)), [(slug, name) for _, slug, name in rows])
        for kind, rows in groupby(orgs, key=lambda row: row[0])
    ]


def _create(actor: User, case: Case, draft: dict[str, Any], *, dry_run: bool) -> Share:
    expires = draft.get("expires_on")
    return access_services.create_share(
        actor=actor,
        case_id=case.pk,
        organization=draft.get("organization", ""),
        compartments=draft.get("compartments", []),
        purpose=draft.get("purpose", ""),
        basis_type=draft.get("basis_type", ""),
        basis_reference=draft.get("basis_reference", ""),
        expires_at=_end_of_day(date.fromisoformat(expires), case.owner.time_zone)
        if expires
        else None,
        role=draft.get("role", ""),
        may_edit=bool(draft.get("may_edit")),
        dry_run=dry_run,
    )


def _try(actor: User, case: Case, draft: dict[str, Any]) -> tuple[Share | None, list[FieldError]]:
    """The draft as the service would take it: the unsaved share, or the problems by field."""
    try:
        return _create(actor, case, draft, dry_run=True), []
    except InvalidInput as problem:
        return None, list(problem.errors)
    except DomainError as problem:
        return None, [FieldError("basis_reference", problem.detail)]


def _step_of(field: str, draft: dict[str, Any]) -> str:
    name = re.split(r"[.\[]", field_name(field))[0]  # compartments[1] -> compartments
    if name == "basis_reference" and draft.get("basis_type") == BasisType.CONSENT:
        return "consent"
    return next((step for step, names in FIELDS.items() if name in names), "why")


def _first_problem(draft: dict[str, Any], errors: list[FieldError], upto: str) -> str | None:
    """The earliest step, up to and including `upto`, that one of the problems belongs to."""
    order = _steps(draft)
    steps = {_step_of(e.field, draft) for e in errors}
    return next((s for s in order[: order.index(upto) + 1] if s in steps), None)


def _sentence(
    case: Case, share: Share, consents: list[Consent] | None, *, now: bool = False
) -> str:
    text = share_summary(share, case.owner.time_zone, consents=consents)
    return text if now else text.replace(" can see", " will be able to see", 1)


@login_required
@require_http_methods(["GET"])
def share_wizard_start(request: HttpRequest, case_id: int) -> HttpResponse:
    """Start again: a fresh draft, and the first step."""
    actor = _actor(request)
    case, _ = managed_case(actor, case_id)
    request.session[_key(case_id)] = {}
    return _form_step(request, actor, case, {}, "who")


@login_required
@require_http_methods(["GET", "POST"])
def share_wizard(request: HttpRequest, case_id: int, step: str) -> HttpResponse:
    actor = _actor(request)
    case, grant = managed_case(actor, case_id)
    draft: dict[str, Any] = dict(request.session.get(_key(case_id)) or {})
    steps = _steps(draft)
    if step not in steps:
        raise Http404
    # A later step opened before an earlier one holds goes back to the earliest that does not.
    if step != "who":
        _, errors = _try(actor, case, draft)
        back = _first_problem(draft, errors, steps[steps.index(step) - 1])
        if back is not None:
            return redirect(_url(case_id, back))
    if step == "consent":
        return _consent_step(request, actor, case, grant, draft)
    if step == "confirm":
        return _confirm_step(request, actor, case, grant, draft)
    return _form_step(request, actor, case, draft, step)


def _form_step(
    request: HttpRequest, actor: User, case: Case, draft: dict[str, Any], step: str
) -> HttpResponse:
    orgs = _grouped_orgs(case)
    only = FIELDS[step]
    if request.method == "POST":
        form = ShareForm(request.POST, organizations=orgs, only=only, prefix="share")
        status = 422
        if form.is_valid():
            data = dict(form.cleaned_data)
            if "expires_on" in data:
                data["expires_on"] = data["expires_on"].isoformat() if data["expires_on"] else ""
            trial = {**draft, **data}
            _, errors = _try(actor, case, trial)
            mine = [e for e in errors if _step_of(e.field, trial) == step]
            if not mine:
                request.session[_key(case.pk)] = trial
                steps = _steps(trial)
                return redirect(_url(case.pk, steps[steps.index(step) + 1]))
            place_errors(form, InvalidInput.fields(mine))
    else:
        initial = {k: v for k, v in draft.items() if k in only}
        if "may_edit" in only:
            initial.setdefault("may_edit", False)
        form = ShareForm(initial=initial, organizations=orgs, only=only, prefix="share")
        status = 200
    return _render(request, case, draft, step, {"form": form}, status)


def _render(
    request: HttpRequest,
    case: Case,
    draft: dict[str, Any],
    step: str,
    extra: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    steps = _steps(draft)
    return render(
        request,
        "web/cases/share_wizard.html",
        {
            "case": case,
            "step": step,
            "title": TITLES[step],
            "number": steps.index(step) + 1,
            "count": len(steps),
            "indicator": [(TITLES[s], steps.index(s) - steps.index(step)) for s in steps],
            "back": _url(case.pk, steps[steps.index(step) - 1]) if step != "who" else "",
            "basis_words": BASIS_WORDS,
            **extra,
        },
        status=status,
    )


def _recipient(draft: dict[str, Any]) -> Organization:
    found = organization_by_slug(draft.get("organization", ""), "organization", active=True)
    if found is None:  # the step before checked it: gone since
        raise InvalidInput.field("organization", "choose the organization")
    return found


def _consent_step(
    request: HttpRequest, actor: User, case: Case, grant: Grant, draft: dict[str, Any]
) -> HttpResponse:
    recipient = _recipient(draft)
    compartments = list(draft.get("compartments", []))
    status = 200
    initial = {
        "recipients": [recipient.slug],
        "compartments": compartments,
        "purpose": draft.get("purpose", ""),
        "expires_on": draft.get("expires_on") or None,
    }
    form = ConsentForm(initial=initial, organizations=consent_recipients(case), prefix="consent")
    if request.method == "POST" and request.POST.get("action") == "record":
        form, recorded = record_consent_form(request, actor, case)
        if recorded is None:
            return redirect(_url(case.pk, "consent"))
        status = recorded
    needs = access_services.consents_on_file(
        actor=actor, case=case, grant=grant, recipient=recipient, compartments=compartments
    )
    go_on = request.method == "POST" and request.POST.get("action") == "continue"
    if go_on and needs.met:
        return redirect(_url(case.pk, "confirm"))
    return _render(
        request,
        case,
        draft,
        "consent",
        {
            "needs": needs,
            "recipient": recipient,
            "rule": consent_rule_words(case),
            "consent_form": form,
            "not_yet": go_on,
            # The consent form to sign, filled in with this share (decision 0064).
            "printout_fill": [
                ("to", recipient.slug),
                *[("what", name) for name in compartments],
                ("purpose", str(draft.get("purpose", ""))),
            ],
            "printout_languages": printout_languages(),
            "printout_lang": remembered_language(
                request, case.pk, preferred_language(actor, case, grant)
            ),
        },
        422 if go_on else status,
    )


def _confirm_step(
    request: HttpRequest, actor: User, case: Case, grant: Grant, draft: dict[str, Any]
) -> HttpResponse:
    share, errors = _try(actor, case, draft)
    if share is None:  # the earlier steps were checked on the way in: a change since
        return redirect(_url(case.pk, _first_problem(draft, errors, "confirm") or "who"))
    consents: list[Consent] | None = None  # the records a share on consent will rest on
    if share.basis_type == BasisType.CONSENT:
        consents = access_services.consents_on_file(
            actor=actor,
            case=case,
            grant=grant,
            recipient=share.organization,
            compartments=share.compartments,
        ).on_file
    if request.method == "POST":
        saved = _create(actor, case, draft, dry_run=False)
        request.session.pop(_key(case.pk), None)
        messages.success(
            request, "Shared. " + _sentence(case, saved, list(saved.consents.all()), now=True) + "."
        )
        return redirect(reverse("web:case_sharing", args=[case.pk]) + "#shares")
    return _render(
        request,
        case,
        draft,
        "confirm",
        {"sentence": _sentence(case, share, consents), "share": share, "draft": draft},
    )
