"""`{% hl_url %}` (web/templatetags/hl_urls.py; `hl_url(...)` in the Jinja2 templates) gives
exactly the address `{% url %}` gives, for every address the case page uses and any
whole-number arguments — including numbers that contain its markers' digits, which go to
`reverse` — and falls back to `reverse` for anything else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse

from harborline.web.templatetags import hl_urls

# The case page's body and the partials it includes (Jinja2: `hl_url('web:name', case.pk)`).
PAGE = Path(__file__).resolve().parents[2] / "src/harborline/web/jinja2/web"
CALL = re.compile(r"hl_url\('([\w:]+)'((?:, [\w.\[\]\"]+)*)\)")
USED = sorted(
    {
        (name, " ".join(a.strip() for a in args.split(",") if a.strip()))
        for path in PAGE.rglob("*.html")
        for name, args in CALL.findall(path.read_text())
    }
)


def test_the_case_page_uses_it_for_its_addresses():
    assert len(USED) >= 15
    # Every call is one of those checked below (none written in a shape CALL does not read).
    calls = sum(p.read_text().count("hl_url(") for p in PAGE.rglob("*.html"))
    assert calls == sum(len(CALL.findall(p.read_text())) for p in PAGE.rglob("*.html"))


@pytest.mark.parametrize("name, args", USED)
@pytest.mark.parametrize(
    "numbers", [(1, 2), (0, 0), (123456, 7), (2**31, 99), (hl_urls.MARKERS[1], 5), (17919191911, 3)]
)
def test_each_address_is_what_url_gives(name, args, numbers):
    count = len(args.split())
    values = numbers[:count]
    assert hl_urls.hl_url(name, *values) == reverse(name, args=values)
    template = (
        "{% load hl_urls %}"
        + "{% hl_url '"
        + name
        + "' "
        + " ".join(f"a{i}" for i in range(count))
        + " %}"
    )
    plain = "{% url '" + name + "' " + " ".join(f"a{i}" for i in range(count)) + " %}"
    context = {f"a{i}": v for i, v in enumerate(values)}
    assert Template(template).render(Context(context)) == Template(plain).render(Context(context))


def test_anything_else_goes_to_reverse():
    assert hl_urls.hl_url("web:case_detail", "12") == reverse("web:case_detail", args=["12"])
    with pytest.raises(NoReverseMatch):
        hl_urls.hl_url("web:case_detail", -1)
    with pytest.raises(NoReverseMatch):
        hl_urls.hl_url("web:case_detail", True)
    with pytest.raises(NoReverseMatch):
        hl_urls.hl_url("web:no_such_page", 1)
