"""Peak memory of one upload at the pixel limits of each format, measured in a fresh process (S26).

Pillow allocates pixels in C, so the figure is the child process's own peak resident size (see
bench/photo_memory.py), taken after the decoders are warmed up, not tracemalloc.
"""

from __future__ import annotations

import pytest

from bench.photo_memory import Case, largest, measure
from shared.media.images import MEMORY_BUDGET_BYTES

BUDGET_MB = MEMORY_BUDGET_BYTES / 1_000_000

WORST_CASES = [
    largest("JPEG", "RGB", aspect=1.6, quality=90),
    largest("JPEG", "RGB", quality=90, progressive=True, subsampling=0),
    largest("JPEG", "CMYK", quality=90, progressive=True),
    largest("PNG", "RGB"),
    largest("PNG", "RGBA"),
    largest("PNG", "P", transparency=0),
    largest("WEBP", "RGBA", quality=50, method=0),
]


@pytest.mark.parametrize("case", WORST_CASES, ids=lambda case: case.name)
def test_s26_an_upload_at_its_formats_limit_adds_at_most_250_mb_to_peak_memory(case: Case) -> None:
    result = measure(case.encode())
    assert result["outcome"] == "accepted"
    assert result["added_mb"] <= BUDGET_MB, result


def test_s26_the_flat_6324_pixel_png_is_refused_without_growing_the_process() -> None:
    result = measure(Case("flat", "PNG", "RGB", (6324, 6324)).encode())
    assert result["outcome"].startswith("refused: The photo has too many pixels: a PNG image")
    assert result["added_mb"] < 20, result
