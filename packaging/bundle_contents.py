"""What the frozen bundle carries besides Python modules, in one place that cmdesk.spec and the
fast checks in tests/packaging/test_spec.py both read.

Standard library only, so it imports without PyInstaller (the test venv has none).

Every tree lands at the same path relative to the bundle's root (sys._MEIPASS) as it has
relative to site-packages in an installed wheel, because the app finds its files from
`__file__` (migrate.MIGRATIONS, resources.resources_dir(), fontpkg_sarabun.ROOT, geothai's
package data). The keep-lists were measured, not guessed: run the app with an audit hook on
"open" (or the bundle under strace) and list what it reads; see packaging/README.md.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "cmdesk"
MIGRATIONS = PACKAGE / "core" / "vault" / "migrations"
RESOURCES = ROOT / "resources"

MIGRATIONS_DEST = "cmdesk/core/vault/migrations"
RESOURCES_DEST = "cmdesk/resources"

# Sarabun faces the app loads: reports/fonts.py (four) and gui/app.py (those plus SemiBold).
# The OFL requires its licence to travel with the fonts.
SARABUN_FILES = (
    "Sarabun-Regular.ttf",
    "Sarabun-Bold.ttf",
    "Sarabun-Italic.ttf",
    "Sarabun-BoldItalic.ttf",
    "Sarabun-SemiBold.ttf",
)
SARABUN_EXTRA = ("LICENSE", "metadata.json")

# pythainlp's package data is 63 MB (models, Wikipedia titles, WordNet); newmm segmentation
# reads only the word list, and importing pythainlp.tokenize reads the stop words.
PYTHAINLP_CORPUS = ("words_th.txt", "stopwords_th.txt", "corpus_license.md")

# Babel's locale data is 32 MB for ~1000 locales. cmdesk formats dates in th_TH and en_GB
# (core/i18n/dates.py BABEL_LOCALE) and parses names in "en" too; these are the files that
# Babel opens for them, parents included (en_GB -> en_001 -> en -> root; th_TH -> th -> root).
BABEL_LOCALES = ("root", "en", "en_001", "en_GB", "th", "th_TH")

# Qt plugins kept (plugin directory/file stem without "lib"), measured by which ones the GUI
# loads. xcb draws on Linux desktops (X11, and XWayland on Wayland sessions); offscreen runs
# the tests and the smoke test; minimal is Qt's fallback; windows is the Windows platform.
# The icons are SVG (svg icon engine and image format); JPEG is for organisation logos (PNG is
# built into QtGui); ICO for Windows. xcb's GL integrations let it start with and without EGL.
# Compose and IBus input contexts let people type Thai with dead keys and input methods.
# Not kept: gtk3 and xdg-portal themes (they pull GTK, cairo and pango into the bundle and
# need a matching GTK on the laptop), wayland, eglfs/linuxfb/vnc, TLS and network plugins
# (cmdesk never opens a network connection through Qt), SQL drivers, QML tooling.
QT_PLUGINS = (
    "platforms/qxcb",
    "platforms/qoffscreen",
    "platforms/qminimal",
    "platforms/qwindows",
    "iconengines/qsvgicon",
    "imageformats/qsvg",
    "imageformats/qico",
    "imageformats/qjpeg",
    "xcbglintegrations/qxcb-egl-integration",
    "xcbglintegrations/qxcb-glx-integration",
    "platforminputcontexts/composeplatforminputcontextplugin",
    "platforminputcontexts/ibusplatforminputcontextplugin",
)

# Qt's own translations (standard dialog buttons). English is Qt's source language, so only
# Thai is worth shipping; PySide6 6.12 has no qtbase_th.qm, so today nothing is shipped (and
# standard buttons stay English unless the GUI sets their texts).
QT_TRANSLATION_LANGS = ("th",)

# Python modules the app never loads; excluding them keeps hooks from dragging them in.
# Pillow stays: reportlab imports it at module level and reads logos through it.
EXCLUDES = (
    "tkinter",
    "unittest",
    "pydoc",
    "pytest",
    "hypothesis",
    "IPython",
    "numpy",
    "nltk",
    "torch",
    "onnxruntime",
    # pythainlp's WordNet needs a downloaded corpus and the stdlib sqlite3.
    "pythainlp.corpus.wordnet",
    # zstandard's CFFI backend is for PyPy; CPython uses backend_c (12 MB saved).
    "zstandard.backend_cffi",
    "zstandard._cffi",
    # No plaintext SQLite in the field build: every database is SQLCipher (sqlcipher3). Without
    # the stdlib module, a code path that opened an unkeyed sqlite3 connection fails loudly
    # instead of quietly writing an unencrypted file (security.md, threat 8).
    "sqlite3",
    # Pillow formats reportlab never reads (logos are PNG or JPEG): AVIF and WebP bring 6 MB of
    # libraries. PIL.Image skips plugins that fail to import, so this is safe.
    "PIL._avif",
    "PIL.AvifImagePlugin",
    "PIL._webp",
    "PIL.WebPImagePlugin",
    "PIL.ImageTk",
    "PIL._imagingtk",
    "PIL.ImageCms",
    "PIL._imagingcms",
    "PIL.ImageQt",
)

# PySide6 Python modules cmdesk imports. PySide6-Essentials ships ~25 (Qml, Quick, Network,
# Sql, ...); the spec excludes every other one, so no hook collects its libraries and plugins.
# QtSvg's library still comes in, as a dependency of the SVG plugins.
# QtNetwork: whether the connection is metered, so the hub exchange does not run by itself
# on a phone's data (QNetworkInformation and its backend plugins).
QT_MODULES = ("QtCore", "QtGui", "QtNetwork", "QtPrintSupport", "QtWidgets")


def migration_files() -> list[Path]:
    """What Alembic reads from script_location: env.py, the template and every revision."""
    files = [MIGRATIONS / "env.py", MIGRATIONS / "script.py.mako", MIGRATIONS / "__init__.py"]
    files += sorted((MIGRATIONS / "versions").glob("*.py"))
    return [f for f in files if f.is_file()]


def resource_files() -> list[Path]:
    """Catalogs (.po and the compiled .mo; the app globs *.po, then prefers a newer .mo) and
    icons. Templates (.pot) and READMEs are for translators, not for the app."""
    found = sorted((RESOURCES / "i18n").glob("*/LC_MESSAGES/*.po"))
    found += sorted((RESOURCES / "i18n").glob("*/LC_MESSAGES/*.mo"))
    found += sorted((RESOURCES / "icons").glob("*.svg"))
    return found


def app_datas() -> list[tuple[str, str]]:
    """(source file, destination folder in the bundle) for the app's own run-time files."""
    datas = []
    for f in migration_files():
        dest = Path(MIGRATIONS_DEST) / f.parent.relative_to(MIGRATIONS)
        datas.append((str(f), dest.as_posix()))
    for f in resource_files():
        dest = Path(RESOURCES_DEST) / f.parent.relative_to(RESOURCES)
        datas.append((str(f), dest.as_posix()))
    return datas


