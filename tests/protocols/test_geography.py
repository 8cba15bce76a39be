"""Geography for every pack (issue 15, item 1): Washington's 39 and Wisconsin's 72 counties with
their regions, FIPS codes and time zones; Washington's task-force regions; counties looked up
qualified by pack (a name two packs share is refused as ambiguous); the county protocol adopted
by a county of a state pack."""

from __future__ import annotations

from collections import Counter

import pytest

from harborline.errors import InvalidInput
from harborline.protocols.geography import (
    AmbiguousCounty,
    GeographyError,
    adopt,
    adoptions,
    available_packs,
    find_county,
    load_geography,
)
from harborline.protocols.models import Adoption, County, Region
from harborline.protocols.packs import BUILTIN, PackInvalid, load_pack, reset_registry

from .conftest import write_pack

WASHINGTON_REGIONS = {"dshs-region-1": 20, "dshs-region-2": 6, "dshs-region-3": 13}
WISCONSIN_REGIONS = {
    "dcf-northern": 15,
    "dcf-northeastern": 17,
    "dcf-southern": 14,
    "dcf-southeastern": 7,
    "dcf-western": 19,
}
# The eleven task-force regions the slides name (seed 002, L137-147), with their counties.
TASK_FORCE_REGIONS = {
    "tf-yakima": ({"yakima"}, "002 L137"),
    "tf-whatcom": ({"whatcom"}, "002 L138"),
    "tf-tri-cities": ({"benton", "franklin"}, "002 L139"),
    "tf-thurston": ({"thurston"}, "002 L140"),
    "tf-spokane": ({"spokane"}, "002 L141"),
    "tf-snohomish": ({"snohomish"}, "002 L142"),
    "tf-skagit": ({"skagit"}, "002 L143"),
    "tf-pierce": ({"pierce"}, "002 L144"),
    "tf-king": ({"king"}, "002 L145"),
    "tf-cowlitz": ({"cowlitz"}, "002 L146"),
    "tf-clark": ({"clark"}, "002 L147"),
}


def geography(name: str):
    return load_pack(BUILTIN / name).section("geography.yaml")


# --- the packs' files -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "count", "state", "zone", "regions"),
    [
        ("washington", 39, "53", "America/Los_Angeles", WASHINGTON_REGIONS),
        ("wisconsin", 72, "55", "America/Chicago", WISCONSIN_REGIONS),
    ],
)
def test_every_county_with_fips_time_zone_and_region(name, count, state, zone, regions):
    counties = geography(name).counties
    assert len(counties) == count
    assert len({c.slug for c in counties}) == count
    assert all(c.name.endswith(" County") for c in counties)
    # Census county codes: the state's two digits, then the county's odd three (Menominee
    # County, Wisconsin, created in 1961, is 078); unique, and in alphabetical order (with
    # "St. Croix" spelled out as the Census Bureau sorts it, "Saint Croix").
    fips = [c.fips for c in counties]
    assert all(len(f) == 5 and f.startswith(state) for f in fips)
    assert len(set(fips)) == count
    by_name = sorted(counties, key=lambda c: c.name.replace("St. ", "Saint "))
    assert sorted(counties, key=lambda c: c.fips) == by_name
    assert {c.time_zone for c in counties} == {zone}
    assert Counter(c.region for c in counties) == regions


@pytest.mark.parametrize(
    ("name", "slug", "fips", "region"),
    [
        ("washington", "spokane", "53063", "dshs-region-1"),
        ("washington", "klickitat", "53039", "dshs-region-1"),
        ("washington", "yakima", "53077", "dshs-region-1"),
        ("washington", "king", "53033", "dshs-region-2"),
        ("washington", "whatcom", "53073", "dshs-region-2"),
        ("washington", "pierce", "53053", "dshs-region-3"),
        ("washington", "clark", "53011", "dshs-region-3"),
        ("wisconsin", "dane", "55025", "dcf-southern"),
        ("wisconsin", "milwaukee", "55079", "dcf-southeastern"),
        ("wisconsin", "washington", "55131", "dcf-southeastern"),
        ("wisconsin", "brown", "55009", "dcf-northeastern"),
        ("wisconsin", "menominee", "55078", "dcf-northeastern"),
        ("wisconsin", "marathon", "55073", "dcf-northern"),
        ("wisconsin", "eau-claire", "55035", "dcf-western"),
        ("wisconsin", "st-croix", "55109", "dcf-western"),
        ("nevada", "washoe", "32031", "northern"),
    ],
)
def test_county_region_mapping(name, slug, fips, region):
    county = next(c for c in geography(name).counties if c.slug == slug)
    assert (county.fips, county.region) == (fips, region)


def test_washington_task_force_regions_are_the_eleven_the_slides_name():
    g = geography("washington")
    task_force = {r.slug: r for r in g.regions if r.kind == "task_force"}
    assert set(task_force) == set(TASK_FORCE_REGIONS)
    members: dict[str, set[str]] = {slug: set() for slug in task_force}
    for county in g.counties:
        for other in county.also:
            members[other].add(county.slug)
    for slug, (counties, source) in TASK_FORCE_REGIONS.items():
        assert members[slug] == counties
        assert task_force[slug].source == source


