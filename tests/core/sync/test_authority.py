"""The authority rules over decoded changes: what a partner may write (its answer on a
referral addressed to it, its own feedback) and what it may not (anything else of ours, or
another organisation's operations relayed)."""

from __future__ import annotations

import json

from cmdesk.core.sync import authority, team_authority
from cmdesk.core.sync.authority import Facts, Owner
from cmdesk.core.sync.oplog import Change
from cmdesk.core.sync.vectors import RangeSet

OWN, PARTNER = "org-wvft", "org-frc"
OFFICE, FRC_LAPTOP = "dev-office", "dev-frc"
HELD = {
    ("referral", "ref-1"): Owner(OWN, PARTNER),
    ("case_file", "case-1"): Owner(OWN),
}


def change(origin: str, seq: int, tbl: str, row_id: str, **values: object) -> Change:
    return Change(
        origin, seq, 1, tbl, row_id, 0, 1, None, names=tuple(values), values=[*values.values()]
    )


def facts(held: dict[str, RangeSet] | None = None) -> Facts:
    return Facts(
        own_org=OWN,
        sender_org=PARTNER,
        sender_device=FRC_LAPTOP,
        device_orgs={OFFICE: OWN, FRC_LAPTOP: PARTNER},
        held=held or {},
        owner=lambda tbl, row_id: HELD.get((tbl, row_id)),
    )


def reasons(*changes: Change, held: dict[str, RangeSet] | None = None) -> list[str | None]:
    verdict = authority.check([list(changes)], facts(held))
    refused = {(r.origin, r.seq): r.reason for r in verdict.refused}
    return [refused.get((c.origin, c.seq)) for c in changes]


def test_a_partner_answers_a_referral_addressed_to_it_and_nothing_more() -> None:
    answer = change(FRC_LAPTOP, 1, "referral", "ref-1", status="accepted")
    widened = change(FRC_LAPTOP, 2, "referral", "ref-1", shared_sections='["legal_status"]')
    feedback = change(
        FRC_LAPTOP, 3, "referral_event", "ev-1", org_id=PARTNER, referral_id="ref-1",
        case_id="case-1", kind="feedback",
    )  # fmt: skip
    note_on_case = change(FRC_LAPTOP, 4, "case_note", "n-1", org_id=PARTNER, case_id="case-1")
    risk = change(FRC_LAPTOP, 5, "case_file", "case-1", risk_level="low")
    assert reasons(answer, widened, feedback, note_on_case, risk) == [
        None,
        authority.REFERRAL_FIELDS,
        None,
        authority.CREATED_INSIDE,
        authority.NOT_OWNER,
    ]


def test_a_partner_cannot_relay_our_operations_unless_we_already_hold_them() -> None:
    ours = change(OFFICE, 7, "case_file", "case-1", risk_level="low")
    assert reasons(ours) == [authority.FOREIGN_ORIGIN]
    assert reasons(ours, held={OFFICE: RangeSet([(1, 10)])}) == [None]


def test_a_partner_creates_only_its_own_records() -> None:
    own_child = change(FRC_LAPTOP, 1, "child", "c-9", org_id=PARTNER, nickname="x")
    then_edit = change(FRC_LAPTOP, 2, "child", "c-9", nickname="y")
    ours = change(FRC_LAPTOP, 3, "child", "c-10", org_id=OWN, nickname="z")
    assert reasons(own_child, then_edit, ours) == [None, None, authority.CREATED_INSIDE]


def test_a_partner_change_to_a_record_not_here_yet_waits_for_it() -> None:
    """An answer to a referral this laptop has not received (it heard from the partner before
    its own office): neither applied nor refused, so the partner's next bundle brings it
    again, to be judged once the record is here."""
    answer = change(FRC_LAPTOP, 1, "referral", "ref-unknown", status="acknowledged")
    nameless = change(FRC_LAPTOP, 2, "child", "c-10", nickname="z")
    verdict = authority.check([[answer, nameless]], facts())
    assert verdict.segments == [[]]
    assert verdict.refused == []
    assert verdict.waiting == [answer, nameless]


# A laptop of our own organisation enrolled for team north (team_authority.py).
NORTH_LAPTOP = "dev-north"
CASE_TEAMS = {"case-n": "north", "case-s": "south", "case-moved": "south"}
CHILD_CASES = {"child-n": ["case-n"], "child-s": ["case-s"]}
# The teams each case was given, with when (a case made in north, moved south at 50).
HISTORY = {
    "case-n": [("north", 10)],
    "case-s": [("south", 10)],
    "case-moved": [("north", 10), ("south", 50)],
}


