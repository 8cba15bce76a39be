"""Pages for missing and runaway episodes (9-F report, locate efforts, return, 9-G debrief) and
for a case's placement history (11-A considerations, disruptions). Thin: a form, a service or a
selector of `missing`, a template. NotFound and Forbidden reach DomainErrorPages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from harborline.cases.models import PlacementEnd, PlacementKind
from harborline.forms import UswdsMixin
from harborline.missing import events, placements, selectors, services
from harborline.missing.placements import FIT_QUESTIONS, FIT_TEXT, FIT_YES_NO
from harborline.missing.services import DEBRIEF_LISTS, DEBRIEF_TEXT
from harborline.people.models import User

from ._util import actor, form_page, instrument_page

SOCIAL_ROWS = 3
YES_NO = [("", "Not answered"), ("yes", "Yes"), ("no", "No")]
TEXTAREA = {"rows": 3, "class": "usa-textarea"}


class LocalTime(forms.CharField):
    """A datetime-local value, kept as wall-clock time: the service reads it in the owning
    organization's time zone (response.clocks.event_time), as every event time."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"})

    def to_python(self, value: Any) -> datetime | None:  # type: ignore[override]  # a datetime, not text
        text = super().to_python(value)
        if not text:
            return None
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            raise forms.ValidationError("Give a date and time like 2026-12-02 14:30.") from None


def _text(label: str, limit: int, *, help_text: str = "", rows: bool = False) -> forms.CharField:
    widget = forms.Textarea(attrs=TEXTAREA) if rows else forms.TextInput
    return forms.CharField(
        label=label, max_length=limit, required=False, help_text=help_text, widget=widget
    )


_SocialFields = type(
    "_SocialFields",
    (forms.Form,),
    {
        name: field
        for i in range(SOCIAL_ROWS)
        for name, field in (
            (
                f"social_{i}_platform",
                forms.CharField(label=f"Platform {i + 1}", max_length=60, required=False),
            ),
            (
                f"social_{i}_account",
                forms.CharField(
                    label=f"Account or profile name {i + 1}", max_length=200, required=False
                ),
            ),
        )
    },
)


class EpisodeForm(UswdsMixin, _SocialFields):  # type: ignore[misc,valid-type]  # built with type() above
    last_seen_at = LocalTime(label="Last seen (date and time)")
    reported_missing_at = LocalTime(
        label="When your agency learned the youth was missing",
        help_text="The 24-hour clocks for the reports to law enforcement and NCMEC run from this.",
    )
    last_seen_where = _text("Where the youth was last seen (the address they ran from)", 500)
    last_seen_with = _text("Who the youth was last seen with", 500)
    items_taken = _text("What the youth took with them", 1000, rows=True)
    description = _text("Physical description, clothing, car", 2000, rows=True)
    possible_locations = _text("Addresses the youth might run to", 2000, rows=True)
    suspected_trafficked = forms.ChoiceField(
        label="Is the youth suspected of being trafficked?",
        required=False,
        choices=[("", "Not answered"), ("yes", "Yes"), ("no", "No"), ("unknown", "Unknown")],
    )
    notes = _text("Anything the MDT should know", 4000, rows=True)

    def social_media(self) -> list[dict[str, str]]:
        rows = []
        for i in range(SOCIAL_ROWS):
            platform = self.cleaned_data.get(f"social_{i}_platform", "")
            account = self.cleaned_data.get(f"social_{i}_account", "")
            if platform or account:
                rows.append({"platform": platform, "account": account})
        return rows

    def social_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"social_{i}_platform"], self[f"social_{i}_account"]) for i in range(SOCIAL_ROWS)
        ]


def _social_alias(field: str) -> str:
    # social_media[1].account -> social_1_account; a credential or unknown key goes above the form
    if field.startswith("social_media[") and "]." in field:
        index, _, key = field[len("social_media[") :].partition("].")
        if key in ("platform", "account"):
            return f"social_{index}_{key}"
    return field


@login_required
def episodes(request: HttpRequest, case_id: int) -> HttpResponse:
    found = selectors.episodes_for_case(actor(request), case_id)
    return render(request, "web/missing/episodes.html", {"found": found, "case": found.case})


