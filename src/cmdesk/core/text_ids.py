"""The marker for translatable message ids, at the very bottom of the core.

`N_("...")` returns its argument unchanged; the catalog extractor finds the calls. It lives
here, not in cmdesk.core.i18n, so the typed errors (which every layer raises, i18n's parsers
included) can mark their messages without importing the translation machinery.
"""

from __future__ import annotations

from typing import NamedTuple


def N_(msgid: str) -> str:  # noqa: N802 (the conventional gettext marker name)
    """Marks a message for extraction without translating it yet (it is translated when shown)."""
    return msgid


class Plural(NamedTuple):
    """A message whose words depend on a count ("1 change", "2 changes"; Thai has one form)."""

    singular: str
    plural: str


def NP_(singular: str, plural: str) -> Plural:  # noqa: N802 (named like N_)
    """Marks a message with a plural form; `Translator.count` picks the form when shown."""
    return Plural(singular, plural)
