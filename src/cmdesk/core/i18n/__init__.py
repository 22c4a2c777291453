"""Translations and Thai/English formatting. The core receives a Translator; it is never global."""

from __future__ import annotations

from cmdesk.core.i18n.translator import LOCALES, Locale, N_, Translator, translator

__all__ = ["LOCALES", "N_", "Locale", "Translator", "translator"]
