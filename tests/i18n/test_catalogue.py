"""The Spanish catalogue (decision 0064): every entry translated, none fuzzy, the committed .mo
exactly what the .po compiles to, and every string the youth copy marks for translation is in it."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.utils import translation

import harborline

LOCALE = Path(harborline.__file__).parent / "locale"
CATALOGUES = sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))


def test_spanish_is_there():
    assert LOCALE / "es/LC_MESSAGES/django.po" in CATALOGUES


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-3])
def test_no_entry_is_untranslated_or_fuzzy(po):
    catalogue = polib.pofile(str(po))
    assert not catalogue.metadata_is_fuzzy
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []
    assert [e.msgid for e in catalogue.obsolete_entries()] == []
    assert catalogue.metadata["Language"] == po.parts[-3]


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-3])
def test_the_committed_mo_is_what_the_po_compiles_to(po, tmp_path):
    fresh = tmp_path / "django.mo"
    polib.pofile(str(po)).save_as_mofile(str(fresh))
    assert fresh.read_bytes() == po.with_suffix(".mo").read_bytes(), (
        f"{po.with_suffix('.mo').name} is out of date: run `make messages` and commit it"
    )


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-3])
def test_placeholders_survive_translation(po):
    for entry in polib.pofile(str(po)):
        assert sorted(re.findall(r"%\(\w+\)s", entry.msgid)) == sorted(
            re.findall(r"%\(\w+\)s", entry.msgstr)
        ), entry.msgid


def test_every_marked_string_of_the_youth_copy_is_in_the_catalogue():
    source = (Path(harborline.__file__).parent / "response/youth_copy.py").read_text()
    marked = re.findall(r'\b_\(\s*"([^"]+)"', source)
    marked += [m for _ctx, m in re.findall(r'pgettext\("([^"]+)", "([^"]+)"', source)]
    ids = {e.msgid for e in polib.pofile(str(LOCALE / "es/LC_MESSAGES/django.po"))}
    assert len(marked) >= 9
    assert [m for m in marked if m not in ids] == []


def test_django_reads_the_catalogue():
    with translation.override("es"):
        assert translation.gettext("My safety plan") == "Mi plan de seguridad"
    with translation.override("en"):
        assert translation.gettext("My safety plan") == "My safety plan"


@pytest.mark.parametrize("module", ["sharing/consent_form.py", "directory/handout.py"])
def test_every_marked_string_of_the_consent_form_and_the_handout_is_in_the_catalogue(module):
    """Read with `ast`, so a message split over several lines is one string, as gettext sees it."""
    import ast

    tree = ast.parse((Path(harborline.__file__).parent / module).read_text())
    marked: list[tuple[str | None, str]] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        texts = [a.value for a in node.args if isinstance(a, ast.Constant)]
        if node.func.id == "_" and len(texts) == 1:
            marked.append((None, texts[0]))
        elif node.func.id == "pgettext" and len(texts) == 2:
            marked.append((texts[0], texts[1]))
    catalogue = polib.pofile(str(LOCALE / "es/LC_MESSAGES/django.po"))
    ids = {(e.msgctxt, e.msgid) for e in catalogue}
    assert len(marked) >= 25
    assert [m for m in marked if m not in ids] == []
    with translation.override("es"):
        assert translation.gettext("Consent to share information") == (
            "Consentimiento para compartir información"
        )
