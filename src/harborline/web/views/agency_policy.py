"""An agency's own policy within its pack (issue 15, item 4; decision 0058): its administrator
sets shorter clocks for the pack's configurable obligations, which re-screening triggers it uses,
who completes the screening tool and which youth it screens (decision 0065). The page is the
organization administrator's (a system administrator may name another organization with ?org=);
anyone else gets 404. The rules are
`response.policy`'s; this page only parses and shows."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from harborline.forms import UswdsMixin
from harborline.people.roles import Role
from harborline.protocols.home import home_pack_name
from harborline.response import policy as agency_policy

from ._util import actor as _actor
from ._util import form_page

UNIT_WORDS = {"hours": "hours", "business_days": "business days"}


class PolicyForm(UswdsMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, view: agency_policy.PolicyView, **kwargs: Any) -> None:
        initial: dict[str, Any] = {"version": view.version, "screeners": view.screeners}
        for rule in view.rules:
            entry = rule.entry
            unit = next((u for u in ("hours", "business_days", "off") if u in entry), "pack")
            initial[f"choice_{rule.id}"] = unit
            if unit in UNIT_WORDS:
                amount = entry[unit]
                initial[f"amount_{rule.id}"] = int(amount) if float(amount).is_integer() else amount
        super().__init__(*args, initial=initial, **kwargs)
        self.rules = view.rules
        for rule in view.rules:
            choices = [
                ("pack", f"The pack's clock: {rule.pack_clock}"),
                ("hours", "A shorter clock, in hours"),
                ("business_days", "A shorter clock, in business days"),
            ]
            if rule.rescreen:
                choices.append(("off", "Not a re-screening trigger of this agency"))
            self.fields[f"choice_{rule.id}"] = forms.ChoiceField(
                label=rule.title,
                choices=choices,
                error_messages={"invalid_choice": "Choose one of the listed clocks."},
            )
            self.fields[f"amount_{rule.id}"] = forms.DecimalField(
                label="How many",
                required=False,
                min_value=0,
                max_digits=7,
                decimal_places=1,
                error_messages={"invalid": "Give a number, like 24."},
            )
        self.fields["screeners"] = forms.MultipleChoiceField(
            label="Who completes the screening tool",
            required=False,
            choices=[(r, str(Role(r).label)) for r in agency_policy.screening_roles()],
            widget=forms.CheckboxSelectMultiple,
            help_text="Tick none to let anyone who works cases screen.",
            error_messages={"invalid_choice": "Choose among the listed roles."},
        )
        self.screening = view.screening
        if view.screening is not None:
            self._screening_fields(view.screening)
        self._style_fields()

    def _screening_fields(self, screening: agency_policy.ScreeningView) -> None:
        """Which youth the agency screens (decision 0065), among what the pack offers."""
        population = screening.population
        if screening.population_offered:
            self.fields["population_scope"] = forms.ChoiceField(
                label="Which new clients are screened",
                required=False,
                choices=[
                    ("none", "No one on becoming a client (only after the events and signs below)"),
                    ("all", "Every new client"),
                    ("age", "New clients of an age"),
                ],
                widget=forms.RadioSelect,
                initial=population.get("scope", "none"),
                error_messages={"invalid_choice": "Choose one of the listed populations."},
            )
            for name, label in (("min_age", "Youngest age"), ("max_age", "Oldest age")):
                self.fields[name] = forms.IntegerField(
                    label=label,
                    required=False,
                    initial=population.get(name),
                    error_messages={"invalid": "Give a whole age, like 10."},
                )
        self.fields["events"] = forms.MultipleChoiceField(
            label="Events after which the agency screens",
            required=False,
            choices=[(o.id, o.label[:1].upper() + o.label[1:]) for o in screening.events_offered],
            widget=forms.CheckboxSelectMultiple,
            initial=screening.events,
            error_messages={"invalid_choice": "Choose among the listed events."},
        )
        self.fields["signs"] = forms.MultipleChoiceField(
            label="Warning signs that call for a screening",
            required=False,
            choices=[(o.id, o.label) for o in screening.signs_offered],
            widget=forms.CheckboxSelectMultiple,
            initial=screening.signs,
            error_messages={"invalid_choice": "Choose among the listed warning signs."},
        )

    def rows(self) -> list[tuple[Any, forms.BoundField, forms.BoundField]]:
        return [(r, self[f"choice_{r.id}"], self[f"amount_{r.id}"]) for r in self.rules]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        clocks: dict[str, Any] = {}
        for rule in self.rules:
            unit = data.get(f"choice_{rule.id}")
            amount = data.get(f"amount_{rule.id}")
            if unit in UNIT_WORDS:
                if amount is None:
                    self.add_error(f"amount_{rule.id}", f"Give the number of {UNIT_WORDS[unit]}.")
                    continue
                value = float(amount)
                clocks[rule.id] = {unit: int(value) if value.is_integer() else value}
            elif unit == "off":
                clocks[rule.id] = {"off": True}
        data["clocks"] = clocks
        scope = data.get("population_scope") or "none"
        population: dict[str, Any] = {}
        if scope == "all":
            population = {"scope": "all"}
        elif scope == "age":
            population = {"scope": "age"}
            for name in ("min_age", "max_age"):
                if data.get(name) is not None:
                    population[name] = data[name]
        data["population"] = population
        data.setdefault("events", [])
        data.setdefault("signs", [])
        return data


def _field(name: str) -> str:
    """The form field a service error names: clocks.<id> is the rule's amount."""
    if name.startswith("clocks."):
        return f"amount_{name.split('.', 1)[1]}"
    if name in ("population.min_age", "population.max_age"):
        return name.split(".", 1)[1]
    if name.startswith("population"):
        return "population_scope"
    return name


@login_required
@require_http_methods(["GET", "POST"])
def agency_policy_page(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    slug = request.GET.get("org", "")
    view = agency_policy.view(actor, home_pack_name(), slug)
    form = PolicyForm(request.POST if request.method == "POST" else None, view=view)

    def save(data: dict[str, Any]) -> HttpResponse:
        agency_policy.set_policy(
            actor=actor,
            organization=view.organization,
            pack=view.pack.name,
            clocks=data["clocks"],
            screeners=data["screeners"],
            version=data["version"],
            population=data["population"],
            events=data["events"],
            signs=data["signs"],
        )
        messages.success(request, f"{view.organization.name}'s policy is saved.")
        query = f"?{urlencode({'org': slug})}" if slug else ""
        return redirect(reverse("web:agency_policy") + query)

    return form_page(
        request,
        form,
        "web/agency_policy.html",
        {"view": view, "org_query": slug},
        save=save,
        aliases=_field,
    )
