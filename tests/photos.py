"""Test photos made with Pillow, full of the metadata S27 says must not survive, and ways to look for it.

Every maker returns encoded bytes. The metadata uses marker strings (SECRET_*) so a test can search
the stored bytes for them as well as parse them.
"""

from __future__ import annotations

import io
import struct
import zlib

from PIL import ExifTags, Image, ImageCms, PngImagePlugin

SECRET_COMMENT = b"SECRET-COMMENT-child-is-Alice"
SECRET_CAMERA = "SECRET-CAMERA-serial-123"
SECRET_TEXT = "SECRET-TEXT-home-address"
SECRET_XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b"<rdf:Description>SECRET-XMP-creator</rdf:Description></rdf:RDF></x:xmpmeta>"
)
SECRETS = [SECRET_COMMENT, SECRET_CAMERA.encode(), SECRET_TEXT.encode(), b"SECRET-XMP"]

RED = (220, 20, 20)
BLUE = (20, 20, 220)


def two_tone(width: int, height: int, mode: str = "RGB") -> Image.Image:
    """Left half red, right half blue: a rotation shows where the colours end up."""
    image = Image.new("RGB", (width, height), BLUE)
    image.paste(Image.new("RGB", (width // 2, height), RED), (0, 0))
    return image.convert(mode)


def exif_with_gps(orientation: int = 1) -> Image.Exif:
    """EXIF with an orientation, a camera serial and a GPS position (a nursery's whereabouts)."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "TestCam"
    exif[ExifTags.Base.Model] = SECRET_CAMERA
    exif[ExifTags.Base.DateTime] = "2026:11:28 09:15:00"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (51.0, 30.0, 26.0),
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (0.0, 7.0, 39.0),
    }
    return exif


def srgb_icc() -> bytes:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    return bytes(profile.tobytes())


def jpeg_with_exif(width: int = 200, height: int = 100, *, orientation: int = 6) -> bytes:
    """A JPEG with EXIF (orientation, GPS, camera), XMP, an ICC profile and a comment."""
    buffer = io.BytesIO()
    two_tone(width, height).save(
        buffer,
        format="JPEG",
        quality=90,
        exif=exif_with_gps(orientation),
        comment=SECRET_COMMENT,
        xmp=SECRET_XMP,
        icc_profile=srgb_icc(),
    )
    return buffer.getvalue()


def png_with_text(width: int = 300, height: int = 200, *, transparent: bool = True) -> bytes:
    """An RGBA PNG with tEXt, zTXt and iTXt chunks, an eXIf chunk with GPS, and transparent pixels."""
    image = two_tone(width, height, "RGBA")
    if transparent:
        image.paste((0, 0, 0, 0), (0, 0, width // 4, height // 4))
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SECRET_TEXT)
    info.add_text("Author", SECRET_TEXT, zip=True)
    info.add_itxt("Description", SECRET_TEXT, lang="en", tkey="Description")
    info.add_itxt("XML:com.adobe.xmp", SECRET_XMP.decode())
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", pnginfo=info, exif=exif_with_gps(1))
    return buffer.getvalue()


def webp_with_exif(width: int = 200, height: int = 100) -> bytes:
    """A WebP with EXIF (GPS) and XMP."""
    buffer = io.BytesIO()
    two_tone(width, height).save(buffer, format="WEBP", quality=90, exif=exif_with_gps(1), xmp=SECRET_XMP)
    return buffer.getvalue()


def plain_jpeg(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    two_tone(width, height).save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def gif(width: int = 20, height: int = 20) -> bytes:
    buffer = io.BytesIO()
    two_tone(width, height).convert("P").save(buffer, format="GIF")
    return buffer.getvalue()


def png_header_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims `width` x `height` but holds almost no pixel data.

    Cheap to make and useless to decode: a pipeline that refuses it for its pixel count has read
    only the header; one that decodes first would call it damaged instead.
    """

    def chunk(kind: bytes, payload: bytes) -> bytes:
        body = kind + payload
        return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def jpeg_segments(data: bytes) -> list[tuple[int, bytes]]:
    """The JPEG's marker segments before the image data, as (marker, payload) pairs."""
    assert data[:2] == b"\xff\xd8", "not a JPEG"
    found: list[tuple[int, bytes]] = []
    at = 2
    while at + 4 <= len(data):
        assert data[at] == 0xFF, "marker expected"
        marker = data[at + 1]
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            break
        length = struct.unpack(">H", data[at + 2 : at + 4])[0]
        found.append((marker, data[at + 4 : at + 2 + length]))
        at += 2 + length
    return found


def metadata_left_in(data: bytes) -> list[str]:
    """Everything in an encoded JPEG that is not pixels or the minimal JFIF header; [] when clean."""
    problems: list[str] = []
    for marker, payload in jpeg_segments(data):
        if marker == 0xE0 and payload.startswith(b"JFIF\x00"):
            continue
        if 0xE0 <= marker <= 0xEF:
            problems.append(f"APP{marker - 0xE0} {payload[:12]!r}")
        elif marker == 0xFE:
            problems.append(f"COM {payload[:20]!r}")
    with Image.open(io.BytesIO(data)) as image:
        for key in ("exif", "icc_profile", "xmp", "comment", "photoshop", "adobe"):
            if image.info.get(key):
                problems.append(f"info[{key}]")
        if len(image.getexif()):
            problems.append("EXIF tags")
    problems += [f"bytes contain {secret!r}" for secret in SECRETS if secret in data]
    problems += [
        f"bytes contain {marker!r}" for marker in (b"Exif\x00", b"GPS", b"ICC_PROFILE") if marker in data
    ]
    return problems
