"""The photo pipeline: recognise, check, decode, orient, strip and re-encode an uploaded image.

Pure (bytes in, bytes out, no storage), so every rule here is unit-tested without Azurite.

S26: the type is read from the first bytes (magic numbers), never from a file name or a
Content-Type header; only JPEG, PNG and WebP are taken. The pixel count is read from the header
by Pillow's lazy open and refused above 40 megapixels before a single pixel is decoded.

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
import threading
import warnings
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps

from shared.domain.errors import InvalidInput, UnsupportedMediaType

# S26: at most 40 megapixels. Pillow's own guard is set to the same number (it warns above it and
# raises above twice it); the warning is turned into an error while the header is read, and our
# own check below refuses everything over the limit in any case.
MAX_PIXELS = 40_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

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

# warnings.catch_warnings changes process-wide state; only one header is read under it at a time.
# Reading a header is cheap (no pixels are decoded), so the lock costs nothing noticeable.
_HEADER_LOCK = threading.Lock()


@dataclass(frozen=True)
class Rendition:
    """One stored size of a photo: encoded bytes, their pixel size and content type."""

    data: bytes
    width: int
    height: int
    content_type: str


@dataclass(frozen=True)
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
    source = _open_checked(data, _PILLOW_FORMAT[source_type])
    try:
        pixels = _decode_upright(source)
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, MemoryError):
        # Truncated, corrupt, or lying about its structure: all the user can do is send it again.
        raise InvalidInput(_DAMAGED) from None
    except Image.DecompressionBombError:
        raise InvalidInput(_TOO_MANY_PIXELS) from None
    finally:
        source.close()
    display = _fit(pixels, DISPLAY_EDGE)
    thumb = _fit(display, THUMB_EDGE)
    return ProcessedPhoto(source_type, _encode(display), _encode(thumb))


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
    return image


def _decode_upright(source: Image.Image) -> Image.Image:
    """Decode the pixels, turned the way EXIF says, in sRGB, flattened to RGB or L."""
    if source.format == "JPEG":
        # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when the result still covers the display
        # size: a 40-megapixel upload then never needs 120 MB of memory.
        source.draft("RGB" if source.mode != "L" else "L", (DISPLAY_EDGE, DISPLAY_EDGE))
    icc = source.info.get("icc_profile")
    upright = ImageOps.exif_transpose(source)  # loads the pixels; raises on truncated data
    if icc:
        upright = _to_srgb(upright, icc)
    return _flatten(upright)


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
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
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
    """The image scaled so its longest side is at most `edge`; never enlarged."""
    width, height = image.size
    scale = edge / max(width, height)
    if scale >= 1:
        return image
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _encode(image: Image.Image) -> Rendition:
    """Draw onto a brand-new image (no info, no EXIF carried along) and encode that alone."""
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    buffer = io.BytesIO()
    clean.save(buffer, format="JPEG", quality=JPEG_QUALITY, progressive=True, optimize=True)
    return Rendition(buffer.getvalue(), clean.width, clean.height, OUTPUT_TYPE)