def held_cases(tbl: str, row_id: str) -> list[team_authority.CaseTeam] | None:
    def case(case_id: str) -> team_authority.CaseTeam:
        return team_authority.CaseTeam(case_id, CASE_TEAMS[case_id])

    if tbl == "case_file":
        return [case(row_id)] if row_id in CASE_TEAMS else None
    if tbl == "child":
        return [case(c) for c in CHILD_CASES[row_id]] if row_id in CHILD_CASES else None
    if tbl == "case_note" and row_id.startswith("note-of-"):
        return [case(row_id.removeprefix("note-of-"))]
    return None


def team_reasons(*changes: Change, sender: str = NORTH_LAPTOP) -> list[str | None]:
    whole_org = sender != NORTH_LAPTOP
    verdict = authority.check(
        [list(changes)],
        Facts(
            own_org=OWN,
            sender_org=OWN,
            sender_device=sender,
            device_orgs={OFFICE: OWN, NORTH_LAPTOP: OWN},
            held={},
            owner=lambda tbl, row_id: Owner(OWN),
            sender_team=None if whole_org else "north",
            device_teams={NORTH_LAPTOP: "north"},
            cases=held_cases,
            history=lambda case_id: HISTORY.get(case_id, []),
        ),
    )
    refused = {(r.origin, r.seq): r.reason for r in verdict.refused}
    return [refused.get((c.origin, c.seq)) for c in changes]


def at(hlc: int, origin: str, seq: int, tbl: str, row_id: str, **values: object) -> Change:
    made = change(origin, seq, tbl, row_id, **values)
    made.hlc = hlc
    return made


def test_a_team_laptop_changes_its_team_s_cases_and_nothing_of_another_team() -> None:
    n = NORTH_LAPTOP
    assert (
        team_reasons(
            at(60, n, 1, "case_note", "note-1", org_id=OWN, case_id="case-n", text="visit"),
            at(60, n, 2, "case_file", "case-n", risk_level="high"),
            at(60, n, 3, "child", "child-n", nickname="Noi"),
            at(60, n, 4, "case_file", "case-s", risk_level="low"),
            at(60, n, 5, "case_note", "note-2", org_id=OWN, case_id="case-s", text="forged"),
            at(60, n, 6, "case_note", "note-of-case-s", text="rewritten"),
            at(60, n, 7, "child", "child-s", nickname="forged"),
            at(60, n, 8, "household_member", "hm-1", org_id=OWN, child_id="child-s"),
        )
        == [None, None, None] + [team_authority.OUTSIDE_TEAM] * 5
    )


def test_a_team_laptop_creates_cases_in_its_team_only() -> None:
    n = NORTH_LAPTOP
    assert (
        team_reasons(
            at(60, n, 1, "child", "child-new", org_id=OWN, nickname="Dao"),
            at(60, n, 2, "case_file", "case-new", org_id=OWN, child_id="child-new", team="north"),
            at(60, n, 3, "case_task", "task-1", org_id=OWN, case_id="case-new"),
            at(60, n, 4, "case_file", "case-x", org_id=OWN, child_id="child-new", team="south"),
            at(60, n, 5, "case_goal", "goal-1", org_id=OWN, case_id="case-x"),
            # Moving a case of another team into its own is not its to do either.
            at(60, n, 6, "case_file", "case-s", team="north"),
        )
        == [None, None, None] + [team_authority.OUTSIDE_TEAM] * 3
    )


def test_work_done_before_a_case_left_the_team_still_arrives() -> None:
    # The office moved the case to the south team at 50; the north worker, offline, wrote on
    # it at 40 and at 60 (not knowing yet): the case was north's before both, so both arrive.
    # The south team's own case never was north's, whenever the change was made.
    n = NORTH_LAPTOP
    assert team_reasons(
        at(40, n, 1, "case_note", "note-1", org_id=OWN, case_id="case-moved"),
        at(60, n, 2, "case_file", "case-moved", risk_level="medium"),
        at(5, n, 3, "case_file", "case-moved", risk_level="low"),
        at(5, n, 4, "case_file", "case-s", risk_level="low"),
    ) == [None, None, team_authority.OUTSIDE_TEAM, team_authority.OUTSIDE_TEAM]


