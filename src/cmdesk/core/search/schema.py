"""The search index: FTS5 tables inside the vault, kept current by triggers on the records.

Three objects, all named search_*:

    search_row   child id -> integer row number (FTS5 rows are numbered; a child's id is text,
                 and SQLite may renumber the hidden rowid of `child` on VACUUM)
    search_text  trigram index: substrings of 3+ characters anywhere in names, identity and
                 case numbers and the village (Thai needs no word boundaries for this), plus
                 `codes` for exact ethnicity and subdistrict filters
    search_word  word-prefix index for 1-2 character queries, which trigrams cannot answer

Triggers fire inside the very statement that changes a child or a case, whatever code path
writes it (services, bulk demo inserts, sync), so the index is never stale and never holds a
row its record no longer has. Thai tone marks are folded out on both sides (index and query):
workers leave them out or mistype them on phones, as the duplicate check also assumes.

Both FTS tables use FTS5 'secure-delete', so deleting a row removes its terms from the index
pages at once; with `PRAGMA secure_delete` the freed pages are zeroed (see index.forget_child).

Fresh vaults get these objects from an `after_create` hook on the model's metadata; existing
vaults from the migration that added them, which repeats this DDL verbatim (a test compares
the two). Alembic's autogenerate must not see them as stray tables: `include_name` below is
given to it.
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import Connection

TABLES: Final = ("search_row", "search_text", "search_word")
_FTS_SHADOWS: Final = ("_data", "_idx", "_content", "_docsize", "_config")
# Every table the index makes, shadow tables included (FTS5 makes those itself).
ALL_TABLES: Final = frozenset(
    {"search_row"} | {f"{t}{s}" for t in TABLES[1:] for s in ("", *_FTS_SHADOWS)}
)

# Thai tone marks and thanthakhat (U+0E48-U+0E4C): folded out of indexed and queried text.
FOLDED_CODEPOINTS: Final = tuple(range(0x0E48, 0x0E4D))


def fold(text: str) -> str:
    """What the index holds for `text` (the SQL expression `_fold` computes the same)."""
    return text.translate(dict.fromkeys(FOLDED_CODEPOINTS))


def _fold(expr: str) -> str:
    for cp in FOLDED_CODEPOINTS:
        expr = f"replace({expr}, char({cp}), '')"
    return expr


def _names(c: str) -> str:
    other = f"coalesce((SELECT group_concat(value, ' ') FROM json_each({c}.other_names)), '')"
    return (
        f"{c}.given_name_th || ' ' || {c}.family_name_th || ' ' || {c}.given_name_latin"
        f" || ' ' || {c}.family_name_latin || ' ' || {c}.nickname || ' ' || {other}"
    )


def body_sql(c: str) -> str:
    """The trigram text of child row `c`: names, identity number, village, case numbers."""
    cases = (
        "coalesce((SELECT group_concat(k.case_number, ' ') FROM case_file k"
        f" WHERE k.child_id = {c}.id), '')"
    )
    return _fold(
        f"{_names(c)} || ' ' || coalesce({c}.id_number, '') || ' ' || {c}.village || ' ' || {cases}"
    )


# Three-character tags for each case of a child, in `codes`: a trigram query for one of them is
# a single index term, so stage and risk filters narrow a text search inside FTS5 itself.
TAG_MARK: Final = "§"
RISK_TAGS: Final = {"low": "rl", "medium": "rm", "high": "rh", "critical": "rc"}
STAGE_TAGS: Final = {
    "registration": "sr",
    "assessment": "sa",
    "case_plan": "sp",
    "implementation": "si",
    "review": "sv",
    "closure": "sc",
}


def _tag_case(column: str, tags: dict[str, str]) -> str:
    whens = " ".join(f"WHEN '{code}' THEN '{TAG_MARK}{tag}'" for code, tag in tags.items())
    return f"CASE {column} {whens} ELSE '' END"


# Who may see a case, as tags: one for its assigned worker and one for its case manager (`§`
# and two hex digits of the user's id: its random tail), one for its team (`¤` and two hex
# digits of a checksum of the name). A field worker's or case manager's text search ANDs their
# own tags into the FTS query, so matches they cannot see are never read. Each tag is a single
# trigram, one index term (a longer tag is a phrase of common trigrams, slower than no tag at
# all: measured). Tags only narrow, and may collide: the records core's visibility rule
# (access.case_scope) still decides every candidate in SQL.
WORKER_MARK: Final = "§"  # risk and stage tags use letters r and s after it, never hex digits
TEAM_MARK: Final = "¤"


def worker_tag(user_id: str) -> str:
    return f"{WORKER_MARK}{user_id[-2:]}"


def team_tag(team: str) -> str:
    checksum = (len(team) * 7 + ord(team[0]) * 3 + ord(team[-1]) * 5) % 256
    return f"{TEAM_MARK}{checksum:02x}"


def _team_tag_sql(team: str) -> str:
    # team_tag in SQL: length() and unicode() count characters, as len() and ord() do.
    return (
        f"'{TEAM_MARK}' || printf('%02x', (length({team}) * 7 + unicode({team}) * 3"
        f" + unicode(substr({team}, -1)) * 5) % 256)"
    )


def _scope_tags(k: str) -> str:
    return (
        f"coalesce('{WORKER_MARK}' || substr({k}.assigned_worker_id, -2) || ' ', '')"
        f" || coalesce('{WORKER_MARK}' || substr({k}.case_manager_id, -2) || ' ', '')"
        f" || CASE WHEN {k}.team <> '' THEN {_team_tag_sql(k + '.team')} ELSE '' END"
    )


def codes_sql(c: str) -> str:
    """Exact-match codes of child row `c`, delimited so one never matches inside another: its
    ethnic group, subdistrict, and the stage, risk and scope tags of each of its live cases."""
    tags = (
        f"coalesce((SELECT group_concat({_tag_case('k.risk_level', RISK_TAGS)} || ' ' ||"
        f" {_tag_case('k.stage', STAGE_TAGS)} || ' ' || {_scope_tags('k')}, ' ') FROM case_file k"
        f" WHERE k.child_id = {c}.id AND k.deleted_at IS NULL), '')"
    )
    return f"'|eth:' || {c}.ethnicity || '| |sd:' || {c}.subdistrict_code || '| ' || {tags}"


def words_sql(c: str) -> str:
    """Words for prefix search: names, and the village also without its leading 'บ้าน'."""
    bare_village = f"CASE WHEN substr({c}.village, 1, 4) = 'บ้าน' THEN substr({c}.village, 5) END"
    return _fold(f"{_names(c)} || ' ' || {c}.village || ' ' || coalesce({bare_village}, '')")


_ROW_OF_NEW = "(SELECT id FROM search_row WHERE child_id = new.id)"
_ROW_OF_OLD = "(SELECT id FROM search_row WHERE child_id = old.id)"
# Columns whose change alters what the index holds for a child.
INDEXED_CHILD_COLUMNS: Final = (
    "given_name_th",
    "family_name_th",
    "given_name_latin",
    "family_name_latin",
    "nickname",
    "other_names",
    "id_number",
    "village",
    "ethnicity",
    "subdistrict_code",
)
# Columns of a case whose change alters what the index holds for its child.
INDEXED_CASE_COLUMNS: Final = (
    "case_number",
    "child_id",
    "stage",
    "risk_level",
    "deleted_at",
    "assigned_worker_id",
    "case_manager_id",
    "team",
)


def _refresh_from_case(ref: str) -> str:
    """Statements re-indexing the child a case row `ref` (new/old) points to."""
    row = f"(SELECT id FROM search_row WHERE child_id = {ref}.child_id)"
    return (
        f"UPDATE search_text SET (body, codes) = (SELECT {body_sql('c')}, {codes_sql('c')}"
        f" FROM child c WHERE c.id = {ref}.child_id) WHERE rowid = {row};"
    )


DDL: Final[tuple[str, ...]] = (
    "CREATE TABLE search_row (id INTEGER PRIMARY KEY, child_id VARCHAR(36) NOT NULL UNIQUE)",
    "CREATE VIRTUAL TABLE search_text USING fts5("
    "body, codes, tokenize = 'trigram remove_diacritics 1')",
    "INSERT INTO search_text(search_text, rank) VALUES ('secure-delete', 1)",
    "CREATE VIRTUAL TABLE search_word USING fts5("
    "words, tokenize = \"unicode61 remove_diacritics 2 categories 'L* N* M* Co'\","
    " prefix = '1 2', content = '', contentless_delete = 1)",
    "INSERT INTO search_word(search_word, rank) VALUES ('secure-delete', 1)",
    "CREATE TRIGGER search_child_insert AFTER INSERT ON child BEGIN"
    " INSERT OR IGNORE INTO search_row(child_id) VALUES (new.id);"
    f" INSERT INTO search_text(rowid, body, codes) VALUES"
    f" ({_ROW_OF_NEW}, {body_sql('new')}, {codes_sql('new')});"
    f" INSERT INTO search_word(rowid, words) VALUES ({_ROW_OF_NEW}, {words_sql('new')});"
    " END",
    f"CREATE TRIGGER search_child_update AFTER UPDATE OF {', '.join(INDEXED_CHILD_COLUMNS)}"
    " ON child BEGIN"
    f" UPDATE search_text SET body = {body_sql('new')}, codes = {codes_sql('new')}"
    f" WHERE rowid = {_ROW_OF_NEW};"
    f" DELETE FROM search_word WHERE rowid = {_ROW_OF_NEW};"
    f" INSERT INTO search_word(rowid, words) VALUES ({_ROW_OF_NEW}, {words_sql('new')});"
    " END",
    "CREATE TRIGGER search_child_delete AFTER DELETE ON child BEGIN"
    f" DELETE FROM search_text WHERE rowid = {_ROW_OF_OLD};"
    f" DELETE FROM search_word WHERE rowid = {_ROW_OF_OLD};"
    " DELETE FROM search_row WHERE child_id = old.id;"
    " END",
    f"CREATE TRIGGER search_case_insert AFTER INSERT ON case_file BEGIN"
    f" {_refresh_from_case('new')} END",
    f"CREATE TRIGGER search_case_update AFTER UPDATE OF {', '.join(INDEXED_CASE_COLUMNS)}"
    " ON case_file BEGIN"
    f" {_refresh_from_case('old')} {_refresh_from_case('new')} END",
    f"CREATE TRIGGER search_case_delete AFTER DELETE ON case_file BEGIN"
    f" {_refresh_from_case('old')} END",
)

# Covering indexes for the caseload: a page is read from the index alone, in order, without
# visiting the rows (on an encrypted vault every page visited is a page decrypted).
_SCOPE_COLUMNS = "org_id, deleted_at, assigned_worker_id, case_manager_id, team"
INDEXES: Final = (
    "CREATE INDEX search_case_recent ON case_file"
    f"(opened_at, id, stage, risk_level, {_SCOPE_COLUMNS})",
    "CREATE INDEX search_case_risk ON case_file"
    f"(risk_level, opened_at, id, stage, {_SCOPE_COLUMNS})",
    "CREATE INDEX search_case_child ON case_file"
    f"(child_id, opened_at, id, stage, risk_level, {_SCOPE_COLUMNS})",
    "CREATE INDEX search_task_open ON case_task(due_date, case_id)"
    " WHERE status = 'open' AND deleted_at IS NULL",
)

TRIGGERS: Final = (
    "search_child_insert",
    "search_child_update",
    "search_child_delete",
    "search_case_insert",
    "search_case_update",
    "search_case_delete",
)


def create(connection: Connection) -> None:
    """Creates the index objects (empty) on a schema that has the record tables."""
    for statement in (*DDL, *INDEXES):
        connection.exec_driver_sql(statement)


def rebuild(connection: Connection) -> None:
    """Indexes every child from scratch (after a bulk load with the triggers off, or to repair).

    Also drops terms of rows deleted long ago from the index pages ('optimize')."""
    connection.exec_driver_sql("DELETE FROM search_text")
    connection.exec_driver_sql("DELETE FROM search_word")
    connection.exec_driver_sql(
        "DELETE FROM search_row WHERE child_id NOT IN (SELECT id FROM child)"
    )
    connection.exec_driver_sql("INSERT OR IGNORE INTO search_row(child_id) SELECT id FROM child")
    connection.exec_driver_sql(
        f"INSERT INTO search_text(rowid, body, codes) SELECT r.id, {body_sql('c')},"
        f" {codes_sql('c')} FROM search_row r JOIN child c ON c.id = r.child_id"
    )
    connection.exec_driver_sql(
        f"INSERT INTO search_word(rowid, words) SELECT r.id, {words_sql('c')}"
        " FROM search_row r JOIN child c ON c.id = r.child_id"
    )
    optimize(connection)


def optimize(connection: Connection) -> None:
    """Merges each index into one segment, rewriting (and so freeing) every older page."""
    connection.exec_driver_sql("INSERT INTO search_text(search_text) VALUES ('optimize')")
    connection.exec_driver_sql("INSERT INTO search_word(search_word) VALUES ('optimize')")


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic `include_name` hook: the index is hand-written DDL, not part of the model."""
    if type_ == "table":
        return name not in ALL_TABLES
    if type_ == "index":
        return not (name or "").startswith("search_")
    return True
