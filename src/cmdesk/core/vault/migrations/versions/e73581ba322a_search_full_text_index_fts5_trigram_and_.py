"""search: full-text index (FTS5 trigram and word prefix), its triggers and caseload indexes

Revision ID: e73581ba322a
Revises: 9ab137b968b6
Create Date: 2026-11-25 21:47:12.874973

Autogenerate cannot see FTS tables or triggers: this revision is written by hand. Its DDL is
cmdesk.core.search.schema's at the time, copied here so later changes to the schema module
never change what this revision does (a test checks that a migrated vault and a fresh one
have the same search objects, statement for statement).
"""

# ruff: noqa: E501  (SQL statements are kept whole, as SQLite stores them)

from __future__ import annotations

from alembic import op

revision = "e73581ba322a"
down_revision = "9ab137b968b6"
branch_labels = None
depends_on = None

CREATE = (
    "CREATE TABLE search_row (id INTEGER PRIMARY KEY, child_id VARCHAR(36) NOT NULL UNIQUE)",
    "CREATE VIRTUAL TABLE search_text USING fts5(body, codes, tokenize = 'trigram remove_diacritics 1')",
    "INSERT INTO search_text(search_text, rank) VALUES ('secure-delete', 1)",
    "CREATE VIRTUAL TABLE search_word USING fts5(words, tokenize = \"unicode61 remove_diacritics 2 categories 'L* N* M* Co'\", prefix = '1 2', content = '', contentless_delete = 1)",
    "INSERT INTO search_word(search_word, rank) VALUES ('secure-delete', 1)",
    "CREATE TRIGGER search_child_insert AFTER INSERT ON child BEGIN INSERT OR IGNORE INTO search_row(child_id) VALUES (new.id); INSERT INTO search_text(rowid, body, codes) VALUES ((SELECT id FROM search_row WHERE child_id = new.id), replace(replace(replace(replace(replace(new.given_name_th || ' ' || new.family_name_th || ' ' || new.given_name_latin || ' ' || new.family_name_latin || ' ' || new.nickname || ' ' || coalesce((SELECT group_concat(value, ' ') FROM json_each(new.other_names)), '') || ' ' || coalesce(new.id_number, '') || ' ' || new.village || ' ' || coalesce((SELECT group_concat(k.case_number, ' ') FROM case_file k WHERE k.child_id = new.id), ''), char(3656), ''), char(3657), ''), char(3658), ''), char(3659), ''), char(3660), ''), '|eth:' || new.ethnicity || '| |sd:' || new.subdistrict_code || '| ' || coalesce((SELECT group_concat(CASE k.risk_level WHEN 'low' THEN '§rl' WHEN 'medium' THEN '§rm' WHEN 'high' THEN '§rh' WHEN 'critical' THEN '§rc' ELSE '' END || ' ' || CASE k.stage WHEN 'registration' THEN '§sr' WHEN 'assessment' THEN '§sa' WHEN 'case_plan' THEN '§sp' WHEN 'implementation' THEN '§si' WHEN 'review' THEN '§sv' WHEN 'closure' THEN '§sc' ELSE '' END, ' ') FROM case_file k WHERE k.child_id = new.id AND k.deleted_at IS NULL), '')); INSERT INTO search_word(rowid, words) VALUES ((SELECT id FROM search_row WHERE child_id = new.id), replace(replace(replace(replace(replace(new.given_name_th || ' ' || new.family_name_th || ' ' || new.given_name_latin || ' ' || new.family_name_latin || ' ' || new.nickname || ' ' || coalesce((SELECT group_concat(value, ' ') FROM json_each(new.other_names)), '') || ' ' || new.village || ' ' || coalesce(CASE WHEN substr(new.village, 1, 4) = 'บ้าน' THEN substr(new.village, 5) END, ''), char(3656), ''), char(3657), ''), char(3658), ''), char(3659), ''), char(3660), '')); END",
    "CREATE TRIGGER search_child_update AFTER UPDATE OF given_name_th, family_name_th, given_name_latin, family_name_latin, nickname, other_names, id_number, village, ethnicity, subdistrict_code ON child BEGIN UPDATE search_text SET body = replace(replace(replace(replace(replace(new.given_name_th || ' ' || new.family_name_th || ' ' || new.given_name_latin || ' ' || new.family_name_latin || ' ' || new.nickname || ' ' || coalesce((SELECT group_concat(value, ' ') FROM json_each(new.other_names)), '') || ' ' || coalesce(new.id_number, '') || ' ' || new.village || ' ' || coalesce((SELECT group_concat(k.case_number, ' ') FROM case_file k WHERE k.child_id = new.id), ''), char(3656), ''), char(3657), ''), char(3658), ''), char(3659), ''), char(3660), ''), codes = '|eth:' || new.ethnicity || '| |sd:' || new.subdistrict_code || '| ' || coalesce((SELECT group_concat(CASE k.risk_level WHEN 'low' THEN '§rl' WHEN 'medium' THEN '§rm' WHEN 'high' THEN '§rh' WHEN 'critical' THEN '§rc' ELSE '' END || ' ' || CASE k.stage WHEN 'registration' THEN '§sr' WHEN 'assessment' THEN '§sa' WHEN 'case_plan' THEN '§sp' WHEN 'implementation' THEN '§si' WHEN 'review' THEN '§sv' WHEN 'closure' THEN '§sc' ELSE '' END, ' ') FROM case_file k WHERE k.child_id = new.id AND k.deleted_at IS NULL), '') WHERE rowid = (SELECT id FROM search_row WHERE child_id = new.id); DELETE FROM search_word WHERE rowid = (SELECT id FROM search_row WHERE child_id = new.id); INSERT INTO search_word(rowid, words) VALUES ((SELECT id FROM search_row WHERE child_id = new.id), replace(replace(replace(replace(replace(new.given_name_th || ' ' || new.family_name_th || ' ' || new.given_name_latin || ' ' || new.family_name_latin || ' ' || new.nickname || ' ' || coalesce((SELECT group_concat(value, ' ') FROM json_each(new.other_names)), '') || ' ' || new.village || ' ' || coalesce(CASE WHEN substr(new.village, 1, 4) = 'บ้าน' THEN substr(new.village, 5) END, ''), char(3656), ''), char(3657), ''), char(3658), ''), char(3659), ''), char(3660), '')); END",
    "CREATE TRIGGER search_child_delete AFTER DELETE ON child BEGIN DELETE FROM search_text WHERE rowid = (SELECT id FROM search_row WHERE child_id = old.id); DELETE FROM search_word WHERE rowid = (SELECT id FROM search_row WHERE child_id = old.id); DELETE FROM search_row WHERE child_id = old.id; END",
    "CREATE TRIGGER search_case_insert AFTER INSERT ON case_file BEGIN UPDATE search_text SET (body, codes) = (SELECT replace(replace(replace(replace(replace(c.given_name_th || ' ' || c.family_name_th || ' ' || c.given_name_latin || ' ' || c.family_name_latin || ' ' || c.nickname || ' ' || coalesce((SELECT group_concat(value, ' ') FROM json_each(c.other_names)), '') || ' ' || coalesce(c.id_number, '') || ' ' || c.village || ' ' || coalesce((SELECT group_concat(k.case_number, ' ') FROM case_file k WHERE k.child_id = c.id), ''), char(3656), ''), char(3657), ''), char(3658), ''), char(3659), ''), char(3660), ''), '|eth:' || c.ethnicity || '| |sd:' || c.subdistrict_code || '| ' || coalesce((SELECT group_concat(CASE k.risk_level WHEN 'low' THEN '§rl' WHEN 'medium' THEN '§rm' WHEN 'high' THEN '§rh' WHEN 'critical' THEN '§rc' ELSE '' END || ' ' || CASE k.stage WHEN 'registration' THEN '§sr' WHEN 'assessment' THEN '§sa' WHEN 'case_plan' THEN '§sp' WHEN 'implementation' THEN '§si' WHEN 'review' THEN '§sv' WHEN 'closure' THEN '§sc' ELSE '' END, ' ') FROM case_file k WHERE k.child_id = c.id AND k.deleted_at IS NULL), '') FROM child c WHERE c.id = new.child_id) WHERE rowid = (SELECT id FROM search_row WHERE child_id = new.child_id); END",
    "CREATE TRIGGER search_case_update AFTER UPDATE OF case_number, child_id, stage, risk_level, deleted_at ON case_file BEGIN UPDATE search_text SET (body, codes) = (SELECT replace(replace(replace(replace(replace(c.given_name_th || ' ' || c.family_name_th || ' ' || c.given_name_latin || ' ' || c.family_name_latin || ' ' || c.nickname || ' ' || coalesce((SELECT group_concat(value, ' ') FROM json_each(c.other_names)), '') || ' ' || coalesce(c.id_number, '') || ' ' || c.village || ' ' || coalesce((SELECT group_concat(k.case_number, ' ') FROM case_file k WHERE k.child_id = c.id), ''), char(3656), ''), char(3657), ''), char(3658), ''), char(3659), ''), char(3660), ''), '|eth:' || c.ethnicity || '| |sd:' || c.subdistrict_code || '| ' || coalesce((SELECT group_concat(CASE k.risk_level WHEN 'low' THEN '§rl' WHEN 'medium' THEN '§rm' WHEN 'high' THEN '§rh' WHEN 'critical' THEN '§rc' ELSE '' END || ' ' || CASE k.stage WHEN 'registration' THEN '§sr' WHEN 'assessment' THEN '§sa' WHEN 'case_plan' THEN '§sp' WHEN 'implementation' THEN '§si' WHEN 'review' THEN '§sv' WHEN 'closure' THEN '§sc' ELSE '' END, ' ') FROM case_file k WHERE k.child_id = c.id AND k.deleted_at IS NULL), '') FROM child c WHERE c.id = old.child_id) WHERE rowid = (SELECT id FROM search_row WHERE child_id = old.child_id); UPDATE search_text SET (body, codes) = (SELECT replace(replace(replace(replace(replace(c.given_name_th || ' ' || c.family_name_th || ' ' || c.given_name_latin || ' ' || c.family_name_latin || ' ' || c.nickname || ' ' || coalesce((SELECT group_concat(value, ' ') FROM json_each(c.other_names)), '') || ' ' || coalesce(c.id_number, '') || ' ' || c.village || ' ' || coalesce((SELECT group_concat(k.case_number, ' ') FROM case_file k WHERE k.child_id = c.id), ''), char(3656), ''), char(3657), ''), char(3658), ''), char(3659), ''), char(3660), ''), '|eth:' || c.ethnicity || '| |sd:' || c.subdistrict_code || '| ' || coalesce((SELECT group_concat(CASE k.risk_level WHEN 'low' THEN '§rl' WHEN 'medium' THEN '§rm' WHEN 'high' THEN '§rh' WHEN 'critical' THEN '§rc' ELSE '' END || ' ' || CASE k.stage WHEN 'registration' THEN '§sr' WHEN 'assessment' THEN '§sa' WHEN 'case_plan' THEN '§sp' WHEN 'implementation' THEN '§si' WHEN 'review' THEN '§sv' WHEN 'closure' THEN '§sc' ELSE '' END, ' ') FROM case_file k WHERE k.child_id = c.id AND k.deleted_at IS NULL), '') FROM child c WHERE c.id = new.child_id) WHERE rowid = (SELECT id FROM search_row WHERE child_id = new.child_id); END",
    "CREATE TRIGGER search_case_delete AFTER DELETE ON case_file BEGIN UPDATE search_text SET (body, codes) = (SELECT replace(replace(replace(replace(replace(c.given_name_th || ' ' || c.family_name_th || ' ' || c.given_name_latin || ' ' || c.family_name_latin || ' ' || c.nickname || ' ' || coalesce((SELECT group_concat(value, ' ') FROM json_each(c.other_names)), '') || ' ' || coalesce(c.id_number, '') || ' ' || c.village || ' ' || coalesce((SELECT group_concat(k.case_number, ' ') FROM case_file k WHERE k.child_id = c.id), ''), char(3656), ''), char(3657), ''), char(3658), ''), char(3659), ''), char(3660), ''), '|eth:' || c.ethnicity || '| |sd:' || c.subdistrict_code || '| ' || coalesce((SELECT group_concat(CASE k.risk_level WHEN 'low' THEN '§rl' WHEN 'medium' THEN '§rm' WHEN 'high' THEN '§rh' WHEN 'critical' THEN '§rc' ELSE '' END || ' ' || CASE k.stage WHEN 'registration' THEN '§sr' WHEN 'assessment' THEN '§sa' WHEN 'case_plan' THEN '§sp' WHEN 'implementation' THEN '§si' WHEN 'review' THEN '§sv' WHEN 'closure' THEN '§sc' ELSE '' END, ' ') FROM case_file k WHERE k.child_id = c.id AND k.deleted_at IS NULL), '') FROM child c WHERE c.id = old.child_id) WHERE rowid = (SELECT id FROM search_row WHERE child_id = old.child_id); END",
)
INDEXES = (
    "CREATE INDEX search_case_recent ON case_file(opened_at, id, stage, risk_level, org_id, deleted_at, assigned_worker_id, case_manager_id, team)",
    "CREATE INDEX search_case_risk ON case_file(risk_level, opened_at, id, stage, org_id, deleted_at, assigned_worker_id, case_manager_id, team)",
    "CREATE INDEX search_case_child ON case_file(child_id, opened_at, id, stage, risk_level, org_id, deleted_at, assigned_worker_id, case_manager_id, team)",
    "CREATE INDEX search_task_open ON case_task(due_date, case_id) WHERE status = 'open' AND deleted_at IS NULL",
)
# Children already in the vault, in registration order (UUIDv7 ids sort by creation time);
# the indexes are filled afresh.
BACKFILL = (
    "INSERT OR IGNORE INTO search_row(child_id) SELECT id FROM child ORDER BY id",
    "DELETE FROM search_text",
    "INSERT INTO search_text(rowid, body, codes) SELECT r.id, replace(replace(replace(replace(replace(c.given_name_th || ' ' || c.family_name_th || ' ' || c.given_name_latin || ' ' || c.family_name_latin || ' ' || c.nickname || ' ' || coalesce((SELECT group_concat(value, ' ') FROM json_each(c.other_names)), '') || ' ' || coalesce(c.id_number, '') || ' ' || c.village || ' ' || coalesce((SELECT group_concat(k.case_number, ' ') FROM case_file k WHERE k.child_id = c.id), ''), char(3656), ''), char(3657), ''), char(3658), ''), char(3659), ''), char(3660), ''), '|eth:' || c.ethnicity || '| |sd:' || c.subdistrict_code || '| ' || coalesce((SELECT group_concat(CASE k.risk_level WHEN 'low' THEN '§rl' WHEN 'medium' THEN '§rm' WHEN 'high' THEN '§rh' WHEN 'critical' THEN '§rc' ELSE '' END || ' ' || CASE k.stage WHEN 'registration' THEN '§sr' WHEN 'assessment' THEN '§sa' WHEN 'case_plan' THEN '§sp' WHEN 'implementation' THEN '§si' WHEN 'review' THEN '§sv' WHEN 'closure' THEN '§sc' ELSE '' END, ' ') FROM case_file k WHERE k.child_id = c.id AND k.deleted_at IS NULL), '') FROM search_row r JOIN child c ON c.id = r.child_id",
    "DELETE FROM search_word",
    "INSERT INTO search_word(rowid, words) SELECT r.id, replace(replace(replace(replace(replace(c.given_name_th || ' ' || c.family_name_th || ' ' || c.given_name_latin || ' ' || c.family_name_latin || ' ' || c.nickname || ' ' || coalesce((SELECT group_concat(value, ' ') FROM json_each(c.other_names)), '') || ' ' || c.village || ' ' || coalesce(CASE WHEN substr(c.village, 1, 4) = 'บ้าน' THEN substr(c.village, 5) END, ''), char(3656), ''), char(3657), ''), char(3658), ''), char(3659), ''), char(3660), '') FROM search_row r JOIN child c ON c.id = r.child_id",
    "INSERT INTO search_text(search_text) VALUES ('optimize')",
    "INSERT INTO search_word(search_word) VALUES ('optimize')",
)
TRIGGERS = (
    "search_child_insert",
    "search_child_update",
    "search_child_delete",
    "search_case_insert",
    "search_case_update",
    "search_case_delete",
)
INDEX_NAMES = ("search_case_recent", "search_case_risk", "search_case_child", "search_task_open")
TABLES = ("search_word", "search_text", "search_row")


def _if_missing(statement: str) -> str:
    # Vaults made from a development build between the schema module and this revision
    # already have some of these objects; SQLite stores the DDL without the clause.
    for kind in ("TABLE", "VIRTUAL TABLE", "TRIGGER", "INDEX"):
        prefix = f"CREATE {kind} "
        if statement.startswith(prefix):
            return f"{prefix}IF NOT EXISTS {statement[len(prefix) :]}"
    return statement


def upgrade() -> None:
    for name in TRIGGERS:  # a development build may have made older versions of them
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for statement in (*CREATE, *INDEXES, *BACKFILL):
        op.execute(_if_missing(statement))


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for name in INDEX_NAMES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    for name in TABLES:
        op.execute(f"DROP TABLE IF EXISTS {name}")
