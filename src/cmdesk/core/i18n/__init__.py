"""Translations and Thai/English formatting. The core receives a Translator; it is never global."""

from __future__ import annotations

# translator first: every other module here builds on it.
from cmdesk.core.i18n.translator import LOCALES, Locale, Translator, translator  # isort: skip
from cmdesk.core.i18n.birthdate import BirthDate, Precision, age_on, format_birth_date
from cmdesk.core.i18n.date_input import parse_date, parse_year
from cmdesk.core.i18n.dates import Style, buddhist_year, format_date, format_datetime
from cmdesk.core.i18n.digits import from_thai_digits, to_thai_digits
from cmdesk.core.text_ids import N_, NP_, Plural

__all__ = [
    "LOCALES",
    "NP_",
    "N_",
    "BirthDate",
    "Locale",
    "Plural",
    "Precision",
    "Style",
    "Translator",
    "age_on",
    "buddhist_year",
    "format_birth_date",
    "format_date",
    "format_datetime",
    "from_thai_digits",
    "parse_date",
    "parse_year",
    "to_thai_digits",
    "translator",
]
