"""A trusted partner's bundle with values no column can hold (a date of "garbage"), made by a
hostile or broken copy of the app, imported through the `cmdesk` command. Before, the values
were stored as sent: from then on `referral list` and `case show` stopped with an error on
that case, on every later day, while `check` said all good. Now those changes are refused
with their reason, said in Thai, and the rest of the bundle (the partner's answer) arrives."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from cmdesk.core.i18n import translator
from cmdesk.core.sync import values
from cmdesk.core.workspace import Workspace
from tests.network.harness import ADMIN, PASS
from tests.network.test_partner_trust import agreement, refer

TH = {"CMDESK_LANG": "th"}


def test_a_partner_cannot_store_values_that_break_the_case(tmp_path: Path) -> None:
    office, _, partner, som = agreement(tmp_path)
    kasem = office.as_user("kasem")
    referral = refer(kasem)
    office.send_to(partner)
    som.run("referral", "respond", str(referral["id"]), "acknowledge")
    # The hostile copy writes, through its own vault's change capture: a moment that is no
    # moment on the answer to WVFT's referral (a field ECPAT may answer), the same in its own
    # record of the answer, and a date that is no date on its own child.
    with Workspace.open(partner.root, ADMIN, PASS) as ws, ws.ctx.write() as s:
        s.execute(
            text("UPDATE referral SET status_changed_at = 'garbage' WHERE id = :i"),
            {"i": referral["id"]},
        )
        s.execute(
            text(
                "UPDATE referral_event SET created_at = 'yesterday' "
                "WHERE referral_id = :i AND to_status = 'acknowledged'"
            ),
            {"i": referral["id"]},
        )
    bundle = partner.export("WVFT")
    said = office.run("sync", "import", str(bundle), json_out=False, env=TH).out
    th = translator("th").gettext(values.BAD_VALUE)
    assert th != values.BAD_VALUE
    assert th in said

    # Every view of the case still opens, and shows the partner's real answer.
    listed = kasem.json("referral", "list")
    assert [(r["id"], r["status"]) for r in listed] == [(referral["id"], "acknowledged")]
    shown = kasem.json("referral", "show", referral["id"])
    assert shown["status"] == "acknowledged" and shown["status_changed_at"] != "garbage"
    assert kasem.run("case", "show", referral["case_id"], json_out=False).code == 0
    # Said again on a later day, and `check` still passes (a refusal is not
    # damage of this vault).
    assert th in office.run("sync", "status", json_out=False, env=TH).out
    checked = office.run("check", json_out=False, env=TH)
    assert checked.code == 0 and th in checked.out
    refused = {r["reason"]: r["count"] for r in office.status()["trouble"]["refused"]}
    assert refused == {values.BAD_VALUE: 2}
