"""The photo pipeline (S26, S27): what is accepted, what is refused, and what is left of a photo."""

from __future__ import annotations

import io
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from PIL import Image

from shared.domain.errors import InvalidInput, UnsupportedMediaType
from shared.media import images
from shared.media.images import DISPLAY_EDGE, MAX_PIXELS, THUMB_EDGE, process_photo, sniff_type
from tests import photos


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def near(actual: object, expected: tuple[int, int, int], tolerance: int = 40) -> bool:
    assert isinstance(actual, tuple)
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=False))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (photos.jpeg_with_exif(), "image/jpeg"),
        (photos.png_with_text(), "image/png"),
        (photos.webp_with_exif(), "image/webp"),
    ],
)
def test_s26_jpeg_png_and_webp_are_recognised_from_their_bytes(data: bytes, expected: str) -> None:
    assert sniff_type(data) == expected
    assert process_photo(data).source_type == expected


@pytest.mark.parametrize(
    "data",
    [
        photos.gif(),
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        b"\x00\x00\x00\x18ftypheic" + b"\x00" * 32,  # an iPhone HEIC
        b"%PDF-1.7\n",
        b"",
        b"photo.jpg",  # a name is not an image
    ],
    ids=["gif", "svg", "heic", "pdf", "empty", "name"],
)
def test_s26_other_types_are_refused_with_a_clear_message(data: bytes) -> None:
    with pytest.raises(UnsupportedMediaType, match="JPEG, PNG or WebP"):
        process_photo(data)


def test_s26_a_png_announced_as_jpeg_is_still_a_png() -> None:
    # Nothing but the bytes is consulted: the pipeline has no name or Content-Type to be misled by.
    assert process_photo(photos.png_with_text()).source_type == "image/png"


def test_s26_a_gif_renamed_with_jpeg_magic_text_is_refused_as_damaged_not_decoded_as_gif() -> None:
    disguised = b"\xff\xd8\xff" + photos.gif()
    with pytest.raises(InvalidInput, match="damaged"):
        process_photo(disguised)


def test_s26_a_41_megapixel_bomb_is_refused_from_its_header_alone() -> None:
    # The file claims 6500 x 6400 = 41.6 MP but holds a few bytes of pixel data: refusing it for
    # its size (not as damaged) proves the refusal came before any pixel was decoded.
    bomb = photos.png_header_claiming(6500, 6400)
    assert MAX_PIXELS < 6500 * 6400
    assert len(bomb) < 200
    with pytest.raises(InvalidInput, match="too many pixels"):
        process_photo(bomb)


def test_s26_a_huge_bomb_that_trips_pillows_own_guard_is_a_400_too() -> None:
    with pytest.raises(InvalidInput, match="too many pixels"):
        process_photo(photos.png_header_claiming(20_000, 20_000))


def test_s26_a_forty_megapixel_jpeg_is_accepted_and_decoded_at_reduced_size() -> None:
    # 8000 x 5000 is on the limit; libjpeg decodes it at 1/2 scale, which still covers the display.
    processed = process_photo(_encoded(Image.new("L", (8000, 5000), 90), "JPEG"))
    assert (processed.display.width, processed.display.height) == (DISPLAY_EDGE, 1000)


def test_s26_a_png_header_over_the_png_limit_is_refused_before_decoding() -> None:
    # 6324 x 6324 RGB is under 40 MP but over what a PNG may decode to within the memory budget;
    # the header alone holds almost no pixels, so a refusal for size proves nothing was decoded.
    assert MAX_PIXELS >= 6324 * 6324
    with pytest.raises(InvalidInput, match="too many pixels: a PNG image"):
        process_photo(photos.png_header_claiming(6324, 6324))


