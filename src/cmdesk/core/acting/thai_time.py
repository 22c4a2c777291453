"""Thailand's calendar day and Buddhist-Era year, whatever the laptop's time zone says.

Due dates and case-number years follow the day in Thailand (UTC+7, no daylight saving), so a
laptop left on another zone after a trip does not shift a deadline or a case number's year.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from cmdesk.core.i18n import buddhist_year
from cmdesk.core.model import utcnow

THAILAND = timezone(timedelta(hours=7), "ICT")


def thai_today(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(THAILAND).date()


def thai_be_year(now: datetime | None = None) -> int:
    return buddhist_year(thai_today(now).year)
