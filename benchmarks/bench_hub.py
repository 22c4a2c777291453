"""The network hub (issue 12), each figure beside a baseline measured in the same run.

A real `cmdesk-hub serve` process (embedded deployment: SQLite + blob folder) on a loopback
port, reached over TLS with the pinned key and the real device sign-in, by the laptop's own
client (core/sync/hub_client.py) and exchange (`sync now`, core/sync/hub_exchange.py).

1. Throughput: simulated laptops (each its own device of a registered organisation, each from
   its own loopback address as laptops in different offices would be) each send one ~1 MB
   bundle (tus, as the client does above 256 KiB) and fetch one, a dozen at a time; against
   the same bytes written (with fsync, as the hub does) to and read back from a plain folder
   on the same disk by as many threads.
2. First sync of a newly joined laptop of a 10k-case organisation through a loopback proxy
   that paces bytes to 1 Mbit/s each way (no root, no tc); against the bundle's size at that
   rate plus the import of the same bundle from a file (USB). Target: within 1.2x.
3. A tus upload cut by the proxy half-way, resumed by the client: bytes on the wire beyond an
   uncut upload of a bundle of the same size, against the client's largest chunk.

`HUB_BENCH_LAPTOPS` (default 200), `HUB_BENCH_CASES` (10000) and `HUB_BENCH_KBIT` (1000) change
the sizes; a rate other than 1 Mbit/s is named in the figure.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import signal
import socket
import ssl
import statistics
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from tests.network.hub_process import serve
from tests.network.link import Proxy

from benchmarks.bench_sync import founding, laptop, quick_enrolment, timed
from cmdesk.core.demo.generate import generate
from cmdesk.core.model import org_id_for
from cmdesk.core.sync import bundle_format, hub_client
from cmdesk.core.sync.certs import now_text
from cmdesk.core.sync.hub_client import HubClient, HubSetting, save_setting
from cmdesk.core.sync.hub_exchange import exchange_through_hub
from cmdesk.core.sync.keys import DeviceKeys, OrgKeys
from cmdesk.hub import cli as hub_cli

Row = tuple[str, float, float | None, str]
LAPTOPS = int(os.environ.get("HUB_BENCH_LAPTOPS", "200"))
PER_ORG = 10  # laptops per organisation in the throughput run
BUNDLE = 1_000_000  # bytes of (incompressible) payload per bundle: ~1 MB on the wire
AT_ONCE = 12  # laptops talking to the hub at the same time
CASES = int(os.environ.get("HUB_BENCH_CASES", "10000"))
KBIT = int(os.environ.get("HUB_BENCH_KBIT", "1000"))  # the shaped link, kbit/s each way
MAX_SHAPED_SECONDS = 180.0  # above this the link is made proportionally faster
CUT_BUNDLE = 8_000_000  # payload of the bundle whose upload is cut half-way
MB = 1e6


# -- a real hub process -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def hub_cli_quiet(*args: str) -> str:
    """The operator's command (`cmdesk-hub ...`), in this process, its output kept."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = hub_cli.main(["--lang", "en", *args])
    if code != 0:
        raise RuntimeError(f"cmdesk-hub {args[0]} failed")
    return out.getvalue()


@dataclass
class Hub:
    data: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    pin: str = ""
    # Network scale: `--db postgresql://… --store s3://… --s3-endpoint …`; empty: embedded.
    scale: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def register(self, org: OrgKeys | bytes) -> None:
        """`cmdesk-hub org add IDENTITY_FILE`, as the operator does."""
        raw = org if isinstance(org, bytes) else org.identity_file()
        path = self.data.parent / f"{uuid.uuid4().hex}.identity"
        path.write_bytes(raw)
        db = list(self.scale[:2]) if self.scale else []
        hub_cli_quiet("org", "add", str(path), "--data", str(self.data), *db)
        path.unlink()

    def start(self) -> None:
        self.pin = hub_cli_quiet("fingerprint", "--data", str(self.data)).strip().splitlines()[-1]
        self.proc = serve(self.data, self.port, *self.scale)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def cpu_seconds(self) -> float:
        """User + system CPU of the hub process so far (Linux /proc)."""
        assert self.proc is not None
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def errors_logged(self) -> int:
        """Requests the hub answered with a 5xx, and tracebacks (none expected)."""
        text = (self.data.parent / "hub.log").read_text("utf-8", "replace")
        return text.count("Traceback") + sum(
            1 for line in text.splitlines() if '" 5' in line and "HTTP/1.1" in line
        )


