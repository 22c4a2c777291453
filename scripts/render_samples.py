"""Renders every document, in Thai and English, at every redaction level, from generated
sample data, to PDFs and PNG pages (pdftoppm, from poppler-utils) for a human to look at.

    python scripts/render_samples.py [--out samples] [--dpi 80] [--lang th en] [--no-png]

Output goes to ./samples by default (git-ignored). Nothing here is real personal data.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from cmdesk.core.i18n import Locale, translator  # noqa: E402
from cmdesk.core.reports import (  # noqa: E402
    Level,
    build_case_summary,
    build_caseload_report,
    build_consent_form,
    build_referral_slip,
    warm_up,
)
from cmdesk.core.reports import samples as fake  # noqa: E402

PRINTED_BY = {"th": "ผู้ใช้ทดสอบ", "en": "Test User"}


def sample_logo() -> bytes:
    """A plain generated logo (a coloured disc with initials) for the logo slot."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (240, 240), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, 232, 232), fill=(32, 86, 140, 255))
    draw.ellipse((62, 62, 178, 178), fill=(255, 255, 255, 255))
    draw.ellipse((92, 92, 148, 148), fill=(214, 120, 40, 255))
    out = BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def documents(lang: Locale, logo: bytes) -> dict[str, Callable[[Level], bytes]]:
    from dataclasses import replace

    tr = translator(lang)
    org = fake.organisation(lang, logo)
    common = {"tr": tr, "printed_by": PRINTED_BY[lang], "printed_at": fake.PRINTED_AT}
    summary = replace(fake.case_summary(lang), organisation=org)
    slip = replace(fake.referral_slip(lang), organisation=org)
    consent = replace(fake.consent_form(lang), organisation=org)
    load = replace(fake.caseload(lang), organisation=org)
    return {
        "case_summary": lambda level: build_case_summary(summary, level=level, **common),
        "referral_slip": lambda level: build_referral_slip(slip, level=level, **common),
        "consent_form": lambda level: build_consent_form(consent, level=level, **common),
        "caseload": lambda level: build_caseload_report(load, level=level, **common),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("samples"))
    parser.add_argument("--dpi", type=int, default=80)
    parser.add_argument("--lang", nargs="+", choices=["th", "en"], default=["th", "en"])
    parser.add_argument("--no-png", action="store_true", help="write PDFs only")
    args = parser.parse_args(argv)

    pdftoppm = shutil.which("pdftoppm")
    if not args.no_png and pdftoppm is None:
        print("pdftoppm not found: install poppler-utils, or pass --no-png", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    warm_up()
    logo = sample_logo()
    for lang in args.lang:
        for name, build in documents(lang, logo).items():
            for level in Level:
                stem = f"{name}-{lang}-{level.value}"
                started = time.perf_counter()
                pdf = build(level)
                elapsed = (time.perf_counter() - started) * 1000
                path = args.out / f"{stem}.pdf"
                path.write_bytes(pdf)
                if not args.no_png:
                    for old in args.out.glob(f"{stem}-*.png"):
                        old.unlink()
                    subprocess.run(
                        [
                            str(pdftoppm),
                            "-r",
                            str(args.dpi),
                            "-png",
                            str(path),
                            str(args.out / stem),
                        ],
                        check=True,
                    )
                print(f"{path}  {len(pdf) / 1024:.0f} KiB  {elapsed:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
