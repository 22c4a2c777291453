"""Device certificates and the chains that certify them.

A device is trusted because a chain of signatures leads from its organisation's certification
key to the device's own signing key:

    organisation ──signs──▶ device                           (the data manager's own laptop)
    organisation ──signs──▶ enrolment key ──signs──▶ device  (a laptop that joined)
    … ──signs──▶ device ──signs──▶ successor device           (a device that took a new identity)

The organisation's certification key never leaves the vault where the organisation was
created. An enrolment file carries a short-lived enrolment key pair and its certificate (role,
expiry, how many laptops may join with it); the joining laptop makes its own device key and
signs its device certificate with the enrolment key, so every laptop has its own identity. A
device may sign a successor certificate for a new identity of its own (a vault that finds
itself cloned or restored continues under a new id without the organisation's key).

A chain travels with the device certificate (bundle headers); `verify_chain` checks every link
before anything else of a bundle is looked at.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from cmdesk.core.sync.keycodec import b64, canonical, opt_str, req_str, unb64
from cmdesk.core.sync.vectors import RangeSet

DEVICE_DOMAIN = b"cmdesk-device\n"
ENROL_DOMAIN = b"cmdesk-enrol\n"
# Links above a device (enrolment and predecessors). A vault that re-identifies after every
# restore would need many restores to reach this; a hostile header cannot make us verify more.
MAX_CHAIN = 32
MAX_LAPTOPS = 100
MAX_TEAM = 64  # as the model's User.team


def now_text(at: datetime | None = None) -> str:
    return (at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")


def _time(text: str) -> datetime:
    at = datetime.fromisoformat(text)
    if at.tzinfo is None:
        raise ValueError("time without zone")
    return at


def _signed_by(public: bytes, domain: bytes, body: dict[str, Any], signature: bytes) -> bool:
    try:
        VerifyKey(public).verify(domain + canonical(body), signature)
    except (BadSignatureError, ValueError, TypeError):
        return False
    return True


@dataclass(frozen=True)
class DeviceCert:
    """(device id, organisation, device public key) signed by the organisation, an enrolment
    key (`issuer` = enrolment id) or a predecessor device (`issuer` = its device id)."""

    device_id: str
    org_id: str
    sign_public: bytes
    signature: bytes
    role: str | None = None
    issued_at: str | None = None
    issuer: str | None = None  # None: the organisation itself

    def body(self) -> dict[str, str]:
        body = {"device_id": self.device_id, "org_id": self.org_id}
        body["sign_public"] = b64(self.sign_public)
        # Optional fields appear only when set, so certificates made before chains existed
        # (organisation-signed, three fields) verify unchanged.
        for name in ("role", "issued_at", "issuer"):
            value = getattr(self, name)
            if value is not None:
                body[name] = value
        return body

    def to_json(self) -> dict[str, str]:
        return {**self.body(), "signature": b64(self.signature)}

    @classmethod
    def from_json(cls, d: object) -> DeviceCert:
        if not isinstance(d, dict) or d.get("kind", "device") != "device":
            raise ValueError("cert")
        return cls(
            req_str(d, "device_id", 36),
            req_str(d, "org_id", 36),
            unb64(d.get("sign_public"), 32),
            unb64(d.get("signature"), 64),
            opt_str(d, "role", 32),
            opt_str(d, "issued_at", 40),
            opt_str(d, "issuer", 36),
        )

    @classmethod
    def issue(
        cls,
        issuer_secret: bytes,
        device_id: str,
        org_id: str,
        device_public: bytes,
        *,
        role: str | None = None,
        issuer: str | None = None,
        issued_at: str | None = None,
    ) -> DeviceCert:
        unsigned = cls(device_id, org_id, device_public, b"", role, issued_at or now_text(), issuer)
        signature = SigningKey(issuer_secret).sign(DEVICE_DOMAIN + canonical(unsigned.body()))
        return replace(unsigned, signature=signature.signature)

    def signed_by(self, public: bytes) -> bool:
        return _signed_by(public, DEVICE_DOMAIN, self.body(), self.signature)

    def valid_for(self, org_sign_public: bytes) -> bool:
        """Signed by the organisation itself (a chain of one)."""
        return self.issuer is None and self.signed_by(org_sign_public)


@dataclass(frozen=True)
class EnrolCert:
    """The organisation's certificate for one enrolment key: which role the laptops joining
    with it get, until when it may certify devices, and for how many laptops it is meant."""

    enrol_id: str
    org_id: str
    sign_public: bytes
    role: str
    issued_at: str
    expires_at: str
    laptops: int
    signature: bytes
    # The team whose cases the laptops joining with it receive (issue 10, least data per
    # laptop); None: the whole organisation. Signed with the rest, so no laptop can widen it.
    team: str | None = None

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "kind": "enrol",
            "enrol_id": self.enrol_id,
            "org_id": self.org_id,
            "sign_public": b64(self.sign_public),
            "role": self.role,
            "issued_at": self.issued_at,
            "expires_at": self.expires_at,
            "laptops": self.laptops,
        }
        # Present only when set, so certificates made before teams existed verify unchanged.
        if self.team is not None:
            body["team"] = self.team
        return body

    def to_json(self) -> dict[str, Any]:
        return {**self.body(), "signature": b64(self.signature)}

    @classmethod
    def from_json(cls, d: object) -> EnrolCert:
        if not isinstance(d, dict) or d.get("kind") != "enrol":
            raise ValueError("enrol cert")
        laptops = d.get("laptops")
        if not isinstance(laptops, int) or isinstance(laptops, bool):
            raise ValueError("laptops")
        if not 1 <= laptops <= MAX_LAPTOPS:
            raise ValueError("laptops")
        cert = cls(
            req_str(d, "enrol_id", 36),
            req_str(d, "org_id", 36),
            unb64(d.get("sign_public"), 32),
            req_str(d, "role", 32),
            req_str(d, "issued_at", 40),
            req_str(d, "expires_at", 40),
            laptops,
            unb64(d.get("signature"), 64),
            opt_str(d, "team", MAX_TEAM),
        )
        _time(cert.issued_at)
        _time(cert.expires_at)
        return cert

    @classmethod
    def issue(
        cls,
        org_sign_secret: bytes,
        enrol_id: str,
        org_id: str,
        enrol_public: bytes,
        *,
        role: str,
        issued_at: datetime,
        expires_at: datetime,
        laptops: int = 1,
        team: str | None = None,
    ) -> EnrolCert:
        unsigned = cls(
            enrol_id,
            org_id,
            enrol_public,
            role,
            now_text(issued_at),
            now_text(expires_at),
            laptops,
            b"",
            team,
        )
        signature = SigningKey(org_sign_secret).sign(ENROL_DOMAIN + canonical(unsigned.body()))
        return replace(unsigned, signature=signature.signature)

    def signed_by(self, public: bytes) -> bool:
        return _signed_by(public, ENROL_DOMAIN, self.body(), self.signature)

    @property
    def expires(self) -> datetime:
        return _time(self.expires_at)


Link = DeviceCert | EnrolCert


def team_of(chain: tuple[Link, ...]) -> str | None:
    """The team a device's records are limited to: the one its enrolment names (a successor
    keeps its predecessor's chain, so it keeps the team); None for the whole organisation."""
    return next((link.team for link in chain if isinstance(link, EnrolCert)), None)


