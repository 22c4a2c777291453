"""PDF costs: a Thai case summary, warm and in a batch of 100, and per page, each beside the
same document in English built in the same run (so the figure's ratio is the cost of Thai:
segmentation, shaping and the text-layer repair).

Targets (reports issue): one case summary warm <= 150 ms; 100 case summaries <= 15 s.

"Warm" means fonts registered and the Thai dictionary loaded (both once per process), but
the text caches cleared before each document, as for a case never printed before.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from io import BytesIO

from pypdf import PdfReader

from cmdesk.core.i18n import Locale, translator
from cmdesk.core.reports import (
    Level,
    build_case_summary,
    build_caseload_report,
    build_consent_form,
    build_referral_slip,
)
from cmdesk.core.reports import samples as fake
from cmdesk.core.reports.shaping import shape
from cmdesk.core.reports.thai_wrap import chunk_pieces, thai_words

Row = tuple[str, float, float | None, str]
REPEATS = 11
BATCH = 100


def clear_text_caches() -> None:
    shape.cache_clear()
    thai_words.cache_clear()
    chunk_pieces.cache_clear()


def summary(lang: Locale, n: int) -> bytes:
    data = fake.case_summary(lang, n)
    # Each case in a batch has its own child and notes, so no text repeats between cases.
    data = replace(
        data,
        notes=tuple(
            replace(note, text=f"{note.text} ({n}/{i})") for i, note in enumerate(data.notes)
        ),
    )
    return build_case_summary(
        data,
        tr=translator(lang),
        level=Level.FULL,
        printed_by="Test User",
        printed_at=fake.PRINTED_AT,
    )


def pages(pdf: bytes) -> int:
    return len(PdfReader(BytesIO(pdf)).pages)  # counted outside the timed part


def median_ms(build: Callable[[], bytes]) -> float:
    times = []
    for _ in range(REPEATS):
        clear_text_caches()
        started = time.perf_counter()
        build()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def batch(lang: Locale) -> tuple[float, int]:
    """Seconds for BATCH different case summaries, and their pages."""
    elapsed = 0.0
    documents = []
    for n in range(1, BATCH + 1):
        clear_text_caches()  # real cases share no text; only the labels would repeat
        started = time.perf_counter()
        documents.append(summary(lang, n))
        elapsed += time.perf_counter() - started
    return elapsed, sum(pages(pdf) for pdf in documents)


def run() -> list[Row]:
    rows: list[Row] = []
    started = time.perf_counter()
    summary("th", 1)  # fonts, the Thai dictionary, catalogs: once per process
    rows.append(
        (
            "first Thai case summary in a process (start-up)",
            (time.perf_counter() - started) * 1000,
            None,
            "ms",
        )
    )

    th = median_ms(lambda: summary("th", 1))
    en = median_ms(lambda: summary("en", 1))
    rows.append(("case summary, Thai, warm (target <= 150 ms) vs English", th, en, "ms"))

    th_batch, th_pages = batch("th")
    en_batch, en_pages = batch("en")
    rows.append(
        (f"{BATCH} case summaries, Thai (target <= 15 s) vs English", th_batch, en_batch, "s")
    )
    rows.append(
        ("per page, Thai vs English", th_batch * 1000 / th_pages, en_batch * 1000 / en_pages, "ms")
    )
    rows.append(
        ("pages per case summary, Thai vs English", th_pages / BATCH, en_pages / BATCH, "pages")
    )

    common = {"printed_by": "Test User", "printed_at": fake.PRINTED_AT}
    others: dict[str, Callable[[Locale], bytes]] = {
        "referral slip": lambda lang: build_referral_slip(
            fake.referral_slip(lang), tr=translator(lang), **common
        ),
        "consent form": lambda lang: build_consent_form(
            fake.consent_form(lang), tr=translator(lang), **common
        ),
        "caseload report, 40 cases": lambda lang: build_caseload_report(
            fake.caseload(lang), tr=translator(lang), **common
        ),
    }
    for name, build in others.items():
        rows.append(
            (
                f"{name}, Thai, warm vs English",
                median_ms(lambda build=build: build("th")),  # type: ignore[misc]
                median_ms(lambda build=build: build("en")),  # type: ignore[misc]
                "ms",
            )
        )
    return rows


if __name__ == "__main__":
    for figure, value, baseline, unit in run():
        ratio = f"  {value / baseline:.2f}x" if baseline else ""
        base = f"  (English {baseline:,.1f} {unit})" if baseline is not None else ""
        print(f"{figure:58} {value:10,.1f} {unit}{base}{ratio}")
