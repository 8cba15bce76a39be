"""Emergency access (break-glass) people can find (issue 13, item 4): an "Emergency access" action
in the case list's header and on the not-found page; a lookup by exact last name and date of birth
or by a reference another system gave the case, answering alike when nothing matched and when the
match may not be opened; a confirmation stating the four-hour window; a reviewer's "not justified"
ends the access at once and tells the owning organization."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from harborline.access.models import BreakGlass
from harborline.audit.models import AuditEvent
from harborline.cases.models import ExternalReference
from harborline.people.models import User
from harborline.sharing import services
from tests.access import factories as f
from tests.factories import give_totp_device, sign_in

pytestmark = pytest.mark.django_db

REASON = "Youth found at a motel at 2 a.m., needs a placement now"
NCMEC = "NCMEC-2026-778812"


def _client(user: User) -> Client:
    give_totp_device(user)
    return sign_in(Client(), user)


@pytest.fixture
def world():
    owner = f.org("child_welfare")
    worker = f.user(owner, "caseworker")
    supervisor = f.user(owner, "supervisor")
    made = f.case(worker, dob="2010-05-01")  # Ana Reyes
    ExternalReference.objects.create(case=made, kind="ncmec_report", value=NCMEC, added_by=worker)
    officer = f.user(f.org("law_enforcement"), "caseworker")
    return owner, worker, supervisor, made, officer


def _ask(client: Client, **fields: str) -> tuple[int, str]:
    """Both steps: the confirmation, then the confirmed request."""
    data = {"reason": REASON, **fields}
    first = client.post("/cases/break-glass", data)
    assert first.status_code == 200, first.content.decode()
    assert "for 4 hours, until" in first.content.decode()
    r = client.post("/cases/break-glass", {**data, "confirmed": "on"})
    return r.status_code, r.get("Location", "") or _main(r.content.decode())


def _main(html: str) -> str:
    body = html.split('<main id="main-content"', 1)[-1].split("</main>", 1)[0]
    return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", body)


def test_the_case_list_header_and_the_not_found_page_offer_emergency_access(world):
    *_, officer = world
    client = _client(officer)
    listing = client.get("/cases/").content.decode()
    header = listing.split("<h1>", 1)[1].split("</form>", 1)[0]
    assert 'href="/cases/break-glass"' in header and "Emergency access" in header
    missing = client.get(f"/cases/{f.MISSING_CASE}/")
    assert missing.status_code == 404
    assert 'href="/cases/break-glass"' in missing.content.decode()


def test_lookup_by_exact_last_name_and_date_of_birth_opens_the_case(world):
    *_, made, officer = world
    status, where = _ask(_client(officer), last_name="  reyes ", dob="2010-05-01")
    assert (status, where) == (302, f"/cases/{made.pk}/")
    (glass,) = BreakGlass.objects.all()
    assert glass.case_id == made.pk and glass.user_id == officer.pk


def test_lookup_by_an_ncmec_report_number_opens_the_case(world):
    *_, made, officer = world
    status, where = _ask(
        _client(officer), reference_kind="ncmec_report", reference="ncmec 2026 778812"
    )
    assert (status, where) == (302, f"/cases/{made.pk}/")


@pytest.mark.parametrize("way", ["name", "reference"])
def test_nothing_matched_and_not_allowed_give_the_same_answer(world, way):
    """The owning organization's own caseworker may not break the glass on its case: the
    answer is the one for a search that matches nothing, word for word, and both are recorded as
    the same refusal."""
    _, worker, *_ = world
    client = _client(worker)
    if way == "name":
        real = {"last_name": "Reyes", "dob": "2010-05-01"}
        none = {"last_name": "Nobody", "dob": "2010-05-01"}
    else:
        real = {"reference_kind": "ncmec_report", "reference": NCMEC}
        none = {"reference_kind": "ncmec_report", "reference": "NCMEC-0000-000000"}

    def answer(fields: dict[str, str]) -> tuple[int, str]:
        status, html = _ask(client, **fields)
        for value in fields.values():
            html = html.replace(value, "X")
        return status, html

    allowed_not, missing = answer(real), answer(none)
    assert allowed_not == missing
    assert allowed_not[0] == 404
    assert "No case matches, or you may not open it this way" in missing[1]
    assert not BreakGlass.objects.exists()
    refusals = AuditEvent.objects.filter(action=services.BREAK_GLASS_REFUSED, actor_id=worker.pk)
    assert [e.detail for e in refusals] == [{"refused": "no_access", "way": way}] * 2
    assert all(e.youth_id is None and e.owner_org_id is None for e in refusals)


def test_an_incomplete_search_names_the_missing_field(world):
    *_, officer = world
    r = _client(officer).post(
        "/cases/break-glass", {"last_name": "Reyes", "reason": REASON, "confirmed": "on"}
    )
    assert r.status_code == 422
    assert "Enter the youth&#x27;s date of birth" in r.content.decode()
    assert not BreakGlass.objects.exists()


def test_not_justified_ends_the_access_at_once_and_tells_the_owner(
    world, django_capture_on_commit_callbacks
):
    _, _, supervisor, made, officer = world
    api = f.Api(officer)
    assert _ask(_client(officer), last_name="Reyes", dob="2010-05-01")[0] == 302
    assert api.get(f"/cases/{made.pk}").status_code == 200
    glass = BreakGlass.objects.get()
    mail.outbox.clear()
    reviewer = _client(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        r = reviewer.post(
            f"/cases/break-glass/reviews/{glass.pk}",
            {f"g{glass.pk}-outcome": "not_justified", f"g{glass.pk}-note": "No emergency."},
        )
    assert r.status_code == 302
    assert api.get(f"/cases/{made.pk}").status_code == 404
    (sent,) = mail.outbox
    assert supervisor.email in sent.to and officer.email in sent.to
    assert "not justified" in sent.subject and "ended at once" in sent.body
    for youth_data in ("Ana", "Reyes", "2010", NCMEC):
        assert youth_data not in sent.subject + sent.body


def test_a_justified_review_leaves_the_window_open(world):
    _, _, supervisor, made, officer = world
    glass = f.glass(made, officer)
    services.review_break_glass(actor=supervisor, glass_id=glass.pk, outcome="justified")
    assert f.Api(officer).get(f"/cases/{made.pk}").status_code == 200


def test_reviewers_see_a_count_of_waiting_reviews_in_the_menu(world):
    _, worker, supervisor, made, officer = world
    f.glass(made, officer)
    html = _client(supervisor).get("/").content.decode()
    menu = html.split('aria-label="Main"', 1)[1].split("</nav>", 1)[0]
    assert re.search(r"Break-glass reviews</span> <span[^>]*data-nav-count>1<", menu)
    assert "data-nav-count" not in _client(worker).get("/").content.decode()


# --- the same over the API ---------------------------------------------------------------------


def test_the_api_lookup_opens_by_reference_and_answers_alike_when_not_allowed(world):
    _, worker, _, made, officer = world
    body = {"reason": REASON, "reference_kind": "ncmec_report", "reference": NCMEC}
    opened = f.Api(officer).post("/break-glass/lookup", body)
    assert opened.status_code == 201, opened.content
    assert [g["case_id"] for g in opened.json()] == [made.pk]
    assert f.Api(officer).get(f"/cases/{made.pk}").status_code == 200
    own = f.Api(worker).post("/break-glass/lookup", body)
    nothing = f.Api(worker).post("/break-glass/lookup", {**body, "reference": "NCMEC-0000-1"})
    assert own.status_code == nothing.status_code == 404
    assert own.json() == nothing.json()
    bad = f.Api(officer).post("/break-glass/lookup", {"reason": REASON, "last_name": "Reyes"})
    assert bad.status_code == 422 and "dob" in f.problem_fields(bad)


def test_the_pages_are_404_for_those_they_are_not_for(world):
    """Issue 11 (thin views): who may use the emergency-access page and the review queue is asked
    of sharing.selectors (require_emergency_access, reviewer_organization), NotFound reaching
    the 404 page; a refusal of the review itself stays on the queue page, with its status."""
    owner, worker, supervisor, made, officer = world
    glass = f.glass(made, officer)
    admin = f.user(f.org("child_welfare"), "system_admin")  # works no cases
    assert _client(admin).get("/cases/break-glass").status_code == 404
    assert _client(admin).post("/cases/break-glass", {"reason": REASON}).status_code == 404
    assert _client(worker).get("/cases/break-glass/reviews").status_code == 404
    url = f"/cases/break-glass/reviews/{glass.pk}"
    justified = {f"g{glass.pk}-outcome": "justified"}
    assert _client(worker).post(url, justified).status_code == 404
    nowhere = _client(supervisor).post(
        "/cases/break-glass/reviews/999999", {"g999999-outcome": "justified"}
    )
    assert nowhere.status_code == 404
    shared_with = f.org("advocacy")
    f.share(made, shared_with, ["screening"], by=worker)  # sees the case, reviews none of it
    refused = _client(f.user(shared_with, "supervisor")).post(url, justified)
    assert refused.status_code == 403 and "Break-glass reviews" in refused.content.decode()
    assert BreakGlass.objects.get().reviewed_at is None
