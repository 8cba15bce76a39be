"""The youth-safe copy of a safety plan (Resource 9-B), in any language Harborline prints in
(English and Spanish): what the youth agreed to do and whom to call, safe to carry (issue 12,
decision 0040; the languages: decision 0064).

It carries only the strategies ticked, the contacts the youth chose (a name and a phone number:
the 9-B asks for no address) and the hotline numbers the form prints. It never carries the
youth's name, the staff member's, the signatures, or the free-text notes (the places near the
trafficker, the family members who may not understand the risk): those may name the exploiter or
give addresses. A contact whose name contains a name the youth's safety assessments give for
the trafficker or associates is left out as well.

Two sources of words: Harborline's own (the title, the headings, 9-1-1 and the hotline) are
marked for Django's translation framework and translated in `src/harborline/locale/`; the
strategies in the youth's words are the pack's, its `safety_plan_youth_copy` list (audience
`youth`), translated in the pack (`protocols.translations`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from harborline.instruments.schema import Instrument
from harborline.pdf import latin1
from harborline.protocols import translations
from harborline.protocols.sections import NamedList

# The pack list that words the 9-B's strategies for the youth: one entry per part of the copy
# (its label is the heading), holding one entry per 9-B check item (id = the item's id).
STRATEGY_LIST = "safety_plan_youth_copy"


def strategy_parts(
    words: NamedList | None, instrument: Instrument | None, lang: str
) -> list[tuple[str, list[tuple[str, str]]]]:
    """(heading, [(item id, line)]) for each part of the copy: the pack's list in `lang` (English
    where it has no translation); without the list, the 9-B's own sections and item labels, as
    the form words them (English), so no agreed strategy is left off."""
    if words is not None:
        return [
            (
                translations.label(part, lang),
                [(e.id, translations.label(e, lang)) for e in part.entries],
            )
            for part in words.entries
        ]
    if instrument is None:
        return []
    return [
        (section.title, [(i.id, i.label) for i in section.items if i.type == "check"])
        for section in instrument.sections
    ]


@dataclass
class YouthCopy:
    lang: str
    title: str
    intro: str
    version: str
    contacts_heading: str = ""
    sections: list[tuple[str, list[str]]] = field(default_factory=list)
    contacts: list[tuple[str, str]] = field(default_factory=list)  # (who, phone)
    always: list[str] = field(default_factory=list)  # 9-1-1 and the hotline

    def text(self) -> str:
        """Everything the copy says, as plain text (what a test can search)."""
        parts = [self.title, self.intro, self.version]
        for heading, lines in self.sections:
            parts += [heading, *lines]
        if self.contacts:
            parts.append(self.contacts_heading)
        parts += [f"{who} {phone}" for who, phone in self.contacts]
        return "\n".join(parts + self.always)


def _contacts(content: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(label, name, phone) of every contact on the plan, labels in the active language."""
    found = []
    for entry in content.get("pre_trusted_contacts_list") or []:
        if isinstance(entry, dict):
            found.append(("", str(entry.get("name") or ""), str(entry.get("phone") or "")))
    for label, name_key, phone_key in (
        (_("Shelter or service"), "pre_local_shelter_org", "pre_local_shelter_phone"),
        (_("My mentor-advocate"), "pre_cma_name", "pre_cma_phone"),
        (_("Someone I trust"), "post_trusted_person_name", "post_trusted_person_phone"),
    ):
        name, phone = str(content.get(name_key) or ""), str(content.get(phone_key) or "")
        if name or phone:
            found.append((label, name, phone))
    return found


def build(
    content: dict[str, Any],
    *,
    number: int,
    lang: str,
    unsafe_names: list[str],
    parts: list[tuple[str, list[tuple[str, str]]]] | None = None,
) -> YouthCopy:
    """The copy in `lang` (English when Harborline does not print in it). `parts` are the
    strategies' headings and lines in `lang` (`strategy_parts`); without them the copy carries
    the contacts and the numbers only."""
    lang = lang if lang in translations.printout_language_codes() else "en"
    with translation.override(lang):
        copy = YouthCopy(
            lang=lang,
            title=_("My safety plan"),
            intro=_("Ways to stay safe and people to call if I feel uncomfortable or in danger."),
            # "Version 3" of the plan, printed small at the end.
            version=pgettext("safety plan version", "Version %(number)s") % {"number": number},
            contacts_heading=_("People I can call"),
            always=[
                _("In an emergency: call 9-1-1"),
                _("National Human Trafficking Hotline: 1-888-373-7888 (text 233733, TTY 711)"),
            ],
        )
        for heading, strategies in parts or []:
            lines = [line for key, line in strategies if content.get(key) is True]
            if lines:
                copy.sections.append((heading, lines))
        banned = [n.strip().lower() for n in unsafe_names if n and len(n.strip()) >= 3]
        for label, name, phone in _contacts(content):
            if any(b in name.lower() or name.lower() and name.lower() in b for b in banned):
                continue
            who = f"{label}: {name}" if label and name else (label or name)
            copy.contacts.append((who, phone))
    return copy


def pdf(copy: YouthCopy) -> bytes:
    """The copy as a one- or two-page PDF (fpdf2, as the annual reports are made), its language
    set in the document. Uncompressed: small, and what it says can be checked."""
    from fpdf import FPDF

    doc = FPDF(format="Letter")
    doc.set_compression(False)
    doc.set_title(latin1(copy.title))
    doc.set_lang(copy.lang)
    doc.set_author("")
    doc.set_creator("")
    doc.set_auto_page_break(auto=True, margin=18)
    doc.add_page()
    width = doc.w - doc.l_margin - doc.r_margin

    def write(text: str, size: int = 11, style: str = "") -> None:
        doc.set_font("Helvetica", style, size)
        doc.multi_cell(width, size * 0.55, latin1(text), new_x="LMARGIN", new_y="NEXT")

    write(copy.title, 18, "B")
    write(copy.intro)
    for line in copy.always:
        write(line, 12, "B")
    for heading, lines in copy.sections:
        doc.ln(3)
        write(heading, 13, "B")
        for line in lines:
            write(f"- {line}")
    if copy.contacts:
        doc.ln(3)
        write(copy.contacts_heading, 13, "B")
        for who, phone in copy.contacts:
            write(f"{who}  {phone}".strip())
    doc.ln(3)
    write(copy.version, 8)
    return bytes(doc.output())