@contextlib.contextmanager
def running_hub(
    root: Path, orgs: list[OrgKeys | bytes], scale: tuple[str, ...] = ()
) -> Iterator[Hub]:
    (root / "hub").mkdir(parents=True)
    hub = Hub(root / "hub" / "data", scale=scale)
    hub.data.mkdir()
    for org in orgs:
        hub.register(org)
    hub.start()
    try:
        yield hub
    finally:
        hub.stop()


# -- the laptop's client, as laptops in many offices ---------------------------------------------


@dataclass
class Laptop(HubClient):
    """The real client, its connections made from `source` (a loopback address of its own):
    laptops of different offices reach a hub from different addresses, and the hub limits
    sign-ins per address. Counts the PATCH bytes it sends again after the hub had them."""

    source: str = "127.0.0.1"
    acked_again: int = field(default=0, init=False)
    _acked: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE  # as HubClient: the pin is the only trust
        self._http.close()
        self._http = httpx.Client(
            base_url=self.url.rstrip("/"),
            transport=httpx.HTTPTransport(verify=ctx, local_address=self.source),
            timeout=hub_client.TIMEOUT,
        )

    def _send(self, method: str, path: str, **kw: Any) -> httpx.Response:
        if method == "POST" and path == "/v1/uploads":
            self._acked = 0
        if method == "PATCH":
            offset = int(kw["headers"]["Upload-Offset"])
            end = offset + len(kw["content"])
            self.acked_again += max(0, min(end, self._acked) - offset)
        response = super()._send(method, path, **kw)
        if response.headers.get("Upload-Offset"):
            self._acked = max(self._acked, int(response.headers["Upload-Offset"]))
        return response


def source_address(i: int) -> str:
    return f"127.0.{1 + i // 250}.{1 + i % 250}"


def office(code: str) -> OrgKeys:
    return OrgKeys.generate(org_id_for(code), code, code, code)


def bundle_for(sender: OrgKeys, device: DeviceKeys, recipient: OrgKeys, size: int) -> bytes:
    """A sync bundle as the hub sees one: a clear signed header and an opaque encrypted body
    (random bytes: compressed and encrypted data does not shrink)."""
    fields = {
        "format": bundle_format.FORMAT,
        "schema": 2,
        "app": "bench",
        "bundle_id": str(uuid.uuid4()),
        "created_at": now_text(),
        "sender_device": device.device_id,
        "sender_org": sender.identity.org_id,
        "cert": device.cert,
        "recipient_org": recipient.identity.org_id,
        "vector_from": {},
        "vector_to": {device.device_id: 1},
        "segments": 1,
        "operations": 1,
    }
    data: bytes = bundle_format.write(
        fields, os.urandom(size), recipient.identity.box_public, device
    )
    return data


# -- the figures ---------------------------------------------------------------------------------


def run() -> list[Row]:
    with quick_enrolment() as root:
        embedded = _throughput(root / "t")
        return (
            embedded
            + _at_scale(root / "s", embedded[0][1])
            + _resume(root / "r")
            + _first_sync(root / "f")
        )


def _at_scale(root: Path, embedded: float) -> list[Row]:
    """The same 200 laptops through a hub keeping its metadata in a real PostgreSQL and its
    bundles in a real SeaweedFS (S3), started here as the tests start them, beside the
    embedded hub's figure of this run."""
    from tests.hub.scale_servers import fresh_database, postgres, seaweedfs

    with postgres() as dsn, seaweedfs() as s3:
        saved = {k: os.environ.get(k) for k in s3.env}
        os.environ.update(s3.env)
        try:
            scale = ("--db", fresh_database(dsn), "--store", s3.new_store())
            rows = _throughput(root, (*scale, "--s3-endpoint", s3.endpoint))
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    _label, value, _baseline, unit = rows[0]
    return [
        ("hub at network scale (PostgreSQL + S3) vs embedded hub", value, embedded, unit),
        *(row for row in rows[2:] if row[0].startswith("  p95")),
    ]