def link_from_json(d: object) -> Link:
    if isinstance(d, dict) and d.get("kind") == "enrol":
        return EnrolCert.from_json(d)
    return DeviceCert.from_json(d)


def chain_to_json(chain: tuple[Link, ...]) -> list[dict[str, Any]]:
    return [link.to_json() for link in chain]


def chain_from_json(d: object) -> tuple[Link, ...]:
    if not isinstance(d, list) or len(d) > MAX_CHAIN:
        raise ValueError("chain")
    return tuple(link_from_json(x) for x in d)


class ChainRefused(Exception):
    """A certificate chain that does not lead from the organisation to the device.
    `reason` is a short code for tests and logs (never personal data)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Certified:
    """A device whose chain verified: who it is, and the ids along its chain (organisation's
    side first), so a revocation of any link can be matched."""

    device_id: str
    org_id: str
    sign_public: bytes
    role: str | None
    path: tuple[str, ...]


def verify_chain(
    chain: tuple[Link, ...],
    cert: DeviceCert,
    org_id: str,
    org_sign_public: bytes,
    revoked: frozenset[str] = frozenset(),
) -> Certified:
    """Checks every link from the organisation's key down to `cert`; raises ChainRefused.

    Rules: only the organisation signs an enrolment certificate, and only as the first link; a
    device certified by an enrolment key was certified while that key was valid and has its
    role; a successor keeps its predecessor's role; every link names the same organisation;
    no link is revoked."""
    links: tuple[Link, ...] = (*chain, cert)
    if len(chain) > MAX_CHAIN:
        raise ChainRefused("length")
    public = org_sign_public
    role: str | None = None
    parent: Link | None = None
    path: list[str] = []
    for link in links:
        if link.org_id != org_id:
            raise ChainRefused("org")
        if not link.signed_by(public):
            raise ChainRefused("signature")
        if isinstance(link, EnrolCert):
            if parent is not None:
                raise ChainRefused("order")
            role = link.role
            path.append(link.enrol_id)
        else:
            _check_device_link(link, parent, role)
            role = link.role
            path.append(link.device_id)
        public = link.sign_public
        parent = link
    if revoked.intersection(path):
        raise ChainRefused("revoked")
    return Certified(cert.device_id, org_id, cert.sign_public, role, tuple(path))


def _check_device_link(link: DeviceCert, parent: Link | None, role: str | None) -> None:
    if parent is None:
        if link.issuer is not None:
            raise ChainRefused("order")
        return
    if isinstance(parent, EnrolCert):
        if link.issuer != parent.enrol_id or link.role != parent.role:
            raise ChainRefused("order")
        if link.issued_at is None:
            raise ChainRefused("expired")
        try:
            issued = _time(link.issued_at)
        except ValueError:
            raise ChainRefused("expired") from None
        # An enrolment key certifies only while it is valid: a laptop joining with an expired
        # file is refused. (The time is the enrolment key holder's word: someone holding a
        # leaked file and passphrase can backdate; sync status's over-use warning and
        # revoking the enrolment id answer that.)
        if not _time(parent.issued_at) <= issued <= parent.expires:
            raise ChainRefused("expired")
        return
    if link.issuer != parent.device_id or link.role != role:
        raise ChainRefused("order")


REVOKE_DOMAIN = b"cmdesk-revoke\n"


@dataclass(frozen=True)
class Revocation:
    """The organisation's signed word that a device (or every device joined with an enrolment
    key, when `subject` is an enrolment id) is no longer one of its laptops. It travels in
    bundle headers; a receiver checks it against the organisation's key before using it.

    `kept`: the sequence numbers of the device's own changes that stay valid (flat ranges, as
    vectors.RangeSet stores them): those the revoking computer held when it revoked. Relays
    carry them on, so work the laptop delivered before it was lost reaches every laptop; any
    other change signed by its key is refused (a thief holding the laptop can sign new ones).
    Absent (older revocations, enrolment ids): none is kept."""

    org_id: str
    subject: str
    revoked_at: str
    signature: bytes
    kept: tuple[int, ...] = ()

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "kind": "revocation",
            "org_id": self.org_id,
            "subject": self.subject,
            "revoked_at": self.revoked_at,
        }
        if self.kept:  # absent from older revocations' signed bodies
            body["kept"] = list(self.kept)
        return body

    def to_json(self) -> dict[str, Any]:
        return {**self.body(), "signature": b64(self.signature)}

    @classmethod
    def from_json(cls, d: object) -> Revocation:
        if not isinstance(d, dict) or d.get("kind") != "revocation":
            raise ValueError("revocation")
        kept = d.get("kept", [])
        if not isinstance(kept, list) or len(kept) > 2 * MAX_KEPT_RANGES:
            raise ValueError("revocation")
        # Ranges as stored (sorted, disjoint): anything else is not what was signed here.
        if RangeSet.from_json(kept).to_json() != kept or any(n >= 1 << 62 for n in kept):
            raise ValueError("revocation")
        return cls(
            req_str(d, "org_id", 36),
            req_str(d, "subject", 36),
            req_str(d, "revoked_at", 40),
            unb64(d.get("signature"), 64),
            tuple(kept),
        )

    @classmethod
    def issue(
        cls, org_sign_secret: bytes, org_id: str, subject: str, kept: tuple[int, ...] = ()
    ) -> Revocation:
        unsigned = cls(org_id, subject, now_text(), b"", kept)
        signature = SigningKey(org_sign_secret).sign(REVOKE_DOMAIN + canonical(unsigned.body()))
        return replace(unsigned, signature=signature.signature)

    def signed_by(self, public: bytes) -> bool:
        return _signed_by(public, REVOKE_DOMAIN, self.body(), self.signature)


# A revoked device's kept changes are normally one run; gaps come from bundles carried out of
# order. A hostile header cannot make a receiver hold more than this.
MAX_KEPT_RANGES = 1000
MAX_REVOCATIONS = 2000


def revocations_from_json(d: object) -> tuple[Revocation, ...]:
    if not isinstance(d, list) or len(d) > MAX_REVOCATIONS:
        raise ValueError("revocations")
    return tuple(Revocation.from_json(x) for x in d)


BOX_DOMAIN = b"cmdesk-org-box\n"
MAX_GRANTS = 1000


@dataclass(frozen=True)
class BoxUpdate:
    """The organisation's signed word that bundles for it are now sealed to a new X25519 key
    (`epoch` counts rotations). Partners switch to it; the organisation's laptops receive the
    new private key in grants sealed to each certified, unrevoked device's own key."""

    org_id: str
    box_public: bytes
    epoch: int
    issued_at: str
    signature: bytes

    def body(self) -> dict[str, Any]:
        return {
            "kind": "org_box",
            "org_id": self.org_id,
            "box_public": b64(self.box_public),
            "epoch": self.epoch,
            "issued_at": self.issued_at,
        }

    def to_json(self) -> dict[str, Any]:
        return {**self.body(), "signature": b64(self.signature)}

    @classmethod
    def from_json(cls, d: object) -> BoxUpdate:
        if not isinstance(d, dict) or d.get("kind") != "org_box":
            raise ValueError("org box")
        epoch = d.get("epoch")
        if not isinstance(epoch, int) or isinstance(epoch, bool) or not 0 < epoch < 1 << 31:
            raise ValueError("epoch")
        return cls(
            req_str(d, "org_id", 36),
            unb64(d.get("box_public"), 32),
            epoch,
            req_str(d, "issued_at", 40),
            unb64(d.get("signature"), 64),
        )

    @classmethod
    def issue(cls, org_sign_secret: bytes, org_id: str, box_public: bytes, epoch: int) -> BoxUpdate:
        unsigned = cls(org_id, box_public, epoch, now_text(), b"")
        signature = SigningKey(org_sign_secret).sign(BOX_DOMAIN + canonical(unsigned.body()))
        return replace(unsigned, signature=signature.signature)

    def signed_by(self, public: bytes) -> bool:
        return _signed_by(public, BOX_DOMAIN, self.body(), self.signature)


@dataclass(frozen=True)
class BoxNews:
    """What a bundle header says about its sender organisation's encryption key: the latest
    signed update, and (in bundles for the organisation's own laptops) the new private key
    sealed to each device the sender knows."""

    update: BoxUpdate
    grants: dict[str, bytes]

    def to_json(self) -> dict[str, Any]:
        return {
            "update": self.update.to_json(),
            "grants": {device: b64(sealed) for device, sealed in sorted(self.grants.items())},
        }

    @classmethod
    def from_json(cls, d: object) -> BoxNews:
        if not isinstance(d, dict):
            raise ValueError("org box")
        grants = d.get("grants")
        if not isinstance(grants, dict) or len(grants) > MAX_GRANTS:
            raise ValueError("grants")
        return cls(
            BoxUpdate.from_json(d.get("update")),
            {req_str({"k": k}, "k", 36): unb64(v, 80) for k, v in grants.items()},
        )


def box_news_from_json(d: object) -> tuple[BoxNews, ...]:
    if not isinstance(d, list) or len(d) > 2:
        raise ValueError("org box")
    return tuple(BoxNews.from_json(x) for x in d)
