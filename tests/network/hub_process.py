"""A real `cmdesk-hub` process on a loopback port, with its data folder in the test's temp dir."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.network.harness import Laptop


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def hub_command(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CMDESK_")}
    env["CMDESK_LANG"] = "en"
    return subprocess.run(
        [sys.executable, "-m", "tests.network.image_hub", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=check,
    )


def serve(data: Path, port: int, *options: str) -> subprocess.Popen[bytes]:
    """`cmdesk-hub serve` on a loopback port, its log beside the data folder; returns once
    /health answers (AssertionError if it never does)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CMDESK_")}
    with (data.parent / "hub.log").open("ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.network.image_hub", "serve", "--data", str(data),
             "--listen", f"127.0.0.1:{port}", *options],
            stdout=log, stderr=log, env=env,
        )  # fmt: skip
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"https://127.0.0.1:{port}/health", context=ctx, timeout=2):
                return proc
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                proc.wait()
                raise AssertionError("the hub did not start") from None
            time.sleep(0.1)


@dataclass
class HubProcess:
    data: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    options: tuple[str, ...] = ()  # more `serve` options: quotas, retention

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def start(self) -> HubProcess:
        self.proc = serve(self.data, self.port, *self.options)
        return self

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)

    def pin(self) -> str:
        out = hub_command("fingerprint", "--data", str(self.data)).stdout
        return out.strip().splitlines()[-1]

    def register(self, laptop: Laptop) -> None:
        db = list(self.options[self.options.index("--db") :][:2]) if "--db" in self.options else []
        hub_command("org", "add", str(laptop.identity()), "--data", str(self.data), *db)

    def connect(self, laptop: Laptop) -> None:
        laptop.run("sync", "hub", "set", self.url, "--pin", self.pin())

    def metric(self, name: str) -> int:
        """One of the hub's counters as its operator reads them (/metrics)."""
        ctx = ssl.create_default_context()
        ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
        with urllib.request.urlopen(f"{self.url}/metrics", context=ctx) as got:  # noqa: S310
            lines = got.read().decode().splitlines()
        return int(next(ln for ln in lines if ln.startswith(f"cmdesk_hub_{name} ")).split()[-1])

    def all_bytes(self) -> bytes:
        return b"".join(p.read_bytes() for p in sorted(self.data.rglob("*")) if p.is_file())


@contextlib.contextmanager
def running_hub(tmp_path: Path) -> Iterator[HubProcess]:
    """A hub with its certificate made, serving until the block ends."""
    (tmp_path / "hub").mkdir()
    running = HubProcess(tmp_path / "hub" / "data")
    hub_command("fingerprint", "--data", str(running.data))  # makes the certificate
    running.start()
    try:
        yield running
    finally:
        running.stop()


def office_field_and_partner(tmp_path: Path, hub: HubProcess) -> tuple[Laptop, Laptop, Laptop]:
    """WVFT's office and a field laptop, and ECPAT's office, trusting each other, all set to
    sync through `hub`."""
    office = Laptop.init(tmp_path / "office", "WVFT")
    field = office.enrol(tmp_path / "field", user="pim", role="case_manager")
    partner = Laptop.init(tmp_path / "partner", "ECPAT")
    office.trust(partner)
    partner.trust(office)
    for laptop in (office, partner):
        hub.register(laptop)
    for laptop in (office, field, partner):
        hub.connect(laptop)
    return office, field, partner
