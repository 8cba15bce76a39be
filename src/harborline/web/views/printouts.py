"""Printouts for a youth or a family besides the safety plan's youth copy (decision 0064): the
consent form of a consent record, the blank consent form to take to a family, and the referral
handout. Each is a page on web/printout.html (its own language, no menu, a staff bar that is
not printed) and a PDF, in the language of the printout (`?lang=`; without it, the one last
chosen for the case as for the youth copy, else the youth's preferred language). Thin: the
documents are built by sharing.consent_form and directory.handout, whose selectors check access
and write the audit."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from harborline.cases.selectors import case_for, preferred_language
from harborline.directory.handout import handout
from harborline.pdf import Printout, printout_pdf
from harborline.protocols.translations import printout_languages
from harborline.sharing import selectors as sharing

from ._util import actor as _actor
from .plans import remember_language, remembered_language


def _page(
    request: HttpRequest,
    doc: Printout,
    *,
    back: tuple[str, str],
    here: str,
    note: str = "",
) -> HttpResponse:
    query = request.GET.copy()
    query["lang"] = doc.lang
    keep = [(k, v) for k, values in request.GET.lists() if k != "lang" for v in values]
    return render(
        request,
        "web/printouts/document.html",
        {
            "doc": doc,
            "lang": doc.lang,
            "back_url": back[0],
            "back_label": back[1],
            "here": here,
            "pdf_url": f"{here}.pdf?{query.urlencode()}",
            "keep": keep,
            "note": note,
            "printout_languages": printout_languages(),
        },
    )


def _pdf(doc: Printout, name: str) -> HttpResponse:
    response = HttpResponse(printout_pdf(doc), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}-{doc.lang}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


# --- the consent form ------------------------------------------------------------------------


def _consent_doc(
    request: HttpRequest, case_id: int, consent_id: int | None, *, export: bool
) -> Printout:
    actor = _actor(request)
    case, grant = case_for(actor, case_id)
    preferred = preferred_language(actor, case, grant)
    doc = sharing.consent_form(
        actor=actor,
        case=case,
        grant=grant,
        consent_id=consent_id,
        lang=request.GET.get("lang") or remembered_language(request, case.pk, preferred),
        export=export,
        recipients=request.GET.getlist("to"),
        compartments=request.GET.getlist("what"),
        purpose=request.GET.get("purpose", ""),
    )
    remember_language(request, case.pk, doc.lang, preferred)
    return doc


def _sharing_back(case_id: int) -> tuple[str, str]:
    return reverse("web:case_sharing", args=[case_id]) + "#consents", "Back to sharing and consent"


@login_required
@require_GET
def consent_form(request: HttpRequest, case_id: int, consent_id: int) -> HttpResponse:
    doc = _consent_doc(request, case_id, consent_id, export=False)
    return _page(
        request,
        doc,
        back=_sharing_back(case_id),
        here=reverse("web:consent_form", args=[case_id, consent_id]),
        note="The youth's and, where the form asks, the parent's or guardian's copy to sign.",
    )


@login_required
@require_GET
def consent_form_pdf(request: HttpRequest, case_id: int, consent_id: int) -> HttpResponse:
    doc = _consent_doc(request, case_id, consent_id, export=True)
    return _pdf(doc, f"consent-{consent_id}")


@login_required
@require_GET
def blank_consent_form(request: HttpRequest, case_id: int) -> HttpResponse:
    doc = _consent_doc(request, case_id, None, export=False)
    return _page(
        request,
        doc,
        back=_sharing_back(case_id),
        here=reverse("web:blank_consent_form", args=[case_id]),
        note=(
            "Once it is signed, record the consent on the Sharing and consent page with "
            "'Signed form' as the evidence."
        ),
    )


@login_required
@require_GET
def blank_consent_form_pdf(request: HttpRequest, case_id: int) -> HttpResponse:
    doc = _consent_doc(request, case_id, None, export=True)
    return _pdf(doc, f"consent-form-case-{case_id}")


# --- the referral handout --------------------------------------------------------------------


def _handout(request: HttpRequest, referral_id: int, *, export: bool) -> tuple[Printout, int]:
    doc, referral, preferred = handout(
        actor=_actor(request),
        referral_id=referral_id,
        lang=request.GET.get("lang", ""),
        remembered=lambda case_id, preferred: remembered_language(request, case_id, preferred),
        export=export,
    )
    remember_language(request, referral.case_id, doc.lang, preferred)
    return doc, referral.pk


@login_required
@require_GET
def referral_handout(request: HttpRequest, referral_id: int) -> HttpResponse:
    doc, pk = _handout(request, referral_id, export=False)
    return _page(
        request,
        doc,
        back=(reverse("web:referral", args=[pk]), "Back to the referral"),
        here=reverse("web:referral_handout", args=[pk]),
        note="Nothing about the youth is printed: only where to go, when, what to bring.",
    )


@login_required
@require_GET
def referral_handout_pdf(request: HttpRequest, referral_id: int) -> HttpResponse:
    doc, pk = _handout(request, referral_id, export=True)
    return _pdf(doc, f"referral-{pk}")
