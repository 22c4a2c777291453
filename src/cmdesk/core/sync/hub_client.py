"""The laptop's side of the network hub: the same bundles as a USB stick, carried over HTTPS.

The hub's TLS certificate is pinned (SHA-256 of its public key, read over the phone), not
checked against any certificate authority: every response is refused unless the connection it
came on shows the pinned key. A downloaded bundle is checked against its SHA-256 and imported
exactly as from USB (SyncEngine.import_bundle), so an interrupted download applies nothing.
"""

from __future__ import annotations

import base64
import hashlib
import json
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from cmdesk.core.errors import BundleRejected, BundleTooLarge, HubFull, HubTrouble
from cmdesk.core.sync.keycodec import canonical
from cmdesk.core.sync.keys import DeviceKeys
from cmdesk.core.sync.rejections import DAMAGED_ON_HUB
from cmdesk.core.text_ids import N_

AUTH_DOMAIN = b"cmdesk-hub-auth\n"
SETTINGS = "hub.json"
TIMEOUT = httpx.Timeout(30.0, connect=15.0)
RANGE_TRIES = 5
# Bundles above this go by tus in chunks: 64 KiB first, doubled while a chunk takes under 5 s,
# halved after a timeout or a cut, never above 1 MiB (nginx's default body limit). On a 2G
# uplink (50 kbit/s) 64 KiB takes about 10 s, so a cut costs at most one chunk.
SMALL = 256 * 1024
FIRST_CHUNK = 64 * 1024
MAX_CHUNK = 1 << 20
FAST_SECONDS = 5.0
BUSY_TRIES = 4
BUSY_WAIT = 10.0

WRONG_PIN = N_(
    "The server is not your sync hub: its key does not match the pin. Nothing was sent."
    " Check the hub address and pin with your data manager."
)
REFUSED = N_("The sync hub refused this laptop ({reason}). Ask your data manager.")
BAD_PIN = N_("A pin is 64 hexadecimal characters (spaces allowed), as the hub prints it.")


def _busy_wait(response: httpx.Response, attempt: int) -> float:
    asked = response.headers.get("retry-after", "")
    wait = float(asked) if asked.isdigit() else float(2**attempt)
    return min(wait, BUSY_WAIT)


def normalise_pin(pin: str) -> str:
    digits = "".join(pin.split()).lower()
    if len(digits) != 64 or any(c not in "0123456789abcdef" for c in digits):
        raise HubTrouble(BAD_PIN)
    return digits


@dataclass(frozen=True)
class HubSetting:
    url: str
    pin: str
    # The largest bundle the hub takes, as it last said when it refused one (0: not known):
    # bundles go straight to parts below it (hub_exchange.py), not sealed whole in vain first.
    max_bytes: int = 0


def load_setting(vault_dir: Path) -> HubSetting | None:
    path = vault_dir / SETTINGS
    if not path.exists():
        return None
    doc = json.loads(path.read_text("utf-8"))
    return HubSetting(str(doc["url"]), str(doc["pin"]), int(doc.get("max_bytes", 0)))


def save_setting(vault_dir: Path, setting: HubSetting) -> None:
    from cmdesk.core.vault.files import atomic_write

    doc: dict[str, object] = {"url": setting.url, "pin": normalise_pin(setting.pin)}
    if setting.max_bytes:
        doc["max_bytes"] = setting.max_bytes
    atomic_write(vault_dir / SETTINGS, json.dumps(doc).encode())


