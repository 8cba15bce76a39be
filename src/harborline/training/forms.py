"""The forms of the training pages: an event, its attendance, a person's record and a roster
import. What a page asks for before it calls `training.services`."""

from __future__ import annotations

from typing import Any

from django import forms

from harborline.forms import DATE, UswdsMixin
from harborline.protocols.packs import get_pack
from harborline.training.catalogue import training_packs
from harborline.training.models import Format, Level, SpeakerRole


def pack_choices() -> list[tuple[str, str]]:
    """Every loaded protocol with a training catalogue, by its title."""
    return [(p, get_pack(p).manifest.title) for p in training_packs()]


class EventForm(UswdsMixin, forms.Form):
    pack = forms.ChoiceField(label="Protocol")
    course = forms.CharField(
        label="Course code",
        max_length=40,
        help_text="As the protocol's catalogue lists it, e.g. 101B or CSEC-101.",
    )
    title = forms.CharField(
        label="Title (optional)",
        max_length=200,
        required=False,
        help_text="Leave empty to use the course's title.",
    )
    starts_on = forms.DateField(label="Date", widget=DATE)
    format = forms.ChoiceField(label="Format", choices=Format.choices)
    hours = forms.DecimalField(label="Hours", max_digits=5, decimal_places=2, min_value=0)
    level = forms.ChoiceField(label="Level the course is completed at", choices=Level.choices)
    trainers = forms.CharField(label="Trainers", max_length=300, required=False)
    location = forms.CharField(label="Location", max_length=300, required=False)
    survivor_speaker = forms.BooleanField(
        label="A survivor speaks or co-trains at this event", required=False
    )
    speaker_role = forms.ChoiceField(
        label="Survivor's role", choices=[("", "—"), *SpeakerRole.choices], required=False
    )
    speaker_name = forms.CharField(
        label="Survivor's name (optional)",
        max_length=200,
        required=False,
        help_text="Only you, the organizer, will see it. It is encrypted and never exported.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pack"].choices = pack_choices()  # type: ignore[attr-defined]  # django-stubs type form fields as Field


class AttendanceForm(UswdsMixin, forms.Form):
    person = forms.EmailField(label="Attendee's email", max_length=254)
    completed = forms.BooleanField(label="Completed the course", required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].widget.attrs["autocomplete"] = "off"


class RecordForm(UswdsMixin, forms.Form):
    course = forms.CharField(label="Course code", max_length=40)
    pack = forms.ChoiceField(label="Protocol")
    level = forms.ChoiceField(label="Level", choices=Level.choices)
    completed_on = forms.DateField(label="Completed on", widget=DATE)
    hours = forms.DecimalField(label="Hours", max_digits=6, decimal_places=2, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pack"].choices = pack_choices()  # type: ignore[attr-defined]  # django-stubs type form fields as Field


class ImportForm(UswdsMixin, forms.Form):
    file = forms.FileField(
        label="Roster file (CSV or Excel .xlsx)",
        help_text="Columns: email, course, level (optional: basic, intermediate, advanced or "
        "in_depth), completed_on (YYYY-MM-DD), hours. At most 5 MB and 10,000 rows.",
    )
    pack = forms.ChoiceField(label="Protocol the courses belong to", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pack"].choices = [  # type: ignore[attr-defined]  # django-stubs type form fields as Field
            ("", "Find each course in any protocol"),
            *pack_choices(),
        ]
        self.fields["file"].widget.attrs.update({"class": "usa-file-input", "accept": ".csv,.xlsx"})
