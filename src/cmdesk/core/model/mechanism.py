"""Community child-protection mechanisms an organisation works with in a subdistrict (tambon):
the community child protection centre (ศูนย์ชุมชนคุ้มครองเด็กระดับตำบล) and the children and
youth council (สภาเด็กและเยาวชนระดับตำบล), and the meetings they held. The Thai words are the
Department of Children and Youth's, chosen in resources/i18n/glossary.md.

Organisation data, like its other records (owned by `org_id`): not shared with partners by
any referral section (see the catalog), and counted, never listed, in the network figures.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Final

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cmdesk.core.i18n import N_
from cmdesk.core.model.base import Base, Synced
from cmdesk.core.model.field_info import about, adult_contact, code_of, record_ref


class MechanismKind(StrEnum):
    CENTRE = "centre"
    COUNCIL = "council"


MECHANISM_KIND_LABELS: Final[dict[MechanismKind, str]] = {
    MechanismKind.CENTRE: N_("Community child protection centre"),
    MechanismKind.COUNCIL: N_("Children and youth council"),
}


class Mechanism(Synced, Base):
    """Never deleted: one that stopped working is marked inactive, so the figures of past
    periods and the cases linked to it keep their meaning."""

    __tablename__ = "community_mechanism"

    kind: Mapped[str] = mapped_column(
        String(16), index=True, info=code_of(N_("Kind of mechanism"), "mechanism_kind")
    )
    name: Mapped[str] = mapped_column(String(200), info=about(N_("Name of the mechanism")))
    subdistrict_code: Mapped[str] = mapped_column(
        String(6), index=True, info=about(N_("Subdistrict"))
    )
    # The adult the organisation contacts there: personal data, kept with the organisation.
    contact_name: Mapped[str] = mapped_column(
        String(200), default="", info=adult_contact(N_("Contact person"))
    )
    contact_phone: Mapped[str] = mapped_column(
        String(40), default="", info=adult_contact(N_("Contact phone"))
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True, info=about(N_("Working now")))


class MechanismMeeting(Synced, Base):
    """A meeting a mechanism held: the network counts them per period."""

    __tablename__ = "mechanism_meeting"

    mechanism_id: Mapped[str] = mapped_column(
        String(36), index=True, info=record_ref(N_("Community mechanism"))
    )
    held_on: Mapped[date] = mapped_column(index=True, info=about(N_("Meeting date")))
    attendees: Mapped[int] = mapped_column(Integer, default=0, info=about(N_("Attendees")))
    note: Mapped[str] = mapped_column(Text, default="", info=about(N_("Note")))
