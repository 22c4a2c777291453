from __future__ import annotations

from pathlib import Path, PurePath

import pytest

from cmdesk.core.i18n.catalogs import domain_of
from cmdesk.core.i18n.extraction import SourceUnreadable, extract_templates
from cmdesk.core.i18n.maintenance import Tree

from .catalog_tree import write_source


def _ids(tree: Tree, domain: str) -> set[object]:
    templates = extract_templates(tree.package_dir, tree.root)
    return {m.id for m in templates[domain] if m.id}


@pytest.mark.parametrize(
    ("module", "domain"),
    [
        ("core/errors.py", "core"),
        ("core/vault/store.py", "vault"),
        ("core/vault/migrations/versions/0001_init.py", "vault"),
        ("core/reports/documents/referral.py", "reports"),
        ("core/brand_new_area/thing.py", "brand_new_area"),
        ("cli/main.py", "cli"),
        ("gui/windows/case.py", "gui"),
        ("resources.py", "app"),
    ],
)
def test_domain_follows_the_directory(module: str, domain: str) -> None:
    assert domain_of(PurePath(module)) == domain


def test_finds_every_marker(tmp_path: Path) -> None:
    tree = Tree(tmp_path)
    write_source(
        tree,
        "core/services/cases.py",
        """
        from cmdesk.core.i18n import N_

        TITLE = N_("Cases")

        def save(tr, n):
            _ = tr.gettext
            print(_("Saved"), tr.gettext("Open the case"))
            print(tr.ngettext("{n} case", "{n} cases", n).format(n=n))
            return tr.format("Saved {n} cases", n=n)
        """,
    )
    assert _ids(tree, "services") == {
        "Cases",
        "Saved",
        "Open the case",
        ("{n} case", "{n} cases"),
        "Saved {n} cases",
    }


def test_python_str_format_is_not_a_message(tmp_path: Path) -> None:
    tree = Tree(tmp_path)
    write_source(
        tree,
        "core/vault/x.py",
        """
        def f(tr, template, name):
            a = "{a} and {b}".format(a="apples", b=name)
            b = f"{name}".format()
            c = template.format(who="somebody")
            d = tr.gettext(f"dynamic {name}")
            e = tr.format(template, who="nobody")
            return tr.format("Real {who}", who="not a message")
        """,
    )
    assert _ids(tree, "vault") == {"Real {who}"}


def test_translator_comments_reach_the_catalog(tmp_path: Path) -> None:
    tree = Tree(tmp_path)
    write_source(
        tree,
        "gui/case_window.py",
        """
        # Translators: the button that closes a case file, not a window
        CLOSE = N_("Close")
        """,
    )
    catalog = extract_templates(tree.package_dir, tree.root)["gui"]
    assert catalog["Close"].auto_comments == [
        "Translators: the button that closes a case file, not a window"
    ]


def test_a_broken_source_file_is_named(tmp_path: Path) -> None:
    tree = Tree(tmp_path)
    write_source(tree, "core/sync/bad.py", "def f(:\n")
    with pytest.raises(SourceUnreadable, match=r"src/cmdesk/core/sync/bad\.py"):
        extract_templates(tree.package_dir, tree.root)
