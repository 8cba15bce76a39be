"""The youth-safe copy of a safety plan (Resource 9-B), in English or Spanish: what the youth
agreed to do and whom to call, safe to carry (issue 12, decision 0040).

It carries only the strategies ticked, the contacts the youth chose (a name and a phone number:
the 9-B asks for no address) and the hotline numbers the form prints. It never carries the
youth's name, the staff member's, the signatures, or the free-text notes (the places near the
trafficker, the family members who may not understand the risk): those may name the exploiter or
give addresses. A contact whose name contains a name the youth's safety assessments give for
the trafficker or associates is left out as well."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from harborline.pdf import latin1

LANGUAGES = ("en", "es")

TEXT: dict[str, dict[str, str]] = {
    "title": {"en": "My safety plan", "es": "Mi plan de seguridad"},
    "intro": {
        "en": "Ways to stay safe and people to call if I feel uncomfortable or in danger.",
        "es": "Formas de mantenerme a salvo y personas a quienes llamar si me siento incómodo/a "
        "o en peligro.",
    },
    "before": {"en": "If I am thinking about leaving", "es": "Si estoy pensando en irme"},
    "after": {"en": "After I leave", "es": "Después de irme"},
    "technology": {"en": "My phone and online safety", "es": "Mi teléfono y seguridad en línea"},
    "contacts": {"en": "People I can call", "es": "Personas a quienes puedo llamar"},
    "emergency": {"en": "In an emergency: call 9-1-1", "es": "En una emergencia: llame al 9-1-1"},
    "hotline": {
        "en": "National Human Trafficking Hotline: 1-888-373-7888 (text 233733, TTY 711)",
        "es": "Línea Nacional contra la Trata de Personas: 1-888-373-7888 (texto 233733, TTY 711)",
    },
    "version": {"en": "Version", "es": "Versión"},
    "shelter": {"en": "Shelter or service", "es": "Refugio o servicio"},
    "advocate": {"en": "My mentor-advocate", "es": "Mi mentor/a-defensor/a"},
    "trusted": {"en": "Someone I trust", "es": "Alguien de confianza"},
}

# The 9-B strategies (L10676-10725), in the youth's words, and the part of the copy each goes in.
STRATEGIES: dict[str, tuple[str, str, str]] = {
    "pre_call_911": (
        "before",
        "If I am in danger right now, I call 9-1-1.",
        "Si estoy en peligro ahora mismo, llamo al 9-1-1.",
    ),
    "pre_escape_route": (
        "before",
        "I have a way out and a safe person or place to go to.",
        "Tengo una forma de salir y una persona o lugar seguro a donde ir.",
    ),
    "pre_documents_close": (
        "before",
        "I keep my important papers close, ready to leave.",
        "Guardo mis documentos importantes cerca, listos para irme.",
    ),
    "pre_go_bag": (
        "before",
        "I have a bag packed with my papers and a change of clothes.",
        "Tengo una bolsa lista con mis documentos y una muda de ropa.",
    ),
    "pre_trusted_contacts": (
        "before",
        "I know whom to tell or ask for help.",
        "Sé a quién avisar o pedir ayuda.",
    ),
    "pre_call_nht_hotline": (
        "before",
        "I can call the hotline for a shelter or other help.",
        "Puedo llamar a la línea de ayuda para un refugio u otra ayuda.",
    ),
    "pre_local_shelter": (
        "before",
        "I know how to reach a local shelter or service.",
        "Sé cómo contactar un refugio o servicio local.",
    ),
    "pre_cma_contact": (
        "before",
        "I have my mentor-advocate's number.",
        "Tengo el número de mi mentor/a-defensor/a.",
    ),
    "post_vary_routines": (
        "after",
        "I change my routes and the times I do things.",
        "Cambio mis rutas y los horarios de lo que hago.",
    ),
    "post_protective_order": (
        "after",
        "I can get a protective order so the person cannot contact me.",
        "Puedo obtener una orden de protección para que la persona no me contacte.",
    ),
    "post_keep_orders_numbers": (
        "after",
        "I keep court orders and emergency numbers with me.",
        "Llevo conmigo las órdenes del tribunal y los números de emergencia.",
    ),
    "post_identify_risky_places": (
        "after",
        "I stay away from places that are not safe for me, or I have a plan for them.",
        "Evito los lugares que no son seguros para mí, o tengo un plan para ellos.",
    ),
    "post_identify_unaware_family": (
        "after",
        "I know who in my family may not understand the risk.",
        "Sé quién en mi familia puede no entender el riesgo.",
    ),
    "post_trusted_person": (
        "after",
        "I can call someone I trust for help.",
        "Puedo llamar a alguien de confianza para pedir ayuda.",
    ),
    "post_confidential_address_program": (
        "after",
        "I can use the Confidential Address Program.",
        "Puedo usar el Programa de Dirección Confidencial.",
    ),
    "post_change_phone_number": (
        "technology",
        "I can get a phone number the person does not know.",
        "Puedo tener un número de teléfono que la persona no conoce.",
    ),
    "post_emergency_phone": (
        "technology",
        "I keep an emergency phone with emergency numbers.",
        "Tengo un teléfono de emergencia con números de emergencia.",
    ),
    "post_avoid_social_media": (
        "technology",
        "I stay off social media and the internet for now.",
        "Por ahora evito las redes sociales e internet.",
    ),
    "post_change_credentials_privacy": (
        "technology",
        "I change my passwords and user names and turn on privacy and location settings.",
        "Cambio mis contraseñas y nombres de usuario y activo la privacidad y la ubicación.",
    ),
}
SECTIONS = ("before", "after", "technology")


@dataclass
class YouthCopy:
    lang: str
    title: str
    intro: str
    version: str
    sections: list[tuple[str, list[str]]] = field(default_factory=list)
    contacts: list[tuple[str, str]] = field(default_factory=list)  # (who, phone)
    always: list[str] = field(default_factory=list)  # 9-1-1 and the hotline

    def text(self) -> str:
        """Everything the copy says, as plain text (what a test can search)."""
        parts = [self.title, self.intro, self.version]
        for heading, lines in self.sections:
            parts += [heading, *lines]
        parts += [f"{who} {phone}" for who, phone in self.contacts]
        return "\n".join(parts + self.always)


def _contacts(content: dict[str, Any], lang: str) -> list[tuple[str, str, str]]:
    """(label, name, phone) of every contact on the plan."""
    found = []
    for entry in content.get("pre_trusted_contacts_list") or []:
        if isinstance(entry, dict):
            found.append(("", str(entry.get("name") or ""), str(entry.get("phone") or "")))
    for label, name_key, phone_key in (
        ("shelter", "pre_local_shelter_org", "pre_local_shelter_phone"),
        ("advocate", "pre_cma_name", "pre_cma_phone"),
        ("trusted", "post_trusted_person_name", "post_trusted_person_phone"),
    ):
        name, phone = str(content.get(name_key) or ""), str(content.get(phone_key) or "")
        if name or phone:
            found.append((TEXT[label][lang], name, phone))
    return found


def build(content: dict[str, Any], *, number: int, lang: str, unsafe_names: list[str]) -> YouthCopy:
    lang = lang if lang in LANGUAGES else "en"
    copy = YouthCopy(
        lang=lang,
        title=TEXT["title"][lang],
        intro=TEXT["intro"][lang],
        version=f"{TEXT['version'][lang]} {number}",
        always=[TEXT["emergency"][lang], TEXT["hotline"][lang]],
    )
    for section in SECTIONS:
        lines = [
            (en if lang == "en" else es)
            for key, (part, en, es) in STRATEGIES.items()
            if part == section and content.get(key) is True
        ]
        if lines:
            copy.sections.append((TEXT[section][lang], lines))
    banned = [n.strip().lower() for n in unsafe_names if n and len(n.strip()) >= 3]
    for label, name, phone in _contacts(content, lang):
        if any(b in name.lower() or name.lower() and name.lower() in b for b in banned):
            continue
        who = f"{label}: {name}" if label and name else (label or name)
        copy.contacts.append((who, phone))
    return copy


def pdf(copy: YouthCopy) -> bytes:
    """The copy as a one- or two-page PDF (fpdf2, as the annual reports are made). Uncompressed:
    small, and what it says can be checked."""
    from fpdf import FPDF

    doc = FPDF(format="Letter")
    doc.set_compression(False)
    doc.set_title(latin1(copy.title))
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
        write(TEXT["contacts"][copy.lang], 13, "B")
        for who, phone in copy.contacts:
            write(f"{who}  {phone}".strip())
    doc.ln(3)
    write(copy.version, 8)
    return bytes(doc.output())
