"""`harborline protocols list | show | validate`: every shipped pack validates; every broken
pack under tests/protocols/broken/ is refused with exit 1, naming the file and the path inside
it; unknown packs and instruments are one line and exit 2."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from harborline.config.cli import main
from harborline.protocols.packs import BUILTIN, get_pack, registry

BROKEN = Path(__file__).parent / "broken"
SHIPPED = sorted(p for p in BUILTIN.iterdir() if p.is_dir())

# case -> (the file named, the path inside it, part of the message)
EXPECTED = {
    "bad-yaml": ("bad-yaml/instruments/screen.yaml", "line 11, column 1", "not valid YAML"),
    "bad-source": ("bad-source/instruments/screen.yaml", "actions[0].source", "cite the source"),
    "bad-version": ("bad-version/pack.yaml", "version", "should match pattern"),
    "codebook-coded-without-values": (
        "codebook-coded-without-values/codebook.yaml",
        "variables[0]",
        "needs its value codes",
    ),
    "condition-missing-item": (
        "condition-missing-item/instruments/screen.yaml",
        "results[0].when.checked",
        "no item 'ghost'",
    ),
    "condition-unknown-form": (
        "condition-unknown-form/instruments/screen.yaml",
        "results[0].when",
        "unknown condition 'maybe'",
    ),
    "county-unknown-region": (
        "county-unknown-region/geography.yaml",
        "counties[0].region",
        "'south' is not a region",
    ),
    "county-bad-time-zone": (
        "county-bad-time-zone/geography.yaml",
        "counties[0].time_zone",
        "'America/Gotham' is not an IANA time zone",
    ),
    "course-unknown-competency": (
        "course-unknown-competency/training.yaml",
        "courses[0].competencies",
        "'C9' is not a competency",
    ),
    "duplicate-item-id": (
        "duplicate-item-id/instruments/screen.yaml",
        "(top)",
        "item ids must be unique; repeated: sign_a",
    ),
    "empty-instrument": ("empty-instrument/instruments/screen.yaml", "(top)", "is empty"),
    "instrument-name-mismatch": (
        "instrument-name-mismatch/instruments/screen.yaml",
        "instrument",
        "must match the file name",
    ),
    "manifest-mismatch": ("manifest-mismatch/pack.yaml", "pack", "must match the directory name"),
    "missing-manifest": ("missing-manifest/pack.yaml", "(top)", "every pack needs a manifest"),
    "missing-source": ("missing-source/instruments/screen.yaml", "actions[0].source", "required"),
    "obligation-two-deadlines": (
        "obligation-two-deadlines/obligations.yaml",
        "obligations[0].due",
        "give exactly one of",
    ),
    "rating-without-scores": (
        "rating-without-scores/instruments/screen.yaml",
        "sections[0].items[0]",
        "needs a score",
    ),
    "result-before-defined": (
        "result-before-defined/instruments/screen.yaml",
        "results[0].when.result",
        "no earlier result 'flagged'",
    ),
    "screening-unknown-result": (
        "screening-unknown-result/obligations.yaml",
        "screening[0].triggers[0].when",
        "'confirmed' is not a result of the instrument",
    ),
    "consent-unknown-kind": (
        "consent-unknown-kind/consent.yaml",
        "rules[0].requires[0][1]",
        "Input should be 'youth_assent'",
    ),
    "unknown-file": ("unknown-file/notes.yaml", "(top)", "unknown file"),
    "unknown-item-type": (
        "unknown-item-type/instruments/screen.yaml",
        "sections[0].items[0].type",
        "Input should be 'check'",
    ),
}
PROBLEM_LINE = re.compile(r"^[\w./-]+\.yaml: .+: .+$")


@pytest.fixture
def run(capsys):
    def run(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(["protocols", *argv])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_every_broken_case_has_an_expectation():
    assert sorted(p.name for p in BROKEN.iterdir() if p.is_dir()) == sorted(EXPECTED)


@pytest.mark.parametrize("pack", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_pack_is_valid(run, pack):
    code, out, err = run("validate", str(pack))
    assert (code, err) == (0, ""), out
    manifest = get_pack(pack.name).manifest
    assert out.strip() == f"valid: {manifest.pack} {manifest.version}"


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_broken_pack_is_refused_naming_file_and_path(run, case):
    code, out, err = run("validate", str(BROKEN / case))
    assert code == 1
    lines = out.splitlines()
    assert lines and all(PROBLEM_LINE.match(line) for line in lines), out
    file, path, message = EXPECTED[case]
    assert any(
        line.startswith(f"{file}: ") and path in line and message in line for line in lines
    ), out
    assert "problem" in err


def test_validate_a_missing_directory_is_one_line_exit_2(run, tmp_path):
    code, out, err = run("validate", str(tmp_path / "nope"))
    assert code == 2
    assert out == ""
    assert (
        err.strip()
        == f"harborline protocols validate: error: {tmp_path / 'nope'}: no such directory"
    )


def test_list_names_every_pack_with_version_title_and_counts(run):
    code, out, err = run("list")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["pack", "version", "title", "contents"]
    for name, pack in registry().items():
        row = next(line for line in lines if line.startswith(f"{name} "))
        assert pack.version in row
        assert pack.manifest.title in row
        assert f"{len(pack.instruments)} instruments" in row


def test_show_pack_lists_instruments_and_sections(run):
    nevada = get_pack("nevada")
    code, out, err = run("show", "nevada")
    assert code == 0 and err == ""
    assert f"(nevada {nevada.version})" in out
    for instrument in nevada.instruments.values():
        assert f"  {instrument.instrument}: {instrument.title}" in out
    obligations = nevada.section("obligations.yaml")
    if obligations is not None:
        for o in obligations.obligations:
            assert f"  {o.id}: {o.title}; on {o.trigger}, due " in out
            assert f"source {o.source}" in out
    codebook = nevada.section("codebook.yaml")
    if codebook is not None:
        assert f"{len(codebook.variables)} variables" in out


def test_show_pack_prints_every_section_of_a_complete_pack(run, sample_pack):
    code, out, err = run("show", "sample")
    assert code == 0, err
    assert "Sample County Protocol (sample 2.3.4), Sample County" in out
    assert (
        "report_to_cps: Report to child protective services; on reasonable_cause, "
        "due within 24 hours; source L10-12" in out
    )
    assert "Code book: Sample code book, 1 variables" in out
    assert "101: Introduction to CSEC" in out
    assert "Reference contacts: 2 (1 to verify before use)" in out
    assert "principles: Guiding principles (1 entries)" in out
    assert "survey: Sample training survey; evaluation, 15 items, no youth data" in out


def test_show_instrument_prints_items_rules_results_actions_with_sources(run):
    code, out, err = run("show", "nevada", "nrit")
    assert code == 0 and err == ""
    assert "Nevada Rapid Indicator Tool (NRIT) [8-A]" in out
    assert "Notice: Do not directly ask the child or family these questions." in out
    assert "Section confirmed: Confirmed indicators [L10437-10455]" in out
    assert "  cv_self_report [check]: The youth has self-reported" in out
    assert "[L10441-10443]" in out
    assert 'hr_other_explain [long_text] (required when {"checked":"hr_other"})' in out
    assert "no_indicators_is_exclusive: when" in out
    assert "  outcome [enum]: Screening outcome [derived:" in out
    assert (
        "  initiate_mdt [do] when" in out
        and "Initiate a multidisciplinary team (MDT). [L10437-10439]" in out
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ("show", "atlantis"),
            "harborline protocols show: error: No protocol pack named 'atlantis'.",
        ),
        (
            ("show", "nevada", "horoscope"),
            "harborline protocols show: error: Pack 'nevada' has no instrument 'horoscope'.",
        ),
    ],
)
def test_unknown_pack_or_instrument_is_one_line_exit_2(run, argv, message):
    code, out, err = run(*argv)
    assert code == 2
    assert out == ""
    assert err.splitlines() == [message]


def test_protocols_without_a_subcommand_is_one_line_exit_2(run):
    code, out, err = run()
    assert code == 2
    assert len(err.splitlines()) == 1
