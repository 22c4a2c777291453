"""One referral, from either side: what was asked, on what basis, every step since, and the
steps open to the user now.

The receiving organisation acknowledges, accepts or declines (with a reason), completes, and
reports back, and once it has accepted, takes the child into its own caseload (its own record
and case, filled in from what the referral shares); the sending side may withdraw and print
the slip for the partner.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QPushButton,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.errors import CmdeskError
from cmdesk.core.i18n import LOCALES, N_, format_date, format_datetime
from cmdesk.core.model.labels import label_of
from cmdesk.core.model.referral import ReferralStatus, SharedSection
from cmdesk.core.services.referrals import (
    NO_NOTES_YET,
    NOTHING_SHARED,
    child_words,
    no_answer_words,
)
from cmdesk.gui.errors import friendly_message
from cmdesk.gui.ops import ChangeOp, QueryOp
from cmdesk.gui.screens.case.notes import note_written
from cmdesk.gui.session import Session
from cmdesk.gui.widgets.choice import code_labels
from cmdesk.gui.widgets.details import DetailsGrid, record_list, stretch_column
from cmdesk.gui.widgets.dialog_frame import dialog_title, one_use_dialog
from cmdesk.gui.widgets.facts import FactsView
from cmdesk.gui.widgets.labels import Heading, MessageLabel
from cmdesk.gui.widgets.prompts import ReasonDialog
from cmdesk.gui.widgets.push_button import name_buttons, push_button
from cmdesk.gui.widgets.scroll_body import scroll_body

if TYPE_CHECKING:
    from cmdesk.core.i18n import Translator
    from cmdesk.core.reports.facts import FactGroup
    from cmdesk.core.services.notes import NoteDTO
    from cmdesk.core.services.referral_intake import Intake
    from cmdesk.core.services.referrals import ReferralDTO
    from cmdesk.core.workspace import Workspace

ROWS = (
    ("case", N_("Case number")),
    ("child", N_("Child")),
    ("from", N_("From")),
    ("to", N_("To")),
    ("service", N_("Service")),
    ("urgency", N_("Urgency")),
    ("due", N_("Answer needed by")),
    ("status", N_("Status")),
    ("reason", N_("Why the child is referred")),
    ("sections", N_("What is shared")),
    ("basis", N_("Shared on the basis of")),
    ("our_case", N_("Your organisation's case")),
)
RECEIVING_STEPS = ("acknowledge", "accept", "decline", "complete")
OPTIONAL_NOTE = N_("A note for the sending organisation, if there is something to say.")


@dataclass(frozen=True)
class NoteStep:
    """A step taken with a note for the other side: the prompt's title (also its button),
    what to write, whether the note may be left empty, and the change it makes."""

    title: str
    prompt: str
    change: Callable[[Workspace, str, str], object]  # (ws, referral id, note)
    required: bool = True


NOTE_STEPS = {
    "accept": NoteStep(
        N_("Accept"), OPTIONAL_NOTE, lambda ws, rid, text: ws.referrals.accept(rid, text), False
    ),
    "complete": NoteStep(
        N_("Mark as completed"),
        OPTIONAL_NOTE,
        lambda ws, rid, text: ws.referrals.complete(rid, text),
        False,
    ),
    "decline": NoteStep(
        N_("Decline the referral"),
        N_("Say why your organisation cannot take this referral."),
        lambda ws, rid, text: ws.referrals.decline(rid, text),
    ),
    "feedback": NoteStep(
        N_("Report back"),
        N_("What should the sending organisation know about the child's progress?"),
        lambda ws, rid, text: ws.referrals.add_feedback(rid, text),
    ),
    "withdraw": NoteStep(
        N_("Withdraw the referral"),
        N_("Say why the referral is withdrawn."),
        lambda ws, rid, text: ws.referrals.withdraw(rid, text),
    ),
}


Facts = tuple["FactGroup", ...] | CmdeskError


@dataclass(frozen=True)
class ReferralView:
    referral: ReferralDTO
    staff: dict[str, str]
    # What the referral shares, as its slip prints it, in each language (a switch of language
    # shows it at once); or why it cannot be shown (no basis left to share on, a role that
    # does not read it).
    facts: dict[str, Facts]
    # The case notes it shares, current versions, newest first; None where it shares none or
    # they cannot be shown (the facts say why).
    notes: tuple[NoteDTO, ...] | None = None


def load_referral(ws: Workspace, referral_id: str) -> ReferralView:
    r = ws.referrals.get(referral_id)
    staff = {u.id: u.display_name or u.username for u in ws.users.people()}
    facts: dict[str, Facts] = {}
    for locale in LOCALES:
        try:
            facts[locale] = ws.reports.referral_facts(r.id, lang=locale)
        except CmdeskError as exc:
            facts[locale] = exc
    notes = None
    if SharedSection.NOTES in r.shared_sections and not isinstance(facts[LOCALES[0]], CmdeskError):
        notes = tuple(ws.reports.referral_notes(r.id))
    return ReferralView(r, staff, facts, notes)


class ReferralDetailDialog(QDialog):
    # The user asks to see a case of their organisation's (the one opened for the referral).
    case_requested = Signal(str)

    @classmethod
    def show_for(
        cls,
        session: Session,
        parent: QWidget,
        referral_id: str,
        on_case: Callable[[str], None] | None = None,
    ) -> None:
        """Opens the referral's window; `on_case` shows a case of ours (without it, the window
        offers no way to one: it was opened from that case)."""

        def show(view: ReferralView) -> None:
            dialog = cls(session, parent, view, cases=on_case is not None)
            if on_case is not None:
                dialog.case_requested.connect(on_case)
            dialog.open()

        QueryOp(
            session, parent=parent, op=lambda ws: load_referral(ws, referral_id), success=show
        ).run()

    def __init__(
        self, session: Session, parent: QWidget, view: ReferralView, *, cases: bool = True
    ) -> None:
        super().__init__(parent)
        self.setObjectName("referral-detail")
        self._session = session
        self._cases = cases
        self.view = view
        layout = QVBoxLayout(self)
        self.title = Heading(parent=self, level=2)
        layout.addWidget(self.title)
        # The details and the steps scroll together: a long reason must not push the
        # buttons off a 600-pixel-high screen.
        scroll, body = scroll_body(self, frame=False)
        inner = QVBoxLayout(body)
        inner.setContentsMargins(0, 0, 0, 0)
        self.details = DetailsGrid(body)
        for key, msgid in ROWS:
            self.details.add(key, msgid)
        inner.addWidget(self.details)
        self.facts_title = Heading(parent=body, level=2)
        inner.addWidget(self.facts_title)
        self.facts = FactsView(body, "referral-facts")
        inner.addWidget(self.facts)
        # The notes the referral shares: the slip does not print them, so they are read here.
        self.notes_title = Heading(parent=body, level=2)
        inner.addWidget(self.notes_title)
        self.notes = FactsView(body, "referral-notes")
        inner.addWidget(self.notes)
        self.events_title = Heading(parent=body, level=2)
        inner.addWidget(self.events_title)
        self.events = record_list(body, "referral-events", wrap=True, min_height=140)
        inner.addWidget(self.events, 1)
        layout.addWidget(scroll, 1)
        self.message = MessageLabel(self)
        layout.addWidget(self.message)
        row = QHBoxLayout()
        self.step_buttons: dict[str, QPushButton] = {}
        for name in (*RECEIVING_STEPS, "feedback", "open_case", "our_case", "withdraw", "print"):
            button = push_button(
                self,
                f"referral-{name.replace('_', '-')}",
                lambda _c=False, n=name: self._step(n),
                "print" if name == "print" else "referrals",
            )
            row.addWidget(button)
            self.step_buttons[name] = button
        row.addStretch(1)
        layout.addLayout(row)
        self.buttons = QDialogButtonBox(self)
        self.close_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        one_use_dialog(self, session.lang, self.retranslate)
        session.locked.connect(self._locked)
        screen = self.screen().availableGeometry() if self.screen() else None
        self.resize(760, min(640, screen.height() - 60) if screen else 640)

    @property
    def translator(self) -> Translator:
        return self._session.lang.translator

    def retranslate(self) -> None:
        tr = self.translator
        dialog_title(self, self.title, tr.gettext("Referral details"))
        self.events_title.setText(tr.gettext("Every step so far"))
        self.details.retranslate(tr)
        self.message.retranslate(tr)
        name_buttons(
            self.step_buttons,
            {
                "acknowledge": tr.gettext("Acknowledge"),
                "accept": tr.gettext("Accept"),
                "decline": tr.gettext("Decline…"),
                "complete": tr.gettext("Mark as completed"),
                "feedback": tr.gettext("Report back…"),
                "open_case": tr.gettext("Open our case for this child…"),
                "our_case": tr.gettext("Go to our case"),
                "withdraw": tr.gettext("Withdraw…"),
                "print": tr.gettext("Print the referral slip…"),
            },
        )
        self.close_button.setText(tr.gettext("Close"))
        self.close_button.setAccessibleName(self.close_button.text())
        self.events.setHeaderLabels(
            [tr.gettext("When"), tr.gettext("Who"), tr.gettext("Step"), tr.gettext("Note")]
        )
        self.events.setAccessibleName(self.events_title.text())
        stretch_column(self.events, 3)
        self.show_view(self.view)

    def show_view(self, view: ReferralView) -> None:
        self.view = view
        tr, r = self.translator, view.referral

        lab = code_labels(tr)

        self.details.set("case", r.case_number)
        self.details.set("child", child_words(r, tr))
        self.details.set("from", r.from_org_code)
        self.details.set("to", r.to_org_code)
        self.details.set("service", lab("service", r.service))
        self.details.set("urgency", lab("urgency", r.urgency))
        self.details.set("due", format_date(r.due_date, tr.locale) if r.due_date else "")
        status_text = lab("referral_status", r.status)
        if r.receiver_withdrawn:
            why = no_answer_words(r.receiver_withdrew, r.to_org_code, tr, short=False)
            status_text += f": {why}"
        self.details.set("status", status_text)
        self.details.set("reason", r.reason)
        self.details.set("sections", ", ".join(lab("shared_section", s) for s in r.shared_sections))
        if r.override_reason:
            basis = tr.format("Sent without consent: {reason}", reason=r.override_reason)
        elif r.consent_withdrawn_at is not None:
            when = format_datetime(r.consent_withdrawn_at, tr.locale)
            basis = tr.format("The family's consent, withdrawn on {when}", when=when)
        elif r.consent_id:
            basis = tr.gettext("Consent to share with this partner")
        else:
            basis = ""
        self.details.set("basis", basis)
        self.details.set("our_case", r.our_case_number)
        self.details.set_row_visible("our_case", bool(r.our_case_number))
        self.facts_title.setText(tr.format("Shared with {org}", org=r.to_org_code))
        facts = view.facts[tr.locale]
        if isinstance(facts, CmdeskError):
            self.facts.show_message(friendly_message(facts, tr))
        elif facts:
            self.facts.show_groups(facts)
        else:
            self.facts.show_message(tr.gettext(NOTHING_SHARED))
        self._show_notes(view, tr)
        self.events.clear()
        for e in r.events:
            what = lab("referral_status", e.to_status) if e.to_status else tr.gettext("Feedback")
            QTreeWidgetItem(
                self.events,
                [format_datetime(e.at, tr.locale), view.staff.get(e.by, ""), what, e.text],
            )
        status = r.status
        for name in (*RECEIVING_STEPS, "feedback", "open_case", "withdraw"):
            self.step_buttons[name].setVisible(name in r.actions)
        self.step_buttons["our_case"].setVisible(self._cases and r.our_case_id is not None)
        self.step_buttons["print"].setVisible(
            status not in (ReferralStatus.DRAFT, ReferralStatus.WITHDRAWN)
        )

    def _show_notes(self, view: ReferralView, tr: Translator) -> None:
        notes = view.notes
        for part in (self.notes_title, self.notes):
            part.setVisible(notes is not None)
        if notes is None:
            return
        self.notes_title.setText(tr.format("Case notes shared ({count})", count=len(notes)))
        if not notes:
            self.notes.show_message(tr.gettext(NO_NOTES_YET))
            return
        entries = []
        for n in notes:
            # The partner's directory may not know the sender's staff: then the organisation.
            who = view.staff.get(n.author_id) or view.referral.from_org_code
            kind = tr.gettext(label_of("note_kind", n.kind))
            entries.append((f"{note_written(n, tr)} · {kind} · {who}", n.body))
        self.notes.show_entries(entries)

    # -- steps ------------------------------------------------------------------------------
    def _step(self, name: str) -> None:
        rid = self.view.referral.id
        if name == "print":
            from cmdesk.gui.screens.print_dialog import PrintDialog, PrintJob

            PrintDialog.show_for(self._session, self, PrintJob.referral_slip(rid))
        elif name == "acknowledge":
            self._run(lambda ws: ws.referrals.acknowledge(rid))
        elif name == "open_case":
            self._open_case(rid)
        elif name == "our_case" and self.view.referral.our_case_id:
            self.case_requested.emit(self.view.referral.our_case_id)
            self.accept()
        elif name in NOTE_STEPS:
            self._ask(NOTE_STEPS[name], rid)

    def _open_case(self, rid: str) -> None:
        """The registration dialog, filled in with what the referral shares; once the case is
        open, the user is taken to it (where the window was opened from the inbox)."""
        from cmdesk.gui.screens.register.dialog import RegisterChildDialog

        def filled(intake: Intake) -> None:
            dialog = RegisterChildDialog(self._session, self, intake)
            dialog.case_opened.connect(self._case_opened)
            dialog.open()

        self.message.clear_message()
        QueryOp(
            self._session, parent=self, op=lambda ws: ws.referrals.intake(rid), success=filled
        ).failure(
            lambda exc: self.message.show_error(
                lambda tr: friendly_message(exc, tr), self.translator
            )
        ).run()

    def _case_opened(self, case_id: str) -> None:
        if self._cases:
            self.case_requested.emit(case_id)
            self.accept()
        else:
            self._reload()

    def _ask(self, step: NoteStep, rid: str) -> None:
        ReasonDialog(
            self,
            self._session.lang,
            title=lambda t: t.gettext(step.title),
            prompt=lambda t: t.gettext(step.prompt),
            ok=lambda t: t.gettext(step.title),
            text_label=lambda t: t.gettext("Note"),
            text_required=step.required,
            on_ok=lambda _c, text: self._run(lambda ws: step.change(ws, rid, text)),
        ).open()

    def _run(self, op: Any) -> None:
        self.message.clear_message()
        ChangeOp(self._session, parent=self, op=op, success=lambda _r: self._reload()).failure(
            lambda exc: self.message.show_error(
                lambda tr: friendly_message(exc, tr), self.translator
            )
        ).run()

    def _reload(self) -> None:
        rid = self.view.referral.id
        QueryOp(
            self._session,
            parent=self,
            op=lambda ws: load_referral(ws, rid),
            success=self.show_view,
        ).run()

    def _locked(self) -> None:
        # A referral names a child's case; it is not left on a locked screen, even hidden.
        self.setProperty("closed_on_lock", True)
        self.reject()
