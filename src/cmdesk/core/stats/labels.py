"""What the tables and cells of the figures are called, in the reader's language: codes by
their labels (model.labels), places and ethnic groups by name."""

from __future__ import annotations

from typing import Final

from cmdesk.core.i18n import N_, Translator
from cmdesk.core.model.labels import TABLES as LABEL_TABLES
from cmdesk.core.model.labels import label_of

TABLE_TITLES: Final[dict[str, str]] = {
    "place": N_("Cases by where the child lives"),
    "concern": N_("Cases by protection concern"),
    "risk": N_("Cases by risk level"),
    "stage": N_("Cases by stage"),
    "age_band": N_("Cases by age"),
    "sex": N_("Cases by sex"),
    "ethnicity": N_("Cases by ethnic group"),
    "legal_status": N_("Cases by legal status"),
    "flow": N_("Cases opened, closed and reopened"),
    "referral_partner": N_("Referrals by partner"),
    "referral_service": N_("Referrals by service"),
    "referral_status": N_("Referrals by answer"),
    "follow_up": N_("Follow-ups due in the period"),
}
# Tables whose cells are codes of a model.labels list.
CODE_LISTS: Final[dict[str, str]] = {
    "concern": "concern",
    "risk": "risk",
    "stage": "stage",
    "sex": "sex",
    "legal_status": "legal_status",
    "referral_service": "service",
    "referral_status": "referral_status",
}
KEYS: Final[dict[str, str]] = {
    "opened": N_("Opened"),
    "closed": N_("Closed"),
    "reopened": N_("Reopened"),
    "on_time": N_("Done on time"),
    "late": N_("Done late"),
    "not_done": N_("Not done"),
    "unknown": N_("Not known"),
}


def table_title(name: str, tr: Translator) -> str:
    return tr.gettext(TABLE_TITLES[name]) if name in TABLE_TITLES else name


def cell_label(table: str, key: str, tr: Translator) -> str:
    if key in KEYS:
        return tr.gettext(KEYS[key])
    if table in CODE_LISTS and CODE_LISTS[table] in LABEL_TABLES:
        return tr.gettext(label_of(CODE_LISTS[table], key))
    if table == "place":
        from cmdesk.core.reference import geography

        area = {2: geography.province, 4: geography.district, 6: geography.subdistrict}.get(
            len(key), lambda _c: None
        )(key)
        return area.name(tr.locale) if area else key
    if table == "ethnicity":
        from cmdesk.core.reference.ethnicity import ethnic_group

        group = ethnic_group(key)
        return group.label(tr.locale) if group else key
    return key
