"""PDF documents that show every name as written, in any script a family may write it in.

Every PDF the app makes (the journal export, and the summaries and reports that follow it) starts
from `Document`. Its faces are the Noto fonts that two Python packages ship, so the deployed
package carries them through requirements.txt and nothing is read from the host's system fonts:
`manimgx-fonts` (Noto Sans for Latin, Greek and Cyrillic, Noto Sans Arabic, Bengali, Devanagari,
Gujarati, Gurmukhi and the other scripts Latin faces lack, and Noto Emoji) and
`pylopdf-fonts-zh-cn` (Noto Sans SC, for Chinese).

Fonts are loaded lazily and only as a document needs them: Noto Sans always, a script's face only
when one of the document's texts holds a character of that script (the Chinese face alone is 8 MB
and costs a fifth of a second to open). Text shaping (HarfBuzz, through uharfbuzz) joins Arabic
and Urdu letters right to left and builds the conjuncts and vowel signs of the Indic scripts.

Bold is drawn by stroking the glyph outlines as well as filling them: instancing the variable
font's bold weight costs well over a second a document, and stroking emboldens a fallback face
(an Arabic or Chinese name in a heading) the same way as Latin.
"""

from __future__ import annotations

import bisect
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fpdf import FPDF

BODY = "noto"
BODY_PACKAGE = "manimgx_fonts"
BODY_FILE = "NotoSans[wght].ttf"
ITALIC_FILE = "NotoSans-Italic[wght].ttf"
# Stroke width of faux bold, as a share of the font size (about the stem difference 400 -> 700).
BOLD_STROKE = 0.035
# Bidirectional embeddings, overrides and isolates: fpdf2 runs the Unicode bidi algorithm itself,
# and an override left in a name could make it read in a spoofed order.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@dataclass(frozen=True, repr=False)
class Face:
    """A fallback face: the package and file that carry it, and the code points it is used for."""

    family: str
    package: str
    file: str
    ranges: tuple[tuple[int, int], ...]
    shaped: bool = True  # letters join or reorder: HarfBuzz must lay them out


