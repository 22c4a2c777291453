"""Message catalogs (gettext via Babel-built .mo/.po files), one Translator per language."""

from __future__ import annotations

import gettext
import logging
from functools import cache
from pathlib import Path
from typing import Literal

from cmdesk.core.i18n.catalogs import SOURCE_LOCALE, default_catalog_dir, load_domain, po_files
from cmdesk.core.text_ids import Plural

Locale = Literal["th", "en"]
LOCALES: tuple[Locale, ...] = ("th", "en")

_log = logging.getLogger(__name__)


class Translator:
    """Translates messages into one language. Several can exist at once (bilingual messages).

    All domains of the language are merged into one lookup (each domain's catalog falls back to
    the next), so callers never need to know which area a message belongs to. A message with no
    translation comes back in English.
    """

    def __init__(self, locale: Locale, catalog_dir: Path | None = None) -> None:
        self.locale: Locale = locale
        self._catalog: gettext.NullTranslations = gettext.NullTranslations()
        if locale != SOURCE_LOCALE:
            self._catalog = _merged(locale, catalog_dir or default_catalog_dir())

    def gettext(self, msgid: str) -> str:
        return self._catalog.gettext(msgid)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalog.ngettext(singular, plural, n)

    def nformat(self, singular: str, plural: str, n: int, /, **params: object) -> str:
        """The singular or plural form for `n` ("1 page", "2 pages"; Thai has one form), with
        {n} and the other placeholders filled."""
        text = self.ngettext(singular, plural, n)
        try:
            return text.format(n=n, **params)
        except (KeyError, IndexError, ValueError):
            _log.warning("translation of %r does not fit its placeholders", singular)
            return (singular if n == 1 else plural).format(n=n, **params)

    def count(self, message: Plural, n: int, /, **params: object) -> str:
        """A message marked with NP_, in the form for `n`, placeholders filled."""
        return self.nformat(message.singular, message.plural, n, **params)

    def format(self, msgid: str, /, **params: object) -> str:
        """Translates msgid, then fills its {named} placeholders."""
        text = self.gettext(msgid)
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            # A broken translation (`i18n.py check` catches these) must not hide the message
            # from the user: show the English text rather than fail.
            _log.warning("translation of %r does not fit its placeholders", msgid)
            return msgid.format(**params)


def _merged(locale: str, catalog_dir: Path) -> gettext.NullTranslations:
    merged: gettext.NullTranslations = gettext.NullTranslations()
    first = True
    for po in po_files(catalog_dir, locale).values():
        domain = load_domain(po, locale)
        if first:
            merged, first = domain, False
        else:
            merged.add_fallback(domain)
    return merged


@cache
def translator(locale: Locale) -> Translator:
    return Translator(locale)
