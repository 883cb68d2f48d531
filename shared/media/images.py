"""The photo pipeline: recognise, check, decode, orient, strip and re-encode an uploaded image.

Pure (bytes in, bytes out, no storage), so every rule here is unit-tested without Azurite.

S26: the type is read from the first bytes (magic numbers), never from a file name or a
Content-Type header; only JPEG, PNG and WebP are taken. The pixel count is read from the header
by Pillow's lazy open and refused above 40 megapixels before a single pixel is decoded.

S26 also bounds what decoding may cost: no accepted upload adds more than 250 MB to the process's
peak memory. From the header alone (format, size, decoded mode, JPEG progression and sampling) the
peak is estimated with figures measured by bench/photo_memory.py, and an upload whose estimate is
over the budget is refused with a 400 that names its format's limit. JPEGs are decoded at 1/2, 1/4
or 1/8 scale where the display size allows, so they keep the 40 MP limit; PNG and WebP decode at full
size and get a lower one that depends on their mode. Everything after decoding happens at display
size. At most two uploads decode at once per process.

S27: the image is decoded and drawn onto a new, empty image, and only that is encoded. Nothing of
the original file travels except pixels: no EXIF (so no GPS, camera serial or time), no XMP, no
ICC profile, no JPEG comment, no PNG text chunk. EXIF orientation is applied first, so the stored
photo looks the way the camera showed it. Colours tagged with an ICC profile are converted to
sRGB before the profile is dropped, so they still look right.

Decision: everything is stored as a progressive JPEG (quality 85). Transparent PNG and WebP are
flattened onto white: a journal photo has no use for transparency, and one output type keeps
blob names, content types and SAS headers fixed. Animated images keep their first frame.
"""

from __future__ import annotations

import io
import math
import threading
import warnings
from dataclasses import dataclass

from PIL import ExifTags, Image, ImageCms

from shared.domain.errors import InvalidInput, UnsupportedMediaType

# S26: at most 40 megapixels. Pillow's own guard is set to the same number (it warns above it and
# raises above twice it); the warning is turned into an error while the header is read, and our
# own check below refuses everything over the limit in any case.
MAX_PIXELS = 40_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

# S26: no accepted upload may add more than 250 MB to the process's peak memory. The figures below
# are peaks measured by bench/photo_memory.py (everything process_photo allocates, divided by the
# source's pixels) and rounded up; the rest of the budget is headroom for allocator fragmentation
# and for what differs between hosts.
MEMORY_BUDGET_BYTES = 250_000_000
_HEADROOM_BYTES = 30_000_000
PIXEL_BUDGET_BYTES = MEMORY_BUDGET_BYTES - _HEADROOM_BYTES

# Peak bytes per source pixel for a PNG or WebP, by the mode it decodes to. Pillow keeps RGB and LA
# in 4 bytes a pixel; resizing adds a pass of the source's height at display width, and alpha a
# full-size premultiplied copy; palette, 1-bit and 16-bit images get one converted full-size copy
# (P to RGB or RGBA, 1 to L, I;16 to I) so that they can be resized with a proper filter.
_PEAK_BYTES_PER_PIXEL = {
    "1": 2.2,
    "L": 1.5,
    "P": 10.5,
    "RGB": 5.6,
    "LA": 10.5,
    "RGBA": 10.5,
    "I": 10.5,
    "I;16": 6.5,
    "I;16B": 6.5,
    "I;16L": 6.5,
}
# libwebp decodes the whole canvas into its own buffers, which Pillow copies into a bytes object
# and then into the image: about two more 4-byte copies than a PNG of the same mode needs.
_WEBP_DECODER_BYTES_PER_PIXEL = 8.5
# A progressive JPEG keeps every DCT coefficient of the whole image (2 bytes each) until the last
# scan, whatever the scale it is decoded at; a baseline JPEG streams them.
_COEFFICIENT_BYTES = 2
# Pillow keeps decoded JPEG pixels in 4 bytes (RGB, CMYK) or 1 byte (L), at the draft scale; the
# resize's intermediate pass and the colour conversion may double that.
_JPEG_BYTES_PER_OUTPUT_PIXEL = {"L": 1, "RGB": 4, "CMYK": 4}

# S26: at most two decodes at once per process, so parallel uploads cannot add up past the budget.
MAX_CONCURRENT_DECODES = 2
_DECODES = threading.BoundedSemaphore(MAX_CONCURRENT_DECODES)

DISPLAY_EDGE = 1600
THUMB_EDGE = 400
JPEG_QUALITY = 85
OUTPUT_TYPE = "image/jpeg"
BACKGROUND = (255, 255, 255)

# Magic numbers, checked against the bytes themselves (S26).
_PILLOW_FORMAT = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
_TOO_MANY_PIXELS = f"The photo has too many pixels: at most {MAX_PIXELS // 1_000_000} megapixels."
_DAMAGED = "The photo could not be read: the file is damaged or incomplete."
_UNSUPPORTED = "Send the photo as a JPEG, PNG or WebP image (HEIC, GIF and other types are not taken)."

