"""Fast checks of the field-laptop bundle's contents, without building it (a build takes
minutes; packaging/build.sh --smoke does that).

The spec reads its lists from packaging/bundle_contents.py. These tests compare those lists
with what the app actually loads: paths taken from the app's own code, and files opened
while the app formats dates, segments Thai, finds places and prints documents. They fail
when someone moves a data folder, uses a new font face, Babel locale, Qt module or pythainlp
corpus, or when a dependency upgrade starts reading another file, so the bundle is fixed
before a laptop finds out in a village.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

import cmdesk
from cmdesk import resources
from cmdesk.core.vault import migrate

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
PACKAGE_PARENT = Path(cmdesk.__file__).resolve().parents[1]


def _load_bundle_contents() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bundle_contents", PACKAGING / "bundle_contents.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bc = _load_bundle_contents()


def shipped() -> dict[str, str]:
    """Bundle path (folder/name) -> source file, for the app's own data."""
    return {f"{dest}/{Path(src).name}": src for src, dest in bc.app_datas()}


def test_migrations_land_where_alembic_is_pointed() -> None:
    # migrate.MIGRATIONS is derived from __file__, so the bundle must mirror the package.
    assert migrate.MIGRATIONS.relative_to(PACKAGE_PARENT).as_posix() == bc.MIGRATIONS_DEST
    files = shipped()
    for needed in ("env.py", "script.py.mako"):
        assert f"{bc.MIGRATIONS_DEST}/{needed}" in files
    # Every revision Alembic would load, by its own reckoning, is shipped.
    revisions = list(migrate.script().walk_revisions())
    assert revisions
    for rev in revisions:
        path = Path(rev.path).resolve()
        dest = Path(bc.MIGRATIONS_DEST) / path.relative_to(migrate.MIGRATIONS.resolve())
        assert dest.as_posix() in files, f"revision {rev.revision} not in the bundle"


def test_migration_imports_become_hidden_imports() -> None:
    hidden = set(bc.migration_imports())
    assert {"alembic", "sqlalchemy"} <= hidden
    for name in hidden:
        assert importlib.util.find_spec(name) is not None, name


def test_resources_land_where_the_app_looks_for_them() -> None:
    installed = Path(resources.__file__).resolve().parent / "resources"
    assert installed.relative_to(PACKAGE_PARENT).as_posix() == bc.RESOURCES_DEST
    # The wheel puts them in the same place, so the app has one layout to expect.
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    force = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert force["resources"] == bc.RESOURCES_DEST


def test_every_catalog_and_icon_is_shipped() -> None:
    files = shipped()
    po_files = sorted((ROOT / "resources" / "i18n").glob("*/LC_MESSAGES/*.po"))
    assert po_files
    for po in po_files:
        rel = po.relative_to(ROOT / "resources").as_posix()
        assert f"{bc.RESOURCES_DEST}/{rel}" in files
    icons = sorted((ROOT / "resources" / "icons").glob("*.svg"))
    # app.svg is the window icon and the .deb's desktop icon.
    assert "app.svg" in {p.name for p in icons}
    for svg in icons:
        assert f"{bc.RESOURCES_DEST}/icons/{svg.name}" in files


def test_every_sarabun_face_the_code_names_is_shipped() -> None:
    import fontpkg_sarabun

    named = set()
    for path in (ROOT / "src").rglob("*.py"):
        named.update(re.findall(r"Sarabun-[A-Za-z]+\.ttf", path.read_text("utf-8")))
    assert named
    for face in named:
        assert face in bc.SARABUN_FILES, f"{face} is used but not shipped"
        assert bc.keep_data(f"fontpkg_sarabun/files/{face}")
        assert (Path(fontpkg_sarabun.ROOT) / "files" / face).is_file()
    assert not bc.keep_data("fontpkg_sarabun/files/Sarabun-Thin.ttf")


def test_every_pyside6_module_the_gui_imports_is_kept() -> None:
    imported = set()
    for path in (ROOT / "src" / "cmdesk").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                if name.startswith("PySide6."):
                    imported.add(name.split(".")[1])
    assert "QtWidgets" in imported
    missing = imported - set(bc.QT_MODULES)
    assert not missing, f"add to QT_MODULES in packaging/bundle_contents.py: {missing}"


