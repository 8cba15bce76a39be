"""A pack's own words in the languages Harborline prints in (decision 0064).

A pack is written in English. A named list a youth or a family reads (`audience: youth` or
`family` in `lists.yaml`) carries its words in other languages beside the English, in the pack:

    - id: pre_go_bag
      label: I have a bag packed with my papers and a change of clothes.
      translations:
        es: {label: Tengo una bolsa lista con mis documentos y una muda de ropa.}

`label(entry, "es")` gives the Spanish, or the English when the pack has none; a missing
translation is never an error, only a warning (`missing`), so a pack still loads and prints.
Harborline's own words (headings, the hotline line) are in Django's catalogue instead
(`src/harborline/locale/`)."""

from __future__ import annotations

from .packs import Pack, Problem
from .sections import ListEntry, Lists, NamedList


def printout_languages() -> list[tuple[str, str]]:
    """(code, name in that language) of every language a printout may be in: settings.LANGUAGES,
    English first."""
    from django.conf import settings

    return [(code, str(name)) for code, name in settings.LANGUAGES]


def printout_language_codes() -> tuple[str, ...]:
    """The codes of `printout_languages`: what a printout's `lang` may be."""
    return tuple(code for code, _name in printout_languages())


def label(entry: ListEntry, lang: str) -> str:
    text = entry.translations.get(lang)
    return text.label if text is not None else entry.label


def description(entry: ListEntry, lang: str) -> str:
    text = entry.translations.get(lang)
    return text.description if text is not None and text.description else entry.description


def title(named: NamedList, lang: str) -> str:
    text = named.translations.get(lang)
    return text.title if text is not None else named.title


def named_list(pack: Pack, list_id: str) -> NamedList | None:
    lists: Lists | None = pack.section("lists.yaml")
    if lists is None:
        return None
    return next((x for x in lists.lists if x.id == list_id), None)


def missing(pack: Pack, languages: list[str]) -> list[Problem]:
    """Each youth- or family-facing list title and entry of `pack` without its words in one of
    `languages` (English aside): printed in English until the pack gives them."""
    lists: Lists | None = pack.section("lists.yaml")
    wanted = [code for code in languages if code != "en"]
    if lists is None or not wanted:
        return []
    rel = f"{pack.path.name}/lists.yaml"
    found: list[Problem] = []

    def entries(items: list[ListEntry], where: str) -> None:
        for j, entry in enumerate(items):
            path = f"{where}.entries[{j}]"
            for code in wanted:
                text = entry.translations.get(code)
                if text is None:
                    found.append(
                        Problem(rel, path, f"no {code!r} label ({entry.id}); printed in English")
                    )
                elif entry.description and not text.description:
                    found.append(
                        Problem(
                            rel, path, f"no {code!r} description ({entry.id}); printed in English"
                        )
                    )
            entries(entry.entries, path)

    for i, named in enumerate(lists.lists):
        if named.audience == "staff":
            continue
        for code in wanted:
            if code not in named.translations:
                found.append(
                    Problem(
                        rel, f"lists[{i}]", f"no {code!r} title ({named.id}); printed in English"
                    )
                )
        entries(named.entries, f"lists[{i}]")
    return found
