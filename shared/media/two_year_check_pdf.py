"""The progress check at age two as a PDF, for the setting's file and for the family.

A `shared.media.pdf.Document`, so every name and every summary is drawn as written in any script
(Arabic and Urdu right to left and shaped, the Indic scripts with their conjuncts, Chinese). The
journal export adds the same section to its own PDF through `draw_check`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from shared.media.pdf import Document

TITLE = "Progress check at age two"


@dataclass(frozen=True, repr=False)
class CheckComment:
    author: str
    text: str
    at: datetime


@dataclass(frozen=True, repr=False)
class CheckRecord:
    """The check as its reader may see it (a parent: their own comment only)."""

    child_name: str
    setting_name: str
    date_of_birth: date | None
    status: str  # "draft" or "final"
    areas: list[tuple[str, str, str]]  # (prime area name, strengths, where progress is less than expected)
    plans: str
    comments: list[CheckComment]
    health_visitor: str
    finalised_at: datetime | None = None

    def texts(self) -> list[str]:
        found = [self.child_name, self.setting_name, self.plans]
        found += [t for _, s, less in self.areas for t in (s, less)]
        return found + [t for c in self.comments for t in (c.author, c.text)]


def render_pdf(record: CheckRecord, *, generated_at: datetime, compress: bool = True) -> bytes:
    doc = Document(record.texts(), title=TITLE, created_at=generated_at, compress=compress)
    doc.heading(TITLE, 18)
    doc.line(record.child_name, size=14, bold=True)
    doc.line(record.setting_name)
    if record.date_of_birth:
        doc.line(f"Date of birth: {record.date_of_birth:%d %B %Y}", size=10)
    doc.line(f"Made {generated_at:%d %B %Y, %H:%M} UTC", size=9)
    draw_check(doc, record, heading=False)
    return doc.output()


def draw_check(doc: Document, record: CheckRecord, *, heading: bool = True) -> None:
    """The check's sections, onto a document whose `texts` included `record.texts()`."""
    if heading:
        doc.pdf.ln(8)
        doc.heading(TITLE, 13)
    if record.status != "final":
        doc.line("DRAFT: not yet finalised by the setting's manager.", size=10, bold=True)
    elif record.finalised_at:
        doc.line(f"Completed {record.finalised_at:%d %B %Y}.", size=10)
    for name, strengths, less in record.areas:
        doc.pdf.ln(4)
        doc.heading(name, 12)
        doc.line("Strengths", size=10, bold=True)
        doc.line(strengths or "Not written yet.")
        doc.line("Where progress is less than expected", size=10, bold=True)
        doc.line(less or "None noted.")
    doc.pdf.ln(4)
    doc.heading("What the setting will do", 12)
    doc.line(record.plans or "Nothing further noted.")
    doc.pdf.ln(4)
    doc.heading("Parents' comments", 12)
    if not record.comments:
        doc.line("No comments yet.", italic=True)
    for comment in record.comments:
        doc.line(f"{comment.author}, {comment.at:%d %B %Y}: {comment.text}")
    doc.pdf.ln(4)
    doc.line(record.health_visitor, size=10, italic=True)
