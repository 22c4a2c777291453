"""Laptops of a network, each a vault folder driven only through the `cmdesk` command in its
own process, the way data managers and field workers use it: init, identity, trust,
enrol-file, join, export, import, backup, copying a vault folder.

    office = Laptop.init(tmp_path / "office", "WVFT")
    field = office.enrol(tmp_path / "field", user="pim", role="field_worker")
    office.send_to(field)                  # export, then import on the other laptop
    assert office.state_hash() == field.state_hash()

A command that fails raises `CommandFailed` with its exit code and both streams, unless the
test passes `check=False` and looks at the `Result` itself. Nothing here reaches into a vault
from the test's process: what a test asserts is what a user would see.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.network import forking

PASS = "network test passphrase"
ADMIN = "admin"
# What a `cmdesk` process imports: this checkout's code, then its tests. (The virtual
# environment's editable install may point at another checkout: a git worktree's tests would
# otherwise run that checkout's cmdesk.)
_ROOT = Path(__file__).resolve().parents[2]
PYTHONPATH = os.pathsep.join([str(_ROOT / "src"), str(_ROOT)])
_counter = itertools.count()


class CommandFailed(AssertionError):
    def __init__(self, result: Result) -> None:
        super().__init__(
            f"cmdesk {' '.join(result.args)} exited {result.code}\n"
            f"stdout: {result.out}\nstderr: {result.err}"
        )
        self.result = result


@dataclass(frozen=True)
class Result:
    args: tuple[str, ...]
    code: int
    out: str
    err: str

    @property
    def json(self) -> Any:
        return json.loads(self.out) if self.out.strip() else None


def cmdesk(
    *args: str,
    env: dict[str, str] | None = None,
    check: bool = True,
    stdin: str | None = None,
    timeout: float = 300,
) -> Result:
    """One `cmdesk` process. Messages are in English unless the test sets CMDESK_LANG."""
    full_env = {
        k: v for k, v in os.environ.items() if not k.startswith("CMDESK_") and k != "PYTHONPATH"
    }
    full_env["CMDESK_LANG"] = "en"
    # Crash reports of tests go to the temp folder, not the developer's own log folder.
    full_env["CMDESK_CRASH_DIR"] = str(Path(tempfile.gettempdir()) / "cmdesk-test-crashes")
    full_env["PYTHONPATH"] = PYTHONPATH
    full_env.update(env or {})
    forked = forking.run(args, full_env, stdin, timeout)
    if forked is None:
        proc = subprocess.run(
            [sys.executable, "-m", "tests.network.fast_cmdesk", *args],
            env=full_env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        forked = (proc.returncode, proc.stdout, proc.stderr)
    result = Result(tuple(args), *forked)
    if check and result.code != 0:
        raise CommandFailed(result)
    return result


@dataclass
class Laptop:
    """One vault folder and the user who works on it."""

    root: Path
    user: str = ADMIN
    passphrase: str = PASS
    org: str = ""
    bundles: Path = field(default_factory=Path)

    def __post_init__(self) -> None:
        if self.bundles == Path():
            self.bundles = self.root.parent / "bundles"
        self.bundles.mkdir(parents=True, exist_ok=True)

    # -- commands ------------------------------------------------------------------------------

    def run(
        self,
        *args: str,
        user: str | None = None,
        passphrase: str | None = None,
        json_out: bool = True,
        check: bool = True,
        env: dict[str, str] | None = None,
        stdin: str | None = None,
    ) -> Result:
        """`cmdesk --vault ROOT --user USER [--json] ARGS…` with this laptop's passphrase."""
        base = ["--vault", str(self.root), "--user", user or self.user]
        if json_out:
            base.append("--json")
        merged = {"CMDESK_PASSPHRASE": passphrase or self.passphrase, **(env or {})}
        return cmdesk(*base, *args, env=merged, check=check, stdin=stdin)

    def json(self, *args: str, **kwargs: Any) -> Any:
        return self.run(*args, **kwargs).json

    def as_user(self, user: str, passphrase: str = PASS) -> Laptop:
        """The same vault, worked on by another user."""
        return Laptop(self.root, user, passphrase, self.org, self.bundles)

    def open_case(self, name_th: str, *sets: str) -> Any:
        """A new girl born 2557 and a case of neglect for her (medium risk), with `sets`
        ("field=value") as more of the case's fields; the case as `case add` prints it."""
        child = self.json(
            "child", "add", "--set", f"given_name_th={name_th}", "--set", "sex=female",
            "--set", "birth_year=2557",
        )  # fmt: skip
        more = [arg for value in sets for arg in ("--set", value)]
        return self.json(
            "case", "add", child["id"], "--set", "concerns=neglect",
            "--set", "risk_level=medium", *more,
        )  # fmt: skip

    # -- founding a network --------------------------------------------------------------------

    @classmethod
    def init(cls, root: Path, org: str, user: str = ADMIN, passphrase: str = PASS) -> Laptop:
        """A new organisation's first laptop (its data manager's)."""
        cmdesk(
            "--vault", str(root), "--user", user, "--json", "init", "--org", org,
            env={"CMDESK_PASSPHRASE": passphrase, "CMDESK_NEW_PASSPHRASE": passphrase},
        )  # fmt: skip
        return cls(root, user, passphrase, org)

    def add_user(
        self, name: str, role: str, *, team: str | None = None, display_name: str | None = None
    ) -> Laptop:
        args = ["user", "add", name, "--role", role]
        if team:
            args += ["--team", team]
        if display_name:
            args += ["--name", display_name]
        self.run(*args, env={"CMDESK_NEW_PASSPHRASE": PASS})
        return self.as_user(name)

    def identity(self) -> Path:
        out = self.bundles / f"{self.org}-{next(_counter)}.identity"
        self.run("sync", "identity", "-o", str(out))
        return out

    def trust(self, other: Laptop) -> None:
        self.run("sync", "trust", str(other.identity()))

    def enrol_file(self, role: str = "field_worker") -> tuple[Path, str]:
        out = self.bundles / f"{self.org}-{next(_counter)}.enrol"
        made = self.json("sync", "enrol-file", "-o", str(out), "--role", role)
        return out, str(made["passphrase"])

    def join(
        self, root: Path, enrol_file: Path, secret: str, user: str, *, check: bool = True
    ) -> Result:
        return cmdesk(
            "--vault", str(root), "--user", user, "--json", "sync", "join", str(enrol_file),
            env={
                "CMDESK_ENROL_PASSPHRASE": secret,
                "CMDESK_PASSPHRASE": PASS,
                "CMDESK_NEW_PASSPHRASE": PASS,
            },
            check=check,
        )  # fmt: skip

    def enrol(self, root: Path, user: str, role: str = "field_worker") -> Laptop:
        """A new laptop of this organisation: enrolment file here, `sync join` there."""
        enrol_file, secret = self.enrol_file(role)
        self.join(root, enrol_file, secret, user)
        return Laptop(root, user, PASS, self.org, self.bundles)

    # -- exchanging ----------------------------------------------------------------------------

    def export(self, for_org: str | None = None, *, everything: bool = False) -> Path:
        out = self.bundles / f"{self.root.name}-{next(_counter)}.bundle"
        args = ["sync", "export", "-o", str(out)]
        if for_org:
            args += ["--for", for_org]
        if everything:
            args.append("--all")
        self.run(*args)
        return out

    def import_(self, bundle: Path, *, check: bool = True) -> Result:
        return self.run("sync", "import", str(bundle), check=check)

    def send_to(self, other: Laptop, *, for_org: str | None = None) -> Any:
        """Export for `other` (its organisation when it is a partner) and import there."""
        if for_org is None and other.org and self.org and other.org != self.org:
            for_org = other.org
        return other.import_(self.export(for_org)).json

    # -- looking ---------------------------------------------------------------------------

    def status(self) -> Any:
        return self.json("sync", "status")

    def state_hash(self) -> str:
        return str(self.status()["state_hash"])

    def check(self, *extra: str) -> Result:
        return self.run("check", *extra, check=False)

    # -- copies ----------------------------------------------------------------------------

    def backup(self) -> Path:
        out = self.root.parent / f"{self.root.name}-backup-{next(_counter)}"
        self.run("backup", "-o", str(out))
        return out

    def copy_folder(self, dest: Path) -> Laptop:
        """The vault folder copied whole (another laptop, a VM snapshot, a restore by hand)."""
        shutil.copytree(self.root, dest)
        return Laptop(dest, self.user, self.passphrase, self.org, self.bundles)