def test_washington_geography_writes_down_its_region_source():
    text = (BUILTIN / "washington" / "geography.yaml").read_text(encoding="utf-8")
    for words in ("per DSHS region", "DCYF", "Focus on Yakima", "12 task forces", "Tri-Cities"):
        assert words in text


def test_nevada_counties_take_the_manifest_time_zone(db):
    load_geography("nevada")
    assert set(County.objects.filter(pack="nevada").values_list("time_zone", flat=True)) == {
        "America/Los_Angeles"
    }


@pytest.mark.parametrize(
    ("geography_yaml", "path", "message"),
    [
        (
            {"regions": [{"slug": "north", "name": "N", "kind": "task_force"}], "counties": []},
            "regions",
            "give at least one region",
        ),
        (
            {
                "regions": [{"slug": "n", "name": "N"}, {"slug": "tf", "name": "T", "kind": "tf"}],
                "counties": [{"slug": "a", "name": "A", "region": "tf"}],
            },
            "counties[0].region",
            "of the kind counted by",
        ),
        (
            {
                "regions": [{"slug": "n", "name": "N"}],
                "counties": [{"slug": "a", "name": "A", "region": "n", "also": ["n"]}],
            },
            "counties[0].also[0]",
            "with a `kind`",
        ),
        (
            {
                "regions": [{"slug": "n", "name": "N"}],
                "counties": [
                    {"slug": "a", "name": "A", "region": "n", "fips": "99001"},
                    {"slug": "b", "name": "B", "region": "n", "fips": "99001"},
                ],
            },
            "counties[1].fips",
            "given twice",
        ),
        (
            {
                "regions": [{"slug": "n", "name": "N"}],
                "counties": [{"slug": "a", "name": "A", "region": "n", "fips": "123"}],
            },
            "counties[0].fips",
            "should match pattern",
        ),
        (
            {"adoption": "county", "regions": [{"slug": "n", "name": "N"}]},
            "adoption",
            "lists no regions or counties",
        ),
    ],
)
def test_bad_geography_is_refused_naming_the_field(tmp_path, geography_yaml, path, message):
    folder = write_pack(
        tmp_path,
        {
            "pack.yaml": {
                "pack": "geo",
                "version": "0.1.0",
                "title": "Geo",
                "jurisdiction": "Nowhere",
                "source": {"document": "seeds/none.txt", "title": "None"},
            },
            "geography.yaml": {"pack": "geo", **geography_yaml},
        },
        name="geo",
    )
    with pytest.raises(PackInvalid) as refused:
        load_pack(folder)
    assert any(
        p.file == "geo/geography.yaml" and p.path == path and message in p.message
        for p in refused.value.problems
    ), refused.value.problems


# --- in the database --------------------------------------------------------------------------


@pytest.fixture
def loaded(db):
    for pack in available_packs():
        load_geography(pack)


def test_migrate_loads_every_state_pack_and_not_the_county_protocol(loaded):
    assert available_packs() == ["nevada", "washington", "wisconsin"]
    counts = Counter(County.objects.values_list("pack", flat=True))
    assert counts == {"nevada": 17, "washington": 39, "wisconsin": 72}
    assert not Region.objects.filter(pack="county-protocol").exists()
    with pytest.raises(GeographyError, match="no counties of its own"):
        load_geography("county-protocol")


def test_loaded_counties_keep_zone_fips_and_task_force_region(loaded):
    benton = County.objects.get(pack="washington", slug="benton")
    assert (benton.fips, benton.time_zone, benton.region.slug) == (
        "53005",
        "America/Los_Angeles",
        "dshs-region-1",
    )
    assert [r.slug for r in benton.also.all()] == ["tf-tri-cities"]
    assert Region.objects.get(pack="washington", slug="tf-tri-cities").kind == "task_force"
    dane = County.objects.get(pack="wisconsin", slug="dane")
    assert (dane.time_zone, dane.region.name) == ("America/Chicago", "Southern Region (DCF)")
    assert load_geography("wisconsin") == (5, 72), "loading again changes nothing"
    assert County.objects.filter(pack="wisconsin").count() == 72


# --- finding a county -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "qualified"),
    [
        ("spokane", "washington/spokane"),
        ("Spokane County", "washington/spokane"),
        ("dane", "wisconsin/dane"),
        ("washoe", "nevada/washoe"),
        ("Washoe County", "nevada/washoe"),
        ("washington", "wisconsin/washington"),  # only Wisconsin has one among the shipped packs
        ("wisconsin/washington", "wisconsin/washington"),
        ("nevada/clark", "nevada/clark"),
        ("washington/Clark County", "washington/clark"),
        ("WISCONSIN/St. Croix", "wisconsin/st-croix"),
    ],
)
def test_find_county_unqualified_where_unambiguous_and_qualified(loaded, value, qualified):
    county = find_county(value)
    assert county is not None and county.qualified == qualified


