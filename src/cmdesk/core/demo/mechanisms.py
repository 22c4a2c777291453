"""Demo community mechanisms: a tambon child protection centre in about half the Chiang Rai
subdistricts and a children and youth council in about a third, with made-up contact people
(generated names, 08x-555 phone numbers) and their meetings over the last two years.

Rows of the real model, the same for a seed and day, made once per demo vault; cases link to
the mechanisms of their child's subdistrict (records.CaseBuilder.mechanisms).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Final

from cmdesk.core.demo.names import Sex, demo_name
from cmdesk.core.demo.people import demo_phone
from cmdesk.core.demo.records import demo_id
from cmdesk.core.model import Mechanism, MechanismMeeting
from cmdesk.core.model.mechanism import MechanismKind
from cmdesk.core.reference import geography

_SHARE: Final = {MechanismKind.CENTRE: 0.5, MechanismKind.COUNCIL: 0.35}
_NAME: Final = {
    MechanismKind.CENTRE: "ศูนย์ชุมชนคุ้มครองเด็กตำบล{}",
    MechanismKind.COUNCIL: "สภาเด็กและเยาวชนตำบล{}",
}
_INACTIVE_SHARE: Final = 0.1
_DAYS: Final = 730
_GAPS: Final = (30, 45, 60, 90)


@dataclass(frozen=True)
class DemoMechanism:
    """What a demo case needs to link to a mechanism."""

    id: str
    subdistrict_code: str


def _at(day: date) -> datetime:
    return datetime.combine(day, time(3), tzinfo=UTC)  # mid-morning in Thailand


def demo_mechanisms(
    seed: int, org_id: str, actor_id: str, as_of: date
) -> tuple[list[Mechanism], list[MechanismMeeting]]:
    """The mechanisms of Chiang Rai's subdistricts and the meetings each held."""
    rng = random.Random(f"cmdesk-demo-mechanisms:{seed}")
    first = as_of - timedelta(days=_DAYS)
    mechanisms: list[Mechanism] = []
    meetings: list[MechanismMeeting] = []
    stamp = {"org_id": org_id, "created_by": actor_id, "updated_by": actor_id}
    for district in geography.districts(geography.CHIANG_RAI):
        for tambon in geography.subdistricts(district.code):
            for kind, share in _SHARE.items():
                if rng.random() >= share:
                    continue
                active = rng.random() >= _INACTIVE_SHARE
                sex: Sex = "female" if rng.random() < 0.5 else "male"
                contact = demo_name(rng, "northern_thai", sex, born_year=as_of.year - 45)
                mech = Mechanism(
                    id=demo_id(_at(first), rng),
                    kind=kind.value,
                    name=_NAME[kind].format(tambon.name_th),
                    subdistrict_code=tambon.code,
                    contact_name=contact.full_th,
                    contact_phone=demo_phone(rng),
                    active=active,
                    created_at=_at(first),
                    updated_at=_at(first),
                    **stamp,
                )
                mechanisms.append(mech)
                # Every one to three months; one that stopped working stopped a year ago.
                day = first + timedelta(days=rng.randrange(60))
                last = as_of if active else as_of - timedelta(days=365)
                while day <= last:
                    meetings.append(
                        MechanismMeeting(
                            id=demo_id(_at(day), rng),
                            mechanism_id=mech.id,
                            held_on=day,
                            attendees=rng.randint(5, 25),
                            note="",
                            created_at=_at(day),
                            updated_at=_at(day),
                            **stamp,
                        )
                    )
                    day += timedelta(days=rng.choice(_GAPS))
    return mechanisms, meetings
