"""The PDFs Harborline prints (fpdf2, a well-kept pure-Python library): the annual reports, the
youth-safe safety plan, the community response plan.

- `latin1(text)`: fpdf2's core fonts draw Latin-1 only; typographic dashes and quotes become their
  plain forms and anything else a "?" rather than an error.
- `document(title=..., subject=..., lang=...)`: a Letter page set up with what fpdf2 offers for
  accessibility — the document's language and title (readers show it instead of the file name)
  and heading styles for `start_section`, which tags each heading in the structure tree and adds
  it to the bookmark outline."""

from __future__ import annotations

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
