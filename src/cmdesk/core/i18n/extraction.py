"""Finds translatable messages in the source and groups them into one template per domain.

Messages are marked with `N_("...")`, `NP_("...", "...")`, `_("...")`, `tr.gettext("...")`,
`tr.ngettext("...", "...", n)` or `tr.format("... {name}", name=...)`. Babel does the
bookkeeping (keyword specs, catalogs). The Python extractor below replaces Babel's token-based
one because `format` is also the name of `str.format`: Babel's would take
`"{a}".format(a="Hello")` as the message "Hello", while reading the syntax tree we take only
string literals passed as positional arguments, and skip calls on a string literal.
"""

from __future__ import annotations

import ast
import io
import tokenize
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import IO, Any, cast

from babel.messages.catalog import Catalog
from babel.messages.extract import extract

from cmdesk.core.i18n.catalogs import domain_of

# Babel keyword specs: which positional arguments are messages (None = the first).
KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "N_": None,
    "NP_": (1, 2),
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "nformat": (1, 2),
    "format": None,
}
# A comment starting with this, right above a message, is copied into the catalog for translators.
COMMENT_TAGS = ("Translators:",)


class SourceUnreadable(Exception):
    """A source file could not be parsed, so its messages cannot be known."""


Extracted = tuple[int, str, "str | tuple[str | None, ...] | None", list[str]]


def extract_python_ast(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    """A Babel extraction method (same signature as babel's extract_python)."""
    source = fileobj.read()
    tree = ast.parse(source)
    comments = _comments_by_line(source)
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
    for call in sorted(calls, key=lambda c: (c.lineno, c.col_offset)):
        name = _called_name(call)
        if name is None or name not in keywords or not call.args:
            continue
        args = tuple(_literal(arg) for arg in call.args)
        messages = args if len(args) > 1 else args[0]
        yield call.lineno, name, messages, _translator_comments(comments, call.lineno, comment_tags)


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        if isinstance(func.value, ast.Constant | ast.JoinedStr):
            return None  # "...".format(...): Python's str.format, not ours
        return func.attr
    return None


def _literal(node: ast.expr) -> str | None:
    # Implicitly joined literals ("a" "b") are one Constant; f-strings are not literal messages.
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _comments_by_line(source: bytes) -> dict[int, str]:
    tokens = tokenize.tokenize(io.BytesIO(source).readline)
    return {t.start[0]: t.string[1:].strip() for t in tokens if t.type == tokenize.COMMENT}


def _translator_comments(
    comments: Mapping[int, str], lineno: int, tags: Collection[str]
) -> list[str]:
    """The tagged comment block ending on the line just above the call (or on the same line)."""
    block: list[str] = []
    line = lineno - 1
    while line in comments:
        block.insert(0, comments[line])
        line -= 1
    for i, text in enumerate(block):
        if any(text.startswith(tag) for tag in tags):
            return block[i:]
    return []


def source_files(package_dir: Path) -> list[Path]:
    return sorted(p for p in package_dir.rglob("*.py") if "__pycache__" not in p.parts)


def extract_templates(package_dir: Path, root: Path) -> dict[str, Catalog]:
    """One template catalog per domain that has at least one message, by domain name.

    package_dir is src/cmdesk; locations are written relative to root (the repository).
    """
    templates: dict[str, Catalog] = {}
    for path in source_files(package_dir):
        domain = domain_of(path.relative_to(package_dir))
        location = path.relative_to(root).as_posix()
        with path.open("rb") as fp:
            try:
                # Babel's annotation of extraction methods is narrower than what it accepts.
                method = cast("Any", extract_python_ast)
                found = list(extract(method, fp, KEYWORDS, COMMENT_TAGS))
            except SyntaxError as error:
                raise SourceUnreadable(f"{location}:{error.lineno}: {error.msg}") from error
        for lineno, message, auto_comments, context in found:
            catalog = templates.setdefault(domain, Catalog(domain=domain, fuzzy=False))
            catalog.add(
                message,
                None,
                [(location, lineno)],
                auto_comments=auto_comments,
                context=context,
            )
    return dict(sorted(templates.items()))
