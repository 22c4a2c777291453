"""Catalog upkeep for developers: extract, update, compile, check (driven by scripts/i18n.py).

Everything works on a `Tree` (a repository root) so tests can run it on a throwaway copy.
`check` reads only sources and .po files, never .mo files, so it gives the same answer whether
or not `compile` has run.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from string import Formatter

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from cmdesk.core.i18n.catalogs import SOURCE_LOCALE, po_files, po_path
from cmdesk.core.i18n.extraction import extract_templates
from cmdesk.core.i18n.glossary import glossary_problems, read_glossary
from cmdesk.core.i18n.translator import LOCALES

TRANSLATED_LOCALES: tuple[str, ...] = tuple(x for x in LOCALES if x != SOURCE_LOCALE)

_HEADER = """\
# Translations of cmdesk, domain "{domain}", language "{locale}".
# Made and merged by `python scripts/i18n.py update --domain {domain}`; edit only msgstr lines
# (and remove "fuzzy" flags once checked). `python scripts/i18n.py check` must pass."""


@dataclass(frozen=True)
class Tree:
    """A checkout: sources under src/cmdesk, catalogs under resources/i18n."""

    root: Path

    @property
    def package_dir(self) -> Path:
        return self.root / "src" / "cmdesk"

    @property
    def catalog_dir(self) -> Path:
        return self.root / "resources" / "i18n"

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()


@dataclass(frozen=True)
class Problem:
    file: str
    domain: str
    text: str
    stale: bool  # fixed by running `update`, as opposed to by translating


class UnknownDomain(Exception):
    pass


MessageKey = tuple[str, str | None, str | None]  # (msgid, msgid_plural, msgctxt)


def _key(message: Message) -> MessageKey:
    if isinstance(message.id, tuple | list):
        return (message.id[0], message.id[1], message.context)
    return (message.id, None, message.context)


def _messages(catalog: Catalog) -> dict[MessageKey, Message]:
    return {_key(m): m for m in catalog if m.id}


def _read(path: Path, locale: str) -> Catalog:
    with path.open("rb") as fp:
        return read_po(fp, locale=locale, domain=path.stem)


def _render(catalog: Catalog) -> bytes:
    # No line numbers (they would change the file on every edit of the source) and no wrapping
    # (long Thai lines are easier to edit whole); obsolete entries are dropped, since fuzzy
    # matching has already carried their translations over to any similar new message.
    buffer = BytesIO()
    write_po(
        buffer,
        catalog,
        width=0,
        include_lineno=False,
        ignore_obsolete=True,
        include_previous=True,
    )
    return buffer.getvalue()


def write_templates(tree: Tree) -> list[Path]:
    """Writes templates/<domain>.pot for translation tools; the catalogs do not need them."""
    written = []
    for domain, template in extract_templates(tree.package_dir, tree.root).items():
        path = tree.catalog_dir / "templates" / f"{domain}.pot"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_render(template))
        written.append(path)
    return written


def update(tree: Tree, domain: str | None = None) -> tuple[list[Path], list[Path]]:
    """Merges the code's messages into each .po (creating new ones). Returns (written, removed).

    Only files whose content changes are rewritten, so running it for every domain does not
    touch catalogs that other people own and that are already current.
    """
    templates = extract_templates(tree.package_dir, tree.root)
    written: list[Path] = []
    removed: list[Path] = []
    for locale in TRANSLATED_LOCALES:
        existing = po_files(tree.catalog_dir, locale)
        domains = sorted(set(templates) | set(existing))
        if domain is not None:
            if domain not in domains:
                known = ", ".join(domains) or "none"
                raise UnknownDomain(f"no messages in domain {domain!r} (domains: {known})")
            domains = [domain]
        for name in domains:
            path = po_path(tree.catalog_dir, locale, name)
            if name not in templates:
                path.unlink()
                removed.append(path)
                continue
            catalog = _read(path, locale) if path.exists() else _new_catalog(locale, name)
            catalog.update(templates[name], update_creation_date=False)
            content = _render(catalog)
            if not path.exists() or path.read_bytes() != content:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(content)
                written.append(path)
    return written, removed


def _new_catalog(locale: str, domain: str) -> Catalog:
    return Catalog(
        locale=locale,
        domain=domain,
        header_comment=_HEADER.format(domain=domain, locale=locale),
        project="cmdesk",
        version="",
        msgid_bugs_address="",
        revision_date=datetime.now(UTC),
        last_translator="cmdesk translators",
        language_team=f"cmdesk {locale}",
        fuzzy=False,
    )


def compile_catalogs(tree: Tree) -> list[Path]:
    """Writes a .mo next to every .po (fuzzy and empty translations left out)."""
    written = []
    for locale in TRANSLATED_LOCALES:
        for po in po_files(tree.catalog_dir, locale).values():
            buffer = BytesIO()
            write_mo(buffer, _read(po, locale))
            mo = po.with_suffix(".mo")
            mo.write_bytes(buffer.getvalue())
            written.append(mo)
    return written


