"""A throwaway checkout (sources + catalogs): catalog tooling is tested apart from the repo."""

from __future__ import annotations

import textwrap
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from cmdesk.core.i18n.maintenance import Tree


def write_source(tree: Tree, module: str, code: str) -> Path:
    """module is relative to src/cmdesk, e.g. "core/vault/store.py"."""
    path = tree.package_dir / module
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(code), encoding="utf-8")
    return path


def po(tree: Tree, domain: str) -> Path:
    return tree.catalog_dir / "th" / "LC_MESSAGES" / f"{domain}.po"


def translate(path: Path, translations: dict[str, str], *, fuzzy: bool = False) -> None:
    """Sets msgstrs as a translator would in a PO editor."""
    with path.open("rb") as fp:
        catalog = read_po(fp, locale="th")
    for msgid, text in translations.items():
        message = catalog[msgid]
        # Thai has one plural form, so a plural message has one msgstr[0].
        message.string = (text,) if message.pluralizable else text
        if fuzzy:
            message.flags.add("fuzzy")
        else:
            message.flags.discard("fuzzy")
    with path.open("wb") as fp:
        write_po(fp, catalog, width=0, include_lineno=False)
