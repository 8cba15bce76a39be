"""The PDFs Harborline prints (fpdf2, a well-kept pure-Python library): the annual reports, the
youth-safe safety plan, the community response plan.

- `latin1(text)`: fpdf2's core fonts draw Latin-1 only; typographic dashes and quotes become their
  plain forms and anything else a "?" rather than an error.
- `document(title=..., subject=..., lang=...)`: a Letter page set up with what fpdf2 offers for
  accessibility — the document's language and title (readers show it instead of the file name)
  and heading styles for `start_section`, which tags each heading in the structure tree and adds
  it to the bookmark outline.
- `Printout` and `printout_pdf(doc)`: a document a youth or a family receives (the consent form,
  the referral handout; decision 0064), already in its language, as a PDF."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SWAPS = {"—": "-", "–": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "…": "...", "·": "-"}


def latin1(text: str) -> str:
    for a, b in SWAPS.items():
        text = text.replace(a, b)
    return text.encode("latin-1", "replace").decode("latin-1")


def document(*, title: str, subject: str = "", lang: str = "en-US") -> Any:
    from fpdf import FPDF, TextStyle
    from fpdf.prefs import ViewerPreferences

    pdf = FPDF(format="Letter")
    pdf.set_title(latin1(title))
    pdf.set_author("Harborline")
    if subject:
        pdf.set_subject(latin1(subject))
    pdf.set_lang(lang)
    pdf.viewer_preferences = ViewerPreferences(display_doc_title=True)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_section_title_styles(
        TextStyle(font_family="Helvetica", font_style="B", font_size_pt=16, t_margin=3),
        TextStyle(font_family="Helvetica", font_style="B", font_size_pt=13, t_margin=3),
    )
    return pdf


# --- a document a youth or a family receives (decision 0064) ---------------------------------
# The consent form and the referral handout are built as a `Printout` in the language of the
# printout (their words from the catalogue, inside `translation.override`), then drawn as a page
# (web/printouts/document.html, on web/printout.html) or as a PDF by `printout_pdf`: one shape,
# so the page and the PDF say the same thing.


@dataclass
class Part:
    """One part of a printout: a heading, then, in this order, facts (label, value: an empty
    value is a line to write on), paragraphs, a list, boxes to tick, and lines to write on."""

    heading: str
    paragraphs: list[str] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    boxes: list[str] = field(default_factory=list)
    blank_lines: int = 0

    @property
    def blanks(self) -> range:
        return range(self.blank_lines)


@dataclass
class Signature:
    """A line to sign and date; `name`, when known, is printed under it."""

    label: str
    name: str = ""
    extra: str = ""  # a further line to fill in beside it ("Relationship to the youth")


@dataclass
class Printout:
    lang: str
    title: str
    intro: list[str] = field(default_factory=list)
    notice: str = ""  # shown first, in bold (a withdrawn consent)
    parts: list[Part] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=list)
    signature_heading: str = ""
    sign_words: tuple[str, str, str] = ("Signature", "Date", "Printed name")
    always: list[str] = field(default_factory=list)  # 9-1-1 and the hotline, in bold
    footer: list[str] = field(default_factory=list)

    def text(self) -> str:
        """Everything the printout says, as plain text (what a test can search)."""
        lines = [self.title, self.notice, *self.intro]
        for part in self.parts:
            lines += [part.heading, *part.paragraphs]
            lines += [f"{label}: {value}" for label, value in part.facts]
            lines += [*part.items, *part.boxes]
        if self.signatures:
            lines.append(self.signature_heading)
        for sign in self.signatures:
            lines += [sign.label, sign.name, sign.extra]
        return "\n".join(line for line in [*lines, *self.always, *self.footer] if line)


def printout_pdf(doc: Printout, *, subject: str = "") -> bytes:
    """The printout as a PDF in its language (`/Lang`), headings tagged. Uncompressed: small,
    and what it says can be checked."""
    pdf = document(title=doc.title, subject=subject, lang=doc.lang)
    pdf.set_compression(False)
    pdf.set_author("")
    pdf.add_page()
    pdf.set_font("Helvetica", "", 11)
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def write(text: str, size: int = 11, style: str = "") -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(width, size * 0.55, latin1(text), new_x="LMARGIN", new_y="NEXT")

    def rule(label: str, indent: float = 0) -> None:
        pdf.set_font("Helvetica", "", 10)
        pdf.ln(7)
        y = pdf.get_y()
        pdf.line(pdf.l_margin + indent, y, pdf.l_margin + width, y)
        if label:
            pdf.set_xy(pdf.l_margin + indent, y + 0.5)
            pdf.cell(0, 4, latin1(label), new_x="LMARGIN", new_y="NEXT")

    pdf.start_section(latin1(doc.title), level=0)
    if doc.notice:
        write(doc.notice, 12, "B")
    for line in doc.intro:
        write(line)
    for line in doc.always:
        write(line, 11, "B")
    for part in doc.parts:
        pdf.ln(2)
        pdf.set_font("Helvetica", "", 11)
        pdf.start_section(latin1(part.heading), level=1)
        for label, value in part.facts:
            if value:
                write(f"{label}: {value}")
            else:
                rule(label)
        for line in part.paragraphs:
            write(line)
        for line in part.items:
            write(f"- {line}")
        for line in part.boxes:
            pdf.set_font("Helvetica", "", 11)
            y = pdf.get_y() + 1
            pdf.rect(pdf.l_margin, y, 3.5, 3.5)
            pdf.set_x(pdf.l_margin + 6)
            pdf.multi_cell(width - 6, 6, latin1(line), new_x="LMARGIN", new_y="NEXT")
        for _ in range(part.blank_lines):
            rule("")
    if doc.signatures:
        pdf.ln(2)
        pdf.set_font("Helvetica", "", 11)
        pdf.start_section(latin1(doc.signature_heading), level=1)
        signature, day, printed = doc.sign_words
        for sign in doc.signatures:
            write(sign.label, 11, "B")
            rule(f"{signature}                                                  {day}")
            if sign.name:
                write(f"{printed}: {sign.name}", 10)
            else:
                rule(printed)
            if sign.extra:
                rule(sign.extra)
            pdf.ln(3)
    for line in doc.footer:
        write(line, 8)
    return bytes(pdf.output())