FACES: tuple[Face, ...] = (
    Face("arabic", "manimgx_fonts", "NotoSansArabic[wght].ttf",
         ((0x0600, 0x06FF), (0x0750, 0x077F), (0x0870, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))),
    Face("bengali", "manimgx_fonts", "NotoSansBengali[wght].ttf", ((0x0980, 0x09FF),)),
    Face("devanagari", "manimgx_fonts", "NotoSansDevanagari[wght].ttf", ((0x0900, 0x097F), (0xA8E0, 0xA8FF))),
    Face("gujarati", "manimgx_fonts", "NotoSansGujarati[wght].ttf", ((0x0A80, 0x0AFF),)),
    Face("gurmukhi", "manimgx_fonts", "NotoSansGurmukhi[wght].ttf", ((0x0A00, 0x0A7F),)),
    Face("hebrew", "manimgx_fonts", "NotoSansHebrew[wght].ttf", ((0x0590, 0x05FF), (0xFB1D, 0xFB4F))),
    Face("oriya", "manimgx_fonts", "NotoSansOriya[wght].ttf", ((0x0B00, 0x0B7F),)),
    Face("tamil", "manimgx_fonts", "NotoSansTamil[wght].ttf", ((0x0B80, 0x0BFF),)),
    Face("telugu", "manimgx_fonts", "NotoSansTelugu[wght].ttf", ((0x0C00, 0x0C7F),)),
    Face("kannada", "manimgx_fonts", "NotoSansKannada[wght].ttf", ((0x0C80, 0x0CFF),)),
    Face("malayalam", "manimgx_fonts", "NotoSansMalayalam[wght].ttf", ((0x0D00, 0x0D7F),)),
    Face("sinhala", "manimgx_fonts", "NotoSansSinhala[wght].ttf", ((0x0D80, 0x0DFF),)),
    Face("thai", "manimgx_fonts", "NotoSansThai[wght].ttf", ((0x0E00, 0x0E7F),)),
    Face("lao", "manimgx_fonts", "NotoSansLao[wght].ttf", ((0x0E80, 0x0EFF),)),
    Face("myanmar", "manimgx_fonts", "NotoSansMyanmar[wght].ttf", ((0x1000, 0x109F),)),
    Face("georgian", "manimgx_fonts", "NotoSansGeorgian[wght].ttf", ((0x10A0, 0x10FF), (0x2D00, 0x2D2F))),
    Face("armenian", "manimgx_fonts", "NotoSansArmenian[wght].ttf", ((0x0530, 0x058F),)),
    Face("ethiopic", "manimgx_fonts", "NotoSansEthiopic[wght].ttf", ((0x1200, 0x139F),)),
    Face("khmer", "manimgx_fonts", "NotoSansKhmer[wght].ttf", ((0x1780, 0x17FF),)),
    Face("chinese", "pylopdf_fonts_zh_cn", "NotoSansSC-Regular.otf",
         ((0x2E80, 0x2FDF), (0x3000, 0x30FF), (0x3100, 0x31FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
          (0xF900, 0xFAFF), (0xFF00, 0xFFEF), (0x20000, 0x2FFFF)), shaped=False),
    Face("symbols", "manimgx_fonts", "NotoSansSymbols[wght].ttf",
         ((0x2190, 0x23FF), (0x2460, 0x25FF)), shaped=False),
    Face("emoji", "manimgx_fonts", "NotoEmoji[wght].ttf",
         ((0x2600, 0x27BF), (0x1F000, 0x1FAFF)), shaped=False),
)  # fmt: skip

_STARTS: list[int] = []
_SPANS: list[tuple[int, Face]] = []
for _face in FACES:
    for _start, _end in _face.ranges:
        _STARTS.append(_start)
        _SPANS.append((_end, _face))
_ORDER = sorted(range(len(_STARTS)), key=_STARTS.__getitem__)
_STARTS = [_STARTS[i] for i in _ORDER]
_SPANS = [_SPANS[i] for i in _ORDER]


def clean(text: str) -> str:
    """Text as a PDF should draw it: NFC, without control, bidi-override, surrogate or private
    characters (none of which a name needs; ZWJ and ZWNJ stay, Indic spellings need them)."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        if char in "\n\t":
            out.append(char)
        elif char in _BIDI_CONTROLS or unicodedata.category(char) in {"Cc", "Cs", "Co"}:
            continue
        else:
            out.append(char)
    return "".join(out)


def face_for(char: str) -> Face | None:
    """The fallback face for a character, or None when Noto Sans itself is meant to draw it."""
    point = ord(char)
    index = bisect.bisect_right(_STARTS, point) - 1
    if index < 0:
        return None
    end, face = _SPANS[index]
    return face if point <= end else None


def needs_shaping(text: str) -> bool:
    """Whether a line holds a script whose letters join or reorder, or a combining mark NFC left
    (shaping places it). Shaping costs about five times plain layout, so Latin lines go without."""
    for char in text:
        if ord(char) >= 0x0300:
            face = face_for(char)
            if (face is not None and face.shaped) or unicodedata.combining(char):
                return True
    return False


def base_direction(text: str) -> str:
    """A paragraph reads right to left only when it holds no left-to-right letter: a line such as
    "Ask محمد to lead a song." stays an English sentence with an Arabic name in it."""
    kinds = {unicodedata.bidirectional(c) for c in text}
    return "rtl" if "L" not in kinds and kinds & {"R", "AL"} else "ltr"


def faces_needed(texts: Iterable[str]) -> list[Face]:
    """The fallback faces these texts need, in the table's order."""
    needed: set[str] = set()
    for text in texts:
        for char in text:
            if ord(char) >= 0x0530:  # below it, Latin, Greek and Cyrillic: Noto Sans draws them
                face = face_for(char)
                if face is not None:
                    needed.add(face.family)
    return [f for f in FACES if f.family in needed]


@cache
def font_path(package: str, file: str) -> Path:
    return Path(str(resources.files(package).joinpath(file)))


class Document:
    """An A4 PDF with Noto Sans and the fallback faces its texts need, shaped where they need it.

    `texts` must hold every text the document will draw (names, observations, comments): the
    faces are chosen from them before the first page.
    """

    def __init__(self, texts: Iterable[str], *, title: str, created_at: datetime, compress: bool = True):
        # Imported here: fpdf2 costs about a fifth of the app's cold start, and only the workers
        # that build documents need it.
        from fpdf import FPDF

        texts = [clean(t) for t in texts]
        self.pdf: FPDF = FPDF(format="A4")
        self.pdf.set_compression(compress)
        self.pdf.set_creation_date(created_at)
        self.pdf.set_title(clean(title))
        self.pdf.set_auto_page_break(auto=True, margin=15)
        self.pdf.add_font(BODY, "", font_path(BODY_PACKAGE, BODY_FILE))
        self.pdf.add_font(BODY, "I", font_path(BODY_PACKAGE, ITALIC_FILE))
        self.faces = faces_needed(texts)
        for face in self.faces:
            self.pdf.add_font(face.family, "", font_path(face.package, face.file))
        if self.faces:
            # exact_match=False: a bold or italic line falls back to the script's one face.
            self.pdf.set_fallback_fonts([f.family for f in self.faces], exact_match=False)
        self.missing = self._missing(texts)
        self.pdf.add_page()

    def _missing(self, texts: list[str]) -> set[str]:
        """Characters no loaded face can draw (they would print as empty boxes)."""
        cmaps = [font.cmap for font in self.pdf.fonts.values()]  # type: ignore[union-attr]
        return {
            c
            for t in texts
            for c in set(t)
            if c not in "\n\t"
            and unicodedata.category(c) not in {"Mn", "Me", "Cf", "Zs"}
            and not any(ord(c) in cmap for cmap in cmaps)
        }

    def line(self, text: str, *, size: float = 11, bold: bool = False, italic: bool = False) -> None:
        """A paragraph across the page, wrapped, then a new line."""
        from fpdf.enums import TextMode

        self.pdf.set_font(BODY, style="I" if italic else "", size=size)
        text = clean(text)
        if needs_shaping(text):
            self.pdf.set_text_shaping(True, direction=base_direction(text))
        else:
            self.pdf.set_text_shaping(False)
        if not bold:
            self.pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
            return
        # A local graphics state (q ... Q): the stroke ends with the heading, page break or not.
        stroke = size * BOLD_STROKE * 0.3528  # points to millimetres
        with self.pdf.local_context(text_mode=TextMode.FILL_STROKE, line_width=stroke):
            self.pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")

    def heading(self, text: str, size: float) -> None:
        self.line(text, size=size, bold=True)

    def output(self) -> bytes:
        return bytes(self.pdf.output())