# The transposition EXIF orientation 2-8 asks for (as ImageOps.exif_transpose applies it).
_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

# warnings.catch_warnings changes process-wide state; only one header is read under it at a time.
# Reading a header is cheap (no pixels are decoded), so the lock costs nothing noticeable.
_HEADER_LOCK = threading.Lock()


@dataclass(frozen=True, repr=False)
class Rendition:
    """One stored size of a photo: encoded bytes, their pixel size and content type."""

    data: bytes
    width: int
    height: int
    content_type: str


@dataclass(frozen=True, repr=False)
class ProcessedPhoto:
    """What is kept of an upload: the type it arrived as, a display size and a thumbnail."""

    source_type: str
    display: Rendition
    thumb: Rendition


def sniff_type(data: bytes) -> str:
    """The image type the bytes say they are; UnsupportedMediaType unless JPEG, PNG or WebP."""
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    raise UnsupportedMediaType(_UNSUPPORTED)


def process_photo(data: bytes) -> ProcessedPhoto:
    """Check and re-encode an upload into a display size and a thumbnail with no metadata left.

    Raises UnsupportedMediaType (not JPEG, PNG or WebP) or InvalidInput (too many pixels,
    damaged or truncated).
    """
    source_type = sniff_type(data)
    if source_type == "image/webp":
        # libwebp allocates the whole canvas when the file is opened, so its size is checked first.
        _check_webp_canvas(data)
    with _DECODES:
        source = _open_checked(data, _PILLOW_FORMAT[source_type])
        try:
            display = _decode_display(source)
        except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, MemoryError):
            # Truncated, corrupt, or lying about its structure: all the user can do is send it again.
            raise InvalidInput(_DAMAGED) from None
        except Image.DecompressionBombError:
            raise InvalidInput(_TOO_MANY_PIXELS) from None
        finally:
            source.close()
    thumb = _fit(display, THUMB_EDGE)
    return ProcessedPhoto(source_type, _encode(display), _encode(thumb))


def peak_bytes(image: Image.Image) -> int:
    """What decoding this opened (not yet loaded) image and resizing it may add to peak memory."""
    width, height = image.size
    if image.format == "JPEG":
        scale = _draft_scale(image.size, _fitted(image.size, DISPLAY_EDGE))
        output = math.ceil(width / scale) * math.ceil(height / scale)
        total = output * _JPEG_BYTES_PER_OUTPUT_PIXEL.get(image.mode, 4) * 2
        if image.info.get("progressive") or image.info.get("progression"):
            total += _coefficients(image) * _COEFFICIENT_BYTES
        return total
    per_pixel = _PEAK_BYTES_PER_PIXEL.get(image.mode, max(_PEAK_BYTES_PER_PIXEL.values()))
    if image.format == "WEBP":
        per_pixel += _WEBP_DECODER_BYTES_PER_PIXEL
    return math.ceil(width * height * per_pixel)


def _too_many_pixels(kind: str, per_pixel: float) -> InvalidInput:
    """The 400 for an image whose decoding would take more memory than S26 allows."""
    limit = min(MAX_PIXELS, int(PIXEL_BUDGET_BYTES / per_pixel))
    edge = math.isqrt(limit)
    return InvalidInput(
        f"The photo has too many pixels: a {kind} may have at most {limit / 1_000_000:.0f} megapixels"
        f" (about {edge} x {edge}). Please send a smaller photo, or a JPEG."
    )


def _kind(image: Image.Image) -> str:
    if image.format == "JPEG":
        progressive = image.info.get("progressive") or image.info.get("progression")
        return "progressive JPEG like this one" if progressive else "JPEG like this one"
    return f"{'WebP' if image.format == 'WEBP' else 'PNG'} image like this one"


def _check_webp_canvas(data: bytes) -> None:
    """Refuse a WebP whose header announces more pixels than the budget allows for any WebP."""
    size = _webp_canvas(data)
    if size is None:
        raise InvalidInput(_DAMAGED)
    pixels = size[0] * size[1]
    if pixels > MAX_PIXELS:
        raise InvalidInput(_TOO_MANY_PIXELS)
    # The header does not say yet whether there is alpha, so the dearer RGBA decode counts.
    per_pixel = _PEAK_BYTES_PER_PIXEL["RGBA"] + _WEBP_DECODER_BYTES_PER_PIXEL
    if pixels * per_pixel > PIXEL_BUDGET_BYTES:
        raise _too_many_pixels("WebP image", per_pixel)


def _webp_canvas(data: bytes) -> tuple[int, int] | None:
    """The canvas size from a WebP's first chunk (simple lossy, lossless or extended), if readable."""
    chunk = data[12:16]
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        return (
            int.from_bytes(data[26:28], "little") & 0x3FFF,
            int.from_bytes(data[28:30], "little") & 0x3FFF,
        )
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X" and len(data) >= 30:
        return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    return None