def check(tree: Tree) -> list[Problem]:
    templates = extract_templates(tree.package_dir, tree.root)
    problems: list[Problem] = []
    for locale in TRANSLATED_LOCALES:
        existing = po_files(tree.catalog_dir, locale)
        translations: dict[str, dict[str, str]] = defaultdict(dict)  # msgid -> domain -> text
        for domain in sorted(set(templates) | set(existing)):
            path = po_path(tree.catalog_dir, locale, domain)
            report = _Reporter(tree.relative(path), domain, problems)
            code = _messages(templates[domain]) if domain in templates else {}
            if domain not in existing:
                report(f"missing: {len(code)} message(s) in the code have no catalog", stale=True)
                continue
            catalog = _read(path, locale)
            listed = _messages(catalog)
            for key in code:
                if key not in listed:
                    report(f"not in the catalog: {key[0]!r}", stale=True)
            for key in listed:
                if key not in code:
                    report(f"no longer in the code: {key[0]!r}", stale=True)
            for message in catalog.obsolete.values():
                report(f"obsolete entry (#~) still in the file: {message.id!r}", stale=True)
            for key in listed:
                if key not in code:
                    continue
                _check_translation(listed[key], report)
                text = _strings(listed[key])[0]
                if text and not listed[key].fuzzy:
                    translations[key[0]][domain] = text
        _check_agreement(translations, locale, tree, problems)
        _check_glossary(translations, locale, tree, problems)
    return problems


class _Reporter:
    def __init__(self, file: str, domain: str, problems: list[Problem]) -> None:
        self.file, self.domain, self.problems = file, domain, problems

    def __call__(self, text: str, *, stale: bool = False) -> None:
        self.problems.append(Problem(self.file, self.domain, text, stale))


def _strings(message: Message) -> list[str]:
    if isinstance(message.string, tuple | list):
        return [s or "" for s in message.string]
    return [message.string or ""]


def _placeholders(text: str) -> set[str] | None:
    try:
        return {field for _, field, _, _ in Formatter().parse(text) if field is not None}
    except ValueError:
        return None  # unbalanced braces: not a format string


def _check_translation(message: Message, report: _Reporter) -> None:
    msgid = message.id[-1] if isinstance(message.id, tuple | list) else message.id
    if message.fuzzy:
        report(f"fuzzy (check the translation, then remove the flag): {msgid!r}")
    expected = _placeholders(msgid)
    for text in _strings(message):
        if not text:
            report(f"not translated: {msgid!r}")
            continue
        found = _placeholders(text)
        if expected is None:
            continue
        if found is None:
            report(f"unbalanced braces in the translation of {msgid!r}: {text!r}")
        elif found != expected:
            missing = ", ".join(f"{{{p}}}" for p in sorted(expected - found)) or "none"
            extra = ", ".join(f"{{{p}}}" for p in sorted(found - expected)) or "none"
            report(f"placeholders differ (missing {missing}; extra {extra}) in {msgid!r}: {text!r}")


def _check_agreement(
    translations: dict[str, dict[str, str]], locale: str, tree: Tree, problems: list[Problem]
) -> None:
    # All domains are merged into one lookup, so one msgid gets one translation: if two domains
    # disagree, which one the user sees would depend on file order.
    for msgid, by_domain in sorted(translations.items()):
        if len(set(by_domain.values())) > 1:
            for domain, text in sorted(by_domain.items()):
                path = tree.relative(po_path(tree.catalog_dir, locale, domain))
                others = ", ".join(d for d in sorted(by_domain) if d != domain)
                text = f"{msgid!r} is {text!r} here but differs in {others}"
                problems.append(Problem(path, domain, text, stale=False))


def _check_glossary(
    translations: dict[str, dict[str, str]], locale: str, tree: Tree, problems: list[Problem]
) -> None:
    glossary = tree.catalog_dir / "glossary.md"
    if locale != "th" or not glossary.exists():
        return
    terms = read_glossary(glossary)
    for msgid, by_domain in sorted(translations.items()):
        for domain, text in sorted(by_domain.items()):
            path = tree.relative(po_path(tree.catalog_dir, locale, domain))
            for problem in glossary_problems(terms, msgid, text):
                problems.append(Problem(path, domain, f"glossary: {problem}: {msgid!r}", False))


def describe(problems: list[Problem]) -> str:
    """A readable report, grouped by file, with the command that fixes each file."""
    by_file: dict[str, list[Problem]] = defaultdict(list)
    for problem in problems:
        by_file[problem.file].append(problem)
    lines = [f"{len(problems)} catalog problem(s) in {len(by_file)} file(s):"]
    for file, found in sorted(by_file.items()):
        lines.append(f"\n{file}")
        lines += [f"  - {p.text}" for p in found]
        domain = found[0].domain
        if any(p.stale for p in found):
            lines.append(f"  fix: python scripts/i18n.py update --domain {domain}, then translate")
        else:
            lines.append(f"  fix: edit the msgstr lines in {file}")
    return "\n".join(lines)
