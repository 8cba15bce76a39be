"""The code-book pages (issue 16, item 1): a case's record in the pack's data code book, with
the hand-coding form for what nothing else records, and the organization's CSV. Thin: the rules
are reports.codebook; NotFound and Forbidden reach DomainErrorPages."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from harborline.errors import InvalidInput
from harborline.forms import UswdsMixin
from harborline.reports import codebook
from harborline.tabular import write_table

from ._util import actor, form_page

RULES = [
    ("latest", "The latest screening"),
    ("first", "The first screening"),
    ("confirmed", "Ever confirmed"),
]


class CodingForm(UswdsMixin, forms.Form):
    """One field per code-book item the person may code by hand: a select of the item's codes
    for coded items, a text box otherwise."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, items: list[Any], variables: dict[str, Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        for item in items:
            variable = variables[item.name]
            label = f"{item.number}. {item.label}"
            if variable.type == "coded":
                choices = [
                    ("", "Not recorded"),
                    *[(str(v.code), f"{v.code} = {v.label}") for v in variable.values],
                ]
                field: forms.Field = forms.ChoiceField(label=label, choices=choices, required=False)
            else:
                hint = "MM/DD/YYYY" if variable.type == "date" else ""
                field = forms.CharField(label=label, required=False, max_length=200, help_text=hint)
            self.fields[item.name] = field
        self._style_fields()


def _year(request: HttpRequest) -> int | None:
    raw = request.GET.get("year", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise InvalidInput.field("year", "give a year such as 2026")
    return int(raw)


@login_required
def case_page(request: HttpRequest, case_id: int) -> HttpResponse:
    rule, year = request.GET.get("rule", "latest"), _year(request)
    made = codebook.case_code_book(actor(request), case_id, rule=rule, year=year)
    book = codebook.codebook_of(made.pack)
    variables = {v.name: v for v in book.variables}
    codable = [i for i in made.items if i.status in ("hand_coded", "not_recorded")]
    initial = {
        i.name: i.code if i.code is not None else i.value
        for i in codable
        if i.status == "hand_coded"
    }
    form = CodingForm(
        request.POST if request.method == "POST" else None,
        items=codable,
        variables=variables,
        initial=initial,
    )

    def save(data: dict[str, Any]) -> HttpResponse:
        version = data.pop("version", None)
        changed = {k: v for k, v in data.items() if k in {i.name for i in codable}}
        codebook.set_coding(actor(request), case_id, changed, version=version)
        return redirect(reverse("web:case_code_book", args=[case_id]) + "#coding-heading")

    return form_page(
        request,
        form,
        "web/codebook/case.html",
        {"made": made, "rules": RULES, "rule": rule, "year": year or "", "codable": codable},
        save=save,
    )


@login_required
def organization_csv(request: HttpRequest) -> HttpResponse:
    """The organization's code-book records as CSV: every case it owns that the person may see,
    each item as far as their grant allows ("" where not recorded or withheld)."""
    rule, year = request.GET.get("rule", "latest"), _year(request)
    year = year or date.today().year
    columns, rows = codebook.organization_records(actor(request), rule=rule, year=year)
    content, content_type = write_table(rows, columns, "csv")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="code-book-{year}.csv"'
    return response
