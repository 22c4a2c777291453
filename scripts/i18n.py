"""Message catalogs: extract, update, compile, check.

    python scripts/i18n.py extract                 write resources/i18n/templates/<domain>.pot
    python scripts/i18n.py update [--domain D]     merge the code's messages into th/<domain>.po
    python scripts/i18n.py compile                 write a .mo next to every .po
    python scripts/i18n.py check                   exit 1 if any catalog is stale or incomplete

A source file's domain is the first directory below src/cmdesk/core/ ("core" for modules
directly in it), or cli/gui for the front ends; see cmdesk.core.i18n.catalogs.domain_of.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The project may not be installed (a fresh checkout); the catalogs tooling lives in its source.
sys.path.insert(0, str(ROOT / "src"))

from cmdesk.core.i18n.extraction import SourceUnreadable  # noqa: E402
from cmdesk.core.i18n.maintenance import (  # noqa: E402
    Tree,
    UnknownDomain,
    check,
    compile_catalogs,
    describe,
    update,
    write_templates,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="i18n.py", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="repository root (for tests)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("extract", help="write one .pot template per domain")
    update_parser = commands.add_parser(
        "update", help="merge the code's messages into the .po files"
    )
    update_parser.add_argument("--domain", help="only this domain (default: all)")
    commands.add_parser("compile", help="write .mo files")
    commands.add_parser("check", help="fail if a catalog is stale, untranslated or fuzzy")
    args = parser.parse_args(argv)
    tree = Tree(args.root.resolve())

    try:
        if args.command == "extract":
            for path in write_templates(tree):
                print(f"wrote {tree.relative(path)}")
        elif args.command == "update":
            written, removed = update(tree, args.domain)
            for path in written:
                print(f"updated {tree.relative(path)}")
            for path in removed:
                print(f"removed {tree.relative(path)} (its domain has no messages left)")
            if not written and not removed:
                print("catalogs already up to date")
        elif args.command == "compile":
            print(f"compiled {len(compile_catalogs(tree))} catalog(s)")
        else:
            problems = check(tree)
            if problems:
                print(describe(problems), file=sys.stderr)
                return 1
            print("catalogs OK")
    except (SourceUnreadable, UnknownDomain) as error:
        print(f"i18n.py {args.command}: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