def test_s26_a_flat_6324_pixel_square_png_is_refused_with_a_clear_400() -> None:
    flat = _encoded(Image.new("RGB", (6324, 6324), (250, 250, 250)), "PNG")
    assert len(flat) < 300_000
    with pytest.raises(InvalidInput) as refused:
        process_photo(flat)
    assert refused.value.code == "invalid_input"
    assert refused.value.message == (
        "The photo has too many pixels: a PNG image like this one may have at most 39 megapixels"
        " (about 6267 x 6267). Please send a smaller photo, or a JPEG."
    )


def test_s26_a_png_just_inside_its_limit_is_accepted() -> None:
    processed = process_photo(_encoded(Image.new("RGB", (6000, 6000), (250, 250, 250)), "PNG"))
    assert processed.display.width == DISPLAY_EDGE


def test_s26_a_webp_header_over_the_webp_limit_is_refused_before_libwebp_sees_it() -> None:
    header = _encoded(Image.new("RGB", (16, 16)), "WEBP")
    claiming = bytearray(header)
    claiming[26:28] = (5000).to_bytes(2, "little")  # VP8 frame header: 5000 x 5000, no pixels
    claiming[28:30] = (5000).to_bytes(2, "little")
    assert bytes(claiming[12:16]) == b"VP8 "
    with pytest.raises(InvalidInput, match="too many pixels: a WebP image"):
        process_photo(bytes(claiming))


def test_s26_a_progressive_jpeg_counts_its_full_size_coefficients() -> None:
    # A progressive JPEG keeps every coefficient until its last scan, whatever the draft scale:
    # 6000 x 6000 without chroma subsampling would need 216 MB for them alone.
    flat = Image.new("RGB", (6000, 6000), (90, 160, 200))
    with pytest.raises(InvalidInput, match="too many pixels: a progressive JPEG"):
        process_photo(_encoded(flat, "JPEG", progressive=True, subsampling=0))
    process_photo(_encoded(flat, "JPEG", subsampling=0))


def test_s26_at_most_two_photos_are_decoded_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    inside, most, lock = 0, 0, threading.Lock()
    real = images._decode_display

    def counting(source: Image.Image) -> Image.Image:
        nonlocal inside, most
        with lock:
            inside += 1
            most = max(most, inside)
        time.sleep(0.05)
        try:
            return real(source)
        finally:
            with lock:
                inside -= 1

    monkeypatch.setattr(images, "_decode_display", counting)
    data = photos.plain_jpeg(400, 300)
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda _: process_photo(data), range(12)))
    assert len(results) == 12
    assert most == images.MAX_CONCURRENT_DECODES == 2


@pytest.mark.parametrize("keep", [0.5, 0.1])
def test_s26_a_truncated_jpeg_is_a_400(keep: float) -> None:
    data = photos.plain_jpeg(800, 600)
    with pytest.raises(InvalidInput, match="damaged or incomplete"):
        process_photo(data[: int(len(data) * keep)])


