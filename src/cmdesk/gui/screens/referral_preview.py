"""What a partner will receive with a referral: the chosen sections of the case, written out.

The worker sees exactly which facts leave the organisation before pressing Send; sections
not chosen are not in the text at all, as they are not in what sync sends the partner.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from cmdesk.core.i18n import N_, Translator, format_birth_date
from cmdesk.core.model.labels import label_of
from cmdesk.core.model.referral import SharedSection
from cmdesk.core.reference.ethnicity import ethnic_group
from cmdesk.gui.widgets.choice import code_labels

if TYPE_CHECKING:
    from cmdesk.gui.screens.case.data import CaseBundle


def preview_text(b: CaseBundle, sections: Iterable[str], tr: Translator) -> str:
    chosen = set(sections)
    if not chosen:
        return tr.gettext("Nothing is shared yet: choose at least one section.")
    locale = tr.locale
    child, case = b.child, b.case

    lab = code_labels(tr)

    def line(msgid: str, value: str) -> str:
        return f"{tr.gettext(msgid)}: {value or '–'}"

    out: list[str] = []
    for section in SharedSection:
        if section.value not in chosen:
            continue
        out.append(f"■ {tr.gettext(label_of('shared_section', section.value))}")
        if section is SharedSection.IDENTITY:
            group = ethnic_group(child.ethnicity) if child.ethnicity else None
            birth = format_birth_date(child.birth, locale, tr=tr) if child.birth else ""
            out += [
                line(N_("Name in Thai"), child.name_th),
                line(N_("Name in Latin letters"), child.name_latin),
                line(N_("Nickname"), child.nickname),
                line(N_("Sex"), lab("sex", child.sex)),
                line(N_("Date of birth"), birth),
                line(N_("Ethnic group"), group.label(locale) if group else ""),
                line(N_("Languages"), ", ".join(lab("language", x) for x in child.languages)),
            ]
        elif section is SharedSection.LEGAL_STATUS:
            out += [
                line(N_("Nationality"), lab("nationality", child.nationality)),
                line(N_("Legal status"), lab("legal_status", child.legal_status)),
                line(
                    N_("Identity document"),
                    " ".join(
                        p
                        for p in (
                            lab("document_type", child.id_document_type),
                            child.id_number or "",
                        )
                        if p
                    ),
                ),
            ]
        elif section is SharedSection.ADDRESS:
            out += [
                line(N_("Address"), b.address.get(locale, "")),
                line(N_("Village"), child.village),
            ]
        elif section is SharedSection.HOUSEHOLD:
            members = [
                f"{m.name} ({lab('relationship', m.relationship)}) {m.phone}".strip()
                for m in child.household
            ]
            out += [f"  {m}" for m in members] or ["  –"]
        elif section is SharedSection.CONCERNS_AND_RISK:
            concerns = [lab("concern", c) for c in case.concerns if c != "other"]
            if case.concern_other:
                concerns.append(case.concern_other)
            out += [
                line(N_("Protection concerns"), ", ".join(concerns)),
                line(N_("Risk level"), lab("risk", case.risk_level)),
                line(N_("Why this risk level"), case.risk_reason),
            ]
        elif section is SharedSection.ASSESSMENT:
            seen: set[str] = set()
            for a in b.assessments:
                if a.domain in seen:
                    continue
                seen.add(a.domain)
                out.append(
                    f"  {lab('domain', a.domain)} – {lab('domain_rating', a.rating)}: {a.findings}"
                )
            if not seen:
                out.append("  –")
        elif section is SharedSection.CASE_PLAN:
            for goal in b.plan.goals:
                out.append(f"  {lab('domain', goal.domain)}: {goal.description}")
                out += [f"    – {a.description} ({a.responsible_org_code})" for a in goal.actions]
            if not b.plan.goals:
                out.append("  –")
        elif section is SharedSection.NOTES:
            out.append("  " + tr.format("{n} case notes", n=len(b.notes)))
        out.append("")
    return "\n".join(out).rstrip()
