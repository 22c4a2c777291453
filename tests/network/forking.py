"""The test process's side of `command_server`: one server per test process, started at the
first command, asked to fork each `cmdesk` command; `None` where a fresh interpreter must run
it instead (see `harness.cmdesk`)."""

from __future__ import annotations

import atexit
import itertools
import json
import locale
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

FRESH = "CMDESK_TEST_FRESH_PROCESS"


class _Server:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.folder = Path(tempfile.mkdtemp(prefix="cmdesk-commands-"))
        self.socket = str(self.folder / "socket")
        self._names = itertools.count()
        self.ran = 0
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.network.command_server", self.socket],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        if self.proc.stdout.readline().strip() != "ready":
            raise RuntimeError("the test command server did not start")
        atexit.register(self.stop)

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def run(
        self, args: tuple[str, ...], env: dict[str, str], stdin: str | None, timeout: float
    ) -> tuple[int, str, str]:
        self.ran += 1
        base = self.folder / str(next(self._names))
        out, err, given = (base.with_suffix(s) for s in (".out", ".err", ".in"))
        out.touch()
        err.touch()
        if stdin is not None:
            given.write_text(stdin, encoding=_ENCODING)
        request = {
            "args": list(args),
            "env": env,
            "cwd": str(Path.cwd()),
            "stdin": str(given) if stdin is not None else None,
            "out": str(out),
            "err": str(err),
        }
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.connect(self.socket)
            conn.settimeout(timeout)
            conn.sendall((json.dumps(request) + "\n").encode())
            answers = conn.makefile("r", encoding="ascii")
            pid = 0
            try:
                pid = int(answers.readline())
                said = answers.readline().strip()
            except TimeoutError:
                if pid:
                    os.kill(pid, signal.SIGKILL)
                raise subprocess.TimeoutExpired(list(args), timeout) from None
        # A child that died without answering (killed) ends like a killed process.
        code = int(said) if said else -signal.SIGKILL
        # As `subprocess.run(text=True)` reads them: the locale's encoding, newlines folded.
        texts = [p.read_text(encoding=_ENCODING) for p in (out, err)]
        for made in (out, err, given):
            made.unlink(missing_ok=True)
        return code, texts[0], texts[1]


# Variables read when a command runs, not when an interpreter starts: they may differ from the
# server's (pytest names the current test in its own).
_READ_WHEN_USED = ("CMDESK_", "PYTEST_CURRENT_TEST")
_ENCODING = locale.getpreferredencoding(False)
_servers: dict[int, _Server] = {}


def run(
    args: tuple[str, ...], env: dict[str, str], stdin: str | None, timeout: float
) -> tuple[int, str, str] | None:
    """The command forked from this process's server, or `None` when it must start fresh:
    when asked to, or when its environment differs from the server's in what a fresh
    interpreter reads at its start (locale, paths, time zone: all but `_READ_WHEN_USED`)."""
    if os.environ.get(FRESH):
        return None
    base = {k: v for k, v in env.items() if not k.startswith(_READ_WHEN_USED)}
    server = _servers.get(os.getpid())
    if server is None:
        server = _servers[os.getpid()] = _Server(base)
    if server.env != base:
        return None
    return server.run(args, env, stdin, timeout)


def forked_here() -> int:
    """How many commands this process's server has forked (for the harness's own test)."""
    server = _servers.get(os.getpid())
    return server.ran if server else 0