def test_a_team_laptop_erases_only_its_team_s_records() -> None:
    n = NORTH_LAPTOP
    own = json.dumps({"child": ["child-n"], "case_file": ["case-n"]})
    other = json.dumps({"child": ["child-n", "child-s"]})
    assert team_reasons(
        at(60, n, 1, "erasure", "e-1", org_id=OWN, child_id="child-n", erased=own),
        at(60, n, 2, "erasure", "e-2", org_id=OWN, child_id="child-s", erased=other),
    ) == [None, team_authority.TEAM_ERASES]


def test_what_the_office_relays_from_a_team_laptop_was_judged_where_it_arrived() -> None:
    # A whole-organisation laptop's bundle: its judgement stands (the case may have moved
    # between the two imports; judging again would part the two vaults).
    relayed = at(60, NORTH_LAPTOP, 1, "case_file", "case-s", risk_level="low")
    assert team_reasons(relayed, sender=OFFICE) == [None]


def test_work_stamped_long_after_a_case_left_the_team_is_refused() -> None:
    # Moved south at 50: a north laptop's work on it stamped within LATE_WORK of the move is
    # taken as written offline before the laptop could know; stamped later, it is not.
    n, late = NORTH_LAPTOP, team_authority.LATE_WORK
    assert team_reasons(
        at(50 + late - 1, n, 1, "case_note", "note-1", org_id=OWN, case_id="case-moved"),
        at(50 + late + 1, n, 2, "case_note", "note-2", org_id=OWN, case_id="case-moved"),
        at(50 + 2 * late, n, 3, "case_file", "case-moved", risk_level="low"),
    ) == [None, team_authority.OUTSIDE_TEAM, team_authority.OUTSIDE_TEAM]


def test_late_work_stamped_before_its_laptop_s_earlier_work_is_refused() -> None:
    # The laptop numbered a change to its own case at 50 + 2 * LATE_WORK, then one on the
    # moved case stamped 60, as if written just after the move: its own order gives the stamp
    # away (the bundle comes in stamp order, so the backdated change arrives first).
    n, late = NORTH_LAPTOP, team_authority.LATE_WORK
    backdated = at(60, n, 2, "case_note", "note-2", org_id=OWN, case_id="case-moved")
    honest = at(55, n, 3, "case_note", "note-3", org_id=OWN, case_id="case-n")
    assert team_reasons(
        backdated,
        at(50 + 2 * late, n, 1, "case_note", "note-1", org_id=OWN, case_id="case-n"),
    ) == [team_authority.OUTSIDE_TEAM, None]
    # Stamped after everything it numbered before, the same late work arrives; and backdating
    # only matters for late work (a change to the team's own case is the team's whenever).
    in_order = at(60, n, 2, "case_note", "note-2", org_id=OWN, case_id="case-moved")
    assert team_reasons(
        at(55, n, 1, "case_note", "note-1", org_id=OWN, case_id="case-n"), in_order
    ) == [None, None]
    assert team_reasons(honest, at(70, n, 2, "case_file", "case-n", risk_level="high")) == [
        None,
        None,
    ]


def test_each_time_a_case_was_the_team_s_counts() -> None:
    # North at 10, south at 50, north again at 50 + 3 * LATE_WORK, south again at
    # 50 + 4 * LATE_WORK: work stamped while it was north's the second time is late work;
    # work stamped in between, long after it first left, is not.
    n, late = NORTH_LAPTOP, team_authority.LATE_WORK
    HISTORY["case-back"] = [
        ("north", 10),
        ("south", 50),
        ("north", 50 + 3 * late),
        ("south", 50 + 4 * late),
    ]
    CASE_TEAMS["case-back"] = "south"
    try:
        assert team_reasons(
            at(50 + 2 * late, n, 1, "case_note", "n-1", org_id=OWN, case_id="case-back"),
            at(50 + 3 * late + 5, n, 2, "case_note", "n-2", org_id=OWN, case_id="case-back"),
            at(50 + 6 * late, n, 3, "case_note", "n-3", org_id=OWN, case_id="case-back"),
        ) == [team_authority.OUTSIDE_TEAM, None, team_authority.OUTSIDE_TEAM]
    finally:
        del HISTORY["case-back"], CASE_TEAMS["case-back"]