def test_qt_plugins_the_app_needs_are_kept() -> None:
    for plugin in (
        "platforms/libqxcb.so",
        "platforms/libqoffscreen.so",
        "iconengines/libqsvgicon.so",
        "imageformats/libqsvg.so",
    ):
        assert bc.keep_binary(f"PySide6/Qt/plugins/{plugin}"), plugin
    assert bc.keep_binary("PySide6/plugins/platforms/qwindows.dll")
    assert not bc.keep_binary("PySide6/Qt/plugins/platforms/libqwayland.so")
    assert not bc.keep_binary("PySide6/Qt/plugins/sqldrivers/libqsqlite.so")


# Runs the app's data-reading paths with an audit hook and prints every file opened.
_PROBE = """
import json, os, sys
opened = set()
sys.addaudithook(lambda ev, args: ev == "open" and isinstance(args[0], str)
                 and opened.add(os.path.realpath(args[0])))
from datetime import date
from cmdesk.core.i18n import format_date, parse_date, translator
from cmdesk.core.reference import geography
from cmdesk.core.reports import Level, build_referral_slip, samples
from cmdesk.core.reports.thai_wrap import thai_words
for lang in ("th", "en"):
    format_date(date(2025, 1, 15), lang, "long")
    translator(lang)
parse_date("15 ม.ค. 2568", "th")
parse_date("15 Jan 2025", "en")
thai_words("เด็กหญิงอาศัยอยู่ที่อำเภอแม่สาย")
geography.search_places("แม่สาย")
build_referral_slip(samples.referral_slip("th"), tr=translator("th"), level=Level.FULL,
                    printed_by="t", printed_at=samples.PRINTED_AT)
print(json.dumps(sorted(opened)))
"""


@pytest.fixture(scope="module")
def opened_by_app(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    home = tmp_path_factory.mktemp("home")
    env = {**os.environ, "HOME": str(home), "PYTHAINLP_READ_ONLY": "1", "PYTHAINLP_OFFLINE": "1"}
    out = subprocess.run(
        [sys.executable, "-c", _PROBE],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    return list(json.loads(out.splitlines()[-1]))


def _bundle_path(path: str) -> str | None:
    """Where a third-party file would sit in the bundle (its path below site-packages)."""
    for top in ("pythainlp", "babel", "fontpkg_sarabun", "geothai"):
        module = importlib.util.find_spec(top)
        assert module is not None and module.origin is not None
        base = Path(module.origin).resolve().parent
        if Path(path).is_relative_to(base):
            return (Path(top) / Path(path).relative_to(base)).as_posix()
    return None


def test_third_party_data_the_app_reads_is_kept(opened_by_app: list[str]) -> None:
    read = [p for p in map(_bundle_path, opened_by_app) if p and not p.endswith((".py", ".pyc"))]
    # The probe did reach each filtered package, so the check below means something.
    for top in ("pythainlp/corpus/", "babel/locale-data/", "fontpkg_sarabun/files/", "geothai/"):
        assert any(p.startswith(top) for p in read), f"probe read nothing from {top}"
    dropped = [p for p in read if not bc.keep_data(p)]
    assert not dropped, f"the app reads these, but the bundle leaves them out: {dropped}"


def test_pythainlp_honours_the_bundles_read_only_mode(tmp_path: Path) -> None:
    # The bundle's runtime hook sets these; pythainlp renamed its variable once already
    # (PYTHAINLP_READ_MODE -> PYTHAINLP_READ_ONLY). If it is ignored, every laptop gets a
    # ~/pythainlp-data folder and download attempts.
    hook = (PACKAGING / "hooks" / "rthook_cmdesk.py").read_text("utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHAINLP")}
    env["HOME"] = str(tmp_path)
    code = hook + "\nfrom cmdesk.core.reports.thai_wrap import thai_words\nthai_words('ภาษาไทย')\n"
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=120)
    assert list(tmp_path.iterdir()) == []


def test_desktop_entry_runs_the_gui_script() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    entry = (PACKAGING / "linux" / "cmdesk.desktop").read_text("utf-8")
    assert "cmdesk-gui" in pyproject["project"]["gui-scripts"]
    assert re.search(r"^Exec=cmdesk-gui$", entry, re.M)
    assert re.search(r"^Icon=cmdesk$", entry, re.M)
