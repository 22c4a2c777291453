"""The organisations of the network: seeded into every vault, listed for referrals and plans.

Every vault holds the whole Chiang Rai network (cmdesk.core.reference.partners) so referrals
and plan actions can name any partner. Ids follow from codes (model.org_id_for), so the same
organisation has the same id on every device. The vault's own organisation is the one recorded
in vault_meta under "org_id".
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cmdesk.core.acting.audit import AuditService
from cmdesk.core.acting.changes import Kind, OpChanges
from cmdesk.core.acting.context import Context
from cmdesk.core.acting.stamping import writing
from cmdesk.core.errors import NotFound, ValidationError
from cmdesk.core.i18n import N_, Locale
from cmdesk.core.model import Organisation, Referral, VaultMeta, org_id_for
from cmdesk.core.model.referral import OPEN_AT_RECEIVER
from cmdesk.core.model.roles import Role
from cmdesk.core.reference.partners import PARTNERS, OrganisationKind, Service, partner
from cmdesk.core.services.outcome import Outcome
from cmdesk.core.sync.model import SyncOrg

MAX_CODE = 32


@dataclass(frozen=True)
class OrganisationDTO:
    id: str
    code: str
    name_th: str
    name_en: str
    kind: str
    services: tuple[str, ...]
    is_own: bool
    # This organisation withdrew its trust (`sync untrust`): nothing reaches it any more, so
    # it is not offered for a referral or a consent to share.
    trust_withdrawn: bool = False

    def name(self, locale: Locale) -> str:
        return self.name_th if locale == "th" else self.name_en


def check_code(code: str) -> str:
    clean = code.strip().upper()
    if not clean or len(clean) > MAX_CODE or not clean.replace("-", "").replace("_", "").isalnum():
        raise ValidationError.single(
            "org", N_("An organisation code is 1 to 32 letters, digits, - or _.")
        )
    return clean


def check_services(services: Iterable[str], field: str = "services") -> list[str]:
    known = {s.value for s in Service}
    chosen = list(dict.fromkeys(services))
    unknown = [s for s in chosen if s not in known]
    if unknown:
        raise ValidationError.single(field, N_("Unknown service: {service}."), service=unknown[0])
    return chosen


def seed_organisations(
    session: Session, own_code: str, own_name_th: str = "", own_name_en: str = ""
) -> Organisation:
    """Adds every network partner missing from the vault, and the vault's own organisation.

    If the own code is a known partner, its real names are used unless names are given.
    Returns the own organisation row.
    """
    existing = set(session.scalars(select(Organisation.code)))
    for p in PARTNERS:
        if p.code not in existing:
            session.add(
                Organisation(
                    id=org_id_for(p.code),
                    code=p.code,
                    name_th=p.name_th,
                    name_en=p.name_en,
                    kind=p.kind.value,
                    services=[s.value for s in p.services],
                )
            )
    session.flush()
    code = check_code(own_code)
    own = session.scalar(select(Organisation).where(Organisation.code == code))
    known = partner(code)
    if own is None:
        own = Organisation(
            id=org_id_for(code),
            code=code,
            name_th=own_name_th or code,
            name_en=own_name_en or code,
            kind=OrganisationKind.NGO.value,
            services=[],
        )
        session.add(own)
    else:
        own.name_th = own_name_th or (known.name_th if known else own.name_th)
        own.name_en = own_name_en or (known.name_en if known else own.name_en)
    session.flush()
    return own


def own_org_id(session: Session) -> str:
    value = session.scalar(select(VaultMeta.value).where(VaultMeta.key == "org_id"))
    if value is None:
        raise NotFound
    return value


def to_dto(
    org: Organisation, own_id: str, withdrawn: frozenset[str] = frozenset()
) -> OrganisationDTO:
    return OrganisationDTO(
        org.id,
        org.code,
        org.name_th,
        org.name_en,
        org.kind,
        tuple(org.services or ()),
        org.id == own_id,
        org.id in withdrawn,
    )


class OrganisationService:
    def __init__(self, ctx: Context, audit: AuditService) -> None:
        self._ctx = ctx
        self._audit = audit

    def list(self) -> list[OrganisationDTO]:
        """The vault's own organisation first, then the others by code."""
        with self._ctx.read() as s:
            own = own_org_id(s)
            withdrawn = frozenset(
                s.scalars(select(SyncOrg.org_id).where(SyncOrg.withdrawn_at.is_not(None)))
            )
            rows = [to_dto(o, own, withdrawn) for o in s.scalars(select(Organisation))]
        return sorted(rows, key=lambda o: (not o.is_own, o.code))

    def open_referrals_to(self, org_id: str) -> int:
        """Referrals to this organisation still waiting for it or in its hands (sent,
        acknowledged, accepted): those it will not answer once its trust is withdrawn."""
        self._ctx.require_role(Role.DATA_MANAGER)
        with self._ctx.read() as s:
            counted = s.scalar(
                select(func.count())
                .select_from(Referral)
                .where(Referral.to_org_id == org_id, Referral.status.in_(OPEN_AT_RECEIVER))
            )
        return int(counted or 0)

    def get(self, code_or_id: str) -> OrganisationDTO:
        key = code_or_id.strip()
        for org in self.list():
            if key in (org.id, org.code, org.code.lower()):
                return org
        raise NotFound

    def own(self) -> OrganisationDTO:
        return next(o for o in self.list() if o.is_own)

    def offering(self, service: str) -> builtins.list[OrganisationDTO]:
        """Partners to suggest for a referral needing `service` (not the vault's own)."""
        return [o for o in self.list() if service in o.services and not o.is_own]

    def add(
        self,
        code: str,
        name_th: str,
        name_en: str,
        kind: str = OrganisationKind.NGO.value,
        services: Iterable[str] = (),
    ) -> Outcome[OrganisationDTO]:
        """A new partner outside the seeded network. Data managers only."""
        self._ctx.require_role(Role.DATA_MANAGER)
        clean = check_code(code)
        if kind not in {k.value for k in OrganisationKind}:
            raise ValidationError.single("kind", N_("Unknown kind of organisation."))
        if not name_th.strip() or not name_en.strip():
            raise ValidationError.single(
                "name", N_("Give the organisation's name in Thai and in English.")
            )
        chosen = check_services(services)
        with writing(self._ctx) as s:
            if s.scalar(select(Organisation.id).where(Organisation.code == clean)):
                raise ValidationError.single(
                    "org", N_("An organisation with the code {code} exists already."), code=clean
                )
            org = Organisation(
                id=org_id_for(clean),
                code=clean,
                name_th=name_th.strip(),
                name_en=name_en.strip(),
                kind=kind,
                services=chosen,
            )
            s.add(org)
            s.flush()
            self._audit.record(s, "organisation.add", "organisation", org.id, {"code": clean})
            dto = to_dto(org, own_org_id(s))
        return Outcome(dto, OpChanges.of(Kind.ORGANISATION, ids=(dto.id,)))

    def set_services(self, code_or_id: str, services: Iterable[str]) -> Outcome[OrganisationDTO]:
        """What an organisation offers, as it confirms it. Data managers only."""
        self._ctx.require_role(Role.DATA_MANAGER)
        chosen = check_services(services)
        target = self.get(code_or_id)
        with writing(self._ctx) as s:
            org = s.get(Organisation, target.id)
            if org is None:
                raise NotFound
            org.services = chosen
            self._audit.record(
                s, "organisation.services", "organisation", org.id, {"services": chosen}
            )
            dto = to_dto(org, own_org_id(s))
        return Outcome(dto, OpChanges.of(Kind.ORGANISATION, ids=(dto.id,)))
