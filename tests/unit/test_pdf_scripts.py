"""Every PDF shows names as written: Latin with any diacritics, Greek, Cyrillic, Arabic and Urdu
(right to left, joined), Bengali, Gujarati, Gurmukhi, Devanagari and Chinese.

Each name is written into a journal PDF and read back with pypdf (see tests/pdfs.py for what
extraction gives back and what `letters` discounts). For the scripts whose letters join or form
conjuncts, the glyphs embedded for the name are compared with the glyphs its characters map to
one by one: shaping must have replaced some, or the name would print as unjoined letters.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pypdf
import pytest
from fontTools.ttLib import TTFont
from pypdf.generic import ContentStream

from shared.media import pdf
from shared.media.journal_export import ChildRecord, CommentRecord, EntryRecord, JournalRecord, render_pdf
from tests import pdfs

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)

NAMES = {
    "polish": "Łukasz",
    "vietnamese": "Nguyễn",
    "greek": "Δήμητρα",
    "cyrillic": "Дарья",
    "arabic": "محمد",
    "urdu": "عائشہ",
    "bengali": "অনন্যা",
    "gujarati": "ધ્રુવ",
    "gurmukhi": "ਗੁਰਪ੍ਰੀਤ",
    "devanagari": "आराध्या",
    "chinese": "王小明",
}
SHAPED = {"arabic": "arabic", "urdu": "arabic", "bengali": "bengali", "gujarati": "gujarati",
          "gurmukhi": "gurmukhi", "devanagari": "devanagari"}  # fmt: skip


def journal(name: str, text: str | None = None) -> JournalRecord:
    entry = EntryRecord(
        "o1", date(2026, 11, 2), NOW, [ChildRecord(name, True)], ["communication-language"],
        text or f"{name} sang to the group.", f"Ask {name} to lead a song.",
        [CommentRecord(f"{name}'s mum", False, "Lovely!", NOW)],
    )  # fmt: skip
    return JournalRecord("e1", name, "Little Acorns", NOW, False, [entry])


def embedded_fonts(document: bytes) -> dict[str, TTFont | None]:
    """The font files a PDF embeds, by base font name without the subset tag (a bare CFF font
    program, as the Chinese face is embedded, is named but not parsed)."""
    fonts: dict[str, TTFont | None] = {}
    for page in pypdf.PdfReader(io.BytesIO(document)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            name = str(font["/BaseFont"]).split("+", 1)[-1]
            truetype = descriptor.get("/FontFile2")
            fonts[name] = TTFont(io.BytesIO(truetype.get_object().get_data())) if truetype else None
    return fonts


@pytest.mark.parametrize("script", sorted(NAMES))
def test_s37_every_script_name_reads_back_from_the_journal_pdf_as_written(script: str) -> None:
    name = NAMES[script]
    document = render_pdf(journal(name))
    text = pdfs.extracted(document)
    assert pdfs.shows(document, name)
    assert pdfs.shows(document, f"{name} sang to the group.")
    assert pdfs.shows(document, f"Ask {name} to lead a song.")
    assert "?" not in text
    assert "cannot be shown" not in text


def test_latin_greek_and_cyrillic_names_extract_exactly_without_normalising() -> None:
    document = render_pdf(journal("Łukasz Nguyễn, Δήμητρα and Дарья"))
    assert "Łukasz Nguyễn, Δήμητρα and Дарья" in pdfs.extracted(document)


@pytest.mark.parametrize("script", sorted(SHAPED))
def test_joining_and_conjunct_scripts_are_shaped_not_drawn_letter_by_letter(script: str) -> None:
    name = NAMES[script]
    face = next(f for f in pdf.FACES if f.family == SHAPED[script])
    script_face = SHAPED[script].capitalize()
    source = TTFont(pdf.font_path(face.package, face.file))
    letter_by_letter = {source.getBestCmap()[ord(c)] for c in name}
    embedded = next(
        f for key, f in embedded_fonts(render_pdf(journal(name))).items() if key.endswith(script_face)
    )
    assert embedded is not None
    drawn = set(embedded.getGlyphOrder()) - {".notdef", "uni0000", "glyph00002", "space"}
    assert drawn - letter_by_letter, f"{script}: only unjoined letters were embedded"


def test_a_latin_journal_loads_no_fallback_face() -> None:
    document = render_pdf(journal("Ada Lovelace"))
    assert set(embedded_fonts(document)) == {"NotoSans", "NotoSansItalic"}


def test_a_document_loads_only_the_faces_its_texts_need() -> None:
    doc = pdf.Document(["王小明", "محمد"], title="t", created_at=NOW)
    assert [f.family for f in doc.faces] == ["arabic", "chinese"]
    doc.line("王小明 and محمد")
    assert set(embedded_fonts(doc.output())) == {"NotoSans", "NotoSansArabic", "NotoSansSC"}


def test_a_bidi_override_cannot_reorder_a_name() -> None:
    document = render_pdf(journal("Ada\u202eecalevoL"))
    assert "Ada" in pdfs.extracted(document) and "\u202e" not in pdfs.extracted(document)
    assert pdf.clean("right\u202eto-left\x07") == "rightto-left"


def test_a_character_no_packaged_face_draws_is_admitted_not_hidden() -> None:
    tibetan = "\u0f40\u0f0b"  # no face we ship covers Tibetan
    document = render_pdf(journal(f"Ada {tibetan}"))
    assert pdfs.shows(
        document, "Some characters cannot be shown in this PDF; journal.json has the exact text."
    )


def test_any_text_at_all_still_builds_a_pdf() -> None:
    hostile = "\ud800 \U0010ffff \ue000 \x00 \u200d\u200c 🌻 Z\u0308\u0301 \u0627\u0644\u0644\u0647"
    assert render_pdf(journal(hostile)).startswith(b"%PDF-")


def test_only_headings_are_drawn_bold_even_across_page_breaks() -> None:
    """Bold is a stroked outline (text render mode 2) inside its own graphics state: after a
    heading, on any page, body text is filled only."""
    entries = [
        EntryRecord(f"o{i}", date(2026, 1, 1 + i % 28), NOW, [ChildRecord("Ada", True)], ["mathematics"],
                    "Ada built a tall tower and counted each block out loud. " * 4, "Count to twenty.",
                    [CommentRecord("Mum", False, "She told us at home.", NOW)])
        for i in range(40)
    ]  # fmt: skip
    document = render_pdf(JournalRecord("e1", "Ada Lovelace", "Little Acorns", NOW, False, entries))
    reader = pypdf.PdfReader(io.BytesIO(document))
    assert len(reader.pages) > 3
    stroked = 0
    for page in reader.pages:
        modes = [0]
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"q":
                modes.append(modes[-1])
            elif operator == b"Q":
                modes.pop()
            elif operator == b"Tr":
                modes[-1] = int(operands[0])
            elif operator in (b"Tj", b"TJ") and modes[-1] == 2:
                stroked += 1
    assert stroked == 2 + 2 * len(entries)  # title, child's name; each entry's date and "Comments"