@login_required
def episode_new(request: HttpRequest, case_id: int) -> HttpResponse:
    services.case_for_writing(actor(request), case_id)
    form = EpisodeForm(request.POST if request.method == "POST" else None)

    def save(data: dict[str, Any]) -> HttpResponse:
        episode, obligations = services.record_episode(
            actor=actor(request),
            case_id=case_id,
            last_seen_at=data["last_seen_at"],
            reported_missing_at=data["reported_missing_at"],
            last_seen_where=data["last_seen_where"],
            last_seen_with=data["last_seen_with"],
            items_taken=data["items_taken"],
            description=data["description"],
            social_media=form.social_media(),
            possible_locations=data["possible_locations"],
            suspected_trafficked=data["suspected_trafficked"],
            notes=data["notes"],
        )
        messages.success(
            request,
            f"Recorded. {len(obligations)} obligations started: the reports to law enforcement "
            "and NCMEC are due within 24 hours.",
        )
        return redirect("web:missing_episode", episode.pk)

    return form_page(
        request,
        form,
        "web/missing/episode_new.html",
        {"case_id": case_id, "title": "Report the youth missing"},
        save=save,
        aliases=_social_alias,
    )


class ReportForm(UswdsMixin, forms.Form):
    to = forms.ChoiceField(
        label="Report made to",
        choices=[("law_enforcement", "Law enforcement (for NCIC entry)"), ("ncmec", "NCMEC")],
    )
    report_number = forms.CharField(label="Report number", max_length=100)
    reported_at = LocalTime(label="When the report was made", required=False)


