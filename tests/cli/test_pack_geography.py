"""Issue 15's contract through the `harborline` entry point: organizations in Washington and
Wisconsin counties after `harborline migrate`, counties qualified by pack, the county protocol
adopted by a county, and one broken operator pack reported while every valid pack loads."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from django.test import Client

from harborline.people import services
from harborline.people.models import Organization
from harborline.protocols.models import Adoption
from harborline.protocols.packs import registry, rejected, reset_registry

pytestmark = pytest.mark.django_db

BROKEN = Path(__file__).resolve().parents[1] / "protocols" / "broken"
SHIPPED = ["county-protocol", "nevada", "washington", "wisconsin"]


def org_create(cli, *args: str):
    return cli("org", "create", *args)


# --- the contract, exactly as written, each on a fresh database -------------------------------


@pytest.mark.parametrize(
    ("county", "pack", "region", "zone"),
    [
        ("spokane", "washington", "dshs-region-1", "America/Los_Angeles"),
        ("dane", "wisconsin", "dcf-southern", "America/Chicago"),
    ],
)
def test_contract_org_create_in_a_washington_or_wisconsin_county(cli, county, pack, region, zone):
    assert cli("migrate").code == 0
    result = cli(
        "org",
        "create",
        "--slug",
        "s",
        "--name",
        "Spokane County Sheriff",
        "--type",
        "law_enforcement",
        "--county",
        county,
    )
    assert result.code == 0, result.err
    org = Organization.objects.get(slug="s")
    assert (org.county.pack, org.county.slug) == (pack, county)
    assert (org.region.pack, org.region.slug) == (pack, region)
    assert org.region == org.county.region
    assert org.time_zone == zone, "an organization's default time zone is its county's"
    assert f"({pack}/{county})" in result.out


def test_both_states_in_one_database(cli):
    assert cli("migrate").code == 0
    for slug, county in [("spokane-so", "spokane"), ("dane-so", "Dane County")]:
        result = org_create(
            cli, "--slug", slug, "--name", slug, "--type", "law_enforcement", "--county", county
        )
        assert result.code == 0, result.err
    assert Organization.objects.get(slug="spokane-so").region.name.startswith("DSHS Region 1")
    assert Organization.objects.get(slug="dane-so").region.name == "Southern Region (DCF)"


def test_a_county_several_packs_have_is_refused_naming_the_choices(cli, geography):
    result = org_create(
        cli, "--slug", "c", "--name", "C", "--type", "law_enforcement", "--county", "clark"
    )
    assert result.code == 2
    assert result.err_lines == [
        "harborline org create: error: --county: 'clark' is a county in more than one pack: "
        "nevada/clark, washington/clark, wisconsin/clark; give one of these"
    ]
    assert not Organization.objects.exists()
    result = org_create(
        cli, "--slug", "c", "--name", "C", "--type", "law_enforcement", "--county", "nevada/clark"
    )
    assert result.code == 0, result.err
    assert Organization.objects.get(slug="c").region.slug == "southern"


def test_qualified_washington_county_and_an_explicit_time_zone_win(cli, geography):
    result = org_create(
        cli,
        *("--slug", "w", "--name", "W", "--type", "medical"),
        *("--county", "wisconsin/washington", "--time-zone", "America/Denver"),
    )
    assert result.code == 0, result.err
    org = Organization.objects.get(slug="w")
    assert (org.county.fips, org.region.slug, org.time_zone) == (
        "55131",
        "dcf-southeastern",
        "America/Denver",
    )


# --- adopting the county protocol -------------------------------------------------------------


def test_protocols_adopt_binds_once_and_refuses_clearly(cli):
    assert cli("migrate").code == 0
    result = cli("protocols", "adopt", "county-protocol", "--county", "spokane")
    assert result.code == 0, result.err
    assert result.out.strip() == "county-protocol adopted by Spokane County (washington/spokane)."
    again = cli("protocols", "adopt", "county-protocol", "--county", "washington/spokane")
    assert again.code == 0, again.err
    assert "already adopted" in again.out
    assert [a.county.qualified for a in Adoption.objects.all()] == ["washington/spokane"]

    ambiguous = cli("protocols", "adopt", "county-protocol", "--county", "douglas")
    assert ambiguous.code == 2
    assert "nevada/douglas, washington/douglas, wisconsin/douglas" in ambiguous.err
    unknown = cli("protocols", "adopt", "county-protocol", "--county", "atlantis")
    assert unknown.code == 2
    assert "no county named 'atlantis' is loaded" in unknown.err
    state = cli("protocols", "adopt", "nevada", "--county", "washoe")
    assert state.code == 2
    assert "not adopted by a county" in state.err
    assert len(ambiguous.err_lines) == len(unknown.err_lines) == len(state.err_lines) == 1
    assert Adoption.objects.count() == 1


# --- one broken operator pack among valid ones ------------------------------------------------


@pytest.fixture
def operator_packs(tmp_path, monkeypatch):
    """HARBORLINE_PACKS_DIRS with a valid operator pack, a broken one (an unknown item type)
    and one that reuses a shipped pack's name."""
    root = tmp_path / "operator-packs"
    shutil.copytree(BROKEN / "unknown-item-type", root / "unknown-item-type")
    good = root / "good"
    good.mkdir()
    (good / "pack.yaml").write_text(
        yaml.safe_dump(
            {
                "pack": "good",
                "version": "1.0.0",
                "title": "A valid operator pack",
                "jurisdiction": "Somewhere",
                "source": {"document": "seeds/none.txt", "title": "None"},
            }
        ),
        encoding="utf-8",
    )
    twin = root / "nevada"
    twin.mkdir()
    (twin / "pack.yaml").write_text(
        (good / "pack.yaml").read_text(encoding="utf-8").replace("pack: good", "pack: nevada"),
        encoding="utf-8",
    )
    monkeypatch.setenv("HARBORLINE_PACKS_DIRS", str(root))
    reset_registry()
    yield root
    monkeypatch.delenv("HARBORLINE_PACKS_DIRS")
    reset_registry()


