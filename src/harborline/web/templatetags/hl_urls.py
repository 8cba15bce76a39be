"""`{% hl_url 'web:name' 12 34 %}` (`{% load hl_urls %}`): `{% url %}` for addresses whose
arguments are whole numbers, as on the case page, which reverses some twenty of them per
request (issue 11: ~0.05 ms each, bench/profile_case.py). Each name is reversed once per
process (per number of arguments, URLconf and script prefix) with marker numbers, and the
arguments are then put in the markers' places: the same address `{% url %}` gives, which
tests/web/test_hl_url.py checks for every address the case page uses. Anything else — an
argument that is not a whole number, a route that refuses the markers — goes to `reverse`."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

register = template.Library()

MARKERS = (7_919_191_911, 7_929_292_922, 7_939_393_933)
_MARKED = tuple(str(m) for m in MARKERS)
_SHAPES: dict[tuple[str, int, str, Any], str | None] = {}


def _shape(name: str, count: int) -> str | None:
    key = (name, count, get_script_prefix(), get_urlconf())
    if key not in _SHAPES:
        try:
            url = reverse(name, args=MARKERS[:count])
        except NoReverseMatch:
            url = None
        if url is not None and any(url.count(m) != 1 for m in _MARKED[:count]):
            url = None
        _SHAPES[key] = url
    return _SHAPES[key]


@register.simple_tag
def hl_url(name: str, *args: Any) -> str:
    shape = None
    if len(args) <= len(MARKERS) and all(type(a) is int and a >= 0 for a in args):
        numbers = [str(a) for a in args]
        if not any(m in n for n in numbers for m in _MARKED):
            shape = _shape(name, len(args))
    if shape is None:
        return reverse(name, args=args)
    for marker, number in zip(_MARKED, numbers, strict=False):
        shape = shape.replace(marker, number)
    return shape
