"""The network as its people use it, in an order chosen at random: two organisations' laptops,
each its own `cmdesk` process per command, record children, cases and notes, refer cases from
WVFT to ECPAT, carry bundles between each other in any order, make backups, copy a laptop's
folder whole and restore a laptop from its backup. However it went, once every laptop has
reported to its office and heard back a few times:

- every child and note survives that a laptop still held when it was last restored or that
  reached another laptop before (a restore loses only what nobody else had), on every laptop
  of the organisation, and the laptops agree to the last field;
- ECPAT has received every referral WVFT made to it that survived, lists none of WVFT's
  children as its own, and WVFT none of ECPAT's; but for the children of referrals ECPAT
  accepted and took into its own caseload (`referral open-case`): ECPAT's own records of
  them, with its case named on its side of the referral and never sent to WVFT;
- the two organisations agree on where every referral stands (ECPAT's answers reach WVFT, and
  WVFT's withdrawals reach ECPAT, even of one ECPAT was answering meanwhile),
  and ECPAT knows each referred child by the nickname WVFT holds (laptops correct a child's
  nickname along the way, apart: each organisation settles on one that a laptop gave), except
  a child whose family withdrew the consent a referral rested on: ECPAT hears of the
  withdrawal and names that child no more;
- `check` finds every vault whole, and no import was refused.

WVFT's office may withdraw its trust in ECPAT along the way and trust it again later (`sync
untrust`, `sync trust`): while a laptop knows of the withdrawal, it makes no bundle for ECPAT,
takes none from it and refers nothing to it; the walk ends with ECPAT trusted again, and all
of the above holds.

The stateful model (tests/core/sync/test_stateful.py) explores the engine's shapes in one
process; this walk goes through the commands a data manager types, with their files, folders
and processes. `NETWORK_EXAMPLES` sets how many walks (6 unless set).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import initialize, precondition, rule

from tests.network.harness import ADMIN, Laptop
from tests.network.walks import Walker, run_walks, step

WVFT, ECPAT = "WVFT", "ECPAT"
# The steps ECPAT may take on a referral in each state, and those WVFT may withdraw it from.
ANSWERS = {
    "sent": ("acknowledge", "accept", "decline"),
    "acknowledged": ("accept", "decline"),
    "accepted": ("complete",),
}
WITHDRAWABLE = ACTIVE = ("sent", "acknowledged", "accepted")
# Who records on each laptop of the template: a supervisor sees every case of its organisation.
WORKER = {"office": "kasem", "field": "lek", "partner": "som", "outreach": "nid"}
ORGS = {"office": WVFT, "field": WVFT, "partner": ECPAT, "outreach": ECPAT}


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The office and a field laptop of WVFT, ECPAT's office and an outreach laptop, the
    offices trusting each other, each with a supervisor; copied for every walk."""
    root = tmp_path_factory.mktemp("network")
    office = Laptop.init(root / "office", WVFT)
    office.add_user(WORKER["office"], "supervisor")
    # Enrolled before the offices trust each other: the field laptop learns of ECPAT from
    # the office's bundles (partners.py).
    office.enrol(root / "field", user=WORKER["field"], role="supervisor")
    partner = Laptop.init(root / "partner", ECPAT)
    partner.add_user(WORKER["partner"], "supervisor")
    office.trust(partner)
    partner.trust(office)
    # Enrolled after: its enrolment file carries WVFT's identity.
    partner.enrol(root / "outreach", user=WORKER["outreach"], role="supervisor")
    return root