class EffortForm(UswdsMixin, forms.Form):
    made_at = LocalTime(label="When")
    action = forms.CharField(
        label="What was done",
        max_length=1000,
        help_text="Who was called, where someone looked.",
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    outcome = _text("What came of it", 2000, rows=True)


class ReturnForm(UswdsMixin, forms.Form):
    returned_at = LocalTime(label="When the youth returned or was found")
    returned_where = _text("Where", 500)
    found_by = _text("Who found the youth", 300, help_text="Or: returned on their own.")
    return_notes = _text("Notes (welcome, immediate needs met)", 4000, rows=True)


def _debrief_form_class() -> type[forms.Form]:
    fields: dict[str, forms.Field] = {
        "held_at": LocalTime(label="When the debrief was held"),
        "led_by_name": forms.CharField(
            label="Led by (the trusted adult the youth chose)", max_length=200
        ),
        "led_by_organization": forms.CharField(
            label="Their organization's short name (optional; may be another organization)",
            max_length=80,
            required=False,
        ),
        "chosen_by_youth": forms.BooleanField(
            label="The youth chose this adult to debrief them", required=True
        ),
        "youth_refused": forms.BooleanField(label="The youth refused to take part", required=False),
        "in_danger_now": forms.ChoiceField(
            label="1. Do you feel you are in danger now?",
            choices=YES_NO,
            required=False,
            help_text="Yes starts an immediate safety response.",
        ),
    }
    for name in DEBRIEF_TEXT:
        fields[name] = _text(name.replace("_", " ").capitalize(), 4000)
    for name in DEBRIEF_LISTS:
        fields[name] = _text(
            name.replace("_", " ").capitalize(), 1000, help_text="Separate answers with commas."
        )
    return type("DebriefForm", (UswdsMixin, forms.Form), fields)


DebriefForm = _debrief_form_class()


@login_required
def episode_detail(request: HttpRequest, episode_id: int) -> HttpResponse:
    detail = selectors.episode_detail(actor(request), episode_id)
    return render(
        request,
        "web/missing/episode.html",
        {
            "detail": detail,
            "episode": detail.episode,
            "case": detail.case,
            "report_form": ReportForm(),
            "effort_form": EffortForm(),
            "return_form": ReturnForm(),
        },
    )


def _episode_url(episode_id: int, anchor: str = "") -> str:
    url = reverse("web:missing_episode", args=[episode_id])
    return f"{url}#{anchor}" if anchor else url


def _episode_form(
    request: HttpRequest,
    episode_id: int,
    form_class: type[forms.Form],
    title: str,
    anchor: str,
    record: Callable[[User, dict[str, Any]], None],
) -> HttpResponse:
    """One of an episode's forms on a page of its own (web/missing/form.html), for those who may
    write the episode (NotFound or Forbidden otherwise, before the form is shown): `record` calls
    the service and says what was done, then back to the episode at `anchor`."""
    who = actor(request)
    services.episode_for(who, episode_id)
    form = form_class(request.POST if request.method == "POST" else None)

    def save(data: dict[str, Any]) -> HttpResponse:
        record(who, data)
        return redirect(_episode_url(episode_id, anchor))

    context = {"title": title, "cancel": _episode_url(episode_id), "submit": title}
    return form_page(request, form, "web/missing/form.html", context, save=save)


@login_required
def episode_report(request: HttpRequest, episode_id: int) -> HttpResponse:
    def record(who: User, data: dict[str, Any]) -> None:
        services.record_report(actor=who, episode_id=episode_id, **data)
        messages.success(request, "Report number recorded.")

    title = "Record a report number"
    return _episode_form(request, episode_id, ReportForm, title, "reports", record)


@login_required
def episode_effort(request: HttpRequest, episode_id: int) -> HttpResponse:
    def record(who: User, data: dict[str, Any]) -> None:
        services.add_locate_effort(actor=who, episode_id=episode_id, **data)
        messages.success(request, "Locate effort logged.")

    return _episode_form(request, episode_id, EffortForm, "Log a locate effort", "efforts", record)


@login_required
def episode_return(request: HttpRequest, episode_id: int) -> HttpResponse:
    def record(who: User, data: dict[str, Any]) -> None:
        _, obligations = services.record_return(actor=who, episode_id=episode_id, **data)
        messages.success(
            request,
            "Return recorded. Next: welcome the youth and meet immediate needs, then the debrief "
            f"by an adult they choose ({len(obligations)} obligations started).",
        )

    return _episode_form(request, episode_id, ReturnForm, "Record the return", "return", record)


@login_required
def episode_debrief(request: HttpRequest, episode_id: int) -> HttpResponse:
    def record(who: User, data: dict[str, Any]) -> None:
        answers: dict[str, Any] = {name: data[name] for name in DEBRIEF_TEXT if data.get(name)}
        for name in DEBRIEF_LISTS:
            items = [part.strip() for part in str(data.get(name) or "").split(",")]
            if any(items):
                answers[name] = [item for item in items if item]
        _, started = services.record_debrief(
            actor=who,
            episode_id=episode_id,
            held_at=data["held_at"],
            led_by_name=data["led_by_name"],
            led_by_organization=data["led_by_organization"],
            chosen_by_youth=bool(data["chosen_by_youth"]),
            youth_refused=bool(data["youth_refused"]),
            in_danger_now=data["in_danger_now"],
            answers=answers,
        )
        if started:
            messages.warning(
                request,
                "The youth says they are in danger now: an immediate safety response was started.",
            )
        else:
            messages.success(request, "Debrief recorded.")

    return _episode_form(request, episode_id, DebriefForm, "Record the debrief", "debrief", record)


# --- Placements ------------------------------------------------------------------------------


def _fit_fields() -> dict[str, forms.Field]:
    fields: dict[str, forms.Field] = {}
    for name in FIT_YES_NO:
        fields[name] = forms.ChoiceField(label=FIT_QUESTIONS[name], choices=YES_NO, required=False)
        fields[f"{name}_notes"] = forms.CharField(label="Notes", max_length=2000, required=False)
    for name in FIT_TEXT:
        fields[name] = forms.CharField(
            label=FIT_QUESTIONS[name],
            max_length=2000,
            required=False,
            widget=forms.Textarea(attrs=TEXTAREA),
        )
    return fields


_FitFields = type("_FitFields", (forms.Form,), _fit_fields())


class PlacementForm(UswdsMixin, _FitFields):  # type: ignore[misc,valid-type]  # built with type() above
    kind = forms.ChoiceField(label="Kind of placement", choices=PlacementKind.choices)
    started_on = forms.DateField(label="Started on", widget=forms.DateInput(attrs={"type": "date"}))
    address = _text(
        "Address",
        500,
        help_text="Placement address compartment: only organizations it is shared with see it.",
    )
    notes = _text("Notes", 4000, rows=True)


class EndForm(UswdsMixin, forms.Form):
    ended_on = forms.DateField(label="Ended on", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.ChoiceField(
        label="How it ended",
        choices=PlacementEnd.choices,
        help_text="A disruption starts the MDT review the protocol asks for.",
    )
    note = _text("What happened", 4000, rows=True)


@login_required
def placement_history(request: HttpRequest, case_id: int) -> HttpResponse:
    history = placements.placement_history(actor(request), case_id)
    questions = [(q, FIT_QUESTIONS[q]) for q in (*FIT_YES_NO, *FIT_TEXT)]
    return render(
        request,
        "web/missing/placements.html",
        {"history": history, "case": history.case, "questions": questions},
    )


@login_required
def placement_new(request: HttpRequest, case_id: int) -> HttpResponse:
    placements.case_for_placing(actor(request), case_id)
    form = PlacementForm(request.POST if request.method == "POST" else None)

    def save(data: dict[str, Any]) -> HttpResponse:
        considerations = {key: data[key] for key in data if key.startswith("fit_") and data[key]}
        placements.record_placement(
            actor=actor(request),
            case_id=case_id,
            kind=data["kind"],
            started_on=data["started_on"],
            address=data["address"],
            considerations=considerations,
            notes=data["notes"],
        )
        messages.success(request, "Placement recorded; it is now the current placement.")
        return redirect("web:placements", case_id)

    return form_page(
        request,
        form,
        "web/missing/form.html",
        {
            "title": "Record a placement",
            "intro": "Answer every 11-A question before the placement is chosen (Resource 11-A).",
            "cancel": reverse("web:placements", args=[case_id]),
            "submit": "Record the placement",
        },
        save=save,
        aliases=lambda field: field.removeprefix("considerations."),
    )


@login_required
def placement_end(request: HttpRequest, placement_id: int) -> HttpResponse:
    placements.placement_for(actor(request), placement_id)
    form = EndForm(request.POST if request.method == "POST" else None)

    def save(data: dict[str, Any]) -> HttpResponse:
        placement, started = placements.end_placement(
            actor=actor(request), placement_id=placement_id, **data
        )
        note = " The MDT review was started." if started else ""
        messages.success(request, f"Placement ended.{note}")
        return redirect("web:placements", placement.case_id)

    return form_page(
        request,
        form,
        "web/missing/form.html",
        {"title": "End the placement", "submit": "End the placement"},
        save=save,
    )


# --- Runaway prevention (9-C), with the instrument's own form -------------------------------


@login_required
def prevention(request: HttpRequest, case_id: int) -> HttpResponse:
    """The guides completed with the youth (newest first) and the form for a new one: the pack's
    `runaway_prevention` instrument, the engine's messages beside the fields."""
    case, done = selectors.prevention_for_case(actor(request), case_id)

    def save(answers: dict[str, Any]) -> HttpResponse:
        services.record_prevention(actor=actor(request), case_id=case_id, answers=answers)
        messages.success(request, "Runaway-prevention guide recorded.")
        return redirect("web:runaway_prevention", case_id)

    return instrument_page(
        request,
        selectors.prevention_instrument(case),
        "web/missing/prevention.html",
        {"case": case, "done": done},
        save=save,
        time_zone=case.owner.time_zone,
    )


# --- Crisis events (decision 0042) -----------------------------------------------------------


class EventForm(UswdsMixin, forms.Form):
    kind = forms.ChoiceField(
        label="What happened",
        choices=[("", "- Select -"), *events.event_kinds()],
        error_messages={"required": "Select what happened."},
        help_text="A runaway is recorded by reporting the youth missing; a placement disruption "
        "by ending the placement with the reason “disruption”.",
    )
    occurred_at = LocalTime(
        label="When it happened",
        help_text="The MDT review and the safety reassessment are due from this time.",
        error_messages={"required": "Say when it happened."},
    )
    note = _text("What the MDT should know", events.NOTE_LIMIT, rows=True)


@login_required
def crisis_events(request: HttpRequest, case_id: int) -> HttpResponse:
    case, rows = events.events_for_case(actor(request), case_id)
    return render(request, "web/missing/events.html", {"case": case, "events": rows})


@login_required
def crisis_event_new(request: HttpRequest, case_id: int) -> HttpResponse:
    events.case_for_recording(actor(request), case_id)
    form = EventForm(request.POST if request.method == "POST" else None)

    def save(data: dict[str, Any]) -> HttpResponse:
        _, started = events.record_event(actor=actor(request), case_id=case_id, **data)
        titles = "; ".join(o.title for o in started)
        messages.success(
            request,
            f"Recorded. Started: {titles}." if started else "Recorded.",
        )
        return redirect("web:crisis_events", case_id)

    return form_page(
        request,
        form,
        "web/missing/form.html",
        {
            "title": "Record a crisis event",
            "intro": "A return to the exploiter, a suicide attempt or an arrest brings the MDT "
            "back together and the youth's safety is assessed again; reasonable cause to believe "
            "the youth is abused or neglected, a sexual assault or a disclosure in custody starts "
            "the report, the medical window or the referral the protocol sets (its rules).",
            "cancel": reverse("web:crisis_events", args=[case_id]),
            "submit": "Record the event",
        },
        save=save,
    )
