"""`ws.sheets`: the caseload and the home screen's figures as spreadsheets (CSV or XLSX),
headers in the user's language and dates in the Buddhist era when they work in Thai (issue 13).

The file holds children's names and case numbers and is not encrypted: the front ends say so
before it is written, and each export is one audit entry "caseload.export" (format, rows,
language, the filter's codes; never a name). It holds exactly the rows the caseload shows for
the same filter, so a user exports only what they may see.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from cmdesk.core.acting.access import Guard
from cmdesk.core.acting.audit import AuditService
from cmdesk.core.acting.context import Context
from cmdesk.core.acting.thai_time import thai_today
from cmdesk.core.errors import ValidationError
from cmdesk.core.i18n import N_, Locale, Translator, translator
from cmdesk.core.model.labels import label_of
from cmdesk.core.progress import CancelToken, Progress, no_progress
from cmdesk.core.reference.geography import district, subdistrict
from cmdesk.core.search.service import CaseloadQuery, CaseloadRow, SearchService
from cmdesk.core.services.home import HomeFigures
from cmdesk.core.services.reports import check_locale
from cmdesk.core.sheets import FORMATS, Cell, to_csv, to_xlsx

COLUMNS = (
    N_("Case number"),
    N_("Child"),
    N_("Nickname"),
    N_("Stage"),
    N_("Risk level"),
    N_("Field worker"),
    N_("Case manager"),
    N_("Team"),
    N_("Opened on"),
    N_("Next follow-up"),
    N_("Follow-up overdue"),
    N_("Village"),
    N_("Subdistrict"),
    N_("District"),
)
SHEET = N_("Caseload")
FIGURES_SHEET = N_("Figures")
FIGURE, COUNT = N_("Figure"), N_("Count")
FIGURE_ROWS = (
    ("visits_today", N_("Visits today")),
    ("overdue", N_("Overdue follow-ups")),
    ("referrals_waiting", N_("Referrals sent, waiting for an answer")),
    ("referrals_in", N_("Referrals received, waiting for an answer")),
)
BY_RISK, BY_STAGE = N_("Open cases by risk level"), N_("Open cases by stage")
BY_WORKER = N_("Overdue follow-ups by worker")
WAITING_APPROVAL = N_("Waiting for approval")
MADE_ON = N_("Made on")
YES, NO = N_("Yes"), N_("No")
BAD_FORMAT = N_("Choose CSV or XLSX.")


@dataclass(frozen=True)
class SheetFile:
    data: bytes
    rows: int
    fmt: str


class SheetService:
    def __init__(self, ctx: Context, audit: AuditService, search: SearchService) -> None:
        self._ctx = ctx
        self._audit = audit
        self._search = search
        self._guard = Guard(ctx)

    def caseload(
        self,
        query: CaseloadQuery,
        *,
        lang: str,
        fmt: str,
        progress: Progress = no_progress,
        cancel: CancelToken | None = None,
    ) -> SheetFile:
        """The cases the caseload shows for `query`, every page of them, as one file."""
        locale = _checked(lang, fmt)
        self._guard.require_casework()
        tr = translator(locale)
        header = [tr.gettext(c) for c in COLUMNS]
        preface = [(tr.gettext(MADE_ON), thai_today())]
        counted = [0]

        def rows() -> Iterator[list[Cell]]:
            for chunk in self._search.every_case(query):
                if cancel is not None:
                    cancel.check()
                for row in chunk:
                    yield _cells(row, tr)
                counted[0] += len(chunk)
                progress(counted[0], 0)  # the total is known only at the end

        if fmt == "csv":
            data = to_csv(header, rows(), locale, preface)
        else:
            data = to_xlsx(tr.gettext(SHEET), header, rows(), locale, preface)
        detail: dict[str, object] = {
            "format": fmt,
            "rows": counted[0],
            "lang": locale,
            "filter": _codes(query),
        }
        with self._ctx.write() as s:
            self._audit.record(s, "caseload.export", "caseload", "", detail)
        return SheetFile(data, counted[0], fmt)


def _checked(lang: str, fmt: str) -> Locale:
    locale = check_locale(lang)
    if fmt not in FORMATS:
        raise ValidationError.single("format", BAD_FORMAT)
    return locale


def figures_sheet(figures: HomeFigures, lang: str, fmt: str) -> bytes:
    """The home screen's figures (counts, and staff names for the overdue follow-ups by
    worker: no child in it), a section per chart."""
    locale = _checked(lang, fmt)
    tr = translator(locale)
    rows: list[list[Cell]] = [
        [tr.gettext(text), getattr(figures, name)] for name, text in FIGURE_ROWS
    ]
    rows.append([tr.gettext(WAITING_APPROVAL), figures.approvals_waiting])
    sections = (
        (BY_RISK, [(tr.gettext(label_of("risk", k)), n) for k, n in figures.by_risk.items()]),
        (BY_STAGE, [(tr.gettext(label_of("stage", k)), n) for k, n in figures.by_stage.items()]),
        (BY_WORKER, [(name, n) for _uid, name, n in figures.overdue_by_worker]),
    )
    for title, counted in sections:
        if counted:
            rows += [[], [tr.gettext(title)]]
            rows += [[label, n] for label, n in counted]
    header = [tr.gettext(FIGURE), tr.gettext(COUNT)]
    preface = [(tr.gettext(MADE_ON), figures.today)]
    if fmt == "csv":
        return to_csv(header, rows, locale, preface)
    return to_xlsx(tr.gettext(FIGURES_SHEET), header, rows, locale, preface)


def _cells(row: CaseloadRow, tr: Translator) -> list[Cell]:
    thai = tr.locale == "th"
    name = (row.child_name_th if thai else row.child_name_en) or row.child_name_th
    place, area = subdistrict(row.subdistrict_code), district(row.subdistrict_code[:4])
    return [
        row.case_number,
        name or row.child_name_en,
        row.child_nickname,
        tr.gettext(label_of("stage", row.stage)),
        tr.gettext(label_of("risk", row.risk)),
        row.assigned_worker,
        row.case_manager,
        row.team,
        thai_today(row.opened_at),
        row.next_due,
        tr.gettext(YES if row.overdue else NO) if row.next_due else "",
        row.village,
        place.name(tr.locale) if place else "",
        area.name(tr.locale) if area else "",
    ]


def _codes(query: CaseloadQuery) -> dict[str, object]:
    """The filter as codes, for the audit trail: no search text (it may be a child's name)."""
    return {
        "stages": list(query.stages),
        "risks": list(query.risks),
        "worker": query.worker_id or "",
        "team": query.team,
        "place": query.place,
        "overdue": query.overdue_only,
        "awaiting_approval": query.awaiting_approval,
        "unfinished": query.unfinished,
        "closed": query.include_closed,
        "searched": bool(query.text.strip()),
    }
