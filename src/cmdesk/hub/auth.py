"""Device authentication: the laptop signs the hub's challenge (nonce, hub id, device id) with
its device key and shows its certificate chain; no clock on the laptop is needed. The hub
verifies the chain from the registered organisation key (certs.verify_chain) against the
revocations it knows, and issues a short-lived token.

Challenges and tokens carry their own proof (an HMAC under the hub's secret, kept in its data
folder), so several hub processes sharing one metadata store and one data folder accept each
other's: a laptop may be answered by any of them. A challenge answers once (the metadata store
remembers used nonces until they expire); a token is refused as soon as its laptop is revoked.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from cmdesk.core.sync.certs import ChainRefused, DeviceCert, Link, verify_chain
from cmdesk.core.sync.keycodec import canonical
from cmdesk.core.sync.keys import verify_signature
from cmdesk.hub.storage import MetadataStore

AUTH_DOMAIN = b"cmdesk-hub-auth\n"
TOKEN_SECONDS = 30 * 60
CHALLENGE_SECONDS = 120


def challenge_message(nonce: str, hub_id: str, device_id: str) -> bytes:
    return AUTH_DOMAIN + canonical({"nonce": nonce, "hub_id": hub_id, "device_id": device_id})


class AuthRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Session:
    device_id: str
    org_id: str
    expires: float


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class Authority:
    def __init__(self, meta: MetadataStore, hub_id: str, secret: bytes | None = None) -> None:
        self.meta = meta
        self.hub_id = hub_id
        self._secret = secret or secrets.token_bytes(32)

    def _mac(self, kind: str, *parts: str) -> str:
        message = "|".join((kind, self.hub_id, *parts)).encode()
        return _b64(hmac.new(self._secret, message, hashlib.sha256).digest()[:24])

    def challenge(self, device_id: str) -> str:
        expires = str(int(time.time()) + CHALLENGE_SECONDS)
        salt = secrets.token_urlsafe(12)
        return f"{expires}.{salt}.{self._mac('challenge', device_id, expires, salt)}"

    def _check_challenge(self, nonce: str, device_id: str) -> None:
        expires, _dot, rest = nonce.partition(".")
        salt, _dot, mac = rest.partition(".")
        if not expires.isdigit() or not hmac.compare_digest(
            mac, self._mac("challenge", device_id, expires, salt)
        ):
            raise AuthRefused("challenge")
        if int(expires) < time.time() or not self.meta.use_nonce(nonce, float(expires)):
            # A nonce answers once: a replayed answer finds it used.
            raise AuthRefused("challenge")

    def token(
        self,
        device_id: str,
        nonce: str,
        signature: bytes,
        cert: DeviceCert,
        chain: tuple[Link, ...],
    ) -> tuple[str, Session]:
        self._check_challenge(nonce, device_id)
        if cert.device_id != device_id:
            raise AuthRefused("certificate")
        org = self.meta.org(cert.org_id)
        if org is None:
            raise AuthRefused("organisation")
        try:
            verify_chain(chain, cert, org.org_id, org.sign_public, self.meta.revoked(org.org_id))
        except ChainRefused as exc:
            raise AuthRefused("revoked" if exc.reason == "revoked" else "certificate") from None
        message = challenge_message(nonce, self.hub_id, device_id)
        if not verify_signature(cert.sign_public, message, signature):
            raise AuthRefused("signature")
        expires = str(int(time.time()) + TOKEN_SECONDS)
        mac = self._mac("token", device_id, org.org_id, expires)
        token = f"{device_id}.{org.org_id}.{expires}.{mac}"
        return token, Session(device_id, org.org_id, float(expires))

    def session(self, token: str) -> Session | None:
        parts = token.split(".")
        if len(parts) != 4 or not parts[2].isdigit():
            return None
        device_id, org_id, expires, mac = parts
        if not hmac.compare_digest(mac, self._mac("token", device_id, org_id, expires)):
            return None
        if int(expires) < time.time() or device_id in self.meta.revoked(org_id):
            return None  # a revocation learnt by any hub process ends the token
        return Session(device_id, org_id, float(expires))
