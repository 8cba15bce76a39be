"""Recording a warning sign seen on a case (decision 0065): one of the pack's warning signs, when
it was seen, and a note. It is written into the case's screening section; when the case owner's
policy screens on it, a screening obligation starts and the page says so. The rules are
`response.agency_screening`'s; this page only parses and shows."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from harborline.access import compartments as c
from harborline.access.policy import require
from harborline.cases.selectors import case_for
from harborline.forms import UswdsMixin
from harborline.response import agency_screening

from ._util import actor as _actor
from ._util import form_page
from .cases_util import case_url, local, naive


class WarningSignForm(UswdsMixin, forms.Form):
    sign = forms.ChoiceField(
        label="Warning sign",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the warning sign you saw.",
            "invalid_choice": "Select one of the listed warning signs.",
        },
    )
    observed_at = forms.CharField(
        label="Seen at",
        help_text="When you saw it (a screening's clock runs from then), in the case owner's "
        "time zone.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        error_messages={"required": "Say when the sign was seen."},
    )
    note = forms.CharField(
        label="What you saw (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sign"].choices = choices  # type: ignore[attr-defined]  # a ChoiceField
        self._style_fields()


@login_required
@require_http_methods(["GET", "POST"])
def case_warning_sign(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = _actor(request)
    case, grant = case_for(actor, case_id)
    require(grant, c.Compartment.SCREENING)
    offered = agency_screening.sign_choices(case)
    now = local(timezone.now(), case.owner.time_zone, "%Y-%m-%dT%H:%M")
    form = WarningSignForm(
        request.POST if request.method == "POST" else None,
        initial={"observed_at": now},
        choices=[(o.id, o.label) for o in offered],
    )

    def save(data: dict[str, Any]) -> HttpResponse:
        done = agency_screening.record_warning_sign(
            actor=actor,
            case_id=case.pk,
            sign=data["sign"],
            observed_at=naive(data["observed_at"], "observed_at"),
            note=data["note"],
        )
        if done.obligations:
            text = (
                f"Warning sign recorded. {case.owner.name}'s policy screens on it: "
                "a screening is now due (see Obligations)."
            )
        elif done.in_policy:
            text = "Warning sign recorded. A screening the policy asks for is already due."
        else:
            text = (
                f"Warning sign recorded in the screening section. {case.owner.name}'s policy "
                "does not name it, so no screening was started; you may screen the youth anyway."
            )
        messages.success(request, text)
        return redirect(case_url(case.pk) + "#obligations")

    return form_page(
        request,
        form,
        "web/cases/warning_sign.html",
        {"case": case, "offered": offered},
        save=save,
    )
