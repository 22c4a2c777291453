"""`python -m tests.network.command_server SOCKET`: starts `cmdesk` commands for the network
tests by forking, so that each command is still a process of its own (its own arguments,
environment, working folder, standard streams and exit code, the shipped `main`) but does not
pay Python's start and the imports of SQLAlchemy and the core again: half a second of each of
the thousands of commands those tests run.

The server imports exactly what `tests.network.fast_cmdesk` imports (the `cmdesk` entry point
with cheap key derivation), opens nothing, starts no thread, and forks once per connection;
the child reads its request, runs the command and answers with its exit code. The server
ends when the process that started it ends. `harness.cmdesk` starts a fresh interpreter
instead whenever a command's environment differs from the server's in anything but the
`CMDESK_` variables, and when `CMDESK_TEST_FRESH_PROCESS` is set.
"""

from __future__ import annotations

import atexit
import json
import os
import signal
import socket
import sys
import threading
import traceback
from pathlib import Path
from typing import Any

from tests.network import fast_cmdesk

# Polled while waiting for a connection, to end with the process that started the server.
_PARENT_POLL_S = 1.0


def serve(path: str) -> None:
    parent = os.getppid()
    fast_cmdesk.make_cheap()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(16)
    listener.settimeout(_PARENT_POLL_S)
    # Children are reaped by the kernel: each reports its exit code over its connection.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    print("ready", flush=True)
    while os.getppid() == parent:
        try:
            conn, _ = listener.accept()
        except TimeoutError:
            continue
        if os.fork() == 0:
            try:
                listener.close()
                _child(conn)
            finally:
                os._exit(1)  # never back into the server's loop
        conn.close()


def _child(conn: socket.socket) -> None:
    """Runs one command and ends the process."""
    # What a fresh interpreter would have: default signal handling (a command may wait for
    # processes of its own) and Ctrl+C as KeyboardInterrupt.
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    conn.settimeout(None)
    request: dict[str, Any] = json.loads(conn.makefile("r", encoding="utf-8").readline())
    conn.sendall(f"{os.getpid()}\n".encode())
    _redirect(0, request["stdin"] or os.devnull, os.O_RDONLY)
    _redirect(1, request["out"], os.O_WRONLY | os.O_TRUNC)
    _redirect(2, request["err"], os.O_WRONLY | os.O_TRUNC)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.argv = [fast_cmdesk.__file__, *request["args"]]
    code = _run(request["args"])
    try:
        # What the interpreter does at its end: wait for threads left running, then the
        # exit functions (a fresh process's are the same as this one's).
        threading._shutdown()  # type: ignore[attr-defined]
        atexit._run_exitfuncs()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        conn.sendall(f"{code}\n".encode())
        os._exit(code)


def _redirect(fd: int, path: str, flags: int) -> None:
    opened = os.open(path, flags)
    os.dup2(opened, fd)
    os.close(opened)


def _run(args: list[str]) -> int:
    """`sys.exit(main(args))` as the interpreter ends it: the code, or 1 after a traceback."""
    try:
        code: object = fast_cmdesk.main(args)
    except SystemExit as exc:
        code = exc.code
    except BaseException:
        sys.excepthook(*sys.exc_info())
        return 1
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


if __name__ == "__main__":
    try:
        serve(sys.argv[1])
    except Exception:
        traceback.print_exc()
        sys.exit(1)
    finally:
        Path(sys.argv[1]).unlink(missing_ok=True)
