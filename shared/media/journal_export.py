"""A child's journal as files: a PDF made with fpdf2, a JSON file of the same data, and a zip of
both with the display photos. Pure: bytes in, bytes out, no storage.

Fonts: the PDF uses fpdf2's built-in Helvetica, so nothing is read from the file system and no
font has to be shipped (no package we install carries a Unicode TrueType font). Built-in fonts
cover latin-1 only, so every text passes through `pdf_text`, which keeps latin-1, folds accents
it can (Ł -> L, ő -> o) and replaces anything else with "?": no name can crash a build. The PDF
then says so, and journal.json in the zip keeps every name and text exactly as written.

File names inside the zip are made here from dates and counters only, never from user input.
"""

from __future__ import annotations

import io
import json
import unicodedata
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fpdf import FPDF

FORMAT = "learning-journal-export/1"
PDF_NAME = "journal.pdf"
JSON_NAME = "journal.json"
PHOTO_FOLDER = "photos"
# Largest photo on the page, in millimetres (A4 is 210 x 297 with 10 mm margins).
PHOTO_MAX_W = 120.0
PHOTO_MAX_H = 100.0
# Characters outside latin-1 that have an obvious latin-1 spelling (NFKD folds most accents).
_FOLD = str.maketrans(
    {
        "\u0141": "L", "\u0142": "l", "\u0110": "D", "\u0111": "d", "\u0126": "H", "\u0127": "h",
        "\u0131": "i", "\u0152": "OE", "\u0153": "oe", "\u2018": "'", "\u2019": "'", "\u201a": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2013": "-", "\u2014": "-", "\u2026": "...",
        "\u2022": "*", "\u20ac": "EUR",
    }
)  # fmt: skip


@dataclass(frozen=True)
class PhotoFile:
    """A display photo (already re-encoded without metadata on upload, S27) and its name in the zip."""

    name: str
    data: bytes
    width: int
    height: int


@dataclass(frozen=True)
class CommentRecord:
    author: str
    by_staff: bool
    text: str
    created_at: datetime


@dataclass(frozen=True)
class ChildRecord:
    name: str
    own: bool  # the exported child or, for a parent, their own child


@dataclass(frozen=True)
class EntryRecord:
    observation_id: str
    observed_on: date
    published_at: datetime | None
    children: list[ChildRecord]
    areas: list[str]
    text: str
    next_steps: str
    comments: list[CommentRecord]
    photos: list[PhotoFile] = field(default_factory=list)


@dataclass(frozen=True)
class JournalRecord:
    """Everything one export holds, already as its reader may see it (redacted for parents)."""

    export_id: str
    child_name: str
    setting_name: str
    generated_at: datetime
    redacted: bool
    entries: list[EntryRecord]
    # Staff exports only: the tracker's details and the child's rooms (never in a parent's export).
    tracker: Mapping[str, object] | None = None


def photo_name(observed_on: date, index: int) -> str:
    return f"{PHOTO_FOLDER}/{observed_on.isoformat()}-{index:02d}.jpg"


def area_label(area: str) -> str:
    """ "personal-social-emotional" -> "Personal social emotional"."""
    return area.replace("-", " ").capitalize()


def pdf_text(text: str) -> str:
    """Text the built-in PDF fonts can draw: latin-1, with anything else folded or "?"."""
    out = []
    for char in unicodedata.normalize("NFC", text).translate(_FOLD):
        if char in "\n\t" or (char.isprintable() and ord(char) < 256):
            out.append(char)
            continue
        folded = "".join(
            c for c in unicodedata.normalize("NFKD", char) if ord(c) < 256 and not unicodedata.combining(c)
        )
        out.append(folded if folded and folded.isprintable() else "?")
    return "".join(out)


def needs_folding(record: JournalRecord) -> bool:
    texts = [record.child_name, record.setting_name]
    for entry in record.entries:
        texts += [entry.text, entry.next_steps, *(c.name for c in entry.children)]
        texts += [t for c in entry.comments for t in (c.author, c.text)]
    return any(pdf_text(t) != unicodedata.normalize("NFC", t) for t in texts)


