"""QR codes for authenticator enrolment, drawn on our side with segno (no third-party service).

SVG text, not a data: URL: the client shows it through a blob: URL, which the strict CSP allows
for images, and an SVG in an <img> runs no script.
"""

from __future__ import annotations

import io


def qr_svg(text: str) -> str:
    """A scalable black-on-white QR code of `text`, error correction M, with its quiet zone."""
    # Imported here: only enrolling an authenticator draws one, and every cold start would
    # otherwise load segno's tables.
    import segno

    out = io.BytesIO()
    segno.make_qr(text, error="m").save(out, kind="svg", scale=4, border=4, xmldecl=False, svgns=True,
                                          title="QR code for your authenticator app")  # fmt: skip
    return out.getvalue().decode("utf-8")
