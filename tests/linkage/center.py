"""Two (or more) agencies' submissions with encodings to one statistical center, for the tests
of the center's side (issue 17) and the browser test: synthetic youth only.

    center = Center.make()                          # the statistical center and its analyst
    cw = center.agency("child_welfare", "DSA-CW")   # an agency, its DSA saying "encodings"
    cw.youth("Ana", "Reyes", "2010-05-01", "89501")
    le = center.agency("law_enforcement", "DSA-LE")
    le.youth("Anna", "Reyes-Lopez", "2010-05-01", "89501")  # the same youth, spelled otherwise
    cw.submit(); le.submit()                        # prepared by an analyst, approved by a
                                                    # supervisor: sent to the center
    linking.link_new(center.analyst)                # or the page's "Link new submissions"
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from harborline.agreements.models import Agreement
from harborline.cases.models import Case, Youth
from harborline.crypto.fields import blind_index
from harborline.people.models import Organization, User
from harborline.reports import submissions
from harborline.reports.models import CaseCoding, Submission
from tests.access import factories as f
from tests.agreements.factories import make_dsa, statistical_center, system_admin

# The statistical center reports with the home pack's data code book, and only Nevada's pack has
# one (Resource 3-B): its tests run with Nevada as the home pack whatever HARBORLINE_PACK is
# (make test-packs). Each test module sets `pytestmark = AT_NEVADAS_CENTER`.
AT_NEVADAS_CENTER = [pytest.mark.django_db, pytest.mark.usefixtures("nevada_home")]

YEAR = 2026


@dataclass
class Agency:
    org: Organization
    dsa: Agreement
    worker: User
    analyst: User
    supervisor: User
    admin: User
    cases: list[Case] = field(default_factory=list)

    def youth(
        self, first: str, last: str, dob: str = "", zip_code: str = "", *, year: int = YEAR
    ) -> Case:
        """A case of this agency about a youth, open in `year`, with the ZIP code coded."""
        person = Youth.objects.create(
            first_name=first,
            last_name=last,
            dob=dob,
            name_dob_key=blind_index(last, dob),
            last_name_key=blind_index(last),
            created_by_org=self.org,
        )
        case = Case.objects.create(
            youth=person,
            owner=self.org,
            opened_by=self.worker,
            opened_at=datetime(year, 3, 1, 18, tzinfo=UTC),
        )
        if zip_code:
            CaseCoding.objects.create(
                case=case, answers={"zip_code": zip_code}, updated_by=self.worker
            )
        self.cases.append(case)
        return case

    def submit(self, year: int = YEAR) -> Submission:
        """Prepared by the agency's analyst, approved (sent) by its supervisor."""
        made = submissions.prepare(self.analyst, self.dsa.pk, year)
        return submissions.approve(self.supervisor, made.pk)


@dataclass
class Center:
    org: Organization
    analyst: User
    agencies: list[Agency] = field(default_factory=list)

    @classmethod
    def make(cls) -> Center:
        org = statistical_center()
        return cls(org=org, analyst=f.user(org, "analyst"))

    def agency(
        self, org_type: str, reference: str, *, identifiers: str = "encodings", threshold: int = 3
    ) -> Agency:
        """A new agency of `org_type` with a DSA with this center (client-level, the
        identifiers term given, disclosure threshold `threshold`) and one user of each role."""
        return self.adopt(f.org(org_type), reference, identifiers=identifiers, threshold=threshold)

    def adopt(
        self,
        org: Organization,
        reference: str,
        *,
        identifiers: str = "encodings",
        threshold: int = 3,
    ) -> Agency:
        """The same for an organization that exists already (e.g. one whose cases a browser
        test opened): its DSA with this center and users to prepare and approve."""
        dsa = make_dsa(org, reference=reference)
        submissions.set_reporting_terms(
            actor=system_admin(),
            agreement=dsa,
            version=None,
            client_level=True,
            disclosure_threshold=threshold,
            identifiers=identifiers,
        )
        dsa.refresh_from_db()
        made = Agency(
            org=org,
            dsa=dsa,
            worker=f.user(org, "caseworker"),
            analyst=f.user(org, "analyst"),
            supervisor=f.user(org, "supervisor"),
            admin=f.user(org, "org_admin"),
        )
        self.agencies.append(made)
        return made


def two_agencies(
    center: Center, *, spelled: tuple[str, str] = ("Anna", "Reyes")
) -> tuple[Agency, Agency]:
    """Child welfare (four youth) and a sheriff's office (three), who share one youth: Ana Reyes
    at child welfare, `spelled` at the sheriff's office, same date of birth and ZIP code. The
    linking needs a few records per agency to estimate its model (one each is not enough)."""
    cw = center.agency("child_welfare", "DSA-CW")
    le = center.agency("law_enforcement", "DSA-LE")
    cw.youth("Ana", "Reyes", "2010-05-01", "89501")
    cw.youth("Maria", "Lopez", "2009-11-23", "89502")
    cw.youth("Jasmine", "Carter", "2011-02-14", "89431")
    cw.youth("Brianna", "Nguyen", "2010-08-30", "89506")
    le.youth(spelled[0], spelled[1], "2010-05-01", "89501")
    le.youth("Destiny", "Walker", "2008-07-09", "89512")
    le.youth("Kayla", "Thompson", "2009-04-17", "89433")
    return cw, le
