"""Wisconsin's community resource inventory and the county protocol's agency decision checklist
are working instruments (issue 15, item 3): completed, they are stored with the pack version that
scored them, and - holding no youth data - their results stay readable for the gap reports."""

from __future__ import annotations

import pytest

from harborline.instruments import services
from harborline.protocols.packs import get_pack
from tests.access import factories as f

pytestmark = pytest.mark.django_db


def test_a_providers_resource_inventory_is_stored_with_its_gaps():
    actor = f.user(f.org("service_provider"), "caseworker")
    stored = services.submit(
        actor=actor,
        pack=get_pack("wisconsin"),
        instrument="resource_inventory",
        answers={
            "provider_name": "Synthetic Youth Shelter",
            "services_offered": ["emergency_housing"],
            "eh_supportive": True,
            "eh_non_punitive": True,
        },
    )
    assert stored.pack_version == get_pack("wisconsin").version
    assert (stored.pack, stored.about_youth) == ("wisconsin", False)
    assert stored.results["emergency_housing_attributes"] == 2
    assert stored.results["emergency_housing_gap"] is True
    assert [a["id"] for a in stored.actions] == ["record_gaps"]


def test_the_county_protocols_agency_checklist_is_stored():
    actor = f.user(f.org("law_enforcement"), "supervisor")
    stored = services.submit(
        actor=actor,
        pack=get_pack("county-protocol"),
        instrument="agency_protocol",
        answers={"county_name": "Yakima County", "le_csec_investigations": "yes"},
    )
    assert (stored.pack, stored.instrument, stored.about_youth) == (
        "county-protocol",
        "agency_protocol",
        False,
    )
    assert stored.answers["le_csec_investigations"] == "yes"