def render_pdf(record: JournalRecord, *, compress: bool = True) -> bytes:
    """The journal as a PDF: observations in date order, each with its areas, next steps,
    photos and comments."""
    # Imported here: fpdf2 costs about a fifth of the app's cold start, and only the export
    # worker ever needs it.
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_compression(compress)
    pdf.set_creation_date(record.generated_at)
    pdf.set_title("Learning journal")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    _heading(pdf, "Learning journal", 18)
    _line(pdf, record.child_name, size=14, style="B")
    _line(pdf, record.setting_name)
    _line(pdf, f"Exported {record.generated_at:%d %B %Y, %H:%M} UTC", size=9)
    if record.redacted:
        _line(pdf, "Other children appear as the setting's privacy policy shows them to families.", size=9)
    if needs_folding(record):
        _line(pdf, "Some characters cannot be shown in this PDF; journal.json has the exact text.", size=9)
    if not record.entries:
        pdf.ln(4)
        _line(pdf, "No published observations yet.")
    for entry in record.entries:
        _entry(pdf, entry)
    return bytes(pdf.output())


def render_json(record: JournalRecord) -> bytes:
    """The same data as the PDF, exactly as written (any Unicode), for the next school's systems."""
    document: dict[str, Any] = {
        "format": FORMAT,
        "exportId": record.export_id,
        "generatedAt": record.generated_at.isoformat(),
        "child": {"name": record.child_name},
        "setting": {"name": record.setting_name},
        "redacted": record.redacted,
        "observations": [
            {
                "id": e.observation_id,
                "observedOn": e.observed_on.isoformat(),
                "publishedAt": e.published_at.isoformat() if e.published_at else None,
                "children": [{"name": c.name, "own": c.own} for c in e.children],
                "areas": e.areas,
                "text": e.text,
                "nextSteps": e.next_steps,
                "photos": [p.name for p in e.photos],
                "comments": [
                    {
                        "author": c.author,
                        "byStaff": c.by_staff,
                        "text": c.text,
                        "createdAt": c.created_at.isoformat(),
                    }
                    for c in e.comments
                ],
            }
            for e in record.entries
        ],
    }
    if record.tracker is not None:
        document["tracker"] = record.tracker
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def render_zip(record: JournalRecord, pdf: bytes) -> bytes:
    """A zip of the PDF, the JSON and every display photo."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_member(PDF_NAME, record.generated_at), pdf)
        archive.writestr(_member(JSON_NAME, record.generated_at), render_json(record))
        for entry in record.entries:
            for photo in entry.photos:
                # JPEG is compressed already: stored as is.
                archive.writestr(_member(photo.name, record.generated_at), photo.data, zipfile.ZIP_STORED)
    return buffer.getvalue()


def _member(name: str, at: datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(at.year, at.month, at.day, at.hour, at.minute, at.second))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _entry(pdf: FPDF, entry: EntryRecord) -> None:
    pdf.ln(6)
    _heading(pdf, f"{entry.observed_on:%d %B %Y}", 13)
    children = ", ".join(c.name for c in entry.children)
    if children:
        _line(pdf, f"Children: {children}", size=9)
    if entry.areas:
        _line(pdf, "Areas: " + ", ".join(area_label(a) for a in entry.areas), size=9)
    pdf.ln(1)
    _line(pdf, entry.text)
    if entry.next_steps:
        pdf.ln(1)
        _line(pdf, f"Next steps: {entry.next_steps}", style="I")
    for photo in entry.photos:
        _photo(pdf, photo)
    if entry.comments:
        pdf.ln(2)
        _line(pdf, "Comments", size=10, style="B")
        for comment in entry.comments:
            _line(pdf, f"{comment.author}, {comment.created_at:%d %B %Y}: {comment.text}", size=10)


def _photo(pdf: FPDF, photo: PhotoFile) -> None:
    scale = min(PHOTO_MAX_W / max(photo.width, 1), PHOTO_MAX_H / max(photo.height, 1))
    width, height = photo.width * scale, photo.height * scale
    if pdf.get_y() + height > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.ln(2)
    pdf.image(io.BytesIO(photo.data), w=width, h=height)


def _heading(pdf: FPDF, text: str, size: int) -> None:
    _line(pdf, text, size=size, style="B")


def _line(pdf: FPDF, text: str, *, size: int = 11, style: str = "") -> None:
    pdf.set_font("Helvetica", style=style, size=size)
    pdf.multi_cell(0, size * 0.5, pdf_text(text), new_x="LMARGIN", new_y="NEXT")