def _open_checked(data: bytes, pillow_format: str) -> Image.Image:
    """Open lazily (header only) with just the plugin for the sniffed type; refuse bombs here."""
    try:
        with _HEADER_LOCK, warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[pillow_format])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InvalidInput(_TOO_MANY_PIXELS) from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError):
        raise InvalidInput(_DAMAGED) from None
    width, height = image.size
    if width < 1 or height < 1:
        image.close()
        raise InvalidInput(_DAMAGED)
    if width * height > MAX_PIXELS:
        image.close()
        raise InvalidInput(_TOO_MANY_PIXELS)
    peak = peak_bytes(image)
    if peak > PIXEL_BUDGET_BYTES:
        error = _too_many_pixels(_kind(image), peak / (width * height))
        image.close()
        raise error
    return image


def _decode_display(source: Image.Image) -> Image.Image:
    """The display size, turned the way EXIF says, in sRGB, flattened to RGB or L.

    Only the decoding happens at full size: the image is brought to display size first, and
    turned, colour-converted and flattened after, so none of those makes a full-size copy.
    """
    if source.format == "JPEG":
        # libjpeg decodes at 1/2, 1/4 or 1/8 scale when the result still covers the display size.
        source.draft("RGB" if source.mode != "L" else "L", _fitted(source.size, DISPLAY_EDGE))
    source.load()  # raises on truncated data
    orientation = source.getexif().get(ExifTags.Base.Orientation, 1)
    icc = source.info.get("icc_profile")
    resizable = _resizable(source)
    if resizable is not source:
        source.close()  # frees the decoded pixels before the resize's own copy is made
    display = _fit(resizable, DISPLAY_EDGE)
    del resizable
    if orientation in _ORIENTATION:
        display = display.transpose(_ORIENTATION[orientation])
    if icc:
        display = _to_srgb(display, icc)
    return _flatten(display)


def _resizable(image: Image.Image) -> Image.Image:
    """The image in a mode Pillow resizes with a proper filter (it only picks pixels for P and 1)."""
    if image.mode == "P":
        return image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode == "1":
        return image.convert("L")
    if image.mode.startswith("I;16"):
        return image.convert("I")
    return image


def _fitted(size: tuple[int, int], edge: int) -> tuple[int, int]:
    """The size scaled so its longest side is at most `edge`; never enlarged."""
    width, height = size
    scale = min(1.0, edge / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _draft_scale(size: tuple[int, int], wanted: tuple[int, int]) -> int:
    """The 1/1, 1/2, 1/4 or 1/8 scale libjpeg decodes at for Pillow's draft() with this size."""
    most = min(size[0] // wanted[0], size[1] // wanted[1])
    return next(scale for scale in (8, 4, 2, 1) if most >= scale)


def _coefficients(image: Image.Image) -> int:
    """How many DCT coefficients a JPEG holds: one per pixel of each component at its sampling."""
    layers = getattr(image, "layer", None) or [("", 1, 1, 0)] * max(1, len(image.getbands()))
    most_h = max(layer[1] for layer in layers)
    most_v = max(layer[2] for layer in layers)
    total = 0
    for _, h, v, _ in layers:
        # Each component is stored in whole 8 x 8 blocks, so round up to blocks.
        columns = math.ceil(image.width * h / most_h / 8) * 8
        rows = math.ceil(image.height * v / most_v / 8) * 8
        total += columns * rows
    return total


def _to_srgb(image: Image.Image, icc: bytes) -> Image.Image:
    """Convert from the embedded colour profile to sRGB; keep the pixels as they are if it is bad."""
    try:
        source_profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        space = str(source_profile.profile.xcolor_space).strip()
        if (image.mode, space) not in (("RGB", "RGB"), ("CMYK", "CMYK")):
            return image  # greyscale and alpha images keep their values; the profile still goes
        converted = ImageCms.profileToProfile(
            image, source_profile, ImageCms.createProfile("sRGB"), outputMode="RGB"
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image
    return converted if converted is not None else image


def _flatten(image: Image.Image) -> Image.Image:
    """RGB (or L for greyscale), with any transparency composited onto white."""
    if image.mode.startswith("I"):
        # 16-bit greyscale PNG: scale to 8 bits instead of clipping everything bright to white.
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        image.mode == "P" and "transparency" in image.info
    ):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, BACKGROUND)
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    if image.mode == "L":
        return image
    return image.convert("RGB")


def _fit(image: Image.Image, edge: int) -> Image.Image:
    """A new image scaled so its longest side is at most `edge`; never enlarged."""
    size = _fitted(image.size, edge)
    if size == image.size:
        return image.copy()
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _encode(image: Image.Image) -> Rendition:
    """Draw onto a brand-new image (no info, no EXIF carried along) and encode that alone."""
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    buffer = io.BytesIO()
    clean.save(buffer, format="JPEG", quality=JPEG_QUALITY, progressive=True, optimize=True)
    return Rendition(buffer.getvalue(), clean.width, clean.height, OUTPUT_TYPE)