class Walk(Walker):
    @initialize()
    def start(self) -> None:
        self.begin("walk-", {name: (WORKER[name], org) for name, org in ORGS.items()})
        self.made: dict[str, str] = {}  # what was recorded (a child's name, a note) -> org
        self.cases: dict[str, tuple[str, str]] = {}  # case id -> (child's name, org)
        self.child_ids: dict[str, str] = {}  # child's name -> id
        self.nicknames: dict[str, list[str]] = {}  # child's name -> nicknames given, in order
        self.referred: set[str] = set()  # cases referred to ECPAT
        self.consents: set[str] = set()  # consents to share with ECPAT, not withdrawn yet
        self.taken: dict[str, str] = {}  # referral -> child's name, in ECPAT's caseload
        self.trusting = {"office", "partner", "outreach"}  # and their copies
        self.withdrawn = False  # the office withdrew its trust in ECPAT last
        self.ever_withdrawn = False  # a WVFT laptop may still know of a withdrawal

    # -- recording -------------------------------------------------------------------------

    @rule(data=st.data())
    @step
    def open_case(self, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(sorted(self.laptops)), label="laptop")
        laptop = self.laptops[name]
        child = f"เด็ก{self.number()}"
        case = laptop.open_case(child, "risk_reason=อยู่ลำพัง")
        self.made[child] = laptop.org
        self.cases[str(case["id"])] = (child, laptop.org)
        self.child_ids[child] = str(case["child_id"])
        self.holds[name].add(child)

    @precondition(lambda self: bool(self.cases))
    @rule(data=st.data())
    @step
    def rename(self, data: st.DataObject) -> None:
        """A child's nickname corrected on a laptop of its organisation that holds the child:
        two laptops correcting it apart meet on one of their values."""
        name = data.draw(st.sampled_from(sorted(self.laptops)), label="laptop")
        laptop = self.laptops[name]
        held = sorted(
            child
            for child, org in self.made.items()
            if child in self.child_ids and org == laptop.org and child in self.holds[name]
        )
        if not held:
            return
        child = data.draw(st.sampled_from(held), label="child")
        nickname = f"ชื่อเล่น{self.number()}"
        laptop.run("child", "edit", self.child_ids[child], "--set", f"nickname={nickname}")
        self.nicknames.setdefault(child, []).append(nickname)
        self.holds[name].add(nickname)

    @precondition(lambda self: bool(self.cases))
    @rule(data=st.data())
    @step
    def write_note(self, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(sorted(self.laptops)), label="laptop")
        laptop = self.laptops[name]
        held = sorted(c for c, (child, _) in self.cases.items() if child in self.holds[name])
        if not held:
            return
        case = data.draw(st.sampled_from(held), label="case")
        note = f"บันทึก{self.number()}"
        laptop.json("note", "add", case, "--text", note)
        self.made[note] = laptop.org
        self.holds[name].add(note)

    @precondition(lambda self: any(org == WVFT for _, org in self.cases.values()))
    @rule(data=st.data())
    @step
    def refer(self, data: st.DataObject) -> None:
        """A WVFT supervisor refers a case to ECPAT for legal aid, sharing the child's
        identity: on the family's consent, recorded first, or on a recorded override."""
        wvft = sorted(n for n, laptop in self.laptops.items() if laptop.org == WVFT)
        name = data.draw(st.sampled_from(wvft), label="laptop")
        held = sorted(
            case
            for case, (child, org) in self.cases.items()
            if org == WVFT and child in self.holds[name] and case not in self.referred
        )
        if not held:
            return
        case = data.draw(st.sampled_from(held), label="case")
        laptop = self.laptops[name]
        basis = ["--override-reason", "ศาลนัดพรุ่งนี้ ติดต่อผู้ปกครองไม่ได้"]
        if data.draw(st.booleans(), label="on consent"):
            consent = laptop.json(
                "consent", "add", self.child_ids[self.cases[case][0]], "--purpose", "sharing",
                "--share-with", ECPAT, "--given-on", "1/12/2569", "--given-by", "parent",
                "--giver-name", "นางคำ", "--method", "written", "--case", case,
            )  # fmt: skip
            self.consents.add(str(consent["id"]))
            self.holds[name].add(f"consent:{consent['id']}")
            basis = []
        sent = laptop.run(
            "referral", "send", case, "--to", ECPAT, "--service", "legal_aid",
            "--reason", "ต้องการทนายความ", "--share", "identity", *basis, check=False,
        )  # fmt: skip
        if sent.code != 0:
            self._withdrawal_said(sent.err)
            return
        self.referred.add(case)
        self.holds[name].add(f"referral:{case}")

    @precondition(lambda self: bool(self.referred))
    @rule(data=st.data())
    @step
    def answer(self, data: st.DataObject) -> None:
        """ECPAT takes a step on a referral it has received (a decline says why); its office
        may first fetch what WVFT's laptops have for it. (Without that, a walk whose rules
        hypothesis chose did not carry bundles between the offices never answered: 40 walks
        of seed 84, not one answer.)"""
        ecpat = sorted(n for n, laptop in self.laptops.items() if laptop.org == ECPAT)
        name = data.draw(st.sampled_from(ecpat), label="laptop")
        laptop = self.laptops[name]
        if name == "partner" and data.draw(st.booleans(), label="fetches first"):
            # WVFT's laptops report to their office, which has a bundle ready for ECPAT.
            for wvft in sorted(n for n, one in self.laptops.items() if one.org == WVFT):
                if wvft != "office":
                    self._send(wvft, "office")
            self._send("office", "partner")
        waiting = sorted(
            (str(r["id"]), str(r["status"]), str(r["case_id"]), r["consent_withdrawn_at"])
            for r in laptop.json("referral", "list", "--incoming")
            if str(r["status"]) in ANSWERS
        )
        if waiting:
            referral, status, case, withdrawn = data.draw(
                st.sampled_from(waiting), label="referral"
            )
            step = data.draw(st.sampled_from(ANSWERS[status]), label="step")
            laptop.run("referral", "respond", referral, step, "--text", "ไม่มีทนายว่าง")
            # Accepted, and the child taken into ECPAT's caseload at once (not on a consent
            # this laptop knows was withdrawn: refused, tests/core/sync/test_sharing.py).
            if step == "accept" and withdrawn is None and data.draw(st.booleans(), label="take"):
                self._take(name, referral, case)

    @precondition(lambda self: bool(self.referred))
    @rule(data=st.data())
    @step
    def take_into_caseload(self, data: st.DataObject) -> None:
        """ECPAT opens its own case for a referral it accepted, its child registered from
        what the referral shares (two of its laptops may each do so before they meet)."""
        ecpat = sorted(n for n, laptop in self.laptops.items() if laptop.org == ECPAT)
        name = data.draw(st.sampled_from(ecpat), label="laptop")
        laptop = self.laptops[name]
        accepted = sorted(
            (str(r["id"]), str(r["case_id"]))
            for r in laptop.json("referral", "list", "--incoming")
            if r["status"] == "accepted"
            and not r["our_case_number"]
            and r["consent_withdrawn_at"] is None
        )
        if accepted:
            self._take(name, *data.draw(st.sampled_from(accepted), label="referral"))

    def _take(self, name: str, referral: str, case: str) -> None:
        self.laptops[name].run(
            "referral", "open-case", referral, "--set", "concerns=neglect",
            "--set", "risk_reason=รับดูแลต่อจาก WVFT",
        )  # fmt: skip
        self.taken[referral] = self.cases[case][0]
        self.holds[name].add(f"taken:{referral}")

    @precondition(lambda self: bool(self.referred))
    @rule(data=st.data())
    @step
    def withdraw_referral(self, data: st.DataObject) -> None:
        """A WVFT supervisor withdraws a referral, maybe while ECPAT answers it elsewhere:
        the two organisations still settle on one state."""
        wvft = sorted(n for n, laptop in self.laptops.items() if laptop.org == WVFT)
        laptop = self.laptops[data.draw(st.sampled_from(wvft), label="laptop")]
        open_here = sorted(
            str(r["id"])
            for r in laptop.json("referral", "list")
            if str(r["status"]) in WITHDRAWABLE
        )
        if open_here:
            referral = data.draw(st.sampled_from(open_here), label="referral")
            laptop.run("referral", "respond", referral, "withdraw", "--text", "ครอบครัวย้ายออกไป")

    @precondition(lambda self: bool(self.consents))
    @rule(data=st.data())
    @step
    def withdraw_consent(self, data: st.DataObject) -> None:
        """The family takes back a consent a referral rests on, on a WVFT laptop that holds
        it: ECPAT must hear of it and stop naming the child, whatever the referral's state."""
        held = sorted(
            (name, consent)
            for name in self.laptops
            for consent in sorted(self.consents)
            if f"consent:{consent}" in self.holds[name]
        )
        if held:
            name, consent = data.draw(st.sampled_from(held), label="laptop and consent")
            self.laptops[name].run("consent", "withdraw", consent, "--reason", "แม่เปลี่ยนใจ")
            self.consents.discard(consent)

    # -- carrying bundles ------------------------------------------------------------------

    @rule(data=st.data())
    @step
    def carry(self, data: st.DataObject) -> None:
        """A bundle from one laptop imported on another (a USB stick, any direction)."""
        names = sorted(self.laptops)
        sender = data.draw(st.sampled_from(names), label="from")
        org = self.laptops[sender].org
        # Across organisations, only between the vaults where `sync trust` was run (the
        # offices and their copies); a field laptop learns of ECPAT from the office's
        # bundles (tests/network/test_partner_trust.py), but the walk does not follow when.
        receivers = [
            n
            for n in names
            if n != sender and (self.laptops[n].org == org or {n, sender} <= self.trusting)
        ]
        self._send(sender, data.draw(st.sampled_from(receivers), label="to"))

    def _send(self, sender: str, receiver: str, *, strict: bool = False) -> None:
        a, b = self.laptops[sender], self.laptops[receiver]
        if a.org == b.org or not self.ever_withdrawn or strict:
            a.send_to(b)
        else:
            # A WVFT laptop that knows of the withdrawal makes no bundle for ECPAT and takes
            # none from it; one that does not know yet goes on as before.
            out = a.bundles / f"{sender}-for-{receiver}-{self.number()}.bundle"
            made = a.run("sync", "export", "-o", str(out), "--for", b.org, check=False)
            if made.code != 0:
                self._withdrawal_said(made.err)
                return
            took = b.import_(out, check=False)
            if took.code != 0:
                self._withdrawal_said(took.err)
        if a.org == b.org:
            self.holds[receiver] |= self.holds[sender]

    def _withdrawal_said(self, err: str) -> None:
        """A command refused for the withdrawal, and nothing else: on a WVFT laptop that
        knows of it, or on an ECPAT laptop the office's notice reached."""
        assert self.ever_withdrawn, err
        assert ("no longer trusts" in err and ECPAT in err) or (
            "has withdrawn its trust in your organisation" in err and WVFT in err
        ), err

    # -- a partner leaving the agreement, and coming back -----------------------------------

    @precondition(lambda self: not self.withdrawn)
    @rule(data=st.data())
    @step
    def withdraw(self, data: st.DataObject) -> None:
        # The office's data manager (the walk records as its supervisor).
        self.laptops["office"].as_user(ADMIN).run("sync", "untrust", ECPAT)
        self.withdrawn = self.ever_withdrawn = True

    @precondition(lambda self: self.withdrawn)
    @rule(data=st.data())
    @step
    def trust_again(self, data: st.DataObject) -> None:
        self._trust_again()

    def _trust_again(self) -> None:
        self.laptops["office"].as_user(ADMIN).trust(self.laptops["partner"].as_user(ADMIN))
        self.withdrawn = False

    # -- copies ----------------------------------------------------------------------------

    @precondition(lambda self: len(self.laptops) < 6)
    @rule(data=st.data())
    @step
    def copy_folder(self, data: st.DataObject) -> None:
        """A laptop's vault folder copied whole to another computer, both going on."""
        name = data.draw(st.sampled_from(sorted(self.laptops)), label="laptop")
        twin = f"{name}-copy{next(self.counter)}"
        self.laptops[twin] = self.laptops[name].copy_folder(self.root / twin)
        self.holds[twin] = set(self.holds[name])
        if name in self.trusting:
            self.trusting.add(twin)

    # -- what must hold --------------------------------------------------------------------

    def settle(self) -> None:
        """Every laptop reports to its organisation's office and hears back, three times;
        the two offices exchange too."""
        offices = {WVFT: "office", ECPAT: "partner"}
        if self.ever_withdrawn:
            # Even when the walk trusted ECPAT again last: a restored backup of the office
            # may hold an earlier withdrawal.
            self._trust_again()
        for _ in range(3):
            for name, laptop in self.laptops.items():
                office = offices[laptop.org]
                if name != office:
                    self._send(name, office)
            # The offices exchange before they answer their laptops, so what one learned this
            # round (a copy's case renumbered, say) reaches the other's laptops in it too.
            # The office trusts ECPAT (again) by now: nothing between them may be refused.
            self._send("office", "partner", strict=True)
            self._send("partner", "office", strict=True)
            for name, laptop in self.laptops.items():
                office = offices[laptop.org]
                if name != office:
                    self._send(office, name)

    def check_settled(self) -> None:
        self.settle()
        survived = set().union(*self.holds.values())
        for org in (WVFT, ECPAT):
            mine = [laptop for laptop in self.laptops.values() if laptop.org == org]
            expected = {m for m, o in self.made.items() if o == org and m in survived}
            if org == ECPAT:  # and the children of referrals it took into its caseload
                expected |= {c for r, c in self.taken.items() if f"taken:{r}" in survived}
            for laptop in mine:
                # Honest laptops: no bundle of theirs was refused, wherever it went.
                assert laptop.status()["trouble"]["refused"] == []
                children = {str(c["name_th"]) for c in laptop.json("child", "list")}
                assert children == {m for m in expected if m.startswith("เด็ก")}
                report = laptop.check().json
                assert report["ok"], report
                if org == ECPAT:  # each referral that survived, and only those
                    incoming = laptop.json("referral", "list", "--incoming")
                    assert {str(r["case_id"]) for r in incoming} == {
                        case for case in self.referred if f"referral:{case}" in survived
                    }
            assert len({laptop.state_hash() for laptop in mine}) == 1
            notes = set()
            for case, (child, case_org) in self.cases.items():
                if case_org == org and child in survived:
                    shown = mine[0].json("case", "show", case)
                    notes |= {str(n["body"]) for n in shown["notes"]}
            assert notes == {m for m in expected if m.startswith("บันทึก")}
            # A nickname is one that a laptop still holding it gave; none if none survived.
            for child, given in self.nicknames.items():
                if self.made[child] == org and child in survived:
                    shown = mine[0].json("child", "show", self.child_ids[child])["nickname"]
                    assert shown in ({n for n in given if n in survived} or {""}), child
        # The two organisations agree on where every referral stands, and ECPAT knows each
        # child of a referral still open by the nickname WVFT holds now (its identity is
        # shared; once a referral is closed what was sent stays as it was, as on paper).
        # A consent the family withdrew reaches ECPAT, which names that child no more.
        sent = self.laptops["office"].json("referral", "list")
        got = self.laptops["partner"].json("referral", "list", "--incoming")
        assert {r["id"]: r["status"] for r in got} == {r["id"]: r["status"] for r in sent}
        # ECPAT's case for a referral is ECPAT's: named on its side, never sent to WVFT.
        taken = {r for r in self.taken if f"taken:{r}" in survived}
        assert {r["id"] for r in got if r["our_case_number"]} == taken
        assert [r["id"] for r in sent if r["our_case_number"]] == []
        withdrawn = {r["id"] for r in sent if r["consent_withdrawn_at"] is not None}
        assert {r["id"] for r in got if r["consent_withdrawn_at"] is not None} == withdrawn
        assert {r["id"]: r["child_nickname"] for r in got if r["status"] in ACTIVE} == {
            r["id"]: "" if r["id"] in withdrawn else r["child_nickname"]
            for r in sent
            if r["status"] in ACTIVE
        }


@pytest.mark.slow
def test_laptops_of_two_organisations_in_any_order_lose_nothing_and_share_nothing(
    network: Path,
) -> None:
    run_walks(Walk, network)
