"""The case pages name no protocol pack and no instrument in code: the case's own pack says
which instrument screens a youth (its obligation rules' `screening:`), and the case list reads
a latest outcome in that instrument's words (issue 11; the other pages: test_pages_name_no_pack)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from harborline.protocols.packs import registry
from harborline.response.casefile import screening_instrument
from harborline.web.views.cases_list import _Outcomes
from harborline.web.views.cases_screening import youth_instruments

WEB = Path(__file__).resolve().parents[2] / "src" / "harborline" / "web"


def _case_page_files() -> list[Path]:
    views = sorted((WEB / "views").glob("cases*.py"))
    templates = sorted(
        [
            *(WEB / "templates" / "web" / "cases").rglob("*.html"),
            *(WEB / "jinja2" / "web" / "cases").rglob("*.html"),  # the page's body (0066)
        ]
    )
    return [*views, WEB / "forms_cases.py", WEB / "urls_cases.py", *templates]


@pytest.mark.parametrize("path", _case_page_files(), ids=lambda p: str(p.relative_to(WEB)))
def test_no_case_page_names_a_pack_or_an_instrument(path):
    packs = registry()
    names = {*packs, *(i for pack in packs.values() for i in pack.instruments)}
    quoted = re.compile(rf"""["']({"|".join(re.escape(n) for n in sorted(names))})["']""")
    assert quoted.findall(path.read_text()) == []


def test_the_screening_instrument_is_the_one_the_pack_screens_with():
    for pack in registry().values():
        rules = getattr(pack.section("obligations.yaml"), "screening", None) or []
        # An instrument adopted from another pack (`adopts`) is offered, never the default.
        own = {k: v for k, v in pack.instruments.items() if k not in pack.adopted}
        named = [
            r.instrument for r in rules if r.instrument in own and own[r.instrument].about_youth
        ]
        youth = [i for i in own.values() if i.about_youth]
        chosen = screening_instrument(pack)
        if named:
            assert chosen == named[0]
        elif youth:
            assert chosen == min(youth, key=lambda i: i.title).instrument
        else:
            assert chosen == ""
        if youth:
            assert youth_instruments(pack)[0].instrument == chosen
    assert screening_instrument(None) == ""


def test_the_list_reads_an_outcome_in_the_words_of_the_case_pack():
    pack = registry()["nevada"]
    instrument = pack.instruments[screening_instrument(pack)]
    result = next(r for r in instrument.results if r.id == "outcome")
    option = result.options[0]

    class Row:
        def __init__(self, pack: str, outcome: str) -> None:
            self.pack, self.latest_outcome = pack, outcome

    outcomes = _Outcomes()
    assert outcomes.label(Row("nevada", option.value)) == option.label
    # A pack no longer installed: the stored value, in plain words.
    assert outcomes.label(Row("gone", "high_risk")) == "High risk"
