"""Where message catalogs live, how a source file maps to its domain, and how a catalog is loaded.

Layout (under resources/i18n/):
    <locale>/LC_MESSAGES/<domain>.po   translations, kept in git, one file per domain
    <locale>/LC_MESSAGES/<domain>.mo   compiled by `scripts/i18n.py compile` (git-ignored)
    templates/<domain>.pot             written by `scripts/i18n.py extract` (git-ignored)

English is the source language: msgids are the English text, so it has no catalog.
"""

from __future__ import annotations

import gettext
from io import BytesIO
from pathlib import Path, PurePath

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from cmdesk.resources import resources_dir

SOURCE_LOCALE = "en"


def default_catalog_dir() -> Path:
    return resources_dir() / "i18n"


def domain_of(module: PurePath) -> str:
    """The catalog domain of a source file, given its path relative to the cmdesk package.

    core/<area>/... -> <area> (vault, services, reports, ...); core/x.py -> "core";
    <front end>/... -> cli, gui, ...; a module directly in cmdesk/ -> "app".
    Derived from the path alone so a new directory becomes a new domain without any config,
    and each engineer owns one .po file instead of everyone editing a shared one.
    """
    parts = module.parts
    if len(parts) < 2:
        return "app"
    if parts[0] == "core":
        return "core" if len(parts) == 2 else parts[1]
    return parts[0]


def po_path(catalog_dir: Path, locale: str, domain: str) -> Path:
    return catalog_dir / locale / "LC_MESSAGES" / f"{domain}.po"


def po_files(catalog_dir: Path, locale: str) -> dict[str, Path]:
    """Every domain's .po for one locale, by domain name."""
    folder = catalog_dir / locale / "LC_MESSAGES"
    return {p.stem: p for p in sorted(folder.glob("*.po"))}


def load_domain(po: Path, locale: str) -> gettext.GNUTranslations:
    """Loads one domain: the compiled .mo if it is at least as new as the .po, else the .po itself.

    Reading the .po directly means a fresh checkout works before anyone runs `compile`, and an
    edited .po is never shadowed by a stale .mo.
    """
    mo = po.with_suffix(".mo")
    if mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as fp:
            return gettext.GNUTranslations(fp)
    with po.open("rb") as fp:
        catalog = read_po(fp, locale=locale, domain=po.stem)
    buffer = BytesIO()
    write_mo(buffer, catalog)  # leaves out fuzzy and untranslated entries, as compile does
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)