def missing_compiled_catalogs() -> list[Path]:
    """.po files with no .mo at least as new: build.sh compiles first, the spec refuses these."""
    stale = []
    for po in sorted((RESOURCES / "i18n").glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if not mo.is_file() or mo.stat().st_mtime < po.stat().st_mtime:
            stale.append(po)
    return stale


def migration_imports() -> list[str]:
    """Modules the migration scripts import. They are data to PyInstaller (Alembic execs them
    from files at run time), so their imports must be declared as hidden imports."""
    names: set[str] = set()
    for f in migration_files():
        if f.suffix != ".py":
            continue
        for node in ast.walk(ast.parse(f.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
                # "from alembic import op": op may be a submodule, or only an attribute.
                names.update(
                    f"{node.module}.{alias.name}"
                    for alias in node.names
                    if _is_module(f"{node.module}.{alias.name}")
                )
    return sorted(names - {"__future__"})


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # the parent is a module, not a package
        return False


def keep_data(dest: str) -> bool:
    """Whether a third-party data file (destination path in the bundle) is worth shipping."""
    parts = Path(dest).parts
    if parts[:2] == ("pythainlp", "corpus"):
        return len(parts) == 3 and parts[2] in PYTHAINLP_CORPUS
    if parts[:2] == ("babel", "locale-data"):
        return Path(dest).stem in BABEL_LOCALES
    if parts[:1] == ("fontpkg_sarabun",) and len(parts) >= 2 and parts[1] == "files":
        return parts[-1] in SARABUN_FILES
    if parts[:3] == ("PySide6", "Qt", "translations"):
        name = Path(dest).stem  # qtbase_th
        return name.startswith(("qt_", "qtbase_")) and name.split("_")[-1] in QT_TRANSLATION_LANGS
    return True


def keep_binary(dest: str) -> bool:
    """Whether a collected shared library or Qt plugin is worth shipping."""
    parts = Path(dest).parts
    if parts[:1] != ("PySide6",) or "plugins" not in parts:
        return True
    rest = parts[parts.index("plugins") + 1 :]  # PySide6/Qt/plugins (Linux), PySide6/plugins
    if len(rest) != 2:
        return False
    stem = rest[1].split(".")[0].removeprefix("lib")
    return f"{rest[0]}/{stem}" in QT_PLUGINS
