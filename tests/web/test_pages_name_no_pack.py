"""Jurisdiction names come from the installation's packs, not from page code: no page view or
template outside the case pages (another change moves those) names a shipped pack as a string.
What a page says differently per jurisdiction comes from the domain (e.g. the annual report's
NARRATIVE_ASKS), and defaults come from the packs loaded here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from harborline.protocols.packs import registry
from harborline.taskforce.models import NARRATIVE_ASKS, ReportKind
from tests.factories import OrganizationFactory, UserFactory, give_totp_device, sign_in

WEB = Path(__file__).resolve().parents[2] / "src" / "harborline" / "web"


def _page_files() -> list[Path]:
    views = [p for p in (WEB / "views").glob("*.py") if not p.name.startswith("cases")]
    templates = [
        p
        for folder in ("templates", "jinja2")  # Django's and Jinja2's (decision 0066)
        for p in (WEB / folder / "web").rglob("*.html")
        if "cases" not in p.parts
    ]
    return [*views, WEB / "forms.py", *templates]


@pytest.mark.parametrize("path", _page_files(), ids=lambda p: str(p.relative_to(WEB)))
def test_no_page_names_a_pack(path):
    names = "|".join(re.escape(name) for name in registry())
    quoted = re.compile(rf"""["']({names})["']""")
    assert quoted.findall(path.read_text()) == []


@pytest.fixture(autouse=True)
def _no_demo(settings):
    settings.DEMO_MODE = False


@pytest.mark.parametrize("kind", list(ReportKind))
def test_the_report_page_says_what_its_body_asks(client, db, kind):
    from harborline.taskforce import services

    org = OrganizationFactory(type="task_force")
    coordinator = UserFactory(role="coordinator", org=org)
    tf = services.create_taskforce(actor=coordinator, name="TF", pack="washington")
    give_totp_device(coordinator)
    page = (
        sign_in(client, coordinator)
        .get(f"/taskforces/{tf.pk}/report?kind={kind.value}&year=2026")
        .content.decode()
    )
    asks = NARRATIVE_ASKS.get(kind, "")
    assert ("Write the parts only the task force can tell" + (f": {asks}" if asks else ".")) in (
        page
    )
