"""A pack's lists in other languages (decision 0064): `translations` beside the English, checked
when the pack loads; a youth- or family-facing entry without its words in a language Harborline
prints in is a warning, never an error, and the English is printed in its place."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from harborline.config.cli import main
from harborline.protocols.packs import PackInvalid, get_pack, load_pack
from harborline.protocols.translations import description, label, missing, named_list, title

LISTS: dict = {
    "lists": [
        {
            "id": "handout",
            "title": "What the family receives",
            "audience": "family",
            "source": "L1",
            "translations": {"es": {"title": "Lo que recibe la familia"}},
            "entries": [
                {
                    "id": "food",
                    "label": "Food",
                    "description": "A food bank near you.",
                    "translations": {"es": {"label": "Comida"}},
                },
                {"id": "school", "label": "School"},
            ],
        },
        {
            "id": "duties",
            "title": "Staff duties",
            "source": "L2",
            "entries": [{"id": "screen", "label": "Screen"}],
        },
    ]
}


def _pack(root: Path, lists: dict) -> Path:
    path = root / "sample"
    path.mkdir()
    (path / "pack.yaml").write_text(
        yaml.safe_dump(
            {
                "pack": "sample",
                "version": "1.0.0",
                "title": "Sample",
                "jurisdiction": "Nowhere",
                "source": {"document": "001", "title": "Sample protocol"},
            }
        )
    )
    (path / "lists.yaml").write_text(yaml.safe_dump(lists, allow_unicode=True))
    return path


def test_words_fall_back_to_english(tmp_path):
    pack = load_pack(_pack(tmp_path, LISTS))
    handout = named_list(pack, "handout")
    assert handout is not None and named_list(pack, "nothing") is None
    food, school = handout.entries
    assert (title(handout, "es"), label(food, "es"), label(school, "es")) == (
        "Lo que recibe la familia",
        "Comida",
        "School",
    )
    assert description(food, "es") == "A food bank near you."  # no Spanish given: English
    assert (title(handout, "en"), label(food, "en")) == ("What the family receives", "Food")


def test_missing_words_are_listed_for_youth_and_family_lists_only(tmp_path):
    pack = load_pack(_pack(tmp_path, LISTS))
    found = [str(p) for p in missing(pack, ["en", "es"])]
    assert found == [
        "sample/lists.yaml: lists[0].entries[0]: no 'es' description (food); printed in English",
        "sample/lists.yaml: lists[0].entries[1]: no 'es' label (school); printed in English",
    ]
    assert missing(pack, ["en"]) == []


def test_validate_warns_and_still_passes(tmp_path, capsys):
    path = _pack(tmp_path, LISTS)
    assert main(["protocols", "validate", str(path)]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == ["valid: sample 1.0.0"]
    assert (
        "warning: sample/lists.yaml: lists[0].entries[1]: no 'es' label (school); "
        "printed in English" in err.splitlines()
    )


@pytest.mark.parametrize("code", ["en", "ES", "spanish", "e"])
def test_a_translation_must_name_another_language(tmp_path, code):
    bad = yaml.safe_load(yaml.safe_dump(LISTS))
    bad["lists"][0]["entries"][0]["translations"] = {code: {"label": "x"}}
    with pytest.raises(PackInvalid) as raised:
        load_pack(_pack(tmp_path, bad))
    [problem] = raised.value.problems
    assert problem.file == "sample/lists.yaml"
    assert problem.path == "lists[0].entries[0].translations"
    assert "is not a language code other than English" in problem.message


def test_a_translation_takes_only_the_words(tmp_path):
    bad = yaml.safe_load(yaml.safe_dump(LISTS))
    bad["lists"][0]["entries"][0]["translations"] = {"es": {"label": "x", "source": "L3"}}
    with pytest.raises(PackInvalid) as raised:
        load_pack(_pack(tmp_path, bad))
    assert [p.path for p in raised.value.problems] == ["lists[0].entries[0].translations.es.source"]


def test_nevadas_youth_copy_is_translated_whole():
    pack = get_pack("nevada")
    assert missing(pack, ["en", "es"]) == []
    words = named_list(pack, "safety_plan_youth_copy")
    assert words is not None and words.audience == "youth"
    form = pack.instruments["safety_plan"]
    checks = {i.id for s in form.sections for i in s.items if i.type == "check"}
    worded = [e.id for part in words.entries for e in part.entries]
    # Every strategy the 9-B offers is worded for the youth, once; nothing else is.
    assert sorted(worded) == sorted(checks)