def _spki_pin(der: bytes) -> str:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    spki = (
        x509.load_der_x509_certificate(der)
        .public_key()
        .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return hashlib.sha256(spki).hexdigest()


@dataclass
class Listed:
    sha256: str
    size: int
    bundle_id: str


@dataclass
class HubClient:
    url: str
    pin: str
    device: DeviceKeys
    _http: httpx.Client = field(init=False)
    _token: str | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.pin = normalise_pin(self.pin)
        # No certificate authority: the pin below is the only trust.
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        self._http = httpx.Client(base_url=self.url.rstrip("/"), verify=ctx, timeout=TIMEOUT)

    def close(self) -> None:
        self._http.close()

    def _send(self, method: str, path: str, **kw: Any) -> httpx.Response:
        """One request; when the hub says it is busy (429, 503), waits as long as it asks
        (at most BUSY_WAIT seconds) and tries again, BUSY_TRIES times in all: a hub shared
        by a whole province is busy now and then, and that is not "out of reach"."""
        for attempt in range(1, BUSY_TRIES + 1):
            response = self._send_once(method, path, **kw)
            if response.status_code not in (429, 503) or attempt == BUSY_TRIES:
                return response
            time.sleep(_busy_wait(response, attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    def _send_once(self, method: str, path: str, **kw: Any) -> httpx.Response:
        headers = dict(kw.pop("headers", {}))
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        try:
            with self._http.stream(method, path, headers=headers, **kw) as response:
                self._check_pin(response)
                response.read()
        except httpx.HTTPError:
            raise HubTrouble() from None
        return response

    def _check_pin(self, response: httpx.Response) -> None:
        stream = response.extensions.get("network_stream")
        ssl_object = stream.get_extra_info("ssl_object") if stream is not None else None
        # The low-level _ssl socket takes binary_form positionally.
        der = ssl_object.getpeercert(True) if ssl_object is not None else None
        if not der or _spki_pin(der) != self.pin:
            raise HubTrouble(WRONG_PIN)

    def _ok(self, response: httpx.Response, *codes: int) -> httpx.Response:
        if response.status_code in codes:
            return response
        try:
            said = response.json()
            reason = str(said.get("error", response.status_code))
        except (ValueError, AttributeError):
            said, reason = {}, str(response.status_code)
        limit = said.get("max") if response.status_code == 413 else None
        if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0:
            raise BundleTooLarge(limit)
        if response.status_code == 507:
            raise HubFull()
        if response.status_code >= 500 or response.status_code == 429:
            raise HubTrouble()
        raise HubTrouble(REFUSED, reason=reason)

    def sign_in(self) -> None:
        """Before anything else: the challenge carries no secret, so a wrong pin is found
        before a token or a bundle is ever sent."""
        me = self.device.device_id
        got = self._ok(self._send("POST", "/v1/challenge", json={"device_id": me}), 200).json()
        message = AUTH_DOMAIN + canonical(
            {"nonce": got["nonce"], "hub_id": got["hub_id"], "device_id": me}
        )
        body = {
            "device_id": me,
            "nonce": got["nonce"],
            "signature": base64.b64encode(self.device.sign(message)).decode(),
            "cert": self.device.cert.to_json(),
            "chain": json.loads(self.device.chain_json()),
        }
        self._token = str(self._ok(self._send("POST", "/v1/token", json=body), 200).json()["token"])

    def upload(self, data: bytes) -> bool:
        """True when the hub stored it now, False when it already held it."""
        if len(data) > SMALL:
            self.upload_resumable(data)
            return True
        sha = hashlib.sha256(data).hexdigest()
        response = self._send(
            "PUT",
            f"/v1/bundles/{sha}",
            content=data,
            headers={"Content-Type": "application/octet-stream"},
        )
        return self._ok(response, 200, 201).status_code == 201

    def upload_resumable(self, data: bytes) -> None:
        """tus 1.0: create, then PATCH chunks with a SHA-256 checksum each; after a cut, ask
        the hub for its offset (HEAD) and go on from there with a smaller chunk."""
        tus = {"Tus-Resumable": "1.0.0"}
        created = self._ok(
            self._send("POST", "/v1/uploads", headers={**tus, "Upload-Length": str(len(data))}),
            201,
        )
        location = created.headers["Location"]
        offset, chunk, failures = 0, FIRST_CHUNK, 0
        while offset < len(data):
            part = data[offset : offset + chunk]
            digest = base64.b64encode(hashlib.sha256(part).digest()).decode()
            started = time.monotonic()
            try:
                response = self._send(
                    "PATCH",
                    location,
                    content=part,
                    headers={
                        **tus,
                        "Content-Type": "application/offset+octet-stream",
                        "Upload-Offset": str(offset),
                        "Upload-Checksum": f"sha256 {digest}",
                    },
                )
            except HubTrouble as exc:
                if exc.text_id == WRONG_PIN:
                    raise
                response = None
            if response is not None and response.status_code == 204:
                offset = int(response.headers["Upload-Offset"])
                if time.monotonic() - started < FAST_SECONDS:
                    chunk = min(MAX_CHUNK, chunk * 2)
                continue
            if response is not None and response.status_code not in (409, 460):
                self._ok(response, 204)  # a refusal: its message
            failures += 1
            if failures >= RANGE_TRIES:
                raise HubTrouble()
            chunk = max(FIRST_CHUNK, chunk // 2)
            head = self._ok(self._send("HEAD", location, headers=tus), 200)
            offset = int(head.headers["Upload-Offset"])

    def pending(self) -> list[Listed]:
        got = self._ok(self._send("GET", "/v1/mailbox"), 200).json()
        return [Listed(b["sha256"], int(b["size"]), b["bundle_id"]) for b in got["bundles"]]

    def download(self, item: Listed, progress: Callable[[int, int], None] | None = None) -> bytes:
        """The whole bundle, resuming with Range after a cut from the last byte that arrived
        (not from the start: on a 2G link a cut at 90% must not cost the 90%); checked
        against its SHA-256. Gives up after RANGE_TRIES tries in a row that bring nothing."""
        data = bytearray()
        tries = 0
        while len(data) < item.size:
            before = len(data)
            try:
                self._get_into(f"/v1/bundles/{item.sha256}", data, item.size, progress)
            except HubTrouble:
                tries = 0 if len(data) > before else tries + 1
                if tries >= RANGE_TRIES:
                    raise
        blob = bytes(data)
        if hashlib.sha256(blob).hexdigest() != item.sha256:
            raise BundleRejected(DAMAGED_ON_HUB)
        return blob

    def _get_into(
        self,
        path: str,
        data: bytearray,
        size: int,
        progress: Callable[[int, int], None] | None,
    ) -> None:
        """Appends what the hub sends to `data` as it arrives, so a cut keeps it."""
        headers = {"Range": f"bytes={len(data)}-"} if data else {}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        try:
            with self._http.stream("GET", path, headers=headers) as response:
                self._check_pin(response)
                if response.status_code not in (200, 206):
                    response.read()
                    self._ok(response, 200, 206)
                if response.status_code == 200:
                    data.clear()  # the whole bundle again (a hub that ignored the range)
                for chunk in response.iter_bytes():
                    data += chunk
                    if progress:
                        progress(min(len(data), size), size)
        except httpx.HTTPError:
            raise HubTrouble() from None

    def fetched(self, item: Listed) -> None:
        self._ok(self._send("POST", f"/v1/bundles/{item.sha256}/fetched"), 204)