@pytest.mark.parametrize(
    ("value", "choices"),
    [
        ("clark", ["nevada/clark", "washington/clark", "wisconsin/clark"]),
        ("Douglas County", ["nevada/douglas", "washington/douglas", "wisconsin/douglas"]),
        ("pierce", ["washington/pierce", "wisconsin/pierce"]),
    ],
)
def test_a_county_two_packs_have_is_refused_naming_the_choices(loaded, value, choices):
    with pytest.raises(AmbiguousCounty) as refused:
        find_county(value)
    assert refused.value.choices == choices
    assert isinstance(refused.value, InvalidInput)  # a 4xx naming the field, never a 500
    assert refused.value.errors[0].field == "county"
    for choice in choices:
        assert choice in refused.value.errors[0].message


@pytest.mark.parametrize("value", ["atlantis", "oregon/washington", "nevada/spokane", ""])
def test_unknown_county_is_none(loaded, value):
    assert find_county(value) is None


@pytest.fixture
def oregon(tmp_path, monkeypatch, loaded):
    """An operator's pack with its own Washington County, beside Wisconsin's."""
    root = tmp_path / "operator-packs"
    write_pack(
        root,
        {
            "pack.yaml": {
                "pack": "oregon",
                "version": "0.1.0",
                "title": "Oregon (test)",
                "jurisdiction": "Oregon",
                "source": {"document": "seeds/none.txt", "title": "None"},
            },
            "geography.yaml": {
                "pack": "oregon",
                "regions": [{"slug": "metro", "name": "Portland metro"}],
                "counties": [
                    {
                        "slug": "washington",
                        "name": "Washington County",
                        "region": "metro",
                        "fips": "41067",
                        "time_zone": "America/Los_Angeles",
                    }
                ],
            },
        },
        name="oregon",
    )
    monkeypatch.setenv("HARBORLINE_PACKS_DIRS", str(root))
    reset_registry()
    load_geography("oregon")
    yield
    monkeypatch.delenv("HARBORLINE_PACKS_DIRS")
    reset_registry()


def test_two_states_washington_county_is_ambiguous_and_qualified_works(oregon):
    with pytest.raises(AmbiguousCounty) as refused:
        find_county("washington")
    assert refused.value.choices == ["oregon/washington", "wisconsin/washington"]
    assert find_county("wisconsin/washington").fips == "55131"
    assert find_county("oregon/washington").fips == "41067"
    assert find_county("washoe").qualified == "nevada/washoe", "unambiguous names still work"


# --- adopting the county protocol -------------------------------------------------------------


def test_adopt_binds_the_county_protocol_to_a_county_once(loaded):
    adoption, created = adopt("county-protocol", "spokane")
    assert created
    assert adoption.county.qualified == "washington/spokane"
    again, created = adopt("county-protocol", "washington/spokane")
    assert (again.pk, created) == (adoption.pk, False)
    adopt("county-protocol", "wisconsin/washington")
    assert [a.county.qualified for a in adoptions("county-protocol")] == [
        "washington/spokane",
        "wisconsin/washington",
    ]
    assert Adoption.objects.count() == 2


@pytest.mark.parametrize(
    ("pack", "county", "message"),
    [
        ("county-protocol", "clark", "nevada/clark, washington/clark, wisconsin/clark"),
        ("county-protocol", "atlantis", "no county named 'atlantis' is loaded"),
        ("nevada", "washoe", "not adopted by a county"),
        ("oz", "washoe", "no protocol pack named 'oz'"),
    ],
)
def test_adopt_refuses_clearly(loaded, pack, county, message):
    with pytest.raises(GeographyError, match=message.replace(".", r"\.")):
        adopt(pack, county)
    assert not Adoption.objects.exists()


def test_the_case_pages_on_call_list_for_a_county_several_packs_have(loaded):
    """The case page asks who is on call for the owner's county by its qualified name, so a
    Nevada case owned in Clark County still finds Clark County's advocate (three packs have a
    Clark County)."""
    from datetime import timedelta
    from types import SimpleNamespace

    from django.utils import timezone

    from harborline.mentoring import services
    from harborline.web.views.cases_page import _on_call
    from tests.factories import OrganizationFactory, UserFactory

    clark = County.objects.get(pack="nevada", slug="clark")
    advocacy = OrganizationFactory(slug="clark-advocates", type="community_advocacy")
    supervisor = UserFactory(role="supervisor", org=advocacy, email="sup@example.org")
    mentor = UserFactory(role="mentor_advocate", org=advocacy, email="ma@example.org")
    advocate = services.add_to_program(actor=supervisor, user=mentor, phone="702-555-0101")
    now = timezone.now()
    shift = services.add_shift(
        actor=supervisor,
        advocate=advocate,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
        county="nevada/clark",
    )
    assert shift.county == clark
    owner = OrganizationFactory(slug="lv-pd", county=clark, region=clark.region)
    assert _on_call(SimpleNamespace(owner=owner)) == (True, [shift])  # only the owner is read
