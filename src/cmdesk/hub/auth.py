"""Device authentication: the laptop signs the hub's challenge (nonce, hub id, device id) with
its device key and shows its certificate chain; no clock on the laptop is needed. The hub
verifies the chain from the registered organisation key (certs.verify_chain) against the
revocations it knows, and issues a short-lived token."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass

from cmdesk.core.sync.certs import ChainRefused, DeviceCert, Link, verify_chain
from cmdesk.core.sync.keycodec import canonical
from cmdesk.core.sync.keys import verify_signature
from cmdesk.hub.storage import MetadataStore

AUTH_DOMAIN = b"cmdesk-hub-auth\n"
TOKEN_SECONDS = 30 * 60
CHALLENGE_SECONDS = 120
MAX_CHALLENGES = 10_000


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


class Authority:
    def __init__(self, meta: MetadataStore, hub_id: str) -> None:
        self.meta = meta
        self.hub_id = hub_id
        self._lock = threading.Lock()
        self._nonces: dict[str, tuple[str, float]] = {}
        self._tokens: dict[str, Session] = {}

    def challenge(self, device_id: str) -> str:
        now = time.monotonic()
        nonce = secrets.token_urlsafe(24)
        with self._lock:
            if len(self._nonces) >= MAX_CHALLENGES:
                self._nonces = {k: v for k, v in self._nonces.items() if v[1] > now}
            if len(self._nonces) >= MAX_CHALLENGES:
                raise AuthRefused("busy")
            self._nonces[nonce] = (device_id, now + CHALLENGE_SECONDS)
        return nonce

    def token(
        self,
        device_id: str,
        nonce: str,
        signature: bytes,
        cert: DeviceCert,
        chain: tuple[Link, ...],
    ) -> tuple[str, Session]:
        now = time.monotonic()
        with self._lock:
            # A nonce answers once: a replayed answer finds it gone.
            owner = self._nonces.pop(nonce, None)
        if owner is None or owner[0] != device_id or owner[1] < now:
            raise AuthRefused("challenge")
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
        token = secrets.token_urlsafe(32)
        session = Session(device_id, org.org_id, now + TOKEN_SECONDS)
        with self._lock:
            self._tokens = {k: s for k, s in self._tokens.items() if s.expires > now}
            self._tokens[token] = session
        return token, session

    def session(self, token: str) -> Session | None:
        with self._lock:
            found = self._tokens.get(token)
        if found is None or found.expires < time.monotonic():
            return None
        return found

    def forget_device(self, device_id: str) -> None:
        """A revocation learnt: the device's tokens end now."""
        with self._lock:
            self._tokens = {k: s for k, s in self._tokens.items() if s.device_id != device_id}
