"""The catalog tooling on a throwaway checkout: what `update` writes and what `check` refuses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cmdesk.core.i18n.maintenance import (
    Tree,
    UnknownDomain,
    check,
    compile_catalogs,
    describe,
    update,
)

from .catalog_tree import po, translate, write_source

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "i18n.py"

STORE = """
from cmdesk.core.i18n import N_

LOCKED = N_("The vault is locked.")

def report(tr, n):
    return tr.format("Saved {n} cases", n=n)
"""
THAI = {"The vault is locked.": "คลังข้อมูลถูกล็อก", "Saved {n} cases": "บันทึก {n} เคสแล้ว"}


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    """A checkout whose "vault" domain is fully translated: check passes."""
    tree = Tree(tmp_path)
    write_source(tree, "core/vault/store.py", STORE)
    update(tree)
    translate(po(tree, "vault"), THAI)
    assert check(tree) == []
    return tree


def _texts(tree: Tree) -> list[str]:
    return [p.text for p in check(tree)]


def test_update_creates_a_thai_catalog_per_domain(tmp_path: Path) -> None:
    tree = Tree(tmp_path)
    write_source(tree, "core/vault/store.py", STORE)
    write_source(tree, "cli/main.py", 'MSG = N_("Done.")\n')
    written, _ = update(tree)
    assert sorted(p.name for p in written) == ["cli.po", "vault.po"]
    assert 'msgid "Saved {n} cases"' in po(tree, "vault").read_text(encoding="utf-8")
    assert "Plural-Forms: nplurals=1; plural=0;" in po(tree, "vault").read_text(encoding="utf-8")


def test_new_catalogs_are_untranslated_so_check_fails(tmp_path: Path) -> None:
    tree = Tree(tmp_path)
    write_source(tree, "core/vault/store.py", STORE)
    update(tree)
    assert _texts(tree) == [
        "not translated: 'The vault is locked.'",
        "not translated: 'Saved {n} cases'",
    ]


def test_a_message_new_in_the_code_makes_the_catalog_stale(tree: Tree) -> None:
    write_source(tree, "core/vault/keys.py", 'X = N_("Wrong passphrase.")\n')
    problems = check(tree)
    assert [(p.file, p.text, p.stale) for p in problems] == [
        (
            "resources/i18n/th/LC_MESSAGES/vault.po",
            "not in the catalog: 'Wrong passphrase.'",
            True,
        )
    ]
    assert "update --domain vault" in describe(problems)


def test_a_message_gone_from_the_code_makes_the_catalog_stale(tree: Tree) -> None:
    write_source(tree, "core/vault/store.py", 'LOCKED = N_("The vault is locked.")\n')
    assert _texts(tree) == ["no longer in the code: 'Saved {n} cases'"]
    update(tree, "vault")
    assert check(tree) == []  # update drops it, and the other translation is kept


def test_a_new_domain_without_a_catalog_fails(tree: Tree) -> None:
    write_source(tree, "core/reports/referral.py", 'T = N_("Referral form")\n')
    assert _texts(tree) == ["missing: 1 message(s) in the code have no catalog"]


def test_empty_and_fuzzy_translations_fail(tree: Tree) -> None:
    translate(po(tree, "vault"), {"The vault is locked.": ""})
    translate(po(tree, "vault"), {"Saved {n} cases": "บันทึก {n} เคส"}, fuzzy=True)
    assert _texts(tree) == [
        "not translated: 'The vault is locked.'",
        "fuzzy (check the translation, then remove the flag): 'Saved {n} cases'",
    ]


@pytest.mark.parametrize(
    ("thai", "expected"),
    [
        ("บันทึกเคสแล้ว", "missing {n}; extra none"),
        ("บันทึก {count} เคสแล้ว", "missing {n}; extra {count}"),
        ("บันทึก {n} เคส {extra} แล้ว", "missing none; extra {extra}"),
    ],
)
def test_placeholders_must_match(tree: Tree, thai: str, expected: str) -> None:
    translate(po(tree, "vault"), {"Saved {n} cases": thai})
    assert _texts(tree) == [f"placeholders differ ({expected}) in 'Saved {{n}} cases': {thai!r}"]


def test_unbalanced_braces_in_a_translation_fail(tree: Tree) -> None:
    translate(po(tree, "vault"), {"Saved {n} cases": "บันทึก {n เคสแล้ว"})
    assert len(check(tree)) == 1


def test_a_changed_message_keeps_its_old_translation_as_fuzzy(tree: Tree) -> None:
    write_source(
        tree,
        "core/vault/store.py",
        STORE.replace("The vault is locked.", "The vault is locked now."),
    )
    update(tree, "vault")
    text = po(tree, "vault").read_text(encoding="utf-8")
    assert "#, fuzzy" in text and "คลังข้อมูลถูกล็อก" in text
    assert _texts(tree) == [
        "fuzzy (check the translation, then remove the flag): 'The vault is locked now.'"
    ]


def test_update_of_a_current_catalog_changes_nothing(tree: Tree) -> None:
    before = po(tree, "vault").read_bytes()
    assert update(tree) == ([], [])
    assert po(tree, "vault").read_bytes() == before


def test_update_of_one_domain_leaves_the_others_alone(tree: Tree) -> None:
    write_source(tree, "core/vault/keys.py", 'X = N_("Wrong passphrase.")\n')
    write_source(tree, "core/reports/referral.py", 'T = N_("Referral form")\n')
    written, _ = update(tree, "reports")
    assert [p.name for p in written] == ["reports.po"]
    assert "Wrong passphrase." not in po(tree, "vault").read_text(encoding="utf-8")


def test_update_refuses_a_domain_that_does_not_exist(tree: Tree) -> None:
    with pytest.raises(UnknownDomain, match="vault"):
        update(tree, "vualt")


def test_two_domains_must_agree_on_a_shared_message(tree: Tree) -> None:
    write_source(tree, "cli/main.py", 'X = N_("The vault is locked.")\n')
    update(tree, "cli")
    translate(po(tree, "cli"), {"The vault is locked.": "ห้องนิรภัยถูกล็อก"})
    files = sorted(p.file.rsplit("/", 1)[-1] for p in check(tree))
    assert files == ["cli.po", "vault.po"]


def test_check_reads_the_po_not_a_compiled_mo(tree: Tree) -> None:
    compile_catalogs(tree)
    assert po(tree, "vault").with_suffix(".mo").is_file()
    translate(po(tree, "vault"), {"The vault is locked.": ""})  # the .mo still has it
    assert _texts(tree) == ["not translated: 'The vault is locked.'"]


def _script(tree: Tree, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--root", str(tree.root), *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_script_exits_1_with_a_readable_list(tree: Tree) -> None:
    assert _script(tree, "check").returncode == 0
    translate(po(tree, "vault"), {"The vault is locked.": ""})
    result = _script(tree, "check")
    assert result.returncode == 1
    assert "resources/i18n/th/LC_MESSAGES/vault.po" in result.stderr
    assert "not translated: 'The vault is locked.'" in result.stderr


def test_the_script_updates_and_compiles(tmp_path: Path) -> None:
    tree = Tree(tmp_path)
    write_source(tree, "core/vault/store.py", STORE)
    assert _script(tree, "update", "--domain", "vault").returncode == 0
    assert po(tree, "vault").is_file()
    assert _script(tree, "compile").returncode == 0
    assert po(tree, "vault").with_suffix(".mo").is_file()
    assert _script(tree, "extract").returncode == 0
    assert (tree.catalog_dir / "templates" / "vault.pot").is_file()


GLOSSARY = """
| concept | English (checked words) | Thai | not | checked | where |
|---|---|---|---|---|---|
| case manager | case manager | ผู้จัดการรายกรณี | | yes | roles |
| case | case, cases | เคส | รายกรณี | yes | everywhere |
| vault | vault | คลังข้อมูล | | no | everywhere |
"""


def test_a_translation_that_leaves_the_glossary_fails_the_check(tree: Tree) -> None:
    (tree.catalog_dir / "glossary.md").write_text(GLOSSARY, encoding="utf-8")
    assert check(tree) == []  # "บันทึก {n} เคสแล้ว" uses the glossary's word
    translate(po(tree, "vault"), {"Saved {n} cases": "บันทึก {n} รายกรณีแล้ว"})
    problems = _texts(tree)
    assert any("'case' is written 'เคส'" in p and "Saved {n} cases" in p for p in problems)
    assert any("'รายกรณี' is not used for 'case'" in p for p in problems)


def test_the_glossary_reads_longer_terms_first_and_skips_quoted_names() -> None:
    from cmdesk.core.i18n.glossary import glossary_problems, read_glossary

    path = Path(__file__).resolve().parents[3] / "resources" / "i18n" / "glossary.md"
    terms = read_glossary(path)
    # The professional compound keeps its own word; the bare word takes เคส.
    assert list(glossary_problems(terms, "Case manager", "ผู้จัดการรายกรณี")) == []
    assert list(glossary_problems(terms, "Open the case", "เปิดรายกรณี")) != []
    # A command's name in quotes is a name, not the concept.
    assert list(glossary_problems(terms, "Run 'sync conflicts'.", "ใช้คำสั่ง 'sync conflicts'")) == []
    assert list(glossary_problems(terms, "The organisation's legal status", "สถานะทางกฎหมาย")) != []
