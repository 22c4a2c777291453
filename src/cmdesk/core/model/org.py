"""Organisations of the network and the staff who use cmdesk."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from cmdesk.core.model.base import Base, id_column, utcnow

# Fixed namespace for organisation ids (never change it: every vault derives the same ids).
_ORG_NAMESPACE = uuid.UUID("0196f0c2-6a3e-7c1d-9b7e-4f2a8c1d5e60")


def org_id_for(code: str) -> str:
    """The id of the organisation with this code, the same on every device.

    Organisations are seeded or added on each device separately; records from other devices
    refer to them by id, so the id must follow from the code rather than be random.
    """
    return str(uuid.uuid5(_ORG_NAMESPACE, code.strip().upper()))


# Fixed namespace for staff ids (never change it, as above).
_USER_NAMESPACE = uuid.UUID("0196f0c2-6a3e-7c1d-9b7e-4f2a8c1d5e62")


def user_id_for(org_id: str, username: str) -> str:
    """The id of the account `username` of an organisation, the same on every laptop.

    A user name names one person in an organisation: the account the office makes for a
    field worker and the one the worker makes joining with their own laptop are one person.
    Cases name their worker and manager by this id, so it must follow from the name: a random
    id per laptop hid from a worker, on their own laptop, the cases the office gave them.
    """
    return str(uuid.uuid5(_USER_NAMESPACE, f"{org_id}/{username.strip().lower()}"))


class Organisation(Base):
    __tablename__ = "organisation"

    id: Mapped[str] = id_column()
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_th: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="ngo")
    services: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class User(Base):
    __tablename__ = "app_user"

    id: Mapped[str] = id_column()
    org_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"))
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))
    team: Mapped[str] = mapped_column(String(64), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Colleague(Base):
    """A staff member of this organisation as the office's directory last said (their account
    is on other laptops: made at the office, say), so that this laptop names them and can give
    them cases. Never signs in here; an account on this laptop with the same id comes first.
    Not synced: filled from the bundles and enrolment files of a laptop that keeps the
    organisation's accounts (sync.colleagues)."""

    __tablename__ = "colleague"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # their account's id
    org_id: Mapped[str] = mapped_column(String(36))
    username: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))
    team: Mapped[str] = mapped_column(String(64), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # When the directory that said this was made (UTC, ISO 8601): a later one replaces it.
    as_of: Mapped[str] = mapped_column(String(40))


def codes_by_id(session: Session) -> dict[str, str]:
    """Every organisation's code by its id (a dozen rows): how records name an organisation."""
    return {str(i): str(c) for i, c in session.execute(select(Organisation.id, Organisation.code))}
