"""Renders the app's SVG icon (resources/icons/app.svg) to a Windows .ico with the sizes
Explorer, the taskbar and the Start menu ask for. Windows executables take their icon from an
.ico only; drawing it at build time keeps one icon source in the repository.

    python packaging/windows/make_icon.py SVG ICO

Qt renders the SVG (PySide6 is in the build venv anyway); Pillow, which reportlab already
needs, writes the multi-size .ico.
"""

from __future__ import annotations

import sys
from io import BytesIO
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QBuffer, QIODevice, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)


def render_png(svg: Path, size: int) -> bytes:
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"not a valid SVG: {svg}")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data().data())


def make_icon(svg: Path, ico: Path) -> None:
    # Each size drawn from the vector, not scaled down from 256 px: small icons stay sharp.
    images = [Image.open(BytesIO(render_png(svg, size))) for size in SIZES]
    ico.parent.mkdir(parents=True, exist_ok=True)
    images[-1].save(ico, format="ICO", append_images=images[:-1], sizes=[(s, s) for s in SIZES])


if __name__ == "__main__":
    make_icon(Path(sys.argv[1]), Path(sys.argv[2]))
