"""The statistical center's side of issue 17 (items 2-5): submissions carry encodings instead of
names where the agreement says so; the center links them into clusters, incrementally as they
arrive; uncertain pairs wait for review; a reviewer's decision persists across relinking; a key
rotation keeps the clusters; the statewide report counts each youth once."""

from __future__ import annotations

import csv
import io
import re

import pytest

from harborline.audit.models import AuditEvent
from harborline.errors import InvalidInput, NotFound
from harborline.linkage import keys
from harborline.linkage.encode import ALL_COLUMNS
from harborline.reports import linking, statistical_center, submissions
from harborline.reports.models import (
    Cluster,
    LinkedRecord,
    RecordPseudonym,
)

from .center import AT_NEVADAS_CENTER, YEAR, Center, two_agencies

pytestmark = AT_NEVADAS_CENTER


@pytest.fixture
def world():
    center = Center.make()
    cw, le = two_agencies(center)  # Ana Reyes at both, spelled Anna at the sheriff's office
    return center, cw, le


def _cluster_of(agency, case) -> int:
    token = RecordPseudonym.objects.get(case=case).token
    return LinkedRecord.objects.get(organization=agency.org, record=token).cluster_id


def test_the_file_with_encodings_holds_no_name_date_of_birth_or_zip(world):
    _, cw, _ = world
    sub = cw.submit()
    text = sub.client_file
    assert sub.parameters["identifiers"] == "encodings"
    assert sub.parameters["linkage_key"]["version"] == keys.current().version
    header = next(csv.reader(io.StringIO(text)))
    assert not {"client_name", "birth_date", "zip_code"} & set(header)
    assert set(ALL_COLUMNS) <= set(header)
    rows = list(csv.DictReader(io.StringIO(text)))
    plain = [c for c in header if c not in ALL_COLUMNS]
    for case in cw.cases:
        y = case.youth
        year, month, day = y.dob.split("-")
        written = (
            y.first_name,
            y.last_name,
            y.dob,
            f"{month}/{day}/{year}",
            f"{int(month)}/{int(day)}/{year}",
            case.coding.answers["zip_code"],
        )
        for row in rows:
            # The code-book columns hold codes and dates of events, never the youth's identifiers.
            for column in plain:
                for value in written:
                    assert value.lower() not in row[column].lower(), (column, value)
            # The encodings are base64 filters and hex tokens of fixed widths: no room for text.
            for column in ALL_COLUMNS:
                cell = row[column].removeprefix("'")
                assert re.fullmatch(r"[A-Za-z0-9+/]*|[0-9a-f]{16}", cell), (column, cell)
    for surname in ("Reyes", "Lopez", "Carter", "Nguyen"):  # long enough not to occur by chance
        assert surname not in text
    # The secret is nowhere in the file either.
    assert keys.current().secret.decode() not in text
    # Record ids are the agency's pseudonyms, the same in a later year's file.
    records = [row["record"] for row in rows]
    assert records == [RecordPseudonym.objects.get(case=c).token for c in cw.cases]


def test_an_agreement_saying_names_keeps_names(world):
    center, _, _ = world
    names = center.agency("probation", "DSA-PR", identifiers="names")
    names.youth("Ana", "Reyes", "2010-05-01", "89501")
    sub = names.submit()
    assert sub.parameters["identifiers"] == "names"
    assert "Reyes" in sub.client_file and "bf_dob" not in sub.client_file
    assert linking.link_new(center.analyst) == []  # nothing to link: no encodings


def test_the_same_youth_spelled_otherwise_is_one_cluster(world):
    center, cw, le = world
    cw.submit()
    le.submit()
    runs = linking.link_new(center.analyst, lower=0.01, upper=0.5)
    assert len(runs) == 2 and runs[0].records == 4 and runs[1].records == 3
    ana_cw, ana_le = cw.cases[0], le.cases[0]
    assert _cluster_of(cw, ana_cw) == _cluster_of(le, ana_le)
    clusters = {_cluster_of(a, c) for a in (cw, le) for c in a.cases}
    assert len(clusters) == 6  # seven records, six youth
    # Linking again links nothing twice.
    assert linking.link_new(center.analyst) == []
    assert AuditEvent.objects.filter(object_type="reports.linkrun").count() == 2


