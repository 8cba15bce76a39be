"""Plain names everywhere (issue 13, item 3): the pages that showed internal formats — who saw this
record, obligation evidence and training compliance — rendered with realistic data show no
organization slug, section key, `app.model #id`, `break_glass:2`, snake_case key or ISO/UTC time;
and a pack's source line sits behind a "Source" disclosure that only coordinators get."""

from __future__ import annotations

import html as html_lib
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from harborline.access import compartments as c
from harborline.response.models import Obligation, Status
from harborline.sharing import services as sharing
from harborline.web import humanize
from tests.access import factories as f
from tests.factories import give_totp_device, sign_in
from tests.training.factories import org as training_org
from tests.training.factories import person, train, washington_geography

pytestmark = pytest.mark.django_db

ISO = re.compile(r"\d{4}-\d{2}-\d{2}(T|\b)|\+00:00|\bUTC\b")
KEYISH = re.compile(r"\b[a-z]+_[a-z_]+\b|\b[a-z]+\.[a-z]+ #|#\d+|\b[a-z]+:\d+\b")


def _client(user) -> Client:
    give_totp_device(user)
    return sign_in(Client(), user)


def _visible(html: str) -> str:
    """The text a person reads in <main> (no tags, attributes, scripts or URLs)."""
    main = html.split('<main id="main-content"', 1)[-1].split("</main>", 1)[0]
    main = re.sub(r"<(script|style)\b.*?</\1>", " ", main, flags=re.S)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", main))


def _assert_plain(text: str, *slugs: str) -> None:
    text = re.sub(r"\S+@\S+", "", text)  # people are shown by their e-mail address
    for slug in slugs:
        assert slug not in text, slug
    for key in c.ALL:
        if "_" in key:
            assert key not in text, key
    assert not ISO.search(text), ISO.search(text)
    assert not KEYISH.search(text), KEYISH.search(text)


@pytest.fixture
def world():
    owner = f.org("child_welfare")
    owner.time_zone = "America/Los_Angeles"
    owner.save(update_fields=["time_zone"])
    worker = f.user(owner, "caseworker")
    supervisor = f.user(owner, "supervisor")
    made = f.case(worker)
    police = f.org("law_enforcement")
    officer = f.user(police, "caseworker")
    f.share(made, police, ["screening", "safety", "placement_address"], by=worker)
    medical = f.org("medical")
    nurse = f.user(medical, "caseworker")
    return owner, worker, supervisor, made, police, officer, medical, nurse


def test_who_saw_this_record_names_people_organizations_sections_and_records(world):
    owner, worker, supervisor, made, police, officer, medical, nurse = world
    assert f.Api(officer).get(f"/cases/{made.pk}").status_code == 200
    assert f.Api(worker).get(f"/cases/{made.pk}").status_code == 200
    sharing.break_glass(actor=nurse, case_id=made.pk, reason="Youth at the emergency room now")
    assert f.Api(nurse).get(f"/cases/{made.pk}").status_code == 200

    page = _client(supervisor).get(f"/audit/youth/{made.youth_id}")
    assert page.status_code == 200
    text = _visible(page.content.decode())
    assert police.name in text and medical.name in text and owner.name in text
    assert f"Case {made.pk}" in text
    assert "Emergency access" in text and "Court order TEST-ORDER-1" in text
    assert c.LABELS["placement_address"] in text
    assert "PST" in text or "PDT" in text
    _assert_plain(text, police.slug, medical.slug, owner.slug)


def test_obligation_evidence_reads_as_labelled_lines_in_local_time(world):
    owner, worker, supervisor, made, *_ = world
    held = timezone.now() - timedelta(hours=3)
    now = timezone.now()
    Obligation.objects.create(
        case=made,
        pack="nevada",
        kind="rapid_response_mdt",
        title="Hold a rapid-response MDT meeting",
        trigger="identified",
        trigger_at=now - timedelta(hours=6),
        due_at=now + timedelta(hours=18),
        owner_org=owner,
        owner_role="child_welfare",
        status=Status.DONE,
        completed_at=now,
        completed_by=worker,
        evidence={"meeting": "3", "held_at": held.isoformat()},
    )
    Obligation.objects.create(
        case=made,
        pack="nevada",
        kind="report_to_law_enforcement",
        title="Report to law enforcement",
        trigger="identified",
        trigger_at=now - timedelta(hours=6),
        due_at=now + timedelta(hours=2),
        owner_org=owner,
        owner_role="child_welfare",
        status=Status.DONE,
        completed_at=now,
        completed_by=worker,
        evidence={"report_number": "RPD-26-1142", "told": "Det. Vale", "told_at": ""},
    )
    client = _client(worker)
    html = client.get(f"/cases/{made.pk}/").content.decode()
    blocks = re.findall(r"<dl [^>]*data-evidence>.*?</dl>", html, flags=re.S)
    assert len(blocks) == 2
    text = " ".join(_visible(f'<main id="main-content">{b}</main>') for b in blocks)
    assert "Fulfilled by Meeting 3" in " ".join(text.split())
    assert "Meeting held" in text and "Report number RPD-26-1142" in " ".join(text.split())
    assert humanize.when(held, owner.time_zone) in text
    _assert_plain(text)
    listing = _visible(client.get("/obligations/?scope=org").content.decode())
    _assert_plain(listing, owner.slug)


def test_training_compliance_has_no_keys_and_the_source_only_for_coordinators(client, db):
    _, county = washington_geography()
    police = training_org("law_enforcement", county=county, name="Harbor Police (synthetic)")
    admin = person(police, role="org_admin")
    train(person(police), course="CSEC-101", pack="washington", level="in_depth")
    give_totp_device(admin)
    sign_in(client, admin)
    page = client.get(f"/training/compliance/agency/{police.slug}/?pack=washington")
    assert page.status_code == 200
    text = _visible(page.content.decode())
    assert "1 more officer with in-depth training" in text
    assert "Source" not in text and not re.search(r"\bL\d{3,}", text)
    _assert_plain(text, police.slug)


def test_the_source_disclosure_is_rendered_for_coordinators_only(rf):
    from django.template.loader import render_to_string

    class M:
        role = "coordinator"

    shown = render_to_string(
        "web/partials/source.html", {"source": "L6686-6689", "membership": M()}
    )
    assert "<details" in shown and "<summary>Source</summary>" in shown and "L6686" in shown
    M.role = "supervisor"
    hidden = render_to_string(
        "web/partials/source.html", {"source": "L6686-6689", "membership": M()}
    )
    assert hidden.strip() == ""


@pytest.mark.parametrize(
    ("object_type", "object_id", "expected"),
    [
        ("cases.case", "5", "Case 5"),
        ("access.breakglass", "2", "Emergency access 2"),
        ("access.sharing", "case:5", "Sharing of case 5"),
        ("response.obligation", "12", "Obligation 12"),
    ],
)
def test_records_are_named_as_people_say_them(object_type, object_id, expected):
    assert humanize.record(object_type, object_id) == expected


def test_bases_and_evidence_in_words():
    assert humanize.basis("break_glass:2") == "Emergency access 2"
    assert humanize.basis("owner") == "Owning organization"
    assert humanize.basis("court_order:24-JV-118; mou:7") == "Court order 24-JV-118; MOU 7"
    lines = humanize.evidence(
        {"held_at": "2026-10-26T20:13:33.553555+00:00", "meeting": "3"}, "America/Los_Angeles"
    )
    assert lines == [("Meeting held", "26 Oct 2026, 13:13 PDT"), ("Fulfilled by", "Meeting 3")]
