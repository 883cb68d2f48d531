"""A child's journal as files: a PDF made with fpdf2, a JSON file of the same data, and a zip of
both with the display photos. Pure: bytes in, bytes out, no storage.

The PDF is a `shared.media.pdf.Document`: every name and text is drawn as written, in any script
its packaged Noto faces cover, shaped where the script needs it. journal.json keeps the same
texts exactly, for the next school's systems.

File names inside the zip are made here from dates and counters only, never from user input.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from shared.media.pdf import Document
from shared.media.two_year_check_pdf import CheckRecord, draw_check

if TYPE_CHECKING:
    from fpdf import FPDF

FORMAT = "learning-journal-export/1"
PDF_NAME = "journal.pdf"
JSON_NAME = "journal.json"
PHOTO_FOLDER = "photos"
# Largest photo on the page, in millimetres (A4 is 210 x 297 with 10 mm margins).
PHOTO_MAX_W = 120.0
PHOTO_MAX_H = 100.0


@dataclass(frozen=True, repr=False)
class PhotoFile:
    """A display photo (already re-encoded without metadata on upload, S27) and its name in the zip."""

    name: str
    data: bytes
    width: int
    height: int


@dataclass(frozen=True, repr=False)
class CommentRecord:
    author: str
    by_staff: bool
    text: str
    created_at: datetime


@dataclass(frozen=True, repr=False)
class ChildRecord:
    name: str
    own: bool  # the exported child or, for a parent, their own child


@dataclass(frozen=True, repr=False)
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


@dataclass(frozen=True, repr=False)
class ProfileRecord:
    """The child's EYFS profile as the export's reader may see it."""

    status: str
    good_level_of_development: bool | None
    judgements: list[tuple[str, str, str]]  # (area name, ELG name, "expected" / "emerging" / "")
    comment: str


@dataclass(frozen=True, repr=False)
class AssessmentRecord:
    """The child's judgements at one assessment point, as the export's reader may see them."""

    point: str
    opens: date
    closes: date
    status: str
    framework: str
    scale: str
    # (area name, aspect name, judgement, band name or "", note: "" for a parent's export)
    judgements: list[tuple[str, str, str, str, str]]


@dataclass(frozen=True, repr=False)
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
    profile: ProfileRecord | None = None
    two_year_check: CheckRecord | None = None
    assessments: list[AssessmentRecord] = field(default_factory=list)


def photo_name(observed_on: date, index: int) -> str:
    return f"{PHOTO_FOLDER}/{observed_on.isoformat()}-{index:02d}.jpg"


def area_label(area: str) -> str:
    """ "personal-social-emotional" -> "Personal social emotional"."""
    return area.replace("-", " ").capitalize()


def render_pdf(record: JournalRecord, *, compress: bool = True) -> bytes:
    """The journal as a PDF: observations in date order, each with its areas, next steps,
    photos and comments."""
    doc = Document(
        record_texts(record), title="Learning journal", created_at=record.generated_at, compress=compress
    )
    doc.heading("Learning journal", 18)
    doc.line(record.child_name, size=14, bold=True)
    doc.line(record.setting_name)
    doc.line(f"Exported {record.generated_at:%d %B %Y, %H:%M} UTC", size=9)
    if record.redacted:
        doc.line("Other children appear as the setting's privacy policy shows them to families.", size=9)
    if doc.missing:
        doc.line("Some characters cannot be shown in this PDF; journal.json has the exact text.", size=9)
    if not record.entries:
        doc.pdf.ln(4)
        doc.line("No published observations yet.")
    for entry in record.entries:
        _entry(doc, entry)
    if record.profile is not None:
        _profile(doc, record.profile)
    if record.two_year_check is not None:
        draw_check(doc, record.two_year_check)
    for assessment in record.assessments:
        _assessment(doc, assessment)
    return doc.output()


def record_texts(record: JournalRecord) -> list[str]:
    """Every text the PDF draws that a person wrote, so the document loads the faces they need."""
    texts = [record.child_name, record.setting_name]
    for entry in record.entries:
        texts += [entry.text, entry.next_steps, *(c.name for c in entry.children)]
        texts += [t for c in entry.comments for t in (c.author, c.text)]
    if record.profile is not None:
        texts.append(record.profile.comment)
    if record.two_year_check is not None:
        texts += record.two_year_check.texts()
    texts += [t for a in record.assessments for t in (a.point, *(j[4] for j in a.judgements))]
    return texts


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
    if record.profile is not None:
        document["eyfsProfile"] = {
            "status": record.profile.status,
            "goodLevelOfDevelopment": record.profile.good_level_of_development,
            "judgements": [
                {"area": a, "elg": g, "judgement": j or None} for a, g, j in record.profile.judgements
            ],
            "comment": record.profile.comment,
        }
    if record.two_year_check is not None:
        check = record.two_year_check
        document["twoYearCheck"] = {
            "status": check.status,
            "areas": [{"area": a, "strengths": s, "lessThanExpected": less} for a, s, less in check.areas],
            "plans": check.plans,
            "parentComments": [
                {"author": c.author, "text": c.text, "at": c.at.isoformat()} for c in check.comments
            ],
        }
    if record.assessments:
        document["assessments"] = [
            {
                "point": a.point, "opens": a.opens.isoformat(), "closes": a.closes.isoformat(),
                "status": a.status, "framework": a.framework, "scale": a.scale,
                "judgements": [{"area": area, "aspect": aspect, "judgement": value, "band": band or None,
                                "note": note} for area, aspect, value, band, note in a.judgements],
            }
            for a in record.assessments
        ]  # fmt: skip
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


def _entry(doc: Document, entry: EntryRecord) -> None:
    doc.pdf.ln(6)
    doc.heading(f"{entry.observed_on:%d %B %Y}", 13)
    children = ", ".join(c.name for c in entry.children)
    if children:
        doc.line(f"Children: {children}", size=9)
    if entry.areas:
        doc.line("Areas: " + ", ".join(area_label(a) for a in entry.areas), size=9)
    doc.pdf.ln(1)
    doc.line(entry.text)
    if entry.next_steps:
        doc.pdf.ln(1)
        doc.line(f"Next steps: {entry.next_steps}", italic=True)
    for photo in entry.photos:
        _photo(doc.pdf, photo)
    if entry.comments:
        doc.pdf.ln(2)
        doc.line("Comments", size=10, bold=True)
        for comment in entry.comments:
            doc.line(f"{comment.author}, {comment.created_at:%d %B %Y}: {comment.text}", size=10)


def _profile(doc: Document, profile: ProfileRecord) -> None:
    doc.pdf.ln(8)
    doc.heading("EYFS profile", 13)
    gld = profile.good_level_of_development
    shown = "not yet known" if gld is None else "yes" if gld else "no"
    doc.line(f"Status: {profile.status}. Good level of development: {shown}.", size=10)
    for area, elg, judgement in profile.judgements:
        doc.line(f"{area} - {elg}: {judgement or 'not judged yet'}", size=10)
    if profile.comment:
        doc.pdf.ln(1)
        doc.line(f"How they learn: {profile.comment}", size=10)


def _assessment(doc: Document, assessment: AssessmentRecord) -> None:
    doc.pdf.ln(8)
    doc.heading(f"Assessment: {assessment.point}", 13)
    doc.line(f"{assessment.opens:%d %B %Y} to {assessment.closes:%d %B %Y}. Status: {assessment.status}. "
             f"{assessment.framework}.", size=10)  # fmt: skip
    for area, aspect, value, band, note in assessment.judgements:
        shown = f"{band}, {value}" if band else value
        doc.line(f"{area} - {aspect}: {shown.replace('-', ' ')}", size=10)
        if note:
            doc.line(note, size=9, italic=True)


def _photo(pdf: FPDF, photo: PhotoFile) -> None:
    scale = min(PHOTO_MAX_W / max(photo.width, 1), PHOTO_MAX_H / max(photo.height, 1))
    width, height = photo.width * scale, photo.height * scale
    if pdf.get_y() + height > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.ln(2)
    pdf.image(io.BytesIO(photo.data), w=width, h=height)
