"""The task-force pages' menu, written once (issue 13, item 6): `{% taskforce_pages tf %}` gives
(url, label, current) for each page, and web/taskforce/_nav.html shows them as a row of buttons
on a wide screen and as one "Task force pages" disclosure on a phone."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

register = template.Library()

PAGES = (
    ("taskforce_home", "Overview"),
    ("taskforce_members", "Members"),
    ("taskforce_structure_page", "Structure"),
    ("taskforce_representation", "Representation"),
    ("taskforce_meetings", "Meetings"),
    ("taskforce_report", "Annual report"),
    ("interconnectedness", "Interconnectedness"),
)


@register.simple_tag(takes_context=True)
def taskforce_pages(context: dict[str, Any], tf: Any) -> list[tuple[str, str, bool]]:
    match = getattr(context.get("request"), "resolver_match", None)
    here = match.url_name if match is not None else ""
    return [(reverse(f"web:{name}", args=[tf.pk]), label, name == here) for name, label in PAGES]