def _in_threads(fn: Callable[[int], float], n: int) -> tuple[float, list[float]]:
    """(wall seconds, seconds of each call) for fn(0..n-1), AT_ONCE at a time."""
    started = time.perf_counter()
    with ThreadPoolExecutor(AT_ONCE) as pool:
        each = list(pool.map(fn, range(n)))
    return time.perf_counter() - started, each


def _throughput(root: Path, scale: tuple[str, ...] = ()) -> list[Row]:
    n_orgs = max(2, -(-LAPTOPS // PER_ORG))
    orgs = [office(f"HB{k:03d}") for k in range(n_orgs)]
    # Laptop i belongs to organisation i // PER_ORG and sends to the next organisation.
    devices = [DeviceKeys.generate(orgs[i // PER_ORG], str(uuid.uuid4())) for i in range(LAPTOPS)]

    def next_org(i: int) -> int:
        return (i // PER_ORG + 1) % n_orgs

    bundles = [
        bundle_for(orgs[i // PER_ORG], devices[i], orgs[next_org(i)], BUNDLE)
        for i in range(LAPTOPS)
    ]
    digests = {hashlib.sha256(b).hexdigest(): i for i, b in enumerate(bundles)}
    total = sum(len(b) for b in bundles)

    with running_hub(root, list(orgs), scale) as hub:
        clients = [
            Laptop(hub.url, hub.pin, devices[i], source=source_address(i)) for i in range(LAPTOPS)
        ]

        def send(i: int) -> float:
            started = time.perf_counter()
            clients[i].sign_in()
            assert clients[i].upload(bundles[i])
            return time.perf_counter() - started

        def fetch(i: int) -> float:
            # The bundle that laptop i - PER_ORG (same place in the previous organisation) sent.
            wanted = (i - PER_ORG) % (n_orgs * PER_ORG)
            started = time.perf_counter()
            client = clients[i]
            try:
                listed = {item.sha256: item for item in client.pending()}
                [item] = [v for k, v in listed.items() if digests[k] == wanted]
                assert client.download(item) == bundles[wanted]
                client.fetched(item)
            finally:
                client.close()
            return time.perf_counter() - started

        try:
            cpu, own_cpu = hub.cpu_seconds(), time.process_time()
            t_send, each_send = _in_threads(send, LAPTOPS)
            t_fetch, each_fetch = _in_threads(fetch, LAPTOPS)
            hub_cpu, laptops_cpu = hub.cpu_seconds() - cpu, time.process_time() - own_cpu
        finally:
            for c in clients:
                c.close()
        errors = hub.errors_logged()
    assert errors == 0, "the hub logged server errors"
    t_hub = t_send + t_fetch

    # The baseline: the same bytes to a plain folder on the same disk and back, as many threads.
    folder = root / "plain"
    folder.mkdir()

    def write(i: int) -> float:
        started = time.perf_counter()
        with (folder / f"{i}.bin").open("wb") as f:
            f.write(bundles[i])
            f.flush()
            os.fsync(f.fileno())
        return time.perf_counter() - started

    def read(i: int) -> float:
        started = time.perf_counter()
        assert (folder / f"{i}.bin").read_bytes() == bundles[i]
        return time.perf_counter() - started

    t_write, _ = _in_threads(write, LAPTOPS)
    t_read, _ = _in_threads(read, LAPTOPS)
    t_plain = t_write + t_read

    def p95(xs: list[float]) -> float:
        return statistics.quantiles(xs, n=20)[-1]

    moved = 2 * LAPTOPS
    return [
        (
            f"hub: {LAPTOPS} laptops send+fetch {total / LAPTOPS / MB:.0f} MB vs plain folder",
            moved / t_hub,
            moved / t_plain,
            "bundles/s",
        ),
        (
            f"  the same in MB/s ({AT_ONCE} at once; folder: write+fsync, read)",
            2 * total / MB / t_hub,
            2 * total / MB / t_plain,
            "MB/s",
        ),
        (
            "  send (sign-in + tus upload) vs folder write+fsync",
            LAPTOPS / t_send,
            LAPTOPS / t_write,
            "bundles/s",
        ),
        (
            "  fetch (list + GET + fetched) vs folder read",
            LAPTOPS / t_fetch,
            LAPTOPS / t_read,
            "bundles/s",
        ),
        ("  p95 one laptop's send", p95(each_send) * 1000, None, "ms"),
        ("  p95 one laptop's fetch", p95(each_fetch) * 1000, None, "ms"),
        ("  hub process CPU per bundle moved", hub_cpu / moved * 1000, None, "ms"),
        ("  hub process CPU busy while serving", 100 * hub_cpu / t_hub, None, "%"),
        ("  the simulated laptops' CPU (one process) busy", 100 * laptops_cpu / t_hub, None, "%"),
    ]


def _resume(root: Path) -> list[Row]:
    a, b = office("HBSEND"), office("HBRECV")
    device, reader = DeviceKeys.generate(a, str(uuid.uuid4())), DeviceKeys.generate(b, "r")
    whole, cut = (bundle_for(a, device, b, CUT_BUNDLE) for _ in range(2))
    assert len(whole) == len(cut)
    with running_hub(root, [a, b]) as hub, Proxy(hub.port) as proxy:
        # The same upload uncut, through the same proxy: the bytes a whole upload costs.
        sender = Laptop(proxy.url, hub.pin, device)
        try:
            sender.sign_in()
            before = proxy.up
            t_whole, _ = timed(lambda: sender.upload(whole))
            uncut = proxy.up - before
            proxy.cut_after = proxy.up + len(cut) // 2
            before = proxy.up
            t_cut, _ = timed(lambda: sender.upload(cut))
            with_cut = proxy.up - before
        finally:
            sender.close()
        assert proxy.cuts == 1, "the proxy did not cut the upload"
        receiver = Laptop(hub.url, hub.pin, reader)
        try:
            receiver.sign_in()
            listed = receiver.pending()
            assert len(listed) == 2  # exactly one mailbox entry each
            for item in listed:
                assert receiver.download(item) in (whole, cut)  # checked against its SHA-256
        finally:
            receiver.close()
        errors = hub.errors_logged()
    assert errors == 0, "the hub logged server errors"
    return [
        (
            f"bytes resent, cut at 50% of {len(cut) / MB:.0f} MB, vs max chunk",
            with_cut - uncut,
            float(hub_client.MAX_CHUNK),
            "bytes",
        ),
        ("  acknowledged bytes sent again", float(sender.acked_again), None, "bytes"),
        ("  upload with the cut vs uncut (loopback, no pacing)", t_cut, t_whole, "s"),
    ]


def _first_sync(root: Path) -> list[Row]:
    root.mkdir(parents=True)
    source = founding(root / "src")
    generate(source, CASES, syncable=True)
    usb, net = laptop(source, root / "usb"), laptop(source, root / "net")
    data, _ = source.sync.export()  # the full bundle a newly joined laptop needs
    stick = root / "stick.cmdsync"
    stick.write_bytes(data)
    t_usb, _ = timed(lambda: usb.sync.import_bundle(stick.read_bytes()))

    bps = KBIT * 1000.0
    if len(data) * 8 / bps > MAX_SHAPED_SECONDS:  # keep the run short: a faster link, named
        bps = len(data) * 8 / MAX_SHAPED_SECONDS
    rate = f"{bps / 1e6:.3g} Mbit/s"

    with running_hub(root, [source.sync.identity_file()]) as hub:
        sender = HubClient(hub.url, hub.pin, source.sync.keys().device)
        try:
            sender.sign_in()
            sender.upload(data)  # the office that has the cases, on its own link
        finally:
            sender.close()
        with Proxy(hub.port, bps) as proxy:
            save_setting(root / "net", HubSetting(proxy.url, hub.pin))
            t_hub, report = timed(lambda: exchange_through_hub(net.sync, root / "net"))
            carried = proxy.down
        errors = hub.errors_logged()
    assert errors == 0, "the hub logged server errors"
    assert [r.new > 0 for r in report.received] == [True]
    same = net.sync.state_hash() == usb.sync.state_hash()
    for ws in (source, usb, net):
        ws.close()
    assert same
    t_wire = len(data) * 8 / bps
    return [
        (
            f"first sync, {CASES:,} cases, {rate} vs size/rate+USB (<=1.2x)",
            t_hub,
            t_wire + t_usb,
            "s",
        ),
        ("  USB import of the same bundle", t_usb, None, "s"),
        ("  bundle size", len(data) / MB, None, "MB"),
        ("  bytes down the link per bundle byte", carried / len(data), None, "x"),
    ]
