"""The ORM model. Importing this package registers every table on Base.metadata."""

from __future__ import annotations

from cmdesk.core.model.audit import AuditEntry
from cmdesk.core.model.base import Base, new_id, utcnow
from cmdesk.core.model.meta import VaultMeta
from cmdesk.core.model.org import Organisation, User

__all__ = ["AuditEntry", "Base", "Organisation", "User", "VaultMeta", "new_id", "utcnow"]
