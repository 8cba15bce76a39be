"""Pages for MOUs and data-sharing agreements: list, detail (parties and signatures, the 4-A
checklist, the sharing scope, renewal alerts, a DSA's duties), and the forms that record them.
Thin: parse, call a service or selector, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from harborline.agreements import selectors, services
from harborline.agreements.forms import (
    AgreementForm,
    BreachForm,
    CureForm,
    DisposalForm,
    EditForm,
    NoticeForm,
    ReportingTermsForm,
    SignForm,
    SubmissionForm,
)
from harborline.agreements.models import Agreement, Kind
from harborline.agreements.permissions import Do, require_scope, scope_for
from harborline.agreements.vocab import MOU_ELEMENTS, MOU_GUIDANCE_PACK, MOU_GUIDANCE_RESOURCE
from harborline.errors import DomainError
from harborline.people.models import User
from harborline.protocols.home import home_pack
from harborline.protocols.packs import get_pack
from harborline.reports import submissions
from harborline.reports.models import Identifiers

from ._util import actor as _actor
from ._util import form_page, org_time_zone, wall_clock


def _agreement(
    request: HttpRequest, pk: int, do: Do | None = None, kind: str | None = None
) -> Agreement:
    """The agreement the signed-in person may `do` that on (read, unless told), of `kind` when
    given; NotFound (the 404 page) otherwise."""
    return selectors.get_agreement(actor=_actor(request), pk=pk, do=do, kind=kind)


# --- pages -----------------------------------------------------------------------------------


@login_required
@require_GET
def agreement_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    require_scope(actor, Do.READ)
    kind = request.GET.get("kind", "")
    kind = kind if kind in Kind.values else ""
    return render(
        request,
        "web/agreements/list.html",
        {
            "rows": selectors.list_rows(actor=actor, kind=kind or None),
            "kind": kind,
            "may_create": scope_for(actor, Do.CREATE) is not None,
        },
    )


@login_required
@require_GET
def dsa_duties(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    require_scope(actor, Do.READ)
    items = selectors.duties_board(actor=actor)
    return render(request, "web/agreements/duties.html", {"items": items})


@login_required
@require_http_methods(["GET", "POST"])
def agreement_add(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    require_scope(actor, Do.CREATE)  # may not create: the page does not exist for them
    kind = request.GET.get("kind") or request.POST.get("kind") or Kind.MOU
    if kind not in Kind.values:
        raise Http404
    if request.method == "POST":
        form = AgreementForm(request.POST, kind=kind)
    else:
        own = actor.membership.organization if actor.membership_or_none else None
        form = AgreementForm(kind=kind, initial={"parties": [own] if own else []})

    def save(data: dict[str, Any]) -> HttpResponse:
        agreement = services.create_agreement(
            actor=actor,
            kind=kind,
            reference=data["reference"],
            title=data["title"],
            parties=list(data["parties"]),
            document_reference=data["document_reference"],
            effective_on=data.get("effective_on"),
            expires_on=data.get("expires_on"),
            compartments=data.get("compartments") or [],
            purposes=data.get("purposes") or [],
            notes=data["notes"],
            client_level=bool(data.get("client_level")),
            aggregate=bool(data.get("aggregate")),
            custodian=data.get("custodian") or "",
        )
        messages.success(request, f"Added {agreement.reference}. Record the signatures next.")
        return redirect("web:agreement_detail", pk=agreement.pk)

    return form_page(
        request,
        form,
        "web/agreements/form.html",
        {
            "title": "Add an MOU" if kind == Kind.MOU else "Add a data-sharing agreement",
            "submit": "Add agreement",
            "hidden": {"kind": kind},
            "cancel": reverse("web:agreements"),
        },
        save=save,
    )


@login_required
@require_GET
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    context = selectors.detail(actor=_actor(request), agreement=agreement)
    if agreement.kind == Kind.DSA:
        context["identifiers"] = Identifiers(submissions.identifiers_of(agreement)).label
    return render(request, "web/agreements/detail.html", context)


def _page(agreement: Agreement, title: str, submit: str, intro: str = "") -> dict[str, Any]:
    """The context of the agreement form page (web/agreements/form.html) for `form_page`."""
    return {
        "title": title,
        "submit": submit,
        "intro": intro,
        "a": agreement,
        "cancel": reverse("web:agreement_detail", args=[agreement.pk]),
    }


def _done(request: HttpRequest, agreement: Agreement, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("web:agreement_detail", pk=agreement.pk)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    agreement = _agreement(request, pk, Do.EDIT)
    initial = {
        "version": agreement.version,
        "title": agreement.title,
        "document_reference": agreement.document_reference,
        "effective_on": agreement.effective_on,
        "expires_on": agreement.expires_on,
        "compartments": agreement.compartments,
        "purposes": agreement.purposes,
        "custodian": agreement.custodian,
        "notes": agreement.notes,
    }
    form = EditForm(
        request.POST if request.method == "POST" else None, agreement=agreement, initial=initial
    )

    def editable(name: str) -> bool:
        return name in form.fields and not form.fields[name].disabled

    def save(d: dict[str, Any]) -> HttpResponse:
        services.update_agreement(
            actor=actor,
            agreement=agreement,
            version=d["version"],
            title=d["title"],
            document_reference=d["document_reference"],
            notes=d["notes"],
            effective_on=d.get("effective_on"),
            expires_on=d.get("expires_on"),
            compartments=d.get("compartments") if editable("compartments") else None,
            purposes=d.get("purposes") if editable("purposes") else None,
            custodian=d.get("custodian"),
        )
        return _done(request, agreement, "Saved.")

    context = _page(agreement, f"Change {agreement.reference}", "Save")
    return form_page(request, form, "web/agreements/form.html", context, save=save)


def mou_guidance() -> str:
    """What the checklist's elements are, said from the home pack: Nevada's MOU guidance
    (Resource 4-A) is the only one the packs carry (agreements.vocab.MOU_ELEMENTS), so a home
    pack of another state is told it names none and the elements are offered as a model."""
    home = home_pack()
    if home.name == MOU_GUIDANCE_PACK:
        return (
            f"For each element of {home.manifest.jurisdiction}'s MOU guidance "
            f"({MOU_GUIDANCE_RESOURCE}), say whether this MOU covers it and where in the document."
        )
    source = get_pack(MOU_GUIDANCE_PACK).manifest.jurisdiction
    return (
        f"{home.manifest.title} names no elements for an MOU. The checklist offers those of "
        f"{source}'s MOU guidance ({MOU_GUIDANCE_RESOURCE}) as a model: for each, say whether "
        "this MOU covers it and where in the document."
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_checklist(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    agreement = _agreement(request, pk, Do.EDIT, Kind.MOU)
    errors: dict[str, str] = {}
    values = selectors.checklist_values(agreement)
    status = 200
    if request.method == "POST":
        values = {
            spec.code: (
                request.POST.get(f"present-{spec.code}") == "1",
                request.POST.get(f"location-{spec.code}", "")[:300],
            )
            for spec in MOU_ELEMENTS
        }
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1
        try:
            services.set_checklist(
                actor=actor, agreement=agreement, version=version, elements=values
            )
        except DomainError as problem:
            errors = {e.field.removeprefix("elements."): e.message for e in problem.errors}
            if not errors:
                errors = {"_": problem.detail}
            status = problem.status
        else:
            return _done(request, agreement, "Checklist saved.")
    items = [
        {
            "spec": spec,
            "present": values[spec.code][0],
            "location": values[spec.code][1],
            "error": errors.get(spec.code, ""),
        }
        for spec in MOU_ELEMENTS
    ]
    return render(
        request,
        "web/agreements/checklist.html",
        {
            "a": agreement,
            "items": items,
            "errors": errors,
            "guidance": mou_guidance(),
            # The one error summary (web/partials/error_summary.html): (link, words) lines.
            "summary": ([("", errors["_"])] if "_" in errors else [])
            + [
                (f"#location-{spec.code}", f"{spec.code}: {errors[spec.code]}")
                for spec in MOU_ELEMENTS
                if spec.code in errors
            ],
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_sign(request: HttpRequest, pk: int, org_id: int) -> HttpResponse:
    actor = _actor(request)
    agreement = _agreement(request, pk)
    party = selectors.signing_party(actor=actor, agreement=agreement, organization_id=org_id)
    name = party.organization.name

    def save(data: dict[str, Any]) -> HttpResponse:
        services.record_signature(
            actor=actor, agreement=agreement, organization=party.organization, **data
        )
        return _done(request, agreement, f"Recorded {name}'s signature.")

    intro = (
        "Record the signature of the party's authorized representative as it appears on the "
        "signed document."
    )
    return form_page(
        request,
        SignForm(
            request.POST if request.method == "POST" else None,
            initial={"signed_on": agreement.local_date()},
        ),
        "web/agreements/form.html",
        _page(
            agreement,
            f"Record {name}'s signature",
            "Record signature",
            "" if request.method == "POST" else intro,
        ),
        save=save,
    )


def _duties(request: HttpRequest, pk: int, kind: str | None = Kind.DSA) -> tuple[User, Agreement]:
    """The signed-in person and the agreement (a DSA, unless told) whose duties they may record;
    NotFound (the 404 page) otherwise."""
    actor = _actor(request)
    return actor, selectors.get_agreement(actor=actor, pk=pk, do=Do.DUTIES, kind=kind)


def _duty_page(
    request: HttpRequest,
    agreement: Agreement,
    form_class: type[forms.Form],
    *,
    title: str,
    submit: str,
    call: Callable[[dict[str, Any]], object],
    done: str,
    form_kwargs: dict[str, Any] | None = None,
    intro: str = "",
) -> HttpResponse:
    """A duty's form (web/agreements/form.html): `call` the service with the form's data, then
    back to the agreement saying `done`."""

    def save(data: dict[str, Any]) -> HttpResponse:
        call(data)
        return _done(request, agreement, done)

    form = form_class(request.POST if request.method == "POST" else None, **(form_kwargs or {}))
    context = _page(agreement, title, submit, intro)
    return form_page(request, form, "web/agreements/form.html", context, save=save)


@login_required
@require_http_methods(["GET", "POST"])
def dsa_submission(request: HttpRequest, pk: int) -> HttpResponse:
    actor, agreement = _duties(request, pk)
    return _duty_page(
        request,
        agreement,
        SubmissionForm,
        title="Record the annual data submission",
        submit="Record submission",
        call=lambda d: services.record_submission(actor=actor, agreement=agreement, **d),
        done="Submission recorded.",
    )


class TermsForm(ReportingTermsForm):
    """The reporting terms with the "identifiers" term the statistical center's linkage reads
    (reports.models.AgreementIdentifiers, decision 0061)."""

    identifiers = forms.ChoiceField(
        label="Identifiers in the client-level file",
        choices=Identifiers.choices,
        required=False,  # not sent: unchanged
        help_text=(
            "Encodings: no name, date of birth or ZIP code leaves; the file carries the linkage "
            "encodings made inside the agency, so the statistical center can count each youth "
            "once without holding a name."
        ),
    )

    def clean_identifiers(self) -> str | None:
        return self.cleaned_data.get("identifiers") or None


@login_required
@require_http_methods(["GET", "POST"])
def dsa_terms(request: HttpRequest, pk: int) -> HttpResponse:
    actor, agreement = _duties(request, pk)
    return _duty_page(
        request,
        agreement,
        TermsForm,
        title="Reporting terms",
        submit="Save the terms",
        call=lambda d: submissions.set_reporting_terms(actor=actor, agreement=agreement, **d),
        done="Reporting terms saved: the next submission is made under them.",
        form_kwargs={
            "initial": {
                "client_level": agreement.client_level,
                "aggregate": agreement.aggregate,
                "variable_set": agreement.variable_set,
                "screening_rule": agreement.screening_rule,
                "disclosure_threshold": agreement.disclosure_threshold,
                "identifiers": submissions.identifiers_of(agreement),
                "version": agreement.version,
            }
        },
        intro=(
            "What a submission under this agreement carries (DSA-02, DSA-03), which screening "
            "counts for the year, and the smallest count its aggregates publish (DSA-16)."
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def dsa_breach(request: HttpRequest, pk: int) -> HttpResponse:
    tz = org_time_zone(request)
    actor, agreement = _duties(request, pk)
    return _duty_page(
        request,
        agreement,
        BreachForm,
        title="Record a breach",
        submit="Record breach",
        call=lambda d: services.record_breach(
            actor=actor,
            agreement=agreement,
            reported_at=wall_clock(d["reported_at"], tz, "reported_at"),  # type: ignore[arg-type]  # cleaned_data is typed object; the form's field makes it a datetime
            description=d["description"],
        ),
        done="Breach recorded: the cure is due in 30 days.",
        intro=f"Times are in {tz}.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def dsa_cure(request: HttpRequest, pk: int, breach_id: int) -> HttpResponse:
    tz = org_time_zone(request)
    actor, agreement = _duties(request, pk)
    breach = selectors.get_breach(agreement=agreement, pk=breach_id)
    return _duty_page(
        request,
        agreement,
        CureForm,
        title="Record that the breach was cured",
        submit="Record cure",
        call=lambda d: services.record_cure(
            actor=actor,
            breach=breach,
            cured_at=wall_clock(d["cured_at"], tz, "cured_at"),  # type: ignore[arg-type]  # cleaned_data is typed object; the form's field makes it a datetime
            note=d["note"],
        ),
        done="Cure recorded.",
        intro=f"Times are in {tz}.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_notice(request: HttpRequest, pk: int) -> HttpResponse:
    actor, agreement = _duties(request, pk, kind=None)  # an MOU's notice too
    return _duty_page(
        request,
        agreement,
        NoticeForm,
        title="Record written notice to terminate",
        submit="Record notice",
        call=lambda d: services.give_termination_notice(
            actor=actor,
            agreement=agreement,
            by_organization=d["by_organization"],
            notice_on=d["notice_on"],
            terminates_on=d.get("terminates_on"),
            reason=d["reason"],
        ),
        done="Notice recorded.",
        form_kwargs={"agreement": agreement},
    )


@login_required
@require_http_methods(["GET", "POST"])
def dsa_disposal(request: HttpRequest, pk: int) -> HttpResponse:
    actor, agreement = _duties(request, pk)
    return _duty_page(
        request,
        agreement,
        DisposalForm,
        title="Record destruction or return of the data",
        submit="Record",
        call=lambda d: services.record_disposal(actor=actor, agreement=agreement, **d),
        done="Recorded.",
    )
