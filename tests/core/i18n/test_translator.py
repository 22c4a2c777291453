from __future__ import annotations

import os
from pathlib import Path

import pytest

from cmdesk.core.errors import UnlockThrottled, ValidationError, WrongPassphrase
from cmdesk.core.i18n import Translator, translator
from cmdesk.core.i18n.maintenance import Tree, check, compile_catalogs, update

from .catalog_tree import po, translate, write_source

REPO = Path(__file__).resolve().parents[3]


def test_thai_error_message_is_thai() -> None:
    assert WrongPassphrase().message(translator("th")) == "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"


def test_english_is_the_message_itself() -> None:
    assert (
        WrongPassphrase().message(translator("en")) == "The user name or passphrase is not correct."
    )


def test_placeholders_survive_translation() -> None:
    assert UnlockThrottled(30).message(translator("th")) == (
        "ใส่รหัสผ่านผิดหลายครั้งเกินไป กรุณารอ 30 วินาที แล้วลองใหม่อีกครั้ง"
    )
    assert UnlockThrottled(30).message(translator("en")) == (
        "Too many wrong passphrases. Wait 30 seconds, then try again."
    )


def test_a_validation_error_reads_in_both_languages() -> None:
    error = ValidationError.single("date", "Enter a date, for example 15/1/2025.")
    assert error.message(translator("th")).splitlines() == [
        "กรุณาตรวจสอบข้อมูลในช่องต่อไปนี้",
        "date: กรุณากรอกวันที่ เช่น 15/1/2568",
    ]


def test_an_unknown_message_comes_back_in_english() -> None:
    assert translator("th").gettext("Not a message anyone marked") == "Not a message anyone marked"


@pytest.mark.parametrize("domain", ["core", "i18n"])
def test_domains_kept_here_are_complete(domain: str) -> None:
    problems = [p for p in check(Tree(REPO)) if p.domain == domain]
    assert problems == []


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    tree = Tree(tmp_path)
    write_source(
        tree, "core/vault/a.py", 'A = N_("Locked")\nP = ngettext("{n} case", "{n} cases", 2)\n'
    )
    write_source(tree, "cli/b.py", 'B = N_("Done")\nC = N_("Broken {name}")\n')
    update(tree)
    translate(po(tree, "vault"), {"Locked": "ล็อกอยู่", "{n} case": "{n} เคส"})
    translate(po(tree, "cli"), {"Done": "เสร็จแล้ว", "Broken {name}": "เสีย {nmae}"})
    return tree


def test_all_domains_are_merged(tree: Tree) -> None:
    tr = Translator("th", tree.catalog_dir)
    assert (tr.gettext("Locked"), tr.gettext("Done")) == ("ล็อกอยู่", "เสร็จแล้ว")


def test_thai_has_one_plural_form(tree: Tree) -> None:
    tr = Translator("th", tree.catalog_dir)
    assert [tr.ngettext("{n} case", "{n} cases", n) for n in (1, 2)] == ["{n} เคส", "{n} เคส"]
    assert Translator("en", tree.catalog_dir).ngettext("{n} case", "{n} cases", 1) == "{n} case"


def test_a_broken_translation_falls_back_to_english(tree: Tree) -> None:
    assert Translator("th", tree.catalog_dir).format("Broken {name}", name="x") == "Broken x"


def test_works_without_compiled_catalogs(tree: Tree) -> None:
    assert not list(tree.catalog_dir.rglob("*.mo"))
    assert Translator("th", tree.catalog_dir).gettext("Locked") == "ล็อกอยู่"


def test_a_fresh_mo_is_used_and_a_stale_one_ignored(tree: Tree) -> None:
    compile_catalogs(tree)
    mo = po(tree, "vault").with_suffix(".mo")
    # A .mo that says something else proves which file was read.
    translate(po(tree, "vault"), {"Locked": "ล็อกจาก po"})
    os.utime(mo, (1, 1))  # older than the .po: ignored
    assert Translator("th", tree.catalog_dir).gettext("Locked") == "ล็อกจาก po"
    compile_catalogs(tree)
    translate(po(tree, "vault"), {"Locked": "ล็อกจาก po ที่ใหม่กว่า"})
    future = po(tree, "vault").stat().st_mtime + 60
    os.utime(mo, (future, future))  # newer than the .po: used
    assert Translator("th", tree.catalog_dir).gettext("Locked") == "ล็อกจาก po"


def test_counts_read_naturally_in_both_languages() -> None:
    from cmdesk.core.errors import UnlockThrottled
    from cmdesk.core.i18n import translator

    en, th = translator("en"), translator("th")
    assert en.nformat("{n} page", "{n} pages", 1) == "1 page"
    assert en.nformat("{n} page", "{n} pages", 3) == "3 pages"
    assert th.nformat("{n} page", "{n} pages", 1) == th.nformat("{n} page", "{n} pages", 1)
    assert "หน้า" in th.nformat("{n} page", "{n} pages", 3)
    assert (
        UnlockThrottled(1).message(en)
        == "Too many wrong passphrases. Wait 1 second, then try again."
    )
    assert "Wait 5 seconds" in UnlockThrottled(5).message(en)
    assert "1 วินาที" in UnlockThrottled(1).message(th)