def test_uncertain_pairs_wait_for_review_and_a_decision_persists(world):
    center, cw, le = world
    cw.submit()
    le.submit()
    # An upper threshold no pair reaches: the likely pair waits for a reviewer.
    linking.link_new(center.analyst, lower=0.01, upper=1.0)
    queue = linking.review_queue(center.analyst)
    assert queue, "the Reyes pair is in the queue"
    pair = queue[0]
    assert {pair.left.organization_id, pair.right.organization_id} == {cw.org.pk, le.org.pk}
    assert _cluster_of(cw, cw.cases[0]) != _cluster_of(le, le.cases[0])
    # The pattern is fields and weights, never an identifier.
    labels = [f["field"] for f in pair.pattern["fields"]]
    assert labels == ["first_name", "last_name", "dob", "place"]
    assert "Reyes" not in str(pair.pattern) and "2010" not in str(pair.pattern)
    with pytest.raises(InvalidInput):
        linking.decide(center.analyst, pair.pk, "link", "  ")
    linking.decide(center.analyst, pair.pk, "link", "Same date of birth and ZIP code")
    assert _cluster_of(cw, cw.cases[0]) == _cluster_of(le, le.cases[0])
    decided = AuditEvent.objects.filter(object_type="reports.candidatepair", action="update")
    assert decided.count() == 1 and decided.get().detail["decision"] == "link"
    # Splitting takes effect at once and survives a full relink that scores the pair high.
    linking.decide(center.analyst, pair.pk, "split", "The agency says the dates differ")
    assert _cluster_of(cw, cw.cases[0]) != _cluster_of(le, le.cases[0])
    linking.relink(center.analyst, lower=0.01, upper=0.5)
    pair.refresh_from_db()
    assert pair.status == "split"
    assert _cluster_of(cw, cw.cases[0]) != _cluster_of(le, le.cases[0])
    linking.decide(center.analyst, pair.pk, "link", "Confirmed by both agencies")
    linking.relink(center.analyst, lower=0.01, upper=1.0)
    assert _cluster_of(cw, cw.cases[0]) == _cluster_of(le, le.cases[0])


def test_a_key_rotation_keeps_the_clusters(world):
    center, cw, le = world
    cw.submit()
    le.submit()
    linking.link_new(center.analyst, lower=0.01, upper=0.5)
    before = {(a.org.pk, c.pk): _cluster_of(a, c) for a in (cw, le) for c in a.cases}
    old = keys.current()
    new = keys.rotate()
    assert new.version == old.version + 1 and new.secret != old.secret
    # Each agency sends its file again under the new key (as another year's); the center maps
    # the records to the clusters it holds by the agency's own record ids, comparing nothing.
    for agency in (cw, le):
        made = submissions.build(agency.dsa, agency.org, YEAR)
        resent = submissions.store(
            made,
            agreement=agency.dsa,
            organization=agency.org,
            receiver=center.org,
            year=YEAR - 1,  # another year's file: the same youth, the same record ids
            prepared_by=agency.analyst,
            prepared_at=agency.dsa.created_at,
            decided_by=agency.supervisor,
            decided_at=agency.dsa.created_at,
        )
        assert resent.parameters["linkage_key"]["version"] == new.version
        run = linking.link_submission(resent, actor=center.analyst, lower=0.01, upper=0.5)
        assert run is not None and run.remapped == len(agency.cases) and run.records == 0
    after = {(a.org.pk, c.pk): _cluster_of(a, c) for a in (cw, le) for c in a.cases}
    assert after == before
    assert set(LinkedRecord.objects.values_list("key_version", flat=True)) == {new.version}
    # Relinking everything under the new key finds the same youth again.
    linking.relink(center.analyst, lower=0.01, upper=0.5)
    assert _cluster_of(cw, cw.cases[0]) == _cluster_of(le, le.cases[0])
    assert Cluster.objects.count() == 6


def test_the_statewide_report_counts_each_youth_once(world):
    center, cw, le = world
    cw.submit()
    le.submit()
    made = statistical_center.sac_report(center.analyst, year=YEAR)
    assert made.linkage is None and made.notes == [statistical_center.UNDUPLICATED_NOTE]
    linking.link_new(center.analyst, lower=0.01, upper=0.5)
    made = statistical_center.sac_report(center.analyst, year=YEAR)
    assert statistical_center.UNDUPLICATED_NOTE not in made.notes
    assert made.linkage is not None
    assert made.linkage["youth"] == 6  # seven records, six youth (threshold 3)
    assert made.linkage["upper_threshold"] == 0.5
    tables = {t.table: t for t in made.tables}
    undup = tables["youth_unduplicated"]
    assert undup.grand_total == 6
    # One youth served by two agencies: below the threshold, suppressed with its complement.
    assert undup.cells[0] == [None, None]
    pairs = tables["linkage_pairs"]
    assert pairs.rules["unduplicated"] is True


def test_nobody_but_the_centers_analysts_reads_the_queue(world):
    center, cw, le = world
    cw.submit()
    le.submit()
    linking.link_new(center.analyst, lower=0.01, upper=1.0)
    for who in (cw.supervisor, cw.admin, le.analyst):
        with pytest.raises(NotFound):
            linking.review_queue(who)
