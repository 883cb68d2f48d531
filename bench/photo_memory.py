"""`python -m bench.photo_memory`: the most one photo upload adds to peak memory, per format (S26).

Each case is a flat image (a few KB or less on the wire, like a decompression bomb) at the largest
size the pipeline accepts for its format and mode. It is written to a file first, then processed in
a fresh Python process, which reads the file and warms the decoders up on small photos before its
peak resident size is taken; the figure is how far process_photo pushes that peak. tracemalloc
would miss it: Pillow allocates pixels in C.

The peak is the process's own high-water mark (VmHWM, the figure ru_maxrss reports for a process
with no history); ru_maxrss itself carries the parent's peak over across fork and exec, so a child
of a large test process would start above the figure being measured.
"""

from __future__ import annotations

import io
import json
import math
import resource
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from shared.media import images

ROOT = Path(__file__).resolve().parent.parent
MB = 1_000_000


@dataclass(frozen=True)
class Case:
    """One upload to measure: format, Pillow mode, pixel size and encoder options."""

    name: str
    pillow_format: str
    mode: str
    size: tuple[int, int]
    options: tuple[tuple[str, Any], ...] = ()

    def encode(self) -> bytes:
        colour: Any = {"1": 1, "L": 90, "P": 3, "I;16": 40000, "LA": (90, 128)}.get(
            self.mode, (90, 160, 200, 128)[: len(self.mode)]
        )
        image = Image.new(self.mode, self.size, colour)
        if self.mode == "P":
            image.putpalette([value % 256 for value in range(768)])
        buffer = io.BytesIO()
        image.save(buffer, format=self.pillow_format, **dict(self.options))
        return buffer.getvalue()


def largest(pillow_format: str, mode: str, *, aspect: float = 1.0, **options: Any) -> Case:
    """The case at the largest size (of this aspect ratio) the pipeline accepts."""
    low, high = 1, 70_000
    while low < high:  # the widest width whose image is still accepted
        width = (low + high + 1) // 2
        if _accepted(pillow_format, mode, (width, max(1, round(width / aspect))), options):
            low = width
        else:
            high = width - 1
    size = (low, max(1, round(low / aspect)))
    label = ",".join(f"{key}={value}" for key, value in options.items())
    name = f"{pillow_format} {mode} {size[0]}x{size[1]}" + (f" {label}" if label else "")
    return Case(name, pillow_format, mode, size, tuple(options.items()))


def _accepted(pillow_format: str, mode: str, size: tuple[int, int], options: dict[str, Any]) -> bool:
    """Whether the pipeline's header checks would take an image of this size, without making one."""
    width, height = size
    if width > 65_500 or height > 65_500 or width * height > images.MAX_PIXELS:
        return False
    if pillow_format == "WEBP":
        if width > 16_383 or height > 16_383:
            return False
        per_pixel = images._PEAK_BYTES_PER_PIXEL["RGBA"] + images._WEBP_DECODER_BYTES_PER_PIXEL
        return width * height * per_pixel <= images.PIXEL_BUDGET_BYTES
    probe = Case("probe", pillow_format, mode, (min(width, 64), min(height, 64)), tuple(options.items()))
    with Image.open(io.BytesIO(probe.encode())) as opened:
        opened._size = size  # the header checks read only the size, mode and info of an opened image
        return images.peak_bytes(opened) <= images.PIXEL_BUDGET_BYTES


def cases() -> list[Case]:
    """The worst cases of each format: every decoded mode, at the largest accepted size."""
    return [
        largest("JPEG", "RGB", aspect=1.6, quality=90),
        largest("JPEG", "RGB", aspect=1.0, quality=90, progressive=True, subsampling=0),
        largest("JPEG", "RGB", aspect=40.0, quality=90),
        largest("JPEG", "L", quality=90, progressive=True),
        largest("JPEG", "CMYK", quality=90, progressive=True),
        largest("PNG", "RGB"),
        largest("PNG", "RGBA"),
        largest("PNG", "LA"),
        largest("PNG", "P", transparency=0),
        largest("PNG", "L"),
        largest("PNG", "I;16"),
        largest("PNG", "1"),
        largest("WEBP", "RGB", quality=50, method=0),
        largest("WEBP", "RGBA", quality=50, method=0),
        largest("WEBP", "RGBA", lossless=True, method=0, quality=0),
    ]


def measure(data: bytes) -> dict[str, Any]:
    """Process the upload in a fresh interpreter; report the MB it added to the peak and the result."""
    with tempfile.NamedTemporaryFile(suffix=".upload") as upload:
        upload.write(data)
        upload.flush()
        done = subprocess.run(
            [sys.executable, "-m", "bench.photo_memory", "--child", upload.name],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _child(path: str) -> None:
    from shared.domain.errors import InvalidInput

    data = Path(path).read_bytes()
    warm = Case("warm", "PNG", "RGBA", (64, 64))
    for case in (warm, Case("warm", "JPEG", "RGB", (64, 64)), Case("warm", "WEBP", "RGBA", (64, 64))):
        images.process_photo(case.encode())
    before = peak_rss_bytes()
    try:
        images.process_photo(data)
        outcome = "accepted"
    except InvalidInput as error:
        outcome = f"refused: {error.message}"
    after = peak_rss_bytes()
    print(json.dumps({"added_mb": (after - before) / MB, "outcome": outcome}))


def peak_rss_bytes() -> int:
    """This process's own peak resident size: VmHWM on Linux, else ru_maxrss."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        status = ""
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    # Linux and BSD report ru_maxrss in KiB, macOS in bytes; this fallback is for BSD.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def main() -> None:
    worst: dict[str, tuple[float, str]] = {}
    for case in cases():
        result = measure(case.encode())
        megapixels = math.prod(case.size) / MB
        print(f"{case.name:<55} {megapixels:5.1f} MP  +{result['added_mb']:6.1f} MB  {result['outcome']}")
        if result["added_mb"] > worst.get(case.pillow_format, (-1.0, ""))[0]:
            worst[case.pillow_format] = (result["added_mb"], case.name)
    print(f"\nworst case per format (budget {images.MEMORY_BUDGET_BYTES / MB:.0f} MB):")
    for pillow_format, (added, name) in worst.items():
        print(f"  {pillow_format:<5} +{added:6.1f} MB  {name}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        _child(sys.argv[2])
    else:
        main()