def test_validate_names_the_broken_file_and_field_and_exits_1(cli, operator_packs):
    result = cli("protocols", "validate")
    assert result.code == 1
    lines = result.out.splitlines()
    assert [line for line in lines if line.startswith("valid: ")] == [
        *(f"valid: {name} {registry()[name].version}" for name in SHIPPED),
        "valid: good 1.0.0",
    ]
    assert (
        "unknown-item-type/instruments/screen.yaml: sections[0].items[0].type: Input should be "
        "'check'" in result.out
    )
    assert "nevada/pack.yaml: pack: a pack named 'nevada' is already loaded from" in result.out
    assert f"invalid: {operator_packs / 'unknown-item-type'}: 1 problem(s)" in result.err
    assert "the other packs load" in result.err


def test_the_valid_packs_still_load_and_serve(cli, operator_packs):
    assert sorted(registry()) == sorted([*SHIPPED, "good"])
    assert registry()["nevada"].path.parent.name == "packs", "the shipped Nevada pack is kept"
    assert set(rejected()) == {operator_packs / "unknown-item-type", operator_packs / "nevada"}
    # The server answers with the valid packs (the API's pack list, as a client sees it).
    org = services.create_organization(actor=None, slug="o", name="O", type="law_enforcement")
    user = services.create_user(
        actor=None, email="op@example.org", organization=org, role="caseworker"
    )
    _, raw = services.create_token(actor=None, user=user, days=1, name="tests")
    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/protocols")
    assert response.status_code == 200
    assert [p["pack"] for p in response.json()] == sorted([*SHIPPED, "good"])
    listed = cli("protocols", "list")
    assert listed.code == 0
    assert "good" in listed.out
    assert "unknown-item-type: left out, 1 problem(s)" in listed.err


def test_check_reports_the_left_out_pack(cli, operator_packs):
    result = cli("check")
    assert result.code == 1
    assert any(
        line.startswith("harborline check: protocol pack ")
        and line.endswith("unknown-item-type left out (1 problem(s)):")
        for line in result.err_lines
    ), result.err
    assert (
        "harborline check:   unknown-item-type/instruments/screen.yaml: sections[0].items[0].type"
        in result.err
    )
    assert "Protocol packs: 5 loaded (county-protocol, good, nevada, washington, wisconsin)." in (
        result.out
    )


def test_check_and_validate_pass_with_only_the_shipped_packs(cli, monkeypatch):
    monkeypatch.delenv("HARBORLINE_PACKS_DIRS", raising=False)
    reset_registry()
    result = cli("protocols", "validate")
    assert result.code == 0, result.out
    assert result.out.splitlines() == [
        f"valid: {name} {registry()[name].version}" for name in SHIPPED
    ]
    assert "protocol pack" not in cli("check").err


def test_a_packs_dir_that_cannot_hold_packs_is_reported_not_ignored(cli, tmp_path, monkeypatch):
    """A typo in HARBORLINE_PACKS_DIRS, a pack's own folder given instead of its parent, or a
    folder of pack files without pack.yaml would otherwise leave a pack silently missing."""
    root = tmp_path / "packs"
    (root / "lake-county").mkdir(parents=True)
    (root / "lake-county" / "geography.yml").write_text("pack: lake-county\n", encoding="utf-8")
    (root / "README.txt").write_text("notes\n", encoding="utf-8")
    pack_itself = tmp_path / "single"
    pack_itself.mkdir()
    (pack_itself / "pack.yaml").write_text("pack: single\n", encoding="utf-8")
    missing = tmp_path / "nowhere"
    monkeypatch.setenv("HARBORLINE_PACKS_DIRS", f"{root},{pack_itself},{missing}")
    reset_registry()
    try:
        result = cli("protocols", "validate")
        assert result.code == 1
        assert "lake-county/pack.yaml: (top): missing: every pack needs a manifest" in result.out
        assert f"{pack_itself}: (top): HARBORLINE_PACKS_DIRS names a pack" in result.out
        assert f"{missing}: (top): HARBORLINE_PACKS_DIRS: no such directory" in result.out
        assert sorted(registry()) == SHIPPED
        assert set(rejected()) == {root / "lake-county", pack_itself, missing}
    finally:
        monkeypatch.delenv("HARBORLINE_PACKS_DIRS")
        reset_registry()


def test_protocols_show_says_where_a_pack_applies(cli):
    washington = cli("protocols", "show", "washington")
    assert washington.code == 0, washington.err
    assert "Geography: 39 counties in 3 regions" in washington.out
    assert (
        "  dshs-region-2: DSHS Region 2 (northwest Washington; DCYF Regions 3 and 4) (6 counties)"
        in (washington.out)
    )
    assert "also, task force regions: Yakima task-force region" in washington.out
    wisconsin = cli("protocols", "show", "wisconsin")
    assert "Geography: 72 counties in 5 regions" in wisconsin.out
    county = cli("protocols", "show", "county-protocol")
    assert (
        "Geography: adopted by a county (harborline protocols adopt county-protocol" in county.out
    )
