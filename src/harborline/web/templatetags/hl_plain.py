"""Template filters of the humanizing layer (`harborline.web.humanize`): `{% load hl_plain %}`."""

from __future__ import annotations

from datetime import date, datetime

from django import template

from harborline.web import humanize

register = template.Library()


@register.filter
def when(value: datetime | date | str | None, tz_name: str = "UTC") -> str:
    """{{ e.at|when:org_tz }} -> '3 Dec 2026, 14:05 PST'."""
    return humanize.when(value, tz_name or "UTC")


@register.filter
def day(value: date | datetime | None, tz_name: str = "UTC") -> str:
    return humanize.day(value, tz_name or "UTC")


@register.filter
def dates_in_text(value: str) -> str:
    return humanize.dates_in_text(str(value))


@register.filter
def section(key: str) -> str:
    return humanize.section(key)


@register.filter
def scope(key: str) -> str:
    return humanize.scope(key)


@register.filter
def evidence(values: dict[str, object] | None, tz_name: str = "UTC") -> list[tuple[str, str]]:
    return humanize.evidence(values, tz_name or "UTC")
