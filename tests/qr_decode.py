"""Read back the QR codes the site serves, so tests assert the URL a phone would open.

PNGs are decoded with zxing-cpp (a wheel, no system library). segno's SVGs are one path of
horizontal runs ("M4 4.5h7m1 0h1m-25 1h1..."): they are turned back into a module matrix,
drawn as a bitmap and decoded the same way, so the SVG is read, not compared with itself.
"""

import io
import re
import xml.etree.ElementTree as ET

import zxingcpp
from PIL import Image

SVG_NS = "{http://www.w3.org/2000/svg}"
PIXELS_PER_MODULE = 4


def decode_png(content: bytes) -> list[str]:
    """The texts of every QR code found in a PNG."""
    image = Image.open(io.BytesIO(content))
    return [
        result.text
        for result in zxingcpp.read_barcodes(image.convert("L"))
        if result.format == zxingcpp.BarcodeFormat.QRCode
    ]


def svg_modules(content: bytes) -> tuple[int, set[tuple[int, int]]]:
    """The size in modules and the dark modules (x, y) drawn by a segno SVG."""
    svg = ET.fromstring(content)  # noqa: S314 - our own response, not untrusted XML
    paths = svg.findall(f"{SVG_NS}path")
    assert len(paths) == 1, "expected segno's single-path SVG"
    path = paths[0]
    scale = float(re.fullmatch(r"scale\(([\d.]+)\)", path.get("transform", "scale(1)")).group(1))
    size = round(float(svg.get("width")) / scale)
    dark: set[tuple[int, int]] = set()
    x = y = 0.0
    for command, args in re.findall(r"([MmHh])([-\d.\s]+)", path.get("d")):
        numbers = [float(n) for n in args.split()]
        if command == "M":
            x, y = numbers
        elif command == "m":
            x, y = x + numbers[0], y + numbers[1]
        elif command == "h":
            row = int(y)  # runs are drawn through the middle of a row (y + 0.5)
            dark.update((int(x) + i, row) for i in range(int(numbers[0])))
            x += numbers[0]
        else:  # "H": absolute end of a run
            row = int(y)
            dark.update((col, row) for col in range(int(x), int(numbers[0])))
            x = numbers[0]
    return size, dark


def decode_svg(content: bytes) -> list[str]:
    """The texts of every QR code drawn by a segno SVG."""
    size, dark = svg_modules(content)
    image = Image.new("L", (size * PIXELS_PER_MODULE, size * PIXELS_PER_MODULE), 255)
    for col, row in dark:
        image.paste(
            0,
            (
                col * PIXELS_PER_MODULE,
                row * PIXELS_PER_MODULE,
                (col + 1) * PIXELS_PER_MODULE,
                (row + 1) * PIXELS_PER_MODULE,
            ),
        )
    return [
        result.text
        for result in zxingcpp.read_barcodes(image)
        if result.format == zxingcpp.BarcodeFormat.QRCode
    ]
