"""Statistics other organisations sent this one (the compiling organisation) for a period.

Not synced: the figures came sealed to this organisation, and each laptop that compiles keeps
what it imported. One row per sending organisation and period; a newer bundle replaces it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cmdesk.core.model.base import Base, id_column, utcnow


class ImportedStatistics(Base):
    __tablename__ = "imported_statistics"
    __table_args__ = (UniqueConstraint("org_id", "period", name="org_period"),)

    id: Mapped[str] = id_column()
    org_id: Mapped[str] = mapped_column(String(36), index=True)
    org_code: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(32), index=True)
    bundle_id: Mapped[str] = mapped_column(String(36))
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(64), default="")