def test_s26_a_truncated_png_is_a_400() -> None:
    data = photos.png_with_text(600, 400)
    with pytest.raises(InvalidInput, match="damaged or incomplete"):
        process_photo(data[: len(data) // 2])


def test_s26_garbage_after_a_jpeg_signature_is_a_400() -> None:
    with pytest.raises(InvalidInput):
        process_photo(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4)


def test_s27_exif_and_gps_are_gone_from_a_jpeg() -> None:
    original = photos.jpeg_with_exif()
    assert photos.metadata_left_in(original), "the test photo must carry metadata to begin with"
    processed = process_photo(original)
    for rendition in (processed.display, processed.thumb):
        assert photos.metadata_left_in(rendition.data) == []
        assert rendition.content_type == "image/jpeg"


def test_s27_orientation_is_applied_before_the_exif_goes() -> None:
    # Stored 200 x 100, left half red; orientation 6 means "turn 90 degrees clockwise to view".
    processed = process_photo(photos.jpeg_with_exif(200, 100, orientation=6))
    image = decoded(processed.display.data)
    assert (processed.display.width, processed.display.height) == image.size == (100, 200)
    assert near(image.getpixel((50, 20)), photos.RED)  # the left became the top
    assert near(image.getpixel((50, 180)), photos.BLUE)
    assert len(image.getexif()) == 0


def test_s27_png_text_chunks_and_exif_are_gone() -> None:
    processed = process_photo(photos.png_with_text())
    image = decoded(processed.display.data)
    assert photos.metadata_left_in(processed.display.data) == []
    assert not {"Comment", "Author", "Description", "XML:com.adobe.xmp", "exif"} & set(image.info)


def test_s27_png_transparency_is_flattened_onto_white() -> None:
    processed = process_photo(photos.png_with_text(300, 200, transparent=True))
    image = decoded(processed.display.data)
    assert image.mode == "RGB"
    assert near(image.getpixel((10, 10)), (255, 255, 255))
    assert near(image.getpixel((100, 150)), photos.RED)


def test_s27_webp_exif_and_xmp_are_gone() -> None:
    processed = process_photo(photos.webp_with_exif())
    assert photos.metadata_left_in(processed.display.data) == []
    assert photos.metadata_left_in(processed.thumb.data) == []


def test_s27_a_display_size_and_a_thumbnail_are_made() -> None:
    processed = process_photo(photos.plain_jpeg(3000, 2000))
    assert (processed.display.width, processed.display.height) == (DISPLAY_EDGE, 1067)
    assert (processed.thumb.width, processed.thumb.height) == (THUMB_EDGE, 267)
    assert decoded(processed.display.data).size == (1600, 1067)
    assert decoded(processed.thumb.data).size == (400, 267)


def test_s27_portrait_photos_are_limited_by_their_height() -> None:
    processed = process_photo(photos.plain_jpeg(1000, 2500))
    assert (processed.display.width, processed.display.height) == (640, 1600)
    assert (processed.thumb.width, processed.thumb.height) == (160, 400)


def test_s27_small_photos_are_never_enlarged() -> None:
    processed = process_photo(photos.plain_jpeg(300, 120))
    assert (processed.display.width, processed.display.height) == (300, 120)
    assert (processed.thumb.width, processed.thumb.height) == (300, 120)


def test_s27_the_stored_jpeg_is_progressive() -> None:
    image = decoded(process_photo(photos.plain_jpeg(900, 600)).display.data)
    assert image.info.get("progressive") == 1


WHITE = (255, 255, 255)


def _encoded(image: Image.Image, pillow_format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=pillow_format, **options)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "mode", "pixel"),
    [
        (_encoded(Image.new("CMYK", (50, 40), (0, 255, 255, 0)), "JPEG"), "RGB", (255, 0, 0)),
        (_encoded(Image.new("L", (50, 40), 128), "JPEG"), "L", 128),
        (_encoded(Image.new("I;16", (50, 40), 40000), "PNG"), "L", 156),  # scaled, not clipped to white
        (_encoded(Image.new("RGBA", (50, 40)).convert("P"), "PNG", transparency=0), "RGB", WHITE),
        (_encoded(Image.new("LA", (50, 40), (0, 0)), "PNG"), "RGB", WHITE),
        (_encoded(Image.new("RGBA", (50, 40), (255, 0, 0, 0)), "WEBP", lossless=True), "RGB", WHITE),
    ],
    ids=["cmyk-jpeg", "grey-jpeg", "16-bit-png", "palette-png-transparent", "grey-alpha-png", "rgba-webp"],
)
def test_s27_every_colour_mode_becomes_a_plain_jpeg(
    data: bytes, mode: str, pixel: int | tuple[int, int, int]
) -> None:
    image = decoded(process_photo(data).display.data)
    assert image.format == "JPEG"
    assert image.mode == mode
    got = image.getpixel((5, 5))
    if isinstance(pixel, tuple):
        assert near(got, pixel, tolerance=3)
    else:
        assert isinstance(got, int)
        assert abs(got - pixel) <= 3
