"""Reading text back out of the PDFs the app makes, as a person's PDF viewer or screen reader would.

pypdf maps each drawn glyph back to text through the font's ToUnicode table, which fpdf2 writes
for every glyph, shaped ones included (a joined Arabic letter or an Indic conjunct maps back to
the letters it was made from). What extraction adds is layout, not letters: it guesses word gaps
from glyph positions, so it puts a space or tab inside some shaped Urdu words and between Chinese
characters, a NUL before glyphs of the CFF-outlined Chinese face, stray control characters
(U+0003, U+0005) where it measures a gap inside a joined Urdu word, and bidi marks around
right-to-left runs. `letters` drops exactly those (whitespace, C0 controls, bidi marks), so a
test compares what was written with what can be read back, letter for letter, in logical order.
"""

from __future__ import annotations

import io
import re
import unicodedata

import pypdf

_LAYOUT = re.compile("[\\s\x00-\x1f\u200e\u200f\u202a-\u202e\u2066-\u2069]+")


def extracted(pdf: bytes) -> str:
    """The text pypdf extracts, page after page."""
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def letters(text: str) -> str:
    """Text without what extraction adds (whitespace, C0 controls, bidi marks), NFKC-normalised."""
    return _LAYOUT.sub("", unicodedata.normalize("NFKC", text))


def shows(pdf: bytes, text: str) -> bool:
    """Whether a reader extracts exactly these letters, in this order, from the PDF."""
    return letters(text) in letters(extracted(pdf))
